"""Periodic work against the simulator: attendance polled while meetings run; a lost end callback caught by the
sweep; BBB down while syncing is retried later, not a crash."""

import datetime

import requests
from django.utils import timezone

from tests.factories import UserFactory
from tests.webinars.factories import WebinarFactory
from webinars import services, tasks
from webinars.models import AttendanceInterval, MeetingSession, Recording, Registration


def _running_meeting(association):
    presenter, viewer = UserFactory(), UserFactory()
    start = timezone.now() + datetime.timedelta(minutes=5)
    webinar = WebinarFactory(
        association=association, presenters=[presenter], starts_at=start, ends_at=start + datetime.timedelta(hours=1)
    )
    Registration.objects.create(webinar=webinar, user=viewer)
    for person in (presenter, viewer):
        requests.get(services.webinar_join(webinar=webinar, user=person).url, timeout=5)
    return webinar, presenter, viewer


def test_the_poll_task_records_who_is_in_each_running_meeting(bbb, association):
    _webinar, presenter, viewer = _running_meeting(association)
    AttendanceInterval.objects.all().delete()  # only what the poll sees
    assert tasks.attendance_poll_running() == 1
    assert set(AttendanceInterval.objects.values_list("user_id", flat=True)) == {presenter.pk, viewer.pk}


def test_a_lost_end_callback_is_caught_by_the_sweep(bbb, association):
    webinar, _presenter, _viewer = _running_meeting(association)
    services.bbb_client().end(webinar.meeting_id)
    bbb.pending.clear()  # the callbacks never arrive
    past = timezone.now() - datetime.timedelta(minutes=1)
    type(webinar).objects.filter(pk=webinar.pk).update(starts_at=past - datetime.timedelta(hours=1), ends_at=past)
    assert tasks.webinars_sweep() == 1
    assert MeetingSession.objects.get(webinar=webinar).ended_at is not None
    assert Recording.objects.filter(webinar=webinar).count() == 1
    assert not AttendanceInterval.objects.filter(left_at__isnull=True).exists()


def test_bbb_down_while_syncing_is_retried_by_the_sweep(bbb, association):
    webinar, _presenter, _viewer = _running_meeting(association)
    services.bbb_client().end(webinar.meeting_id)
    bbb.pending.clear()
    bbb.down = True
    assert services.meeting_ended(webinar=webinar) is True  # the sync it queues finds BBB down: no crash
    assert not Recording.objects.exists()
    bbb.down = False
    type(webinar).objects.filter(pk=webinar.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=2), ends_at=timezone.now() - datetime.timedelta(hours=1)
    )
    assert tasks.webinars_sweep() == 1
    assert Recording.objects.filter(webinar=webinar).count() == 1
