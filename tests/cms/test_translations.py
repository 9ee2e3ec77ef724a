"""The Russian catalogues of the site chrome and the cms app translate every string."""

import re
from pathlib import Path

import pytest
from django.conf import settings

CATALOGUES = [
    settings.BASE_DIR / "locale" / "ru" / "LC_MESSAGES" / "django.po",
    settings.BASE_DIR / "cms" / "locale" / "ru" / "LC_MESSAGES" / "django.po",
]


def _entries(path: Path) -> list[str]:
    """The entries of a .po file after its header."""
    return path.read_text(encoding="utf-8").split("\n\n")[1:]


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: str(path.relative_to(settings.BASE_DIR)))
def test_every_message_has_a_russian_translation_and_none_is_fuzzy(path):
    untranslated = [
        entry
        for entry in _entries(path)
        if "#, fuzzy" in entry or re.search(r'^msgstr(\[\d\])? ""$(?!\n")', entry, re.M)
    ]

    assert _entries(path)
    assert untranslated == []
