"""Trainers author in the course catalogue in the Wagtail admin and touch nothing else: no track, home or
standard page, no settings, no users (their own courses: tests/courses/test_trainer_ownership.py)."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import GroupCollectionPermission, GroupPagePermission

from cms.services import TRAINERS_GROUP, trainers_grant_section
from cms.tracks import Track


@pytest.fixture
def trainer(site_pages):
    from tests.factories import UserFactory

    user = UserFactory(email="tom.trainer@example.org")
    user.groups.add(Group.objects.get(name=TRAINERS_GROUP))
    return user


def test_the_trainers_group_has_admin_access_and_media_rights_but_no_settings_or_users(db):
    """The data migrations' group: admin access, image and document add/change/choose, H5P content packages
    (h5p's migration; never library code), Wagtail's "Translate" action (courses' migration: the page's tester
    still decides which pages), nothing else."""
    group = Group.objects.get(name=TRAINERS_GROUP)

    assert set(group.permissions.values_list("codename", flat=True)) == {
        "access_admin",
        "add_h5ppackage",
        "change_h5ppackage",
        "view_h5ppackage",
        "choose_h5ppackage",
        "submit_translation",
    }
    collection_codenames = set(
        GroupCollectionPermission.objects.filter(group=group).values_list("permission__codename", flat=True)
    )
    assert collection_codenames == {
        "add_image",
        "change_image",
        "choose_image",
        "add_document",
        "change_document",
        "choose_document",
    }


def test_a_trainer_can_open_the_wagtail_admin(client, trainer):
    client.force_login(trainer)

    assert client.get("/admin/").status_code == 200


def test_a_trainer_cannot_open_or_publish_a_track_page_in_either_language(client, trainer, site_pages):
    """Track pages are the site administrators': the Trainers group holds no right on them."""
    client.force_login(trainer)
    english = site_pages["tracks"][Track.MEDIA_LITERACY]
    russian = site_pages["tracks_ru"][Track.MEDIA_LITERACY]

    for page in (english, russian):
        assert client.get(f"/admin/pages/{page.pk}/edit/").status_code in (302, 403)
        permissions = page.permissions_for_user(trainer)
        assert not permissions.can_edit()
        assert not permissions.can_publish()
        assert not permissions.can_add_subpage()


def test_a_trainer_posting_a_change_to_a_track_page_is_refused_and_nothing_changes(client, trainer, site_pages):
    """The refusal is on the server: a forged POST to the edit URL neither saves nor publishes."""
    page = site_pages["tracks_ru"][Track.ONLINE_GOVERNANCE]
    before = (page.intro, page.latest_revision_id, page.live_revision_id)
    client.force_login(trainer)

    response = client.post(
        f"/admin/pages/{page.pk}/edit/",
        {"title": page.title, "slug": page.slug, "intro": "Taken over", "action-publish": "action-publish"},
    )

    assert response.status_code in (302, 403)
    page.refresh_from_db()
    assert (page.intro, page.latest_revision_id, page.live_revision_id) == before
    for action in ("delete", "unpublish"):
        assert client.post(f"/admin/pages/{page.pk}/{action}/").status_code in (302, 403)
    page.refresh_from_db()
    assert page.live


def test_a_trainer_cannot_edit_the_sites_standard_pages(client, trainer, site_pages):
    client.force_login(trainer)

    response = client.get(f"/admin/pages/{site_pages['about'].pk}/edit/")

    assert response.status_code in (302, 403)
    assert not site_pages["about"].permissions_for_user(trainer).can_edit()


@pytest.mark.parametrize("url", ["/admin/settings/cms/navigationsettings/", "/admin/users/", "/admin/groups/"])
def test_a_trainer_is_refused_site_settings_and_user_management(client, trainer, url):
    """Refused: Wagtail sends people without the permission back to the dashboard (or answers 403)."""
    client.force_login(trainer)

    response = client.get(url, follow=False)

    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response["Location"] == "/admin/"


def test_a_learner_without_admin_access_is_sent_to_the_admin_login(client, learner):
    client.force_login(learner)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_anonymous_visitors_are_sent_to_the_admin_login(client, db):
    response = client.get("/admin/pages/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_granting_a_section_twice_adds_nothing_the_second_time(site_pages):
    """Idempotent: the catalogue, already granted by seed_demo, gains no duplicate permissions."""
    from courses.models import CourseIndexPage

    catalogue = CourseIndexPage.objects.get(locale__language_code="en")
    before = GroupPagePermission.objects.count()

    assert trainers_grant_section(page=catalogue) == 0
    assert GroupPagePermission.objects.count() == before
    assert set(
        GroupPagePermission.objects.filter(page=catalogue, group__name=TRAINERS_GROUP).values_list(
            "permission__codename", flat=True
        )
    ) == {"add_page", "change_page", "publish_page"}


def test_the_trainers_group_holds_page_rights_on_the_course_catalogues_only(site_pages):
    from courses.models import CourseIndexPage

    granted = set(GroupPagePermission.objects.filter(group__name=TRAINERS_GROUP).values_list("page_id", flat=True))

    assert granted == set(CourseIndexPage.objects.values_list("pk", flat=True))
    assert len(granted) == 2  # English and Russian


def test_granting_a_new_section_covers_its_translations(site_pages):
    about, about_ru = site_pages["about"], site_pages["about_ru"]

    assert trainers_grant_section(page=about) == 6
    assert GroupPagePermission.objects.filter(page=about_ru, group__name=TRAINERS_GROUP).count() == 3
