"""Attendance arithmetic (pure) and its consequences: minutes over all sessions, attended, one certificate."""

import datetime

import pytest
from django.apps import apps
from django.utils import timezone

from certificates.services import CertificateKind
from tests.factories import UserFactory
from tests.webinars.factories import WebinarFactory
from webinars import attendance, selectors, services
from webinars.models import AttendanceInterval, Registration

T0 = datetime.datetime(2026, 3, 1, 10, 0, tzinfo=datetime.UTC)


def _at(minutes):
    return T0 + datetime.timedelta(minutes=minutes)


def test_minutes_are_summed_over_every_session_of_a_person():
    intervals = [("ann", _at(0), _at(20)), ("ann", _at(30), _at(55)), ("bob", _at(5), _at(10))]
    assert attendance.minutes_by_person(intervals, window_start=_at(0), window_end=_at(60)) == {"ann": 45, "bob": 5}


def test_overlapping_intervals_of_one_person_count_once():
    intervals = [("ann", _at(0), _at(30)), ("ann", _at(10), _at(40)), ("ann", _at(40), _at(50))]
    assert attendance.minutes_by_person(intervals, window_start=_at(0), window_end=_at(60)) == {"ann": 50}


def test_time_outside_the_scheduled_window_does_not_count():
    intervals = [("ann", _at(-30), _at(10)), ("ann", _at(50), _at(90))]
    assert attendance.minutes_by_person(intervals, window_start=_at(0), window_end=_at(60)) == {"ann": 20}


@pytest.mark.parametrize(("minutes", "expected"), [(44, False), (45, True), (60, True), (0, False)])
def test_attended_means_at_least_the_threshold_share_of_the_scheduled_time(minutes, expected):
    assert attendance.attended(minutes, scheduled_minutes=60, threshold_percent=75) is expected


def _interval(webinar, user, start, end):
    return AttendanceInterval.objects.create(
        webinar=webinar, user=user, joined_at=start, last_seen_at=end, left_at=end, source="poll"
    )


def test_finalising_marks_attendees_and_issues_one_certificate_of_attendance_each(association, learner):
    start = timezone.now() - datetime.timedelta(hours=2)
    webinar = WebinarFactory(association=association, starts_at=start, ends_at=start + datetime.timedelta(hours=1))
    late = UserFactory()
    for person in (learner, late):
        Registration.objects.create(webinar=webinar, user=person)
    _interval(webinar, learner, start, start + datetime.timedelta(minutes=30))
    _interval(webinar, learner, start + datetime.timedelta(minutes=35), start + datetime.timedelta(minutes=55))
    _interval(webinar, late, start + datetime.timedelta(minutes=40), start + datetime.timedelta(minutes=60))
    assert services.attendance_finalise(webinar=webinar) == [learner.pk]
    assert services.attendance_finalise(webinar=webinar) == [learner.pk]  # idempotent
    learner_registration = Registration.objects.get(user=learner)
    assert (learner_registration.attended_minutes, learner_registration.attended) == (50, True)
    assert Registration.objects.get(user=late).attended is False
    certificate_model = apps.get_model("certificates", "Certificate")
    issued = certificate_model.objects.filter(recipient=learner)
    assert issued.count() == 1
    assert issued.get().kind == CertificateKind.WEBINAR and issued.get().achievement_title == webinar.title
    assert not certificate_model.objects.filter(recipient=late).exists()


def test_a_general_assembly_records_attendance_but_issues_no_certificate(association, member):
    start = timezone.now() - datetime.timedelta(hours=2)
    meeting = WebinarFactory(
        association=association, kind="general-assembly", starts_at=start, ends_at=start + datetime.timedelta(hours=1)
    )
    Registration.objects.create(webinar=meeting, user=member)
    _interval(meeting, member, start, start + datetime.timedelta(minutes=60))
    assert services.attendance_finalise(webinar=meeting) == [member.pk]
    assert not apps.get_model("certificates", "Certificate").objects.exists()


def test_present_members_are_the_association_members_in_the_meeting_now(association, member, board_member, outsider):
    meeting = WebinarFactory(association=association, kind="general-assembly")
    now = timezone.now()
    services.attendance_seen(webinar=meeting, user_ids=[member.pk, outsider.pk, board_member.pk], now=now)
    AttendanceInterval.objects.filter(user=board_member).update(left_at=now)
    assert selectors.present_members(webinar=meeting) == {member.pk}


def test_present_members_is_empty_before_anyone_joins_and_after_everyone_left(association, member):
    meeting = WebinarFactory(association=association, kind="general-assembly")
    assert selectors.present_members(webinar=meeting) == set()
    now = timezone.now()
    services.attendance_seen(webinar=meeting, user_ids=[member.pk], now=now)
    assert selectors.present_members(webinar=meeting) == {member.pk}
    AttendanceInterval.objects.filter(user=member).update(left_at=now)
    assert selectors.present_members(webinar=meeting) == set()


def test_present_members_counts_a_member_in_another_meeting_only_there(association, member):
    meeting = WebinarFactory(association=association, kind="general-assembly")
    other = WebinarFactory(association=association, kind="board-meeting")
    services.attendance_seen(webinar=other, user_ids=[member.pk], now=timezone.now())
    assert selectors.present_members(webinar=meeting) == set()
    assert selectors.present_members(webinar=other) == {member.pk}


def test_association_meetings_lists_the_meetings_of_that_association_only_latest_first(association, other_association):
    now = timezone.now()
    assembly = WebinarFactory(association=association, kind="general-assembly", starts_at=now)
    board = WebinarFactory(association=association, kind="board-meeting", starts_at=now + datetime.timedelta(days=3))
    WebinarFactory(association=association, kind="webinar")
    WebinarFactory(association=other_association, kind="general-assembly")
    meetings = selectors.association_meetings(association=association)
    assert list(meetings) == [board, assembly]
    assert list(meetings.filter(starts_at__gte=now + datetime.timedelta(days=1))) == [board]  # still a QuerySet
