"""Our small BigBlueButton API client. The only code that speaks to BigBlueButton.

- checksum = hex(HASH(callName + queryString + secret)) over the query string exactly as
  sent; sha256 by default, sha1/sha384/sha512 by ``BBB_CHECKSUM_ALGORITHM``;
- parameters encoded with ``quote_plus`` (RFC 1738, space as ``+``; BBB#12919);
- a time-out on every call (``BBB_TIMEOUT_SECONDS``);
- replies parsed with ``defusedxml``; lists read with ``findall`` so one and many
  attendees, meetings, recordings and playback formats parse the same way;
- failures raised as typed errors: ``BBBUnavailable`` (down, time-out, HTTP error),
  ``BBBBadResponse`` (not the XML we expect), ``BBBFailed`` (``returncode`` FAILED, with
  BBB's ``messageKey``). All derive from ``BBBError``; callers compare ``message_key``,
  never the English message, which changed between BBB versions.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from urllib.parse import urlencode

import requests
from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from django.conf import settings

logger = logging.getLogger(__name__)

ALGORITHMS = {"sha1", "sha256", "sha384", "sha512"}


class BBBError(Exception):
    """Anything that went wrong talking to BigBlueButton."""

    message_key = "bbbError"

    def __init__(self, message: str = "", *, message_key: str | None = None, call: str = ""):
        self.message = message
        if message_key is not None:
            self.message_key = message_key
        self.call = call
        super().__init__(f"{call}: {self.message_key}: {message}" if call else message)


class BBBUnavailable(BBBError):
    """The server did not answer in time, refused the connection or gave an HTTP error."""

    message_key = "unavailable"


class BBBBadResponse(BBBError):
    """The server answered something that is not a BigBlueButton XML reply."""

    message_key = "badResponse"


class BBBFailed(BBBError):
    """``<returncode>FAILED</returncode>``; ``message_key`` is BBB's ``messageKey``."""


# --- Parsed replies -------------------------------------------------------------------


def _text(element, tag: str, default: str = "") -> str:
    found = element.find(tag) if element is not None else None
    if found is None or found.text is None:
        return default
    return found.text.strip()


def _bool(element, tag: str) -> bool:
    return _text(element, tag).lower() == "true"


def _int(element, tag: str, default: int = 0) -> int:
    try:
        return int(_text(element, tag) or default)
    except ValueError:
        return default


def _children(element, tag: str) -> dict[str, str]:
    found = element.find(tag) if element is not None else None
    if found is None:
        return {}
    return {child.tag: (child.text or "").strip() for child in found}


@dataclass(frozen=True)
class CreatedMeeting:
    meeting_id: str
    internal_meeting_id: str
    create_time: int  # epoch milliseconds on the BBB server's clock
    attendee_pw: str
    moderator_pw: str
    duplicate: bool  # messageKey duplicateWarning: the meeting was already running


@dataclass(frozen=True)
class Attendee:
    user_id: str  # the external userID we sent (or BBB's w_... when none was sent)
    full_name: str
    role: str
    is_presenter: bool = False
    is_listening_only: bool = False
    has_joined_voice: bool = False
    has_video: bool = False
    client_type: str = ""

    @property
    def is_moderator(self) -> bool:
        return self.role.upper() == "MODERATOR"


@dataclass(frozen=True)
class MeetingInfo:
    meeting_id: str
    internal_meeting_id: str
    meeting_name: str
    create_time: int
    running: bool
    has_user_joined: bool
    has_been_forcibly_ended: bool
    start_time: int
    end_time: int
    participant_count: int
    moderator_count: int
    attendees: list[Attendee] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PlaybackFormat:
    type: str
    url: str
    length_minutes: int = 0


@dataclass(frozen=True)
class Recording:
    record_id: str
    meeting_id: str
    internal_meeting_id: str
    name: str
    published: bool
    state: str
    start_time: int
    end_time: int
    participants: int
    metadata: dict[str, str] = field(default_factory=dict)
    formats: list[PlaybackFormat] = field(default_factory=list)


def _parse_attendee(element) -> Attendee:
    return Attendee(
        user_id=_text(element, "userID"),
        full_name=_text(element, "fullName"),
        role=_text(element, "role"),
        is_presenter=_bool(element, "isPresenter"),
        is_listening_only=_bool(element, "isListeningOnly"),
        has_joined_voice=_bool(element, "hasJoinedVoice"),
        has_video=_bool(element, "hasVideo"),
        client_type=_text(element, "clientType"),
    )


def parse_meeting_info(element) -> MeetingInfo:
    return MeetingInfo(
        meeting_id=_text(element, "meetingID"),
        internal_meeting_id=_text(element, "internalMeetingID"),
        meeting_name=_text(element, "meetingName"),
        create_time=_int(element, "createTime"),
        running=_bool(element, "running"),
        has_user_joined=_bool(element, "hasUserJoined"),
        has_been_forcibly_ended=_bool(element, "hasBeenForciblyEnded"),
        start_time=_int(element, "startTime"),
        end_time=_int(element, "endTime"),
        participant_count=_int(element, "participantCount"),
        moderator_count=_int(element, "moderatorCount"),
        attendees=[_parse_attendee(a) for a in element.findall("attendees/attendee")],
        metadata=_children(element, "metadata"),
    )


def parse_recording(element) -> Recording:
    formats = [
        PlaybackFormat(
            type=_text(fmt, "type"),
            url=_text(fmt, "url"),
            length_minutes=_int(fmt, "length"),
        )
        for fmt in element.findall("playback/format")
    ]
    return Recording(
        record_id=_text(element, "recordID"),
        meeting_id=_text(element, "meetingID"),
        internal_meeting_id=_text(element, "internalMeetingID"),
        name=_text(element, "name"),
        published=_bool(element, "published"),
        state=_text(element, "state"),
        start_time=_int(element, "startTime"),
        end_time=_int(element, "endTime"),
        participants=_int(element, "participants"),
        metadata=_children(element, "metadata"),
        formats=formats,
    )


@dataclass(frozen=True)
class ApiVersion:
    version: str
    api_version: str
    bbb_version: str  # "" when the server hides it (3.0's default) or is Scalelite
    has_bbb_version: bool  # False: no <bbbVersion> at all (Scalelite answers for itself)


@dataclass(frozen=True)
class JoinProbe:
    """What a browser following a join URL would get (the redirect is not followed)."""

    outcome: str  # "client" (the meeting room), "error" (302 with ?errors=), "xml", "other"
    location: str = ""
    message_key: str = ""


# --- The client -----------------------------------------------------------------------


def _flatten(params: dict) -> list[tuple[str, str]]:
    """Drop None, write booleans as BBB does, keep the caller's order."""
    pairs = []
    for key, value in params.items():
        if value is None:
            continue
        if isinstance(value, bool):
            value = "true" if value else "false"
        pairs.append((key, str(value)))
    return pairs


class BBBClient:
    def __init__(
        self,
        *,
        url: str,
        secret: str,
        algorithm: str = "sha256",
        timeout: float = 5.0,
        session: requests.Session | None = None,
    ):
        if algorithm not in ALGORITHMS:
            raise ValueError(f"Unsupported checksum algorithm {algorithm!r}")
        self.base_url = url if url.endswith("/") else url + "/"
        self.secret = secret
        self.algorithm = algorithm
        self.timeout = timeout
        self.http = session or requests.Session()

    @classmethod
    def from_settings(cls) -> BBBClient:
        return cls(
            url=settings.BBB_URL,
            secret=settings.BBB_SECRET,
            algorithm=settings.BBB_CHECKSUM_ALGORITHM,
            timeout=settings.BBB_TIMEOUT_SECONDS,
            session=_shared_session(),
        )

    # Building URLs --------------------------------------------------------------------

    def checksum(self, call: str, query: str) -> str:
        digest = hashlib.new(self.algorithm)
        digest.update(f"{call}{query}{self.secret}".encode())
        return digest.hexdigest()

    def build_url(self, call: str, params: dict | None = None) -> str:
        query = urlencode(_flatten(params or {}))  # quote_plus: space becomes "+"
        checksum = self.checksum(call, query)
        separator = "&" if query else ""
        return f"{self.base_url}{call}?{query}{separator}checksum={checksum}"

    def join_url(
        self,
        *,
        meeting_id: str,
        full_name: str,
        role: str,
        user_id: str = "",
        create_time: int | None = None,
        logout_url: str = "",
        error_redirect_url: str = "",
        userdata: dict[str, str] | None = None,
    ) -> str:
        """The URL the browser is sent to; computed here, no request to BBB."""
        params = {
            "meetingID": meeting_id,
            "fullName": full_name,
            "role": role,
            "userID": user_id or None,
            "createTime": create_time,
            "redirect": True,
            "logoutURL": logout_url or None,
            "errorRedirectUrl": error_redirect_url or None,
        }
        for key, value in (userdata or {}).items():
            params[f"userdata-{key}"] = value
        return self.build_url("join", params)

    # Calls ------------------------------------------------------------------------------

    def _get(self, url: str, call: str) -> requests.Response:
        try:
            return self.http.get(url, timeout=self.timeout, allow_redirects=False)
        except requests.Timeout as error:
            raise BBBUnavailable("time-out", call=call) from error
        except requests.RequestException as error:
            raise BBBUnavailable(str(error), call=call) from error

    def _parse(self, response: requests.Response, call: str):
        try:
            root = ElementTree.fromstring(response.content)
        except (ElementTree.ParseError, DefusedXmlException, ValueError) as error:
            raise BBBBadResponse(f"not XML: {response.content[:80]!r}", call=call) from error
        if root.tag != "response" or root.find("returncode") is None:
            raise BBBBadResponse(f"unexpected root <{root.tag}>", call=call)
        return root

    def _call(self, call: str, params: dict | None = None):
        url = self.build_url(call, params)
        response = self._get(url, call)
        if response.status_code != 200:
            raise BBBUnavailable(f"HTTP {response.status_code}", call=call)
        root = self._parse(response, call)
        if _text(root, "returncode") != "SUCCESS":
            raise BBBFailed(
                _text(root, "message"), message_key=_text(root, "messageKey") or "", call=call
            )
        return root

    def create(
        self,
        *,
        meeting_id: str,
        name: str,
        welcome: str = "",
        record: bool = False,
        duration: int = 0,
        max_participants: int = 0,
        logout_url: str = "",
        meta: dict[str, str] | None = None,
        extra: dict | None = None,
    ) -> CreatedMeeting:
        """Create the meeting, or get the running one back (``duplicate``); idempotent."""
        params = {
            "meetingID": meeting_id,
            "name": name,
            "welcome": welcome or None,
            "record": record,
            "autoStartRecording": False,
            "allowStartStopRecording": record,
            "duration": duration,
            "maxParticipants": max_participants or None,
            "logoutURL": logout_url or None,
            **(extra or {}),
        }
        for key, value in (meta or {}).items():
            params[f"meta_{key}"] = value
        root = self._call("create", params)
        return CreatedMeeting(
            meeting_id=_text(root, "meetingID"),
            internal_meeting_id=_text(root, "internalMeetingID"),
            create_time=_int(root, "createTime"),
            attendee_pw=_text(root, "attendeePW"),
            moderator_pw=_text(root, "moderatorPW"),
            duplicate=_text(root, "messageKey") == "duplicateWarning",
        )

    def api_version(self) -> ApiVersion:
        """``GET /bigbluebutton/api`` (no checksum): the server's versions."""
        response = self._get(self.base_url, "version")
        if response.status_code != 200:
            raise BBBUnavailable(f"HTTP {response.status_code}", call="version")
        root = self._parse(response, "version")
        return ApiVersion(
            version=_text(root, "version"),
            api_version=_text(root, "apiVersion"),
            bbb_version=_text(root, "bbbVersion"),
            has_bbb_version=root.find("bbbVersion") is not None,
        )

    def probe_join(self, url: str) -> JoinProbe:
        """Follow a join URL one step, as a browser would, without entering the meeting
        room: for ``manage.py bbb_check``."""
        response = self._get(url, "join")
        location = response.headers.get("Location", "")
        if response.status_code in (301, 302, 303, 307):
            if "errors=" in location:
                return JoinProbe(outcome="error", location=location)
            return JoinProbe(outcome="client", location=location)
        if response.status_code == 200:
            try:
                root = self._parse(response, "join")
            except BBBBadResponse:
                return JoinProbe(outcome="other")
            return JoinProbe(outcome="xml", message_key=_text(root, "messageKey"))
        return JoinProbe(outcome="other", message_key=f"HTTP {response.status_code}")

    def list_hooks(self) -> int:
        """``hooks/list`` (bbb-webhooks): the number of hooks registered."""
        return len(self._call("hooks/list").findall("hooks/hook"))

    def is_meeting_running(self, *, meeting_id: str) -> bool:
        return _bool(self._call("isMeetingRunning", {"meetingID": meeting_id}), "running")

    def get_meeting_info(self, *, meeting_id: str) -> MeetingInfo:
        return parse_meeting_info(self._call("getMeetingInfo", {"meetingID": meeting_id}))

    def get_meetings(self) -> list[MeetingInfo]:
        root = self._call("getMeetings")
        return [parse_meeting_info(m) for m in root.findall("meetings/meeting")]

    def end(self, *, meeting_id: str) -> None:
        self._call("end", {"meetingID": meeting_id})

    def get_recordings(
        self,
        *,
        meeting_ids: list[str] | None = None,
        record_ids: list[str] | None = None,
        state: str = "",
    ) -> list[Recording]:
        params = {
            "meetingID": ",".join(meeting_ids) if meeting_ids else None,
            "recordID": ",".join(record_ids) if record_ids else None,
            "state": state or None,
        }
        root = self._call("getRecordings", params)
        return [parse_recording(r) for r in root.findall("recordings/recording")]

    def publish_recordings(self, *, record_ids: list[str], publish: bool = True) -> bool:
        root = self._call(
            "publishRecordings", {"recordID": ",".join(record_ids), "publish": publish}
        )
        return _bool(root, "published")

    def delete_recordings(self, *, record_ids: list[str]) -> bool:
        return _bool(self._call("deleteRecordings", {"recordID": ",".join(record_ids)}), "deleted")

    def create_hook(
        self, *, callback_url: str, meeting_id: str = "", event_ids: list[str] | None = None
    ) -> str:
        params = {
            "callbackURL": callback_url,
            "meetingID": meeting_id or None,
            "eventID": ",".join(event_ids) if event_ids else None,
        }
        return _text(self._call("hooks/create", params), "hookID")


_session: requests.Session | None = None


def _shared_session() -> requests.Session:
    """One connection pool per process: keep-alive to BBB under load."""
    global _session
    if _session is None:
        _session = requests.Session()
    return _session


def get_client() -> BBBClient:
    return BBBClient.from_settings()
