"""Our BigBlueButton client: the only module that speaks the BBB API.

- Every call is ``GET <BIGBLUEBUTTON_URL>api/<call>?<query>&checksum=<hex>`` with
  ``checksum = hex(H(call + query + secret))``; ``H`` is chosen by ``BIGBLUEBUTTON_CHECKSUM`` (SHA-256 by default;
  SHA-1, SHA-384 and SHA-512 too). The server hashes the query exactly as received, so the query string we hash is
  the one we send, byte for byte (``urlencode`` with ``quote_plus``, parameters in the order given).
- HTTP has a timeout; a network failure, a timeout, a 5xx or a body that is not BBB XML is ``BigBlueButtonUnavailable``
  (transient: retry later). A ``FAILED`` response becomes the exception its ``messageKey`` names.
- XML is parsed with ``defusedxml``; containers that hold one *or many* children (attendees, meetings, recordings,
  playback formats, preview images) always come back as lists.

``bigbluebutton-api-python`` is not used here (unmaintained, SHA-1 only, no timeouts, crashes on one recording); the
tests use it as an independent oracle for our URLs and checksums.
"""

from __future__ import annotations

import datetime
import hashlib
import http.client
import urllib.error
import urllib.request
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode
from xml.etree.ElementTree import Element

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

ALGORITHMS = ("sha1", "sha256", "sha384", "sha512")
# The length of a hex checksum names its algorithm (the server picks it this way too).
ALGORITHM_BY_LENGTH = {40: "sha1", 64: "sha256", 96: "sha384", 128: "sha512"}

# Elements whose children are always a list, however many there are (one <recording> is still a list).
LIST_CONTAINERS = {"attendees", "meetings", "recordings", "playback", "images", "breakoutRooms"}

Params = Sequence[tuple[str, Any]]


# ----------------------------------------------------------------------------------------------------- errors


class BigBlueButtonError(Exception):
    """BBB answered ``FAILED`` (or could not be reached): ``message_key`` says why, ``message`` is BBB's text."""

    def __init__(self, message_key: str, message: str = ""):
        super().__init__(f"{message_key}: {message}" if message else message_key)
        self.message_key = message_key
        self.message = message


class BigBlueButtonUnavailable(BigBlueButtonError):
    """Not reached, too slow, a server error, or not a BBB answer: transient, try again later."""


class ChecksumError(BigBlueButtonError):
    """The server rejected our checksum: the secret or the algorithm is configured wrongly."""


class NotFound(BigBlueButtonError):
    """No such meeting (or recording) on the server."""


class InvalidRequest(BigBlueButtonError):
    """A parameter is missing or invalid (a bug on our side, never the user's)."""


class MeetingForciblyEnded(BigBlueButtonError):
    """The meeting was ended and cannot be joined again under the same create time."""


_ERRORS: dict[str, type[BigBlueButtonError]] = {
    "checksumError": ChecksumError,
    "notFound": NotFound,
    "invalidMeetingIdentifier": NotFound,
    "meetingForciblyEnded": MeetingForciblyEnded,
    "idNotUnique": InvalidRequest,
    "invalidRecordingState": InvalidRequest,
    "paramsTooLong": InvalidRequest,
    "sizeTooLarge": InvalidRequest,
}


def error_for(message_key: str, message: str = "") -> BigBlueButtonError:
    """The exception a ``FAILED`` response's ``messageKey`` names."""
    if message_key.startswith(("missingParam", "invalid")) and message_key not in _ERRORS:
        return InvalidRequest(message_key, message)
    return _ERRORS.get(message_key, BigBlueButtonError)(message_key, message)


# -------------------------------------------------------------------------------------------------- checksums


def checksum(call: str, query: str, secret: str, algorithm: str = "sha256") -> str:
    """``hex(H(call + query + secret))``; the query is the string sent, without the checksum parameter."""
    if algorithm not in ALGORITHMS:
        raise ValueError(f"Unsupported checksum algorithm {algorithm!r}: use one of {', '.join(ALGORITHMS)}.")
    return hashlib.new(algorithm, f"{call}{query}{secret}".encode()).hexdigest()


def query_string(params: Params) -> str:
    """The query in the order given, booleans as ``true``/``false``, ``None`` values left out."""
    pairs = []
    for key, value in params:
        if value is None:
            continue
        if isinstance(value, bool):
            value = "true" if value else "false"
        pairs.append((key, str(value)))
    return urlencode(pairs)


# ------------------------------------------------------------------------------------------------------- XML


def _element_value(element: Element) -> Any:
    children = list(element)
    if element.tag in LIST_CONTAINERS:
        return [_element_value(child) for child in children]
    if not children:
        if element.attrib:
            return {**element.attrib, "text": (element.text or "").strip()}
        return (element.text or "").strip()
    value: dict[str, Any] = dict(element.attrib)
    for child in children:
        value[child.tag] = _element_value(child)
    return value


def response_parse(body: bytes) -> dict[str, Any]:
    """A BBB XML answer as a dict (list containers as lists); ``FAILED`` raises the mapped exception."""
    try:
        root = ElementTree.fromstring(body)
    except (ElementTree.ParseError, DefusedXmlException) as exc:
        raise BigBlueButtonUnavailable("invalidResponse", "The server's answer is not XML.") from exc
    if root.tag != "response":
        raise BigBlueButtonUnavailable("invalidResponse", f"Unexpected root element <{root.tag}>.")
    data = _element_value(root)
    if not isinstance(data, dict) or "returncode" not in data:
        raise BigBlueButtonUnavailable("invalidResponse", "The server's answer has no returncode.")
    if data["returncode"] != "SUCCESS":
        raise error_for(data.get("messageKey") or "unknownError", data.get("message") or "")
    return data


def _bool(value: Any) -> bool:
    return str(value).strip().lower() == "true"


def _int(value: Any, default: int = 0) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return default


def _time_ms(value: Any) -> datetime.datetime | None:
    milliseconds = _int(value, 0)
    if milliseconds <= 0:
        return None
    return datetime.datetime.fromtimestamp(milliseconds / 1000, tz=datetime.UTC)


# --------------------------------------------------------------------------------------------- parsed shapes


@dataclass(frozen=True)
class Attendee:
    user_id: str
    full_name: str
    role: str
    is_presenter: bool = False

    @property
    def is_moderator(self) -> bool:
        return self.role.upper() == "MODERATOR"


@dataclass(frozen=True)
class MeetingInfo:
    meeting_id: str
    internal_meeting_id: str
    name: str
    running: bool
    has_been_forcibly_ended: bool
    create_time: int
    start_time: datetime.datetime | None
    end_time: datetime.datetime | None
    participant_count: int
    moderator_count: int
    attendees: list[Attendee] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_xml(cls, data: dict[str, Any]) -> MeetingInfo:
        attendees = [
            Attendee(
                user_id=str(item.get("userID", "")),
                full_name=str(item.get("fullName", "")),
                role=str(item.get("role", "")),
                is_presenter=_bool(item.get("isPresenter")),
            )
            for item in data.get("attendees") or []
            if isinstance(item, dict)
        ]
        metadata = data.get("metadata") or {}
        return cls(
            meeting_id=str(data.get("meetingID", "")),
            internal_meeting_id=str(data.get("internalMeetingID", "")),
            name=str(data.get("meetingName", "")),
            running=_bool(data.get("running")),
            has_been_forcibly_ended=_bool(data.get("hasBeenForciblyEnded")),
            create_time=_int(data.get("createTime")),
            start_time=_time_ms(data.get("startTime")),
            end_time=_time_ms(data.get("endTime")),
            participant_count=_int(data.get("participantCount")),
            moderator_count=_int(data.get("moderatorCount")),
            attendees=attendees,
            metadata={str(k): str(v) for k, v in metadata.items()} if isinstance(metadata, dict) else {},
        )


@dataclass(frozen=True)
class PlaybackFormat:
    type: str
    url: str
    length_minutes: int


@dataclass(frozen=True)
class Recording:
    record_id: str
    meeting_id: str
    internal_meeting_id: str
    name: str
    published: bool
    state: str
    start_time: datetime.datetime | None
    end_time: datetime.datetime | None
    participants: int
    formats: list[PlaybackFormat] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_xml(cls, data: dict[str, Any]) -> Recording:
        formats = [
            PlaybackFormat(
                type=str(item.get("type", "")),
                url=str(item.get("url", "")),
                length_minutes=_int(item.get("length")),
            )
            for item in data.get("playback") or []
            if isinstance(item, dict)
        ]
        metadata = data.get("metadata") or {}
        return cls(
            record_id=str(data.get("recordID", "")),
            meeting_id=str(data.get("meetingID", "")),
            internal_meeting_id=str(data.get("internalMeetingID", "")),
            name=str(data.get("name", "")),
            published=_bool(data.get("published")),
            state=str(data.get("state", "")),
            start_time=_time_ms(data.get("startTime")),
            end_time=_time_ms(data.get("endTime")),
            participants=_int(data.get("participants")),
            formats=formats,
            metadata={str(k): str(v) for k, v in metadata.items()} if isinstance(metadata, dict) else {},
        )


# ------------------------------------------------------------------------------------------------------ client


class BigBlueButton:
    """One BBB server (or Scalelite in front of several): ``url`` is the API base, ending in ``/bigbluebutton/``."""

    def __init__(self, *, url: str, secret: str, algorithm: str = "sha256", timeout: float = 5.0):
        if algorithm not in ALGORITHMS:
            raise ValueError(f"Unsupported checksum algorithm {algorithm!r}: use one of {', '.join(ALGORITHMS)}.")
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"BIGBLUEBUTTON_URL must be an http(s) URL, not {url!r}.")
        self.base = url if url.endswith("/") else f"{url}/"
        self.secret = secret
        self.algorithm = algorithm
        self.timeout = timeout

    @classmethod
    def from_settings(cls) -> BigBlueButton:
        """The server the settings name (read at call time, never at import)."""
        from django.conf import settings

        url = settings.BIGBLUEBUTTON_URL
        if not url or not settings.BIGBLUEBUTTON_SECRET:
            raise BigBlueButtonUnavailable("notConfigured", "BIGBLUEBUTTON_URL and BIGBLUEBUTTON_SECRET are not set.")
        return cls(
            url=url,
            secret=settings.BIGBLUEBUTTON_SECRET,
            algorithm=settings.BIGBLUEBUTTON_CHECKSUM,
            timeout=settings.BIGBLUEBUTTON_TIMEOUT,
        )

    # --- URLs -------------------------------------------------------------------------------------------------

    def api_url(self, call: str, params: Params = ()) -> str:
        query = query_string(params)
        digest = checksum(call, query, self.secret, self.algorithm)
        return (
            f"{self.base}api/{call}?{query}&checksum={digest}" if query else f"{self.base}api/{call}?checksum={digest}"
        )

    def create_url(
        self,
        *,
        meeting_id: str,
        name: str,
        welcome: str = "",
        record: bool = True,
        mute_on_start: bool = True,
        logout_url: str = "",
        end_callback_url: str = "",
        recording_ready_url: str = "",
        analytics_url: str = "",
        attendee_pw: str | None = None,
        moderator_pw: str | None = None,
        duration: int | None = None,
        extra: Params = (),
    ) -> str:
        params: list[tuple[str, Any]] = [
            ("meetingID", meeting_id),
            ("name", name),
            ("attendeePW", attendee_pw),
            ("moderatorPW", moderator_pw),
            ("welcome", welcome or None),
            ("record", record),
            ("autoStartRecording", record if record else None),
            ("allowStartStopRecording", True if record else None),
            ("muteOnStart", mute_on_start),
            ("logoutURL", logout_url or None),
            ("duration", duration),
            ("meetingKeepEvents", True),
            ("meta_endCallbackUrl", end_callback_url or None),
            ("meta_bbb-recording-ready-url", recording_ready_url or None),
            ("meta_analytics-callback-url", analytics_url or None),
            *extra,
        ]
        return self.api_url("create", params)

    def join_url(
        self,
        *,
        meeting_id: str,
        full_name: str,
        role: str = "VIEWER",
        user_id: str | None = None,
        password: str | None = None,
        create_time: int | None = None,
        redirect: bool = True,
    ) -> str:
        """A signed join link for the browser (BBB 2.4+ takes ``role``; ``password`` is the legacy way)."""
        params: list[tuple[str, Any]] = [
            ("fullName", full_name),
            ("meetingID", meeting_id),
            ("password", password),
            ("role", None if password else role),
            ("userID", user_id),
            ("createTime", create_time),
            ("redirect", None if redirect else False),
        ]
        return self.api_url("join", params)

    # --- HTTP -------------------------------------------------------------------------------------------------

    def _get(self, url: str) -> dict[str, Any]:
        request = urllib.request.Request(url, headers={"Accept": "application/xml"})  # noqa: S310 (scheme checked)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (our own URL)
                body = response.read(5 * 1024 * 1024)
        except urllib.error.HTTPError as exc:
            if exc.code < 500:
                # BBB answers errors with 200 and FAILED; a 4xx from a proxy may still carry BBB XML.
                body = exc.read(1024 * 1024)
                try:
                    return response_parse(body)
                except BigBlueButtonUnavailable:
                    pass
            raise BigBlueButtonUnavailable("httpError", f"HTTP {exc.code}") from exc
        except (urllib.error.URLError, TimeoutError, ConnectionError, http.client.HTTPException) as exc:
            raise BigBlueButtonUnavailable("unreachable", str(getattr(exc, "reason", exc))) from exc
        return response_parse(body)

    def call(self, call: str, params: Params = ()) -> dict[str, Any]:
        return self._get(self.api_url(call, params))

    # --- API calls --------------------------------------------------------------------------------------------

    def create(self, **kwargs) -> dict[str, Any]:
        """Create the meeting; idempotent: a repeat answers ``duplicateWarning``, which is success too."""
        return self._get(self.create_url(**kwargs))

    def is_meeting_running(self, meeting_id: str) -> bool:
        return _bool(self.call("isMeetingRunning", [("meetingID", meeting_id)]).get("running"))

    def meeting_info(self, meeting_id: str) -> MeetingInfo:
        return MeetingInfo.from_xml(self.call("getMeetingInfo", [("meetingID", meeting_id)]))

    def meetings(self) -> list[MeetingInfo]:
        data = self.call("getMeetings")
        return [MeetingInfo.from_xml(item) for item in data.get("meetings") or [] if isinstance(item, dict)]

    def end(self, meeting_id: str, password: str | None = None) -> None:
        self.call("end", [("meetingID", meeting_id), ("password", password)])

    def recordings(
        self,
        *,
        meeting_ids: Iterable[str] = (),
        record_ids: Iterable[str] = (),
        states: Iterable[str] = (),
    ) -> list[Recording]:
        """Recordings of the meetings (or with the record ids); ``noRecordings`` is an empty list."""
        params = [
            ("meetingID", ",".join(meeting_ids) or None),
            ("recordID", ",".join(record_ids) or None),
            ("state", ",".join(states) or None),
        ]
        data = self.call("getRecordings", params)
        return [Recording.from_xml(item) for item in data.get("recordings") or [] if isinstance(item, dict)]

    def recordings_publish(self, record_ids: Iterable[str], *, publish: bool) -> bool:
        data = self.call("publishRecordings", [("recordID", ",".join(record_ids)), ("publish", publish)])
        return _bool(data.get("published"))

    def recordings_delete(self, record_ids: Iterable[str]) -> bool:
        return _bool(self.call("deleteRecordings", [("recordID", ",".join(record_ids))]).get("deleted"))

    def recordings_update(self, record_ids: Iterable[str], *, meta: dict[str, str]) -> bool:
        params = [("recordID", ",".join(record_ids)), *((f"meta_{key}", value) for key, value in meta.items())]
        return _bool(self.call("updateRecordings", params).get("updated"))
