"""Site administrators edit navigation and the translatable footer in the Wagtail admin; trainers may not."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import Site

from cms.services import TRAINERS_GROUP
from tests.factories import UserFactory


@pytest.fixture
def site_admin(site_pages):
    user = UserFactory(email="sam.superuser@example.org")
    user.is_superuser = user.is_staff = True
    user.save(update_fields=["is_superuser", "is_staff"])
    return user


def test_a_site_administrator_edits_navigation_and_footer_texts(client, site_admin):
    client.force_login(site_admin)
    site = Site.objects.get()

    assert client.get(f"/admin/settings/cms/navigationsettings/{site.pk}/").status_code == 200
    listing = client.get("/admin/snippets/cms/footertext/")
    assert listing.status_code == 200
    assert "Footer text (English)" in listing.content.decode()


def test_a_trainer_cannot_edit_the_footer_text(client, site_pages):
    trainer = UserFactory(email="tina.trainer@example.org")
    trainer.groups.add(Group.objects.get(name=TRAINERS_GROUP))
    client.force_login(trainer)

    response = client.get("/admin/snippets/cms/footertext/")

    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_tracks_take_standard_pages_but_not_other_tracks(site_pages):
    """Tracks sit under the home page; their children declare TrackPage as a parent."""
    from cms.models import HomePage, StandardPage, TrackPage

    assert set(HomePage.creatable_subpage_models()) >= {StandardPage, TrackPage}
    assert StandardPage in TrackPage.creatable_subpage_models()
    assert TrackPage not in TrackPage.creatable_subpage_models()
