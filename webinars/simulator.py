"""A BigBlueButton simulator that speaks the real API, for development (`make run`) and tests.

Mounted at ``/bigbluebutton-simulator/`` only when ``BIGBLUEBUTTON_SIMULATOR`` is on (never in production: the
settings refuse it). It keeps its state in this process (a dict under a lock): the dev server and pytest-django's
live server are one process. What it does, as BBB does it:

- checks the checksum over the raw query string, the algorithm chosen by its length (40/64/96/128 hex: SHA-1/256/
  384/512), case-insensitively; a mismatch is ``FAILED checksumError``;
- ``create`` is idempotent (a repeat answers ``duplicateWarning``); ``join`` redirects (302) to a simple in-meeting
  page, or answers XML with ``redirect=false``; ``running`` turns true with the first join;
- ``getMeetingInfo``/``getMeetings`` list attendees; ``end`` ends the meeting, makes a recording when recording was
  on and someone joined, and queues the end callback (GET ``meta_endCallbackUrl`` + ``recordingmarks``) and the
  recording-ready callback (POST ``signed_parameters``, an HS256 JWT signed with the shared secret);
- ``getRecordings`` (filters meetingID/recordID, comma-separated, and state), ``publishRecordings``,
  ``deleteRecordings`` and ``updateRecordings``.

Callbacks fire from a background thread (BBB's are asynchronous too) unless ``autofire`` is off, as tests set it:
they call ``SIMULATOR.callbacks_fire()`` when they want them.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import secrets
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode
from xml.etree.ElementTree import Element, SubElement, tostring  # building XML only; parsing is defusedxml's

import jwt
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import escape
from django.views.decorators.csrf import csrf_exempt

from webinars.bigbluebutton import ALGORITHM_BY_LENGTH


@dataclass
class SimAttendee:
    user_id: str
    full_name: str
    role: str
    joined_ms: int = 0


@dataclass
class SimMeeting:
    meeting_id: str
    internal_id: str
    name: str
    attendee_pw: str
    moderator_pw: str
    create_time: int
    record: bool
    logout_url: str
    metadata: dict[str, str]
    running: bool = False
    ended: bool = False
    joined_once: bool = False
    start_time: int = 0
    end_time: int = 0
    attendees: dict[str, SimAttendee] = field(default_factory=dict)
    # (user id, name, moderator, joined ms, left ms) of everyone who left: what the analytics callback reports
    history: list[tuple[str, str, bool, int, int]] = field(default_factory=list)

    def leave(self, session: str, at_ms: int) -> None:
        attendee = self.attendees.pop(session, None)
        if attendee is not None:
            moderator = attendee.role == "MODERATOR"
            self.history.append((attendee.user_id, attendee.full_name, moderator, attendee.joined_ms, at_ms))


@dataclass
class SimRecording:
    record_id: str
    meeting_id: str
    name: str
    start_time: int
    end_time: int
    participants: int
    formats: list[tuple[str, str, int]]
    metadata: dict[str, str]
    published: bool = True
    deleted: bool = False

    @property
    def state(self) -> str:
        return "deleted" if self.deleted else ("published" if self.published else "unpublished")


def _now_ms() -> int:
    return int(time.time() * 1000)


class Simulator:
    """The server's state and behaviour; one instance per process (``SIMULATOR``)."""

    def __init__(self):
        self.lock = threading.RLock()
        self.autofire = True
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.meetings: dict[str, SimMeeting] = {}
            self.recordings: dict[str, SimRecording] = {}
            self.pending: list[tuple[str, str, dict | None]] = []  # (method, url, form)
            self.fired: list[tuple[str, str, int]] = []  # (method, url, status) for tests and the log
            self.calls: list[str] = []
            self.down = False

    @property
    def secret(self) -> str:
        return settings.BIGBLUEBUTTON_SECRET

    # --- checksum -----------------------------------------------------------------------------------------------

    def checksum_valid(self, call: str, raw_query: str) -> bool:
        """As bbb-web: strip the checksum parameter from the raw query by string replacement, pick by length."""
        given = dict(parse_qsl(raw_query, keep_blank_values=True)).get("checksum", "")
        algorithm = ALGORITHM_BY_LENGTH.get(len(given))
        if not algorithm:
            return False
        query = raw_query
        for piece in (f"&checksum={given}", f"checksum={given}&", f"checksum={given}"):
            if piece in query:
                query = query.replace(piece, "", 1)
                break
        expected = hashlib.new(algorithm, f"{call}{query}{self.secret}".encode()).hexdigest()
        return hmac.compare_digest(expected.lower(), given.lower())

    # --- back office (tests and the in-meeting page) ------------------------------------------------------------

    def recording_add(self, meeting_id: str, *, formats=(("presentation", 60),), published: bool = True) -> str:
        """Add a processed recording of the meeting (as BBB would after it ended)."""
        with self.lock:
            meeting = self.meetings.get(meeting_id)
            start = (meeting.start_time or meeting.create_time) if meeting else _now_ms() - 3_600_000
            base_id = meeting.internal_id if meeting else hashlib.sha1(meeting_id.encode()).hexdigest()  # noqa: S324
            record_id = base_id if base_id not in self.recordings else f"{base_id[:40]}-{_now_ms()}"
            self.recordings[record_id] = SimRecording(
                record_id=record_id,
                meeting_id=meeting_id,
                name=meeting.name if meeting else meeting_id,
                start_time=start,
                end_time=(meeting.end_time if meeting and meeting.end_time else _now_ms()),
                participants=len(meeting.attendees) if meeting else 0,
                formats=[
                    (kind, f"{settings.SITE_URL}/bigbluebutton-simulator/playback/{kind}/{record_id}/", length)
                    for kind, length in formats
                ],
                metadata=dict(meeting.metadata) if meeting else {},
                published=published,
            )
            return record_id

    def meeting_end(self, meeting: SimMeeting) -> None:
        with self.lock:
            if meeting.ended:
                return
            meeting.ended, meeting.running, meeting.end_time = True, False, _now_ms()
            for session in list(meeting.attendees):
                meeting.leave(session, meeting.end_time)
            record_id = None
            if meeting.record and meeting.joined_once:
                record_id = self.recording_add(meeting.meeting_id, formats=(("presentation", 60), ("video", 60)))
            end_url = meeting.metadata.get("endcallbackurl")
            if end_url:
                separator = "&" if "?" in end_url else "?"
                marks = "true" if record_id else "false"
                self.pending.append(("GET", f"{end_url}{separator}recordingmarks={marks}", None))
            ready_url = meeting.metadata.get("bbb-recording-ready-url")
            if ready_url and record_id:
                token = jwt.encode({"meeting_id": meeting.meeting_id, "record_id": record_id}, self.secret, "HS256")
                self.pending.append(("POST", ready_url, {"signed_parameters": token}))
            analytics_url = meeting.metadata.get("analytics-callback-url")
            if analytics_url:
                self.pending.append(("POST", analytics_url, _analytics(meeting, self.secret)))
        if self.autofire:
            threading.Thread(target=self.callbacks_fire, kwargs={"delay": 0.5}, daemon=True).start()

    def callbacks_fire(self, delay: float = 0) -> list[tuple[str, str, int]]:
        """Send the queued callbacks to the application, in order; returns (method, url, status) for each."""
        if delay:
            time.sleep(delay)
        with self.lock:
            pending, self.pending = self.pending, []
        results = []
        for method, url, form in pending:
            headers = {}
            if isinstance(form, tuple):  # (JSON body, bearer token): the analytics callback
                data, headers = form[0], {"Content-Type": "application/json", "Authorization": f"Bearer {form[1]}"}
            elif form is not None:
                data, headers = urlencode(form).encode(), {"Content-Type": "application/x-www-form-urlencoded"}
            else:
                data = None
            request = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310
            try:
                with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                    status = response.status
            except urllib.error.HTTPError as exc:
                status = exc.code
            except (urllib.error.URLError, OSError):
                status = 0
            results.append((method, url, status))
        with self.lock:
            self.fired.extend(results)
        return results

    # --- the API ------------------------------------------------------------------------------------------------

    def handle(self, call: str, raw_query: str, params: dict[str, str]):
        """Answer one API call: an XML ``Element`` or a redirect URL (join)."""
        with self.lock:
            self.calls.append(call)
            if call == "":
                return _ok(version="3.0", apiVersion="3.0", bbbVersion="3.0.0-simulator")
            if not self.checksum_valid(call, raw_query):
                return _failed("checksumError", "Checksums do not match")
            handler = getattr(self, f"api_{call}", None)
            if handler is None:
                return _failed("unsupportedRequest", "This request is not supported.")
            return handler(params)

    def _meeting(self, params):
        return self.meetings.get(params.get("meetingID", ""))

    def api_create(self, params):
        meeting_id = params.get("meetingID", "")
        if not meeting_id:
            return _failed("missingParamMeetingID", "You must specify a meeting ID for the meeting.")
        if not 2 <= len(meeting_id) <= 256 or "," in meeting_id:
            return _failed("invalidMeetingIdentifier", "Meeting id must be 2-256 characters without commas.")
        existing = self.meetings.get(meeting_id)
        if existing and not existing.ended:
            return _meeting_xml(existing, _ok(), duplicate=True)
        create_time = _now_ms()
        meeting = SimMeeting(
            meeting_id=meeting_id,
            internal_id=f"{hashlib.sha1(meeting_id.encode()).hexdigest()}-{create_time}",  # noqa: S324 (BBB's id)
            name=params.get("name") or meeting_id,
            attendee_pw=params.get("attendeePW") or secrets.token_hex(4),
            moderator_pw=params.get("moderatorPW") or secrets.token_hex(4),
            create_time=create_time,
            record=params.get("record") == "true",
            logout_url=params.get("logoutURL", ""),
            metadata={key[5:].lower(): value for key, value in params.items() if key.startswith("meta_")},
        )
        self.meetings[meeting_id] = meeting
        return _meeting_xml(meeting, _ok())

    def api_join(self, params):
        meeting = self._meeting(params)
        if meeting is None or meeting.ended:
            return _failed(
                "invalidMeetingIdentifier", "The meeting ID that you supplied did not match any existing meetings"
            )
        if not params.get("fullName"):
            return _failed("missingParamFullName", "You must specify a name for the attendee.")
        role = params.get("role", "").upper()
        password = params.get("password")
        if password is not None:
            role = {meeting.moderator_pw: "MODERATOR", meeting.attendee_pw: "VIEWER"}.get(password, "")
        if role not in {"MODERATOR", "VIEWER"}:
            return _failed("invalidPassword", "You either did not supply a password or role.")
        user_id = params.get("userID") or f"w_{secrets.token_hex(4)}"
        session = secrets.token_urlsafe(12)
        meeting.attendees[session] = SimAttendee(
            user_id=user_id, full_name=params["fullName"], role=role, joined_ms=_now_ms()
        )
        if not meeting.running:
            meeting.running, meeting.joined_once, meeting.start_time = True, True, _now_ms()
        url = f"{settings.SITE_URL}{reverse('bbb_simulator_client', args=[meeting.meeting_id, session])}"
        if params.get("redirect", "true") == "false":
            return _ok(
                messageKey="successfullyJoined",
                message="You have joined successfully.",
                meeting_id=meeting.internal_id,
                user_id=user_id,
                auth_token=secrets.token_hex(6),
                session_token=session,
                url=url,
            )
        return url

    def api_isMeetingRunning(self, params):
        meeting = self._meeting(params)
        return _ok(running="true" if meeting and meeting.running else "false")

    def api_getMeetingInfo(self, params):
        meeting = self._meeting(params)
        if meeting is None:
            return _failed("notFound", "We could not find a meeting with that meeting ID")
        return _meeting_xml(meeting, _ok())

    def api_getMeetings(self, params):
        root = _ok()
        container = SubElement(root, "meetings")
        active = [meeting for meeting in self.meetings.values() if not meeting.ended]
        for meeting in active:
            _meeting_xml(meeting, SubElement(container, "meeting"))
        if not active:
            _add(root, messageKey="noMeetings", message="no meetings were found on this server")
        return root

    def api_end(self, params):
        meeting = self._meeting(params)
        if meeting is None or meeting.ended:
            return _failed(
                "notFound", "We could not find a meeting with that meeting ID - perhaps the meeting is not yet running?"
            )
        if "password" in params and params["password"] != meeting.moderator_pw:
            return _failed("invalidPassword", "You must supply the moderator password for this call.")
        self.meeting_end(meeting)
        return _ok(
            messageKey="sentEndMeetingRequest",
            message="A request to end the meeting was sent. Please wait a "
            "few seconds, and then use the getMeetingInfo or isMeetingRunning API calls to verify that it was "
            "ended.",
        )

    def _recordings_matching(self, params) -> list[SimRecording]:
        meeting_ids = [item for item in params.get("meetingID", "").split(",") if item]
        record_ids = [item for item in params.get("recordID", "").split(",") if item]
        states = [item for item in params.get("state", "").split(",") if item]
        found = []
        for recording in self.recordings.values():
            if meeting_ids and recording.meeting_id not in meeting_ids:
                continue
            if record_ids and not any(recording.record_id.startswith(prefix) for prefix in record_ids):
                continue
            if states and "any" not in states and recording.state not in states:
                continue
            if not states and recording.deleted:
                continue
            found.append(recording)
        return found

    def api_getRecordings(self, params):
        root = _ok()
        container = SubElement(root, "recordings")
        found = self._recordings_matching(params)
        for recording in found:
            _recording_xml(recording, SubElement(container, "recording"))
        if not found:
            _add(root, messageKey="noRecordings", message="There are no recordings for the meeting(s).")
        return root

    def _recordings_by_id(self, params) -> list[SimRecording] | None:
        record_ids = [item for item in params.get("recordID", "").split(",") if item]
        if not record_ids:
            return None
        found = [self.recordings[item] for item in record_ids if item in self.recordings]
        return found or None

    def api_publishRecordings(self, params):
        if "publish" not in params:
            return _failed("missingParamPublish", "You must specify a publish value true or false.")
        found = self._recordings_by_id(params)
        if found is None:
            return _failed("notFound", "We could not find recordings")
        for recording in found:
            recording.published = params["publish"] == "true"
        return _ok(published=params["publish"])

    def api_deleteRecordings(self, params):
        found = self._recordings_by_id(params)
        if found is None:
            return _failed("notFound", "We could not find recordings")
        for recording in found:
            recording.deleted = True
        return _ok(deleted="true")

    def api_updateRecordings(self, params):
        found = self._recordings_by_id(params)
        if found is None:
            return _failed("notFound", "We could not find recordings")
        for recording in found:
            for key, value in params.items():
                if key.startswith("meta_"):
                    recording.metadata[key[5:].lower()] = value
        return _ok(updated="true")


SIMULATOR = Simulator()


def _iso(milliseconds: int) -> str:
    return datetime.datetime.fromtimestamp(milliseconds / 1000, tz=datetime.UTC).isoformat()


def _analytics(meeting: SimMeeting, secret: str) -> tuple[bytes, str]:
    """The Learning Dashboard's data as BBB posts it after the end: JSON, with an HS512 bearer token."""
    attendees: dict[str, dict] = {}
    for user_id, name, moderator, joined, left in meeting.history:
        entry = attendees.setdefault(
            user_id, {"ext_user_id": user_id, "name": name, "moderator": moderator, "joins": [], "leaves": []}
        )
        entry["joins"].append(_iso(joined))
        entry["leaves"].append(_iso(left))
    body = {
        "version": "1.0",
        "meeting_id": meeting.meeting_id,
        "internal_meeting_id": meeting.internal_id,
        "data": {"duration": (meeting.end_time - meeting.start_time) // 1000, "attendees": list(attendees.values())},
    }
    token = jwt.encode({"meeting_id": meeting.meeting_id}, secret, "HS512")
    return json.dumps(body).encode(), token


# ------------------------------------------------------------------------------------------------------- XML


def _add(parent: Element, **children) -> Element:
    for tag, value in children.items():
        SubElement(parent, tag).text = str(value)
    return parent


def _ok(**children) -> Element:
    return _add(Element("response"), returncode="SUCCESS", **children)


def _failed(key: str, message: str) -> Element:
    return _add(Element("response"), returncode="FAILED", messageKey=key, message=message)


def _meeting_xml(meeting: SimMeeting, parent: Element, *, duplicate: bool = False) -> Element:
    moderators = sum(1 for attendee in meeting.attendees.values() if attendee.role == "MODERATOR")
    _add(
        parent,
        meetingName=meeting.name,
        meetingID=meeting.meeting_id,
        internalMeetingID=meeting.internal_id,
        parentMeetingID="bbb-none",
        createTime=meeting.create_time,
        voiceBridge="70000",
        attendeePW=meeting.attendee_pw,
        moderatorPW=meeting.moderator_pw,
        running="true" if meeting.running else "false",
        duration=0,
        hasUserJoined="true" if meeting.joined_once else "false",
        recording="true" if meeting.record else "false",
        hasBeenForciblyEnded="true" if meeting.ended else "false",
        startTime=meeting.start_time,
        endTime=meeting.end_time,
        participantCount=len(meeting.attendees),
        listenerCount=0,
        voiceParticipantCount=0,
        videoCount=0,
        maxUsers=0,
        moderatorCount=moderators,
    )
    attendees = SubElement(parent, "attendees")
    for attendee in meeting.attendees.values():
        _add(
            SubElement(attendees, "attendee"),
            userID=attendee.user_id,
            fullName=attendee.full_name,
            role=attendee.role,
            isPresenter="true" if attendee.role == "MODERATOR" else "false",
            isListeningOnly="false",
            hasJoinedVoice="false",
            hasVideo="false",
            clientType="HTML5",
        )
    _add(SubElement(parent, "metadata"), **meeting.metadata)
    _add(parent, isBreakout="false")
    if duplicate:
        _add(
            parent,
            messageKey="duplicateWarning",
            message="This conference was already in existence and may currently be in progress.",
        )
    return parent


def _recording_xml(recording: SimRecording, parent: Element) -> Element:
    _add(
        parent,
        recordID=recording.record_id,
        meetingID=recording.meeting_id,
        internalMeetingID=recording.record_id,
        name=recording.name,
        isBreakout="false",
        published="true" if recording.published else "false",
        state=recording.state,
        startTime=recording.start_time,
        endTime=recording.end_time,
        participants=recording.participants,
    )
    _add(SubElement(parent, "metadata"), **recording.metadata)
    playback = SubElement(parent, "playback")
    for kind, url, length in recording.formats:
        _add(SubElement(playback, "format"), type=kind, url=url, processingTime=1000, length=length)
    return parent


def _xml_response(root: Element) -> HttpResponse:
    return HttpResponse(tostring(root, encoding="utf-8", xml_declaration=True), content_type="text/xml; charset=utf-8")


# ----------------------------------------------------------------------------------------------------- views


@csrf_exempt
def api(request: HttpRequest, call: str = "") -> HttpResponse:
    if SIMULATOR.down:
        return HttpResponse("Service Unavailable", status=503, content_type="text/plain")
    raw_query = request.META.get("QUERY_STRING", "")
    params = dict(parse_qsl(raw_query, keep_blank_values=True))
    if request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
        params = {**dict(parse_qsl(request.body.decode(), keep_blank_values=True)), **params}
    answer = SIMULATOR.handle(call, raw_query, params)
    if isinstance(answer, str):
        return HttpResponseRedirect(answer)
    return _xml_response(answer)


_CLIENT_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{name}: BigBlueButton simulator</title></head>
<body><main>
<h1>{name}</h1>
<p>You are in the meeting as <strong>{full_name}</strong> ({role}). This is the BigBlueButton simulator: no audio
or video, only presence. The session is recorded.</p>
<form method="post" action="{leave}"><button type="submit" name="action" value="leave">Leave the meeting</button>
{end_button}</form>
</main></body></html>"""


@csrf_exempt
def client(request: HttpRequest, meeting_id: str, session: str) -> HttpResponse:
    """The in-meeting page a join redirects to: leave (back to the logout URL), or end it as a moderator."""
    with SIMULATOR.lock:
        meeting = SIMULATOR.meetings.get(meeting_id)
        attendee = meeting.attendees.get(session) if meeting else None
        if attendee is None:
            return HttpResponse("You are not in this meeting.", status=404, content_type="text/plain")
        if request.method == "POST":
            action = request.POST.get("action")
            if action == "end" and attendee.role == "MODERATOR":
                SIMULATOR.meeting_end(meeting)
            else:
                meeting.leave(session, _now_ms())
            return HttpResponseRedirect(meeting.logout_url or "/")
        end_button = (
            '<button type="submit" name="action" value="end">End the meeting for everyone</button>'
            if attendee.role == "MODERATOR"
            else ""
        )
        page = _CLIENT_PAGE.format(
            name=escape(meeting.name),
            full_name=escape(attendee.full_name),
            role=escape(attendee.role.lower()),
            leave=escape(request.path),
            end_button=end_button,
        )
    return HttpResponse(page)


def playback(request: HttpRequest, kind: str, record_id: str) -> HttpResponse:
    recording = SIMULATOR.recordings.get(record_id)
    if recording is not None and (recording.deleted or not recording.published):
        return HttpResponse("No such recording.", status=404, content_type="text/plain")
    # The simulator forgets its state on restart: recordings the demo database knows still play (as a stand-in).
    name = recording.name if recording is not None else record_id
    page = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(name)}: recording'
        f"</title></head><body><main><h1>{escape(name)}</h1><p>Recording ({escape(kind)}) played by the "
        f"BigBlueButton simulator.</p></main></body></html>"
    )
    return HttpResponse(page)


urlpatterns = [
    path("bigbluebutton/api", api),
    path("bigbluebutton/api/", api),
    path("bigbluebutton/api/<str:call>", api),
    path("client/<str:meeting_id>/<str:session>/", client, name="bbb_simulator_client"),
    path("playback/<str:kind>/<str:record_id>/", playback, name="bbb_simulator_playback"),
]
