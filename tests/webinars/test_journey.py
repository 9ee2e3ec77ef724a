"""The whole journey against the BBB simulator over real HTTP: schedule -> register (confirmation with a valid .ics)
-> reminders once -> presenter joins (meeting created) -> viewer waits, then joins -> attendance polled -> end
callback -> recording-ready callback -> recording listed for registrants -> attended -> one certificate."""

import datetime
from urllib.parse import parse_qsl, urlsplit

import jwt
import requests
from django.apps import apps
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from tests.factories import MembershipFactory, UserFactory
from tests.webinars.factories import WebinarFactory
from webinars import services
from webinars.models import AttendanceInterval, MeetingSession, Recording, Registration, Webinar, WebinarEvent


def test_schedule_register_remind_join_attend_record_and_certify(bbb, client, association, settings):
    presenter = UserFactory(display_name="Tom Presenter")
    viewer = UserFactory(display_name="Mia Viewer")
    start = (timezone.now() + datetime.timedelta(hours=2)).replace(microsecond=0)
    webinar = WebinarFactory(
        association=association,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
        presenters=[presenter],
        recording_visibility=Webinar.RecordingVisibility.REGISTRANTS,
    )

    # register through the page: a confirmation with a valid .ics
    client.force_login(viewer)
    assert client.post(reverse("webinars:register", args=[webinar.pk])).status_code == 302
    assert Registration.objects.get(webinar=webinar, user=viewer).status == Registration.Status.CONFIRMED
    (confirmation,) = mail.outbox
    (event,) = Calendar.from_ical(confirmation.attachments[0][1]).walk("VEVENT")
    assert event.decoded("dtstart") == start

    # reminders: each once, even when the beat task runs twice
    for now in (start - datetime.timedelta(hours=23), start - datetime.timedelta(minutes=50)):
        assert services.reminders_send(now=now) == 1
        assert services.reminders_send(now=now) == 0
    assert len(mail.outbox) == 3

    # the viewer is early: the meeting does not run yet, so the viewer waits
    assert services.webinar_join(webinar=webinar, user=viewer, now=start - datetime.timedelta(minutes=5)).waiting

    # the presenter joins: the meeting is created on BBB with our callbacks, the presenter as moderator
    joined = services.webinar_join(webinar=webinar, user=presenter, now=start - datetime.timedelta(minutes=10))
    assert joined.moderator and MeetingSession.objects.filter(webinar=webinar).count() == 1
    meeting = bbb.meetings[webinar.meeting_id]
    assert meeting.record and meeting.logout_url.endswith(webinar.get_absolute_url())
    assert meeting.metadata["bbb-recording-ready-url"].endswith(reverse("webinar_callbacks:recording_ready"))
    assert requests.get(joined.url, timeout=5).status_code == 200

    # the viewer's waiting page now learns the meeting runs, and the viewer joins with our user id
    assert client.get(reverse("webinars:status", args=[webinar.pk])).json() == {"running": True}
    viewer_join = services.webinar_join(webinar=webinar, user=viewer, now=start - datetime.timedelta(minutes=1))
    assert dict(parse_qsl(urlsplit(viewer_join.url).query))["userID"] == str(viewer.pk)
    assert requests.get(viewer_join.url, timeout=5).status_code == 200

    # attendance is polled while the meeting runs
    assert services.attendance_poll(webinar=webinar, now=start + datetime.timedelta(minutes=20)) == 2
    assert services.attendance_poll(webinar=webinar, now=start + datetime.timedelta(minutes=50)) == 2

    # the presenter ends the meeting; BBB calls the end callback, then the recording-ready callback
    services.bbb_client().end(webinar.meeting_id)
    fired = bbb.callbacks_fire()
    assert [(method, status) for method, _, status in fired] == [("GET", 200), ("POST", 200), ("POST", 200)]
    assert not AttendanceInterval.objects.filter(webinar=webinar, left_at__isnull=True).exists()
    # the third is BBB's analytics (joins and leaves per person): one more attendance source, merged with ours
    analytics = AttendanceInterval.objects.filter(webinar=webinar, source=AttendanceInterval.Source.ANALYTICS)
    assert sorted(analytics.values_list("user_id", flat=True)) == sorted([presenter.pk, viewer.pk])

    # the recording is listed for registrants, with both of its formats
    (recording,) = Recording.objects.filter(webinar=webinar)
    assert [f["type"] for f in recording.formats] == ["presentation", "video"]
    page = client.get(webinar.get_absolute_url()).content.decode()
    watch = reverse("webinars:recording_watch", args=[webinar.pk, recording.pk, 0])
    assert watch in page and recording.formats[0]["url"] not in page
    assert client.get(watch)["Location"] == recording.formats[0]["url"]

    # attended over the threshold (50 of 60 minutes), and exactly one certificate of attendance
    registration = Registration.objects.get(webinar=webinar, user=viewer)
    assert registration.attended and registration.attended_minutes == 50
    certificates = apps.get_model("certificates", "Certificate").objects.filter(recipient=viewer)
    assert certificates.count() == 1 and certificates.get().kind == "webinar"

    # a replayed end callback changes nothing
    end_url = fired[0][1]
    assert requests.get(end_url, timeout=5).status_code == 200
    assert WebinarEvent.objects.filter(webinar=webinar, action=WebinarEvent.Action.MEETING_ENDED).count() == 1
    assert certificates.count() == 1


def _past_members_only_webinar_with_a_recording(bbb, association, **fields):
    start = timezone.now() - datetime.timedelta(hours=3)
    webinar = WebinarFactory(
        association=association,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
        recording_visibility=Webinar.RecordingVisibility.MEMBERS,
        **fields,
    )
    bbb.recording_add(webinar.meeting_id)
    services.recordings_sync(webinar=webinar)
    return webinar, Recording.objects.get(webinar=webinar)


def test_a_members_only_recording_is_hidden_from_an_outsider(bbb, client, association, outsider):
    member = MembershipFactory(association=association).user
    webinar, recording = _past_members_only_webinar_with_a_recording(bbb, association)
    url = recording.formats[0]["url"]
    watch = reverse("webinars:recording_watch", args=[webinar.pk, recording.pk, 0])

    # anonymous and an outsider: neither the BBB address nor our watch link on the page; the watch link refuses
    page = client.get(webinar.get_absolute_url()).content.decode()
    assert url not in page and watch not in page
    refused = client.get(watch)
    assert refused.status_code == 403 and url not in refused.content.decode()
    client.force_login(outsider)
    page = client.get(webinar.get_absolute_url()).content.decode()
    assert url not in page and watch not in page
    refused = client.get(watch)
    assert refused.status_code == 403 and url not in refused.content.decode()
    assert "This recording is for current members of" in refused.content.decode()

    # a member: our watch link on the page (never BBB's address), and it redirects to the playback
    client.force_login(member)
    page = client.get(webinar.get_absolute_url()).content.decode()
    assert watch in page and url not in page
    allowed = client.get(watch)
    assert allowed.status_code == 302 and allowed["Location"] == url
    assert allowed["Cache-Control"] == "private, no-store"


def test_the_watch_link_refuses_unpublished_deleted_and_unknown_recordings_to_viewers(bbb, client, association):
    member = MembershipFactory(association=association).user
    presenter = UserFactory()
    webinar, recording = _past_members_only_webinar_with_a_recording(bbb, association, presenters=[presenter])
    Recording.objects.filter(pk=recording.pk).update(published=False)
    watch = reverse("webinars:recording_watch", args=[webinar.pk, recording.pk, 0])
    client.force_login(member)
    assert client.get(watch).status_code == 404  # unpublished: not there for a viewer
    client.force_login(presenter)
    assert client.get(watch).status_code == 302  # presenters watch before publishing
    assert client.get(reverse("webinars:recording_watch", args=[webinar.pk, recording.pk, 9])).status_code == 404
    other = WebinarFactory(association=association, presenters=[presenter])
    assert client.get(reverse("webinars:recording_watch", args=[other.pk, recording.pk, 0])).status_code == 404
    Recording.objects.filter(pk=recording.pk).update(deleted_at=timezone.now())
    assert client.get(watch).status_code == 404


def test_forged_and_unknown_recording_ready_callbacks_are_refused_and_change_nothing(bbb, association, settings):
    webinar = WebinarFactory(association=association)
    url = f"{settings.SITE_URL}{reverse('webinar_callbacks:recording_ready')}"
    forged = jwt.encode(
        {"meeting_id": webinar.meeting_id, "record_id": "x"},
        "a-forger-who-does-not-know-the-secret-0123456789abcdef0123456789abcdef",
        "HS256",
    )
    assert requests.post(url, data={"signed_parameters": forged}, timeout=5).status_code == 401
    assert requests.post(url, data={"signed_parameters": "garbage"}, timeout=5).status_code == 401
    unknown = jwt.encode({"meeting_id": "no-such-meeting", "record_id": "x"}, settings.BIGBLUEBUTTON_SECRET, "HS256")
    assert requests.post(url, data={"signed_parameters": unknown}, timeout=5).status_code == 410
    assert not Recording.objects.exists()


def test_a_replayed_recording_ready_callback_is_refused_and_queues_nothing(bbb, association, settings, monkeypatch):
    webinar = WebinarFactory(association=association)
    queued = []
    monkeypatch.setattr(services, "_queue_sync", queued.append)
    url = f"{settings.SITE_URL}{reverse('webinar_callbacks:recording_ready')}"
    secret = settings.BIGBLUEBUTTON_SECRET
    token = jwt.encode({"meeting_id": webinar.meeting_id, "record_id": "rec-1"}, secret, "HS256")
    assert requests.post(url, data={"signed_parameters": token}, timeout=5).status_code == 200
    replay = requests.post(url, data={"signed_parameters": token}, timeout=5)
    assert replay.status_code == 409
    assert replay.json() == {
        "error": "This recording-ready callback was already received; a replay is refused.",
        "code": "replayed",
    }
    assert queued == [webinar.pk]
    # another recording of the same meeting is a new token: accepted
    second = jwt.encode({"meeting_id": webinar.meeting_id, "record_id": "rec-2"}, secret, "HS256")
    assert requests.post(url, data={"signed_parameters": second}, timeout=5).status_code == 200
    assert queued == [webinar.pk, webinar.pk]


def test_an_end_callback_with_a_wrong_token_is_refused_and_changes_nothing(bbb, association, settings):
    webinar = WebinarFactory(association=association)
    MeetingSession.objects.create(webinar=webinar, internal_meeting_id="internal-1")
    other = WebinarFactory(association=association)
    forged = services.end_callback_token(other)  # a real token, of another meeting
    url = f"{settings.SITE_URL}{reverse('webinar_callbacks:end', args=[webinar.meeting_id, forged])}"
    assert requests.get(url, timeout=5).status_code == 404
    assert MeetingSession.objects.get(webinar=webinar).ended_at is None


def test_analytics_with_a_bad_token_or_for_an_unknown_meeting_are_refused(bbb, association, settings):
    webinar = WebinarFactory(association=association)
    url = f"{settings.SITE_URL}{reverse('webinar_callbacks:analytics')}"
    body = {"meeting_id": webinar.meeting_id, "data": {"attendees": []}}
    forged = jwt.encode(
        {"meeting_id": webinar.meeting_id},
        "a-forger-who-does-not-know-the-secret-0123456789abcdef0123456789abcdef",
        "HS512",
    )
    assert requests.post(url, json=body, headers={"Authorization": f"Bearer {forged}"}, timeout=5).status_code == 401
    assert requests.post(url, json=body, timeout=5).status_code == 401
    unknown = {"meeting_id": "no-such-meeting", "data": {}}
    token = jwt.encode({"meeting_id": "no-such-meeting"}, settings.BIGBLUEBUTTON_SECRET, "HS512")
    assert requests.post(url, json=unknown, headers={"Authorization": f"Bearer {token}"}, timeout=5).status_code == 410
    assert not AttendanceInterval.objects.exists()
