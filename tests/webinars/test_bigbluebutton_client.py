"""Our BBB client without a server: checksums, URLs (checked against bigbluebutton-api-python), XML, errors."""

import hashlib
import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qsl, urlsplit

import pytest
from bigbluebutton_api_python import BigBlueButton as OracleClient
from bigbluebutton_api_python.util import UrlBuilder

from webinars import bigbluebutton as bbb

SECRET = "639259d4-9dd8-4b25-bf01-95f9567eaf4b"
BASE = "https://bbb.example.org/bigbluebutton/"


def test_the_documented_sha1_checksum_vector_is_reproduced():
    query = "name=Test+Meeting&meetingID=abc123&attendeePW=111222&moderatorPW=333444"
    assert bbb.checksum("create", query, SECRET, "sha1") == "1fcbb0c4fc1f039f73aa6d697d2db9ba7f803f17"


@pytest.mark.parametrize(("algorithm", "length"), [("sha1", 40), ("sha256", 64), ("sha384", 96), ("sha512", 128)])
def test_each_algorithm_gives_the_checksum_length_the_server_recognises(algorithm, length):
    digest = bbb.checksum("isMeetingRunning", "meetingID=m1", SECRET, algorithm)
    assert len(digest) == length
    assert bbb.ALGORITHM_BY_LENGTH[length] == algorithm
    assert digest == hashlib.new(algorithm, f"isMeetingRunningmeetingID=m1{SECRET}".encode()).hexdigest()


def test_an_unknown_algorithm_is_refused():
    with pytest.raises(ValueError, match="md5"):
        bbb.BigBlueButton(url=BASE, secret=SECRET, algorithm="md5")


def test_sha256_is_the_default_algorithm():
    from django.conf import settings

    assert settings.BIGBLUEBUTTON_CHECKSUM == "sha256"  # the settings' default when the variable is unset
    assert bbb.BigBlueButton.from_settings().algorithm == "sha256"
    assert bbb.BigBlueButton(url=BASE, secret=SECRET).algorithm == "sha256"


def _ours(algorithm="sha1"):
    return bbb.BigBlueButton(url=BASE, secret=SECRET, algorithm=algorithm)


def test_our_create_url_equals_the_one_bigbluebutton_api_python_builds_with_sha1():
    ours = _ours().create_url(
        meeting_id="webinar-42-ab12",
        name="Cataloguing & RDA: a week's review",
        welcome="Welcome! This session is recorded.",
        logout_url="https://lis.example.org/webinars/42/",
        end_callback_url="https://lis.example.org/webinars/callbacks/end/42/tok:en/",
        recording_ready_url="https://lis.example.org/webinars/callbacks/recording-ready/",
        attendee_pw="ap",
        moderator_pw="mp",
    )
    pairs = parse_qsl(urlsplit(ours).query, keep_blank_values=True)
    params = {key: value for key, value in pairs if key != "checksum"}
    # Booleans as the oracle spells them: it turns Python booleans into "true"/"false" itself.
    oracle_params = {k: {"true": True, "false": False}.get(v, v) for k, v in params.items()}
    assert ours == UrlBuilder(BASE + "api/", SECRET).buildUrl("create", oracle_params).rstrip("&")
    assert params["meta_bbb-recording-ready-url"] == "https://lis.example.org/webinars/callbacks/recording-ready/"
    assert params["record"] == "true" and params["muteOnStart"] == "true"


def test_our_join_url_equals_the_one_bigbluebutton_api_python_builds_with_sha1():
    ours = _ours().join_url(meeting_id="webinar-42-ab12", full_name="Mia Müller-Šmits", password="ap", user_id="17")
    oracle = OracleClient(BASE + "api/", SECRET).get_join_meeting_url(
        "Mia Müller-Šmits", "webinar-42-ab12", "ap", params={}
    )
    # The oracle orders userID before the fixed parameters; rebuild ours in its order through our own signer.
    oracle_with_user = OracleClient(BASE + "api/", SECRET).get_join_meeting_url(
        "Mia Müller-Šmits", "webinar-42-ab12", "ap", params={"userID": "17"}
    )
    ours_same_order = _ours().api_url(
        "join",
        [("userID", "17"), ("fullName", "Mia Müller-Šmits"), ("meetingID", "webinar-42-ab12"), ("password", "ap")],
    )
    ours_without_user = _ours().join_url(meeting_id="webinar-42-ab12", full_name="Mia Müller-Šmits", password="ap")
    assert ours_without_user == oracle
    assert ours_same_order == oracle_with_user
    assert "userID=17" in ours and ours.startswith(BASE + "api/join?fullName=Mia+M%C3%BCller-%C5%A0mits&")


def test_a_role_join_url_carries_the_role_and_no_password():
    url = _ours("sha256").join_url(meeting_id="m", full_name="Tom", role="MODERATOR", user_id="3")
    params = dict(parse_qsl(urlsplit(url).query))
    assert params["role"] == "MODERATOR" and "password" not in params
    assert len(params["checksum"]) == 64


RECORDINGS_ONE = b"""<response><returncode>SUCCESS</returncode><recordings><recording>
<recordID>r-1</recordID><meetingID>m</meetingID><internalMeetingID>r-1</internalMeetingID><name>Talk</name>
<published>true</published><state>published</state><startTime>1700000000000</startTime><endTime>1700003600000</endTime>
<participants>3</participants><metadata><isBreakout>false</isBreakout></metadata>
<playback><format><type>presentation</type><url>https://bbb/p/r-1</url><length>60</length>
<preview><images><image alt="s1" height="136" width="176">https://bbb/t1.png</image></images></preview></format></playback>
</recording></recordings></response>"""

RECORDINGS_TWO = b"""<response><returncode>SUCCESS</returncode><recordings>
<recording><recordID>r-1</recordID><meetingID>m</meetingID><published>true</published><playback>
<format><type>presentation</type><url>https://bbb/p/r-1</url><length>60</length></format>
<format><type>video</type><url>https://bbb/v/r-1.mp4</url><length>61</length></format></playback></recording>
<recording><recordID>r-2</recordID><meetingID>m</meetingID><published>false</published><playback/></recording>
</recordings></response>"""

NO_RECORDINGS = b"""<response><returncode>SUCCESS</returncode><recordings></recordings>
<messageKey>noRecordings</messageKey><message>There are no recordings for the meeting(s).</message></response>"""


def test_one_recording_with_one_format_is_a_list_of_one():
    data = bbb.response_parse(RECORDINGS_ONE)
    recordings = [bbb.Recording.from_xml(item) for item in data["recordings"]]
    assert len(recordings) == 1
    assert recordings[0].formats == [
        bbb.PlaybackFormat(type="presentation", url="https://bbb/p/r-1", length_minutes=60)
    ]
    assert recordings[0].published and recordings[0].participants == 3
    assert recordings[0].start_time.year == 2023


def test_several_recordings_and_formats_are_lists_and_an_empty_playback_is_an_empty_list():
    data = bbb.response_parse(RECORDINGS_TWO)
    recordings = [bbb.Recording.from_xml(item) for item in data["recordings"]]
    assert [r.record_id for r in recordings] == ["r-1", "r-2"]
    assert [f.type for f in recordings[0].formats] == ["presentation", "video"]
    assert recordings[1].formats == [] and not recordings[1].published


def test_no_recordings_is_an_empty_list_not_an_error():
    assert bbb.response_parse(NO_RECORDINGS)["recordings"] == []


@pytest.mark.parametrize(
    ("key", "exception"),
    [
        ("checksumError", bbb.ChecksumError),
        ("notFound", bbb.NotFound),
        ("missingParamMeetingID", bbb.InvalidRequest),
        ("idNotUnique", bbb.InvalidRequest),
        ("somethingNew", bbb.BigBlueButtonError),
    ],
)
def test_a_failed_answer_raises_the_exception_its_message_key_names(key, exception):
    body = f"<response><returncode>FAILED</returncode><messageKey>{key}</messageKey><message>x</message></response>"
    with pytest.raises(exception) as caught:
        bbb.response_parse(body.encode())
    assert caught.value.message_key == key
    assert type(caught.value) is exception


def test_a_body_that_is_not_xml_is_unavailable_not_a_crash():
    with pytest.raises(bbb.BigBlueButtonUnavailable):
        bbb.response_parse(b"<html><body>502 Bad Gateway")


def test_an_entity_expansion_attack_is_refused():
    bomb = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><response>&b;</response>'
    with pytest.raises(bbb.BigBlueButtonUnavailable):
        bbb.response_parse(bomb)


def test_an_unreachable_server_is_unavailable():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = bbb.BigBlueButton(url=f"http://127.0.0.1:{port}/bigbluebutton/", secret=SECRET, timeout=1)
    with pytest.raises(bbb.BigBlueButtonUnavailable):
        client.is_meeting_running("m")


class _Slow(BaseHTTPRequestHandler):
    def do_GET(self):
        threading.Event().wait(2)

    def log_message(self, *args):
        pass


def test_a_server_slower_than_the_timeout_is_unavailable():
    server = HTTPServer(("127.0.0.1", 0), _Slow)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        client = bbb.BigBlueButton(
            url=f"http://127.0.0.1:{server.server_port}/bigbluebutton/", secret=SECRET, timeout=0.3
        )
        with pytest.raises(bbb.BigBlueButtonUnavailable):
            client.is_meeting_running("m")
    finally:
        server.shutdown()
        server.server_close()
