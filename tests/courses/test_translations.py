"""The Russian catalogue of the courses app translates every string; pages of courses speak Russian."""

import re

from django.conf import settings

CATALOGUE = settings.BASE_DIR / "courses" / "locale" / "ru" / "LC_MESSAGES" / "django.po"


def test_every_courses_message_has_a_russian_translation_and_none_is_fuzzy():
    entries = CATALOGUE.read_text(encoding="utf-8").split("\n\n")[1:]
    untranslated = [
        entry for entry in entries if "#, fuzzy" in entry or re.search(r'^msgstr(\[\d\])? ""$(?!\n")', entry, re.M)
    ]
    assert len(entries) > 200
    assert untranslated == []
