"""Fixtures for the site pages: the demo site built once per module and rolled back afterwards."""

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from wagtail.models import Locale

from cms.models import HomePage, StandardPage, TrackPage

# The same fast hasher tests/conftest.py sets per test (module fixtures run before it applies).
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker):
    """``seed_demo`` run once for the module, inside a transaction that is rolled back at the end.

    Each test still runs in its own savepoint (the ``db`` fixture), so tests cannot see each other's writes.
    """
    with django_db_blocker.unblock(), transaction.atomic(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        call_command("seed_demo", stdout=_Discard())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def site_pages(demo_site, db):
    """The demo pages by name, English and Russian."""
    russian = Locale.objects.get(language_code="ru")
    home = HomePage.objects.get(depth=2, locale__language_code="en")
    tracks = {track.track: track for track in TrackPage.objects.child_of(home)}
    about = StandardPage.objects.child_of(home).get(slug="about")
    return {
        "home": home,
        "home_ru": home.get_translation(russian),
        "tracks": tracks,
        "tracks_ru": {code: page.get_translation(russian).specific for code, page in tracks.items()},
        "about": about,
        "about_ru": about.get_translation(russian),
    }


class _Discard:
    def write(self, *_args, **_kwargs):
        pass

    def flush(self):
        pass
