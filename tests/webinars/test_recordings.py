"""Presenters publish, unpublish and delete recordings on BBB; the retention period deletes old ones; audit rows."""

import datetime

from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory
from tests.webinars.factories import WebinarFactory
from webinars import services, tasks
from webinars.models import Recording, RecordingPolicy, WebinarEvent


def _synced(bbb, webinar):
    bbb.recording_add(webinar.meeting_id)
    services.recordings_sync(webinar=webinar)
    return Recording.objects.get(webinar=webinar)


def test_a_presenter_unpublishes_publishes_and_deletes_a_recording_with_audit_rows(bbb, client, association):
    presenter = UserFactory()
    webinar = WebinarFactory(association=association, presenters=[presenter])
    recording = _synced(bbb, webinar)
    url = reverse("webinars:recording", args=[webinar.pk, recording.pk])
    client.force_login(presenter)
    client.post(url, {"action": "unpublish"})
    assert bbb.recordings[recording.record_id].published is False
    assert Recording.objects.get().published is False
    client.post(url, {"action": "publish"})
    assert bbb.recordings[recording.record_id].published is True
    client.post(url, {"action": "delete"})
    assert bbb.recordings[recording.record_id].deleted is True
    assert Recording.objects.get().deleted_at is not None
    assert list(WebinarEvent.objects.values_list("action", "actor")) == [
        ("recording-unpublished", presenter.pk),
        ("recording-published", presenter.pk),
        ("recording-deleted", presenter.pk),
    ]


def test_the_retention_task_deletes_recordings_older_than_the_associations_period(bbb, association):
    webinar = WebinarFactory(association=association)
    old = _synced(bbb, webinar)
    Recording.objects.filter(pk=old.pk).update(ended_at=timezone.now() - datetime.timedelta(days=40))
    fresh = Recording.objects.create(webinar=webinar, record_id="fresh-1", ended_at=timezone.now())
    assert tasks.recordings_expire() == 0  # no policy: kept forever
    RecordingPolicy.objects.create(association=association, retention_days=30)
    assert tasks.recordings_expire() == 1
    assert tasks.recordings_expire() == 0
    assert bbb.recordings[old.record_id].deleted is True
    assert Recording.objects.get(pk=fresh.pk).deleted_at is None
    (event,) = WebinarEvent.objects.all()
    assert event.action == "recording-deleted" and event.actor is None and "retention 30 days" in event.note
