"""Our client against the BBB simulator over real HTTP on loopback: the API as BBB speaks it."""

import datetime
import time
from urllib.parse import parse_qsl, urlsplit

import jwt
import pytest
import requests
from django.utils import timezone

from tests.factories import AssociationFactory, UserFactory
from tests.webinars.factories import WebinarFactory
from webinars import bigbluebutton as api
from webinars import services
from webinars.models import MeetingSession, Recording


def _client(settings, algorithm="sha256"):
    return api.BigBlueButton(
        url=settings.BIGBLUEBUTTON_URL, secret=settings.BIGBLUEBUTTON_SECRET, algorithm=algorithm, timeout=5
    )


@pytest.mark.parametrize("algorithm", ["sha1", "sha256", "sha384", "sha512"])
def test_the_simulator_accepts_every_algorithm_by_checksum_length(bbb, settings, algorithm):
    client = _client(settings, algorithm)
    answer = client.create(meeting_id="m-algo", name="Algorithms")
    assert answer["meetingID"] == "m-algo"
    assert client.is_meeting_running("m-algo") is False


def test_a_wrong_secret_is_a_checksum_error(bbb, settings):
    wrong = api.BigBlueButton(url=settings.BIGBLUEBUTTON_URL, secret="not-the-secret")
    with pytest.raises(api.ChecksumError):
        wrong.is_meeting_running("m")


def test_a_checksum_in_upper_case_is_accepted(bbb, settings):
    url = _client(settings).api_url("isMeetingRunning", [("meetingID", "m")])
    head, digest = url.rsplit("checksum=", 1)
    assert "<running>false</running>" in requests.get(f"{head}checksum={digest.upper()}", timeout=5).text


def test_create_is_idempotent_and_a_repeat_is_a_duplicate_warning(bbb, settings):
    client = _client(settings)
    first = client.create(meeting_id="m-1", name="Webinar", attendee_pw="ap", moderator_pw="mp")
    second = client.create(meeting_id="m-1", name="Webinar", attendee_pw="ap", moderator_pw="mp")
    assert "messageKey" not in first
    assert second["messageKey"] == "duplicateWarning"
    assert first["internalMeetingID"] == second["internalMeetingID"]
    assert len(bbb.meetings) == 1


def test_join_redirects_into_the_meeting_page_and_the_meeting_runs_with_its_attendees(bbb, settings):
    client = _client(settings)
    client.create(meeting_id="m-2", name="Cataloguing today")
    assert client.is_meeting_running("m-2") is False
    join = client.join_url(meeting_id="m-2", full_name="Tom Trainer", role="MODERATOR", user_id="7")
    response = requests.get(join, allow_redirects=False, timeout=5)
    assert response.status_code == 302
    page = requests.get(response.headers["Location"], timeout=5)
    assert "Cataloguing today" in page.text and "recorded" in page.text
    requests.get(client.join_url(meeting_id="m-2", full_name="Mia", user_id="8"), timeout=5)
    info = client.meeting_info("m-2")
    assert info.running is True
    assert {(a.user_id, a.role) for a in info.attendees} == {("7", "MODERATOR"), ("8", "VIEWER")}
    assert info.moderator_count == 1 and info.participant_count == 2
    assert info.metadata == {}
    assert [m.meeting_id for m in client.meetings()] == ["m-2"]


def test_join_with_redirect_false_answers_xml(bbb, settings):
    client = _client(settings)
    client.create(meeting_id="m-3", name="XML join")
    answer = client._get(client.join_url(meeting_id="m-3", full_name="Mia", user_id="8", redirect=False))
    assert answer["messageKey"] == "successfullyJoined" and answer["user_id"] == "8"


def test_an_unknown_meeting_is_not_found(bbb, settings):
    with pytest.raises(api.NotFound):
        _client(settings).meeting_info("nope")
    with pytest.raises(api.NotFound):
        _client(settings).end("nope")


def test_no_meetings_is_an_empty_list(bbb, settings):
    assert _client(settings).meetings() == []


def test_recordings_zero_one_and_several_with_several_formats(bbb, settings):
    client = _client(settings)
    assert client.recordings(meeting_ids=["m-4"]) == []
    client.create(meeting_id="m-4", name="Recorded")
    first = bbb.recording_add("m-4", formats=(("presentation", 50),))
    assert [r.record_id for r in client.recordings(meeting_ids=["m-4"])] == [first]
    second = bbb.recording_add("m-4", formats=(("presentation", 40), ("video", 41)))
    recordings = client.recordings(meeting_ids=["m-4"])
    assert [r.record_id for r in recordings] == [first, second]
    assert [f.type for f in recordings[1].formats] == ["presentation", "video"]
    assert client.recordings(record_ids=[second])[0].formats[1].length_minutes == 41


def test_publish_update_and_delete_recordings(bbb, settings):
    client = _client(settings)
    client.create(meeting_id="m-5", name="Recorded")
    record_id = bbb.recording_add("m-5")
    assert client.recordings_publish([record_id], publish=False) is False
    assert client.recordings(record_ids=[record_id])[0].published is False
    assert client.recordings_update([record_id], meta={"retention": "2027-01-01"}) is True
    assert client.recordings(record_ids=[record_id])[0].metadata["retention"] == "2027-01-01"
    assert client.recordings_delete([record_id]) is True
    assert client.recordings(meeting_ids=["m-5"]) == []
    with pytest.raises(api.NotFound):
        client.recordings_delete(["unknown"])


def test_ending_a_meeting_queues_the_end_and_the_signed_recording_ready_callbacks(bbb, settings):
    client = _client(settings)
    client.create(
        meeting_id="m-6",
        name="Ends",
        end_callback_url=f"{settings.SITE_URL}/nowhere/end/?token=abc",
        recording_ready_url=f"{settings.SITE_URL}/nowhere/ready/",
    )
    requests.get(client.join_url(meeting_id="m-6", full_name="Tom", role="MODERATOR", user_id="7"), timeout=5)
    client.end("m-6")
    assert client.is_meeting_running("m-6") is False
    assert client.meeting_info("m-6").metadata["bbb-recording-ready-url"].endswith("/nowhere/ready/")
    (end_method, end_url, _), (_, _, form) = bbb.pending
    assert end_method == "GET" and dict(parse_qsl(urlsplit(end_url).query)) == {
        "token": "abc",
        "recordingmarks": "true",
    }
    claims = jwt.decode(form["signed_parameters"], settings.BIGBLUEBUTTON_SECRET, algorithms=["HS256"])
    assert claims["meeting_id"] == "m-6"
    assert client.recordings(meeting_ids=["m-6"])[0].record_id == claims["record_id"]
    fired = bbb.callbacks_fire()
    assert [method for method, _, status in fired if status] == ["GET", "POST"]  # both reached the site
    assert bbb.pending == []


def test_a_server_that_is_down_is_unavailable(bbb, settings):
    bbb.down = True
    with pytest.raises(api.BigBlueButtonUnavailable):
        _client(settings).is_meeting_running("m")


def test_production_refuses_the_simulator():
    import subprocess
    import sys

    secret = "k3#9vQ!pZ2@rT7$wX5^mL8&nB4*cJ6(hF1)dS0_gA9-eY3+uI2=oP7"
    env = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "DJANGO_ENV": "production", "ALLOWED_HOSTS": "lis.example.org"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        env={**env, "SECRET_KEY": secret, "BIGBLUEBUTTON_SIMULATOR": "true"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "BIGBLUEBUTTON_SIMULATOR" in result.stderr


def test_with_autofire_the_callbacks_reach_the_site_by_themselves_as_in_make_run(bbb, settings):
    """`make run` leaves autofire on: the end and recording-ready callbacks arrive shortly after the end."""
    presenter = UserFactory()
    start = timezone.now() + datetime.timedelta(minutes=5)
    webinar = WebinarFactory(
        association=AssociationFactory(),
        presenters=[presenter],
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
    )
    requests.get(services.webinar_join(webinar=webinar, user=presenter).url, timeout=5)
    bbb.autofire = True
    services.bbb_client().end(webinar.meeting_id)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and not Recording.objects.filter(webinar=webinar).exists():
        time.sleep(0.2)
    assert MeetingSession.objects.get(webinar=webinar).ended_at is not None
    assert Recording.objects.filter(webinar=webinar).count() == 1
