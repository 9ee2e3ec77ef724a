"""Authoring webinars in the Wagtail admin: officers of an association (not in the Trainers group) author its
webinars and its recording retention, and nothing of another association; trainers author what they present."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import querydict_from_html

from accounts.roles import TRAINERS_GROUP
from tests.factories import UserFactory
from tests.webinars.factories import WebinarFactory
from webinars.models import RecordingPolicy, Webinar

LIST = "wagtailsnippets_webinars_webinar:list"
ADD = "wagtailsnippets_webinars_webinar:add"
EDIT = "wagtailsnippets_webinars_webinar:edit"
DELETE = "wagtailsnippets_webinars_webinar:delete"


@pytest.fixture
def ours(association):
    return WebinarFactory(association=association, title="Webinar of ours")


@pytest.fixture
def theirs(other_association):
    return WebinarFactory(association=other_association, title="Webinar of theirs")


def _form(client, url, **changes):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    data = querydict_from_html(response.content.decode(), form_id="w-editor-form")
    for name, value in changes.items():
        data[name] = str(value)
    return data


def _new_webinar_form(client, association, title):
    start = (timezone.now() + datetime.timedelta(days=9)).replace(second=0, microsecond=0)
    return _form(
        client,
        reverse(ADD),
        title=title,
        association=association.pk,
        starts_at=start.strftime("%Y-%m-%d %H:%M"),
        ends_at=(start + datetime.timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"),
    )


def _refused(response) -> bool:
    """Wagtail answers a refusal in its admin with a redirect (to sign in, or to the dashboard with a message)."""
    return response.status_code in (302, 403)


def test_anonymous_people_are_sent_to_sign_in(client, ours):
    for url in (reverse(LIST), reverse(ADD), reverse(EDIT, args=[ours.pk])):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("persona", ["member", "outsider", "learner"])
def test_people_who_are_neither_officers_nor_trainers_are_refused(client, ours, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert _refused(client.get(reverse("wagtailadmin_home")))
    for url in (reverse(LIST), reverse(ADD), reverse(EDIT, args=[ours.pk])):
        assert _refused(client.get(url))
    assert client.post(reverse(EDIT, args=[ours.pk]), {"title": "Changed"}).status_code in (302, 403)
    ours.refresh_from_db()
    assert ours.title == "Webinar of ours"


def test_an_officer_outside_the_trainers_group_authors_the_associations_webinars_only(
    client, board_member, association, ours, theirs
):
    assert not board_member.groups.filter(name=TRAINERS_GROUP).exists()
    client.force_login(board_member)
    assert client.get(reverse("wagtailadmin_home")).status_code == 200
    listing = client.get(reverse(LIST)).content.decode()
    assert ours.title in listing and theirs.title not in listing

    # creates a webinar hosted by their association (the only host offered)
    data = _new_webinar_form(client, association, "Board briefing")
    response = client.post(reverse(ADD), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    created = Webinar.objects.get(title="Board briefing")
    assert created.association == association and created.revisions.count() == 1

    # naming another association as host is refused by the form
    data["title"], data["association"] = "Not ours", str(theirs.association_id)
    assert client.post(reverse(ADD), data).status_code == 200
    assert not Webinar.objects.filter(title="Not ours").exists()

    # edits their own association's webinar
    edit = _form(client, reverse(EDIT, args=[ours.pk]), title="Our webinar, renamed")
    assert client.post(reverse(EDIT, args=[ours.pk]), edit).status_code == 302
    ours.refresh_from_db()
    assert ours.title == "Our webinar, renamed"

    # another association's webinar: refused even by its URL, and unchanged
    assert _refused(client.get(reverse(EDIT, args=[theirs.pk])))
    assert _refused(client.post(reverse(EDIT, args=[theirs.pk]), edit))
    assert _refused(client.post(reverse(DELETE, args=[theirs.pk])))
    theirs.refresh_from_db()
    assert theirs.title == "Webinar of theirs"


def test_a_lapsed_officer_is_refused(client, board_member, ours):
    board_member.memberships.update(valid_until=timezone.localdate() - datetime.timedelta(days=1))
    client.force_login(board_member)
    assert _refused(client.get(reverse(LIST)))
    assert _refused(client.get(reverse(EDIT, args=[ours.pk])))


def test_a_trainer_authors_the_webinars_they_present_only(client, ours, theirs):
    trainer = UserFactory()
    trainer.groups.add(Group.objects.get_or_create(name=TRAINERS_GROUP)[0])
    ours.presenters.add(trainer)
    client.force_login(trainer)
    listing = client.get(reverse(LIST)).content.decode()
    assert ours.title in listing and theirs.title not in listing
    assert client.get(reverse(EDIT, args=[ours.pk])).status_code == 200
    assert _refused(client.get(reverse(EDIT, args=[theirs.pk])))


def test_an_officer_sets_their_associations_recording_retention_only(
    client, board_member, association, other_association
):
    ours = RecordingPolicy.objects.create(association=association, retention_days=30)
    theirs = RecordingPolicy.objects.create(association=other_association, retention_days=90)
    client.force_login(board_member)
    listing = client.get(reverse("wagtailsnippets_webinars_recordingpolicy:list")).content.decode()
    assert reverse("wagtailsnippets_webinars_recordingpolicy:edit", args=[ours.pk]) in listing
    assert reverse("wagtailsnippets_webinars_recordingpolicy:edit", args=[theirs.pk]) not in listing
    url = reverse("wagtailsnippets_webinars_recordingpolicy:edit", args=[ours.pk])
    assert client.post(url, _form(client, url, retention_days=60)).status_code == 302
    assert _refused(client.get(reverse("wagtailsnippets_webinars_recordingpolicy:edit", args=[theirs.pk])))
    ours.refresh_from_db(), theirs.refresh_from_db()
    assert (ours.retention_days, theirs.retention_days) == (60, 90)


PREVIEW_EDIT = "wagtailsnippets_webinars_webinar:preview_on_edit"
PREVIEW_ADD = "wagtailsnippets_webinars_webinar:preview_on_add"


def test_an_officer_previews_the_real_webinar_page_before_saving(client, board_member, association, ours, theirs):
    client.force_login(board_member)
    data = _form(client, reverse(EDIT, args=[ours.pk]), title="A title not saved yet")
    assert client.post(reverse(PREVIEW_EDIT, args=[ours.pk]), data).json()["is_valid"] is True
    preview = client.get(reverse(PREVIEW_EDIT, args=[ours.pk]))
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "A title not saved yet" in page and "Take part" in page and "Sign in to register" in page
    ours.refresh_from_db()
    assert ours.title == "Webinar of ours"  # a preview saves nothing

    # a webinar not saved yet previews too
    new = _new_webinar_form(client, association, "Brand new webinar")
    assert client.post(reverse(PREVIEW_ADD), new).json()["is_valid"] is True
    assert "Brand new webinar" in client.get(reverse(PREVIEW_ADD)).content.decode()
    assert not Webinar.objects.filter(title="Brand new webinar").exists()

    # another association's webinar: no preview
    assert _refused(client.post(reverse(PREVIEW_EDIT, args=[theirs.pk]), data))
    assert _refused(client.get(reverse(PREVIEW_EDIT, args=[theirs.pk])))


def test_preview_is_refused_to_anonymous_and_to_people_without_the_role(client, member, ours):
    url = reverse(PREVIEW_EDIT, args=[ours.pk])
    response = client.get(url)
    assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(member)
    assert _refused(client.get(url))
