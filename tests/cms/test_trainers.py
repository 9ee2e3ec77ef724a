"""Trainers edit the track sections in the Wagtail admin and nothing that governs the site."""

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
    (h5p's migration; never library code), nothing else."""
    group = Group.objects.get(name=TRAINERS_GROUP)

    assert set(group.permissions.values_list("codename", flat=True)) == {
        "access_admin",
        "add_h5ppackage",
        "change_h5ppackage",
        "view_h5ppackage",
        "choose_h5ppackage",
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


def test_a_trainer_can_edit_and_publish_a_track_page_in_both_languages(client, trainer, site_pages):
    client.force_login(trainer)
    english = site_pages["tracks"][Track.MEDIA_LITERACY]
    russian = site_pages["tracks_ru"][Track.MEDIA_LITERACY]

    assert client.get(f"/admin/pages/{english.pk}/edit/").status_code == 200
    assert client.get(f"/admin/pages/{russian.pk}/edit/").status_code == 200
    permissions = english.permissions_for_user(trainer)
    assert permissions.can_edit()
    assert permissions.can_publish()
    assert permissions.can_add_subpage()


def test_a_trainer_publishes_a_change_to_a_track_page_through_the_admin(client, trainer, site_pages):
    """The edit form, posted back with a new introduction and body and "publish", goes live at once."""
    from wagtail.test.utils.form_data import nested_form_data, querydict_from_html, rich_text, streamfield

    client.force_login(trainer)
    page = site_pages["tracks_ru"][Track.ONLINE_GOVERNANCE]
    edit_url = f"/admin/pages/{page.pk}/edit/"
    data = querydict_from_html(client.get(edit_url).content.decode(), form_id="page-edit-form")
    data["intro"] = "Как провести общее собрание онлайн и не потерять кворум."
    data["action-publish"] = "action-publish"
    # The body editor is drawn by JavaScript, so its fields are not in the HTML: post them as the browser would.
    body = streamfield([("paragraph", rich_text("<p>Кворум проверяют до начала каждого голосования.</p>"))])
    data.update(nested_form_data({"body": body}))

    response = client.post(edit_url, data)

    assert response.status_code == 302
    page.refresh_from_db()
    assert page.intro == "Как провести общее собрание онлайн и не потерять кворум."
    html = client.get("/ru/online-governance/").content.decode()
    assert "не потерять кворум" in html
    assert "Кворум проверяют до начала каждого голосования." in html


def test_a_trainer_cannot_edit_pages_outside_the_tracks(client, trainer, site_pages):
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
    """Idempotent: a section already granted (by seed_demo) gains no duplicate permissions."""
    section = site_pages["tracks"][Track.FUTURE_LIS_SKILLS]
    before = GroupPagePermission.objects.count()

    assert trainers_grant_section(page=section) == 0
    assert GroupPagePermission.objects.count() == before
    assert set(
        GroupPagePermission.objects.filter(page=section, group__name=TRAINERS_GROUP).values_list(
            "permission__codename", flat=True
        )
    ) == {"add_page", "change_page", "publish_page"}


def test_granting_a_new_section_covers_its_translations(site_pages):
    about, about_ru = site_pages["about"], site_pages["about_ru"]

    assert trainers_grant_section(page=about) == 6
    assert GroupPagePermission.objects.filter(page=about_ru, group__name=TRAINERS_GROUP).count() == 3
