"""Minutes of a meeting as JSON and PDF: agenda, presence, roll, proxies, results with their rules, chain heads."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.voting.factories import poll_create
from voting import services
from voting.models import Poll

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(association, member, board_member, association_admin):
    meeting = services.meeting_create(
        association=association, title="Annual general meeting", starts_at=timezone.now() + timezone.timedelta(hours=1)
    )
    motion = poll_create(association, meeting=meeting, title="Adopt the accounts")
    services.proxy_grant(grantor=member, holder=board_member, poll=motion)
    election = poll_create(
        association,
        meeting=meeting,
        title="Elect the treasurer",
        kind=Poll.Kind.ELECTION,
        options=["Ann", "Boris"],
        secrecy=Poll.Secrecy.NAMED,
    )
    services.presence_mark(meeting=meeting, member=board_member, present=True, actor=association_admin)
    for poll in (motion, election):
        services.poll_open(poll_id=poll.pk)
    services.vote_cast(poll_id=motion.pk, voter=board_member, member=member, choices=["yes"])
    services.vote_cast(poll_id=election.pk, voter=board_member, choices=["o2"])
    for poll in (motion, election):
        services.poll_close(poll_id=poll.pk)
    return meeting


def test_the_minutes_hold_the_agenda_presence_proxies_results_with_rules_and_chain_heads(
    client, meeting, member, board_member
):
    client.force_login(member)

    data = json.loads(client.get(reverse("voting:meeting_minutes", args=[meeting.pk, "json"])).content)

    assert data["meeting"]["title"] == "Annual general meeting"
    assert data["present"] == [str(board_member)]
    motion, election = data["polls"]
    assert [motion["title"], election["title"]] == ["Adopt the accounts", "Elect the treasurer"]
    assert motion["proxies"][0]["member"] == str(member)
    assert motion["result"]["outcome"] == "carried"
    assert any(line.startswith("Majority") for line in motion["result"]["rules_cited"])
    assert motion["roll"]["hash"] == Poll.objects.get(title="Adopt the accounts").roll_hash
    assert motion["audit"]["verified"] and len(motion["audit"]["head"]) == 64
    assert motion["named_votes"] == []
    assert election["result"]["winners"] == ["Boris"]
    assert election["named_votes"][0]["choices"] == ["Boris"]


def test_the_minutes_come_as_a_pdf(client, meeting, member):
    client.force_login(member)

    response = client.get(reverse("voting:meeting_minutes", args=[meeting.pk, "pdf"]))

    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_minutes_are_for_members_only(client, meeting, outsider):
    url = reverse("voting:meeting_minutes", args=[meeting.pk, "json"])
    poll_url = reverse("voting:poll_minutes", args=[meeting.polls.first().pk, "json"])

    assert client.get(url).status_code == 302
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.get(poll_url).status_code == 404
