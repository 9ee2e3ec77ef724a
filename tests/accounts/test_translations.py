"""accounts ships complete Russian: every message translated, and pages render in Russian under /ru/."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

PO_FILE = Path(settings.BASE_DIR) / "accounts" / "locale" / "ru" / "LC_MESSAGES" / "django.po"


def test_every_accounts_message_has_a_russian_translation():
    """No empty msgstr (apart from the header) and no fuzzy entries in accounts/locale/ru."""
    text = PO_FILE.read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]  # the first block is the header
    assert len(entries) > 100
    untranslated = [entry for entry in entries if re.search(r'^msgstr(\[\d\])? ""\n(?!")', entry + "\n", re.M)]
    assert untranslated == []
    assert "#, fuzzy" not in text


@pytest.fixture
def compiled():
    if not PO_FILE.with_suffix(".mo").exists():
        pytest.fail("accounts/locale/ru/LC_MESSAGES/django.mo is missing: run `make test` (it compiles messages)")


def ru(name, **kwargs):
    with translation.override("ru"):
        return reverse(name, kwargs=kwargs)


@pytest.mark.django_db
def test_member_pages_render_in_russian(client, compiled, association_admin, member):
    """Under /ru/ the roster's heading, statuses and plural caption are Russian."""
    client.force_login(association_admin)
    content = client.get(ru("accounts:member_list", slug="ela")).content.decode()
    assert "Члены ассоциации «Estonian Librarians Association»" in content
    assert "Действует" in content
    assert "Найдено 2 членства." in content


@pytest.mark.django_db
def test_csv_report_is_in_russian(client, compiled, association_admin):
    """The CSV problem report is translated too."""
    client.force_login(association_admin)
    upload = SimpleUploadedFile("members.csv", b"email,role\r\nbad,king\r\n", content_type="text/csv")
    response = client.post(ru("accounts:member_import", slug="ela"), {"file": upload})
    content = response.content.decode()
    assert "Ничего не импортировано" in content
    assert "«king» — не роль" in content


@pytest.mark.django_db
def test_login_page_renders_in_russian(client, compiled):
    """Our login template's own strings are translated."""
    content = client.get(ru("account_login")).content.decode()
    assert "<h1>Войти</h1>" in content
    assert "Впервые в LIS Commons?" in content
