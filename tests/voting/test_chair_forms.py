"""The chair drafts rules versions, meetings and polls from forms; members and outsiders cannot."""

import pytest
from django.urls import reverse

from tests.voting.factories import ruleset_create
from voting.models import Meeting, Poll, RuleSet

pytestmark = pytest.mark.django_db

PAGES = ("poll_new", "ruleset_new", "meeting_new")


def test_anonymous_people_are_sent_to_log_in(client, association):
    for name in PAGES:
        response = client.get(reverse(f"voting:{name}", args=[association.slug]))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_a_member_gets_403_and_an_outsider_404_and_nothing_is_created(client, association, member, outsider):
    ruleset = ruleset_create(association)
    data = {
        "ruleset": ruleset.pk,
        "title": "Sneaky",
        "kind": "motion",
        "secrecy": "secret",
        "min_choices": 1,
        "max_choices": 1,
        "seats": 1,
    }
    for person, status in ((member, 403), (outsider, 404)):
        client.force_login(person)
        for name in PAGES:
            assert client.get(reverse(f"voting:{name}", args=[association.slug])).status_code == status
        assert client.post(reverse("voting:poll_new", args=[association.slug]), data).status_code == status
    assert not Poll.objects.exists()


def test_the_chair_writes_rules_a_meeting_and_an_election(client, association, association_admin):
    client.force_login(association_admin)
    assert "New poll" in client.get(reverse("voting:poll_list")).content.decode()

    client.post(
        reverse("voting:ruleset_new", args=[association.slug]),
        {
            "body": "general_assembly",
            "name": "Statutes",
            "quorum_base": "roll",
            "quorum_by": "head_or_weight",
            "quorum_num": 1,
            "quorum_den": 3,
            "majority": "absolute",
            "majority_base": "cast",
            "count_by": "weight",
            "tie": "new_ballot",
            "proxy_limit": 2,
            "proxy_kind": "free",
            "entitled_roles": ["member", "board"],
        },
    )
    ruleset = RuleSet.objects.get()
    assert (ruleset.version, ruleset.quorum_den, ruleset.entitled_roles) == (1, 3, ["member", "board"])
    client.post(
        reverse("voting:meeting_new", args=[association.slug]),
        {"title": "AGM", "body": "general_assembly", "starts_at": "2030-05-01T10:00"},
    )
    meeting = Meeting.objects.get()
    response = client.post(
        reverse("voting:poll_new", args=[association.slug]),
        {
            "ruleset": ruleset.pk,
            "meeting": meeting.pk,
            "title": "Elect two auditors",
            "kind": "election",
            "secrecy": "secret",
            "options": "Ann\nBoris\nCarl",
            "min_choices": 1,
            "max_choices": 2,
            "seats": 2,
        },
    )

    poll = Poll.objects.get()
    assert response["Location"] == poll.get_absolute_url()
    assert (poll.kind, poll.seats, poll.meeting, poll.ruleset) == ("election", 2, meeting, ruleset)
    assert list(poll.options.values_list("label", flat=True)) == ["Ann", "Boris", "Carl"]


def test_a_poll_the_service_refuses_comes_back_with_the_reason_on_the_form(client, association, association_admin):
    ruleset = ruleset_create(association)
    client.force_login(association_admin)

    response = client.post(
        reverse("voting:poll_new", args=[association.slug]),
        {
            "ruleset": ruleset.pk,
            "title": "Pick one",
            "kind": "single",
            "secrecy": "secret",
            "options": "Only one",
            "min_choices": 1,
            "max_choices": 1,
            "seats": 1,
        },
    )

    assert response.status_code == 200
    assert "at least two options" in response.content.decode()
    assert not Poll.objects.exists()
