"""Presence at a meeting: the members attending its online meeting now (webinars' attendance), or, for a meeting
held without one, the chair's marks."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.refusals import Refusal
from tests.factories import MembershipFactory
from tests.voting.factories import open_poll, ruleset_create
from tests.webinars.factories import WebinarFactory
from voting import services
from voting.models import Meeting, Presence
from voting.presence import present_member_ids
from webinars import services as webinar_services
from webinars.models import AttendanceInterval, Webinar

pytestmark = pytest.mark.django_db


@pytest.fixture
def assembly(association):
    return WebinarFactory(association=association, kind=Webinar.Kind.GENERAL_ASSEMBLY, audience="members")


def test_a_member_attending_the_linked_meeting_counts_for_a_quorum_of_those_present_and_one_who_left_does_not(
    association, assembly, member, board_member, association_admin
):
    MembershipFactory(association=association)  # on the roll, never attends
    meeting = services.meeting_create(
        association=association, title="AGM", starts_at=timezone.now(), webinar=assembly, actor=association_admin
    )
    ruleset = ruleset_create(association, quorum_base="present", quorum_num=1, quorum_den=2)
    poll = open_poll(association, ruleset=ruleset, meeting=meeting)
    now = timezone.now()
    webinar_services.attendance_seen(
        webinar=assembly, user_ids=[member.pk, board_member.pk, association_admin.pk], now=now
    )
    AttendanceInterval.objects.filter(webinar=assembly, user=association_admin).update(left_at=now)
    services.vote_cast(poll_id=poll.pk, voter=member, choices=["yes"])

    assert present_member_ids(meeting) == {member.pk, board_member.pk}
    poll = services.poll_close(poll_id=poll.pk, actor=association_admin)

    # 1 ballot of 2 present meets a quorum of one half; had the officer who left been counted, 1 of 3 would not.
    assert (poll.present_heads, poll.result["outcome"]["result"]) == (2, "carried")


def test_presence_of_a_linked_meeting_is_not_marked_by_hand(association, assembly, member, association_admin):
    meeting = services.meeting_create(association=association, title="AGM", starts_at=timezone.now(), webinar=assembly)

    with pytest.raises(Refusal, match="held online") as error:
        services.presence_mark(meeting=meeting, member=member, present=True, actor=association_admin)

    assert error.value.code == "presence_recorded"
    assert not Presence.objects.exists()
    assert present_member_ids(meeting) == set()


def test_without_a_linked_meeting_the_chairs_marks_stay(association, assembly, member, association_admin):
    meeting = services.meeting_create(association=association, title="Board", starts_at=timezone.now())
    webinar_services.attendance_seen(webinar=assembly, user_ids=[association_admin.pk], now=timezone.now())

    services.presence_mark(meeting=meeting, member=member, present=True, actor=association_admin)

    assert present_member_ids(meeting) == {member.pk}


def test_only_the_associations_own_meetings_can_be_linked(association, other_association, association_admin):
    foreign = WebinarFactory(association=other_association, kind=Webinar.Kind.GENERAL_ASSEMBLY)
    plain_webinar = WebinarFactory(association=association, kind=Webinar.Kind.WEBINAR)

    for webinar in (foreign, plain_webinar):
        with pytest.raises(Refusal, match="own online meetings"):
            services.meeting_create(
                association=association, title="AGM", starts_at=timezone.now(), webinar=webinar, actor=association_admin
            )
    assert not Meeting.objects.exists()


def test_the_chair_links_a_meeting_from_the_form_which_offers_only_the_associations_meetings(
    client, association, other_association, assembly, association_admin
):
    foreign = WebinarFactory(association=other_association, kind=Webinar.Kind.GENERAL_ASSEMBLY)
    WebinarFactory(association=association, kind=Webinar.Kind.WEBINAR)
    client.force_login(association_admin)
    page = reverse("voting:meeting_new", args=[association.slug])

    offered = client.get(page).context["form"].fields["webinar"].queryset
    assert list(offered) == [assembly]
    refused = client.post(
        page, {"title": "AGM", "body": "general_assembly", "starts_at": "2030-05-01T10:00", "webinar": foreign.pk}
    )
    assert refused.status_code == 200 and not Meeting.objects.exists()
    client.post(
        page, {"title": "AGM", "body": "general_assembly", "starts_at": "2030-05-01T10:00", "webinar": assembly.pk}
    )
    assert Meeting.objects.get().webinar == assembly


def test_the_presence_page_of_a_linked_meeting_lists_attendees_and_offers_no_marking(
    client, association, assembly, member, association_admin
):
    meeting = services.meeting_create(association=association, title="AGM", starts_at=timezone.now(), webinar=assembly)
    poll = open_poll(association, meeting=meeting)
    webinar_services.attendance_seen(webinar=assembly, user_ids=[member.pk], now=timezone.now())
    client.force_login(association_admin)

    response = client.get(reverse("voting:poll_presence", args=[poll.pk]))

    assert response.status_code == 200
    assert (member, True) in response.context["people"]
    assert "Mark present" not in response.content.decode()
    refused = client.post(reverse("voting:poll_presence", args=[poll.pk]), {"member": member.pk, "present": "1"})
    assert refused.status_code in (302, 409)
    assert not Presence.objects.exists()
