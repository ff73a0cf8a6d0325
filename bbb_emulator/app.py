"""The emulator's WSGI application: the BBB API, the meeting room page, test control."""

from __future__ import annotations

import json
import re
from html import escape as html_escape
from urllib.parse import parse_qsl, quote

from .core import checksum_matches, failed, java_date, xml_response
from .state import Emulator, Hook, Meeting, Recording, Session

API_PREFIX = "/bigbluebutton/api"
META_KEY = re.compile(r"^meta_[a-zA-Z][a-zA-Z0-9-]*$")
XML_HEADERS = [("Content-Type", "text/xml;charset=UTF-8"), ("Cache-Control", "no-cache")]

MSG = {
    "checksumError": "Checksums do not match",
    "missingParamMeetingID": "You must specify a meeting ID for the meeting.",
    "missingParamFullName": "You must provide your name",
    "invalidMeetingIdentifier": "A meeting with that ID does not exist",
    "meetingForciblyEnded": "You can not join a meeting that has already been forcibly ended",
    "mismatchCreateTimeParam": (
        "The createTime parameter submitted mismatches with the current meeting."
    ),
    "maxParticipantsReached": (
        "The number of participants allowed for this meeting has been reached."
    ),
    "guestDeniedAccess": (
        "You have been denied access to this meeting based on the meeting's guest policy"
    ),
    "notFound": "A meeting with that ID does not exist",
    "idNotUnique": (
        "A meeting already exists with that meeting ID.  Please use a different meeting ID."
    ),
    "duplicateWarning": (
        "This conference was already in existence and may currently be in progress."
    ),
    "invalidPassword": "The supplied moderator password is incorrect",
    "sentEndMeetingRequest": (
        "A request to end the meeting was sent.  Please wait a few seconds, and then use the "
        "getMeetingInfo or isMeetingRunning API calls to verify that it was ended."
    ),
    "noMeetings": "no meetings were found on this server",
    "noRecordings": "There are no recordings for the meeting(s).",
    "missingParamRecordID": "You must specify one or more a record IDs.",
    "notFoundRecording": "We could not find recordings",
    "unsupportedRequest": "This request is not supported.",
    "nonUniqueVoiceBridge": "The selected voice bridge is already in use.",
    "meetingNotFound": "Meeting not found or not active",
}


class Request:
    def __init__(self, environ):
        self.environ = environ
        self.method = environ.get("REQUEST_METHOD", "GET").upper()
        self.path = environ.get("PATH_INFO", "") or "/"
        self.raw_query = environ.get("QUERY_STRING", "")
        length = int(environ.get("CONTENT_LENGTH") or 0)
        self.body = environ["wsgi.input"].read(length) if length else b""
        self.content_type = environ.get("CONTENT_TYPE", "")
        host = environ.get("HTTP_HOST") or f"{environ['SERVER_NAME']}:{environ['SERVER_PORT']}"
        self.base_url = f"{environ.get('wsgi.url_scheme', 'http')}://{host}"
        self.query_params = parse_qsl(self.raw_query, keep_blank_values=True)
        self.body_params: list[tuple[str, str]] = []
        if self.content_type.startswith("application/x-www-form-urlencoded") and self.body:
            self.body_params = parse_qsl(self.body.decode(), keep_blank_values=True)

    def json(self) -> dict:
        if not self.body:
            return {}
        return json.loads(self.body.decode())


class Response:
    def __init__(self, body: bytes = b"", status: str = "200 OK", headers=None):
        self.body = body
        self.status = status
        self.headers = headers or []


def xml(body: bytes) -> Response:
    return Response(body, headers=list(XML_HEADERS))


def json_response(data, status: str = "200 OK") -> Response:
    return Response(
        json.dumps(data, ensure_ascii=False).encode(),
        status,
        [("Content-Type", "application/json; charset=utf-8")],
    )


def redirect(url: str) -> Response:
    return Response(b"", "302 Found", [("Location", url)])


def html(body: str, status: str = "200 OK") -> Response:
    return Response(body.encode(), status, [("Content-Type", "text/html; charset=utf-8")])


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() == "true"


def _int(value: str | None, default: int = 0) -> int:
    try:
        return int(value) if value not in (None, "") else default
    except ValueError:
        return default


class EmulatorApp:
    def __init__(self, emulator: Emulator):
        self.emulator = emulator

    def __call__(self, environ, start_response):
        request = Request(environ)
        try:
            response = self.dispatch(request)
        except ValueError as error:  # bad JSON in a control call
            response = json_response({"error": str(error)}, "400 Bad Request")
        start_response(
            response.status, [*response.headers, ("Content-Length", str(len(response.body)))]
        )
        return [response.body]

    def dispatch(self, request: Request) -> Response:
        path = request.path
        if path.startswith("/_emulator/"):
            return self.control(request, path[len("/_emulator/") :].strip("/"))
        if path.startswith(API_PREFIX):
            call = path[len(API_PREFIX) :].strip("/")
            with self.emulator.lock:
                self.emulator.api_calls[call or "version"] += 1
            fault = self.take_fault(call or "version")
            if fault is not None:
                return fault
            with self.emulator.lock:
                self.emulator.tick()
                return self.api(request, call)
        if path.startswith("/html5client/"):
            with self.emulator.lock:
                self.emulator.tick()
                return self.client(request, path[len("/html5client/") :])
        if path.startswith("/playback/"):
            return html(_page("บันทึกการอบรม", "<p>ตัวอย่างการเล่นบันทึกการอบรม (จำลอง)</p>"))
        return html(_page("BBB emulator", "<p>BigBlueButton emulator</p>"), "404 Not Found")

    # --- Faults ---------------------------------------------------------------------------

    def take_fault(self, call: str) -> Response | None:
        with self.emulator.lock:
            fault = next(
                (f for f in self.emulator.faults if f["call"] in (call, "*") and f["times"] != 0),
                None,
            )
            if fault is None:
                return None
            if fault["times"] > 0:
                fault["times"] -= 1
            release = self.emulator.release
        mode = fault["mode"]
        if mode == "timeout":
            # Hold the connection until the client gives up (or the emulator is reset).
            release.wait(float(fault.get("delay_s", 30)))
            return xml(failed("timeout", "released"))
        if mode == "http500":
            return html("<h1>500 Internal Server Error</h1>", "500 Internal Server Error")
        if mode == "garbage":
            return Response(
                b"<html><body>Bad Gateway</body>", headers=[("Content-Type", "text/html")]
            )
        key = fault.get("messageKey") or "internalError"
        return xml(failed(key, fault.get("message") or "Injected failure"))

    # --- API ------------------------------------------------------------------------------

    def api(self, request: Request, call: str) -> Response:
        emulator = self.emulator
        if call == "":
            return xml(self.version(request))
        overlap = {k for k, _ in request.query_params} & {k for k, _ in request.body_params}
        if overlap and request.raw_query:
            return xml(failed("checksumError", MSG["checksumError"]))
        if not checksum_matches(
            call=call,
            raw_query=request.raw_query,
            body_params=request.body_params,
            secret=emulator.secret,
            supported=emulator.config["supported_algorithms"],
        ):
            if call == "join":
                return self.join_error(request, dict(request.query_params), "checksumError")
            return xml(failed("checksumError", MSG["checksumError"]))
        params: dict[str, str] = {}
        for key, value in [*request.query_params, *request.body_params]:
            params.setdefault(key, value)
        handler = {
            "create": self.create,
            "join": self.join,
            "isMeetingRunning": self.is_meeting_running,
            "getMeetingInfo": self.get_meeting_info,
            "getMeetings": self.get_meetings,
            "end": self.end,
            "getRecordings": self.get_recordings,
            "publishRecordings": self.publish_recordings,
            "deleteRecordings": self.delete_recordings,
            "updateRecordings": self.update_recordings,
            "insertDocument": self.insert_document,
            "sendChatMessage": self.send_chat_message,
            "hooks/create": self.hooks_create,
            "hooks/destroy": self.hooks_destroy,
            "hooks/list": self.hooks_list,
        }.get(call)
        if handler is None:
            return xml(failed("unsupportedRequest", MSG["unsupportedRequest"]))
        result = handler(request, params)
        return result if isinstance(result, Response) else xml(result)

    def version(self, request: Request) -> bytes:
        items = [
            ("returncode", "SUCCESS"),
            ("version", "2.0"),
            ("apiVersion", "2.0"),
            ("bbbVersion", "3.0.0" if self.emulator.config["version"] == "3.0" else "2.7.0"),
        ]
        if self.emulator.config["version"] == "3.0":
            items += [
                ("apiUrl", request.base_url + API_PREFIX),
                ("graphqlWebsocketUrl", request.base_url.replace("http", "ws", 1) + "/graphql"),
                ("graphqlApiUrl", request.base_url + "/api/rest"),
            ]
        return xml_response(items)

    def create(self, request: Request, params: dict) -> bytes:
        emulator = self.emulator
        meeting_id = params.get("meetingID", "")
        name = params.get("name", "")
        if not meeting_id:
            return failed("missingParamMeetingID", MSG["missingParamMeetingID"])
        if not 2 <= len(meeting_id) <= 256:
            return failed("validationError", "Meeting ID must be between 2 and 256 characters")
        if "," in meeting_id:
            return failed("validationError", "Meeting ID cannot contain ','")
        if not 2 <= len(name) <= 256:
            return failed("validationError", "Meeting name must be between 2 and 256 characters")
        attendee_pw = params.get("attendeePW", "")
        moderator_pw = params.get("moderatorPW", "")
        existing = emulator.meetings.get(meeting_id)
        if existing is not None and not existing.ended and not existing.removed:
            same = (not attendee_pw or attendee_pw == existing.attendee_pw) and (
                not moderator_pw or moderator_pw == existing.moderator_pw
            )
            if not same:
                return failed("idNotUnique", MSG["idNotUnique"])
            return self.create_reply(existing, "duplicateWarning", MSG["duplicateWarning"])
        voice_bridge = params.get("voiceBridge", "")
        if voice_bridge and any(
            m.voice_bridge == voice_bridge and not m.ended for m in emulator.meetings.values()
        ):
            return failed("nonUniqueVoiceBridge", MSG["nonUniqueVoiceBridge"])
        metadata = {
            key[len("meta_") :].lower(): value
            for key, value in params.items()
            if META_KEY.match(key)
        }
        modules = ""
        if request.body and not request.body_params:
            modules = request.body.decode(errors="replace")
        meeting = emulator.create_meeting(
            meeting_id=meeting_id,
            name=name,
            voice_bridge=voice_bridge,
            attendee_pw=attendee_pw,
            moderator_pw=moderator_pw,
            welcome=params.get("welcome", ""),
            record=_bool(params.get("record")),
            auto_start_recording=_bool(params.get("autoStartRecording")),
            allow_start_stop_recording=_bool(params.get("allowStartStopRecording"), True),
            duration=_int(params.get("duration")),
            max_participants=_int(params.get("maxParticipants")),
            logout_url=params.get("logoutURL", ""),
            guest_policy=(params.get("guestPolicy") or "ALWAYS_ACCEPT").upper(),
            metadata=metadata,
            keep_events=_bool(params.get("meetingKeepEvents")) or _bool(params.get("keepEvents")),
            modules=modules,
        )
        return self.create_reply(meeting, "", "")

    def create_reply(self, meeting: Meeting, key: str, message: str) -> bytes:
        return xml_response(
            [
                ("returncode", "SUCCESS"),
                ("meetingID", meeting.meeting_id),
                ("internalMeetingID", meeting.internal_id),
                ("parentMeetingID", "bbb-none"),
                ("attendeePW", meeting.attendee_pw),
                ("moderatorPW", meeting.moderator_pw),
                ("createTime", meeting.create_time),
                ("voiceBridge", meeting.voice_bridge),
                ("dialNumber", meeting.dial_number),
                ("createDate", _java_date(meeting.create_time)),
                ("hasUserJoined", meeting.has_user_joined),
                ("duration", meeting.duration),
                ("hasBeenForciblyEnded", meeting.forcibly_ended),
                ("messageKey", key),
                ("message", message),
            ]
        )

    def join_error(self, request: Request, params: dict, key: str, meeting=None) -> Response:
        target = (
            params.get("errorRedirectUrl")
            or params.get("logoutURL")
            or (meeting.logout_url if meeting else "")
            or self.emulator.config["default_logout_url"]
        )
        errors = json.dumps([{"key": key, "message": MSG.get(key, key)}])
        separator = "&" if "?" in target else "?"
        return redirect(f"{target}{separator}errors={quote(errors)}")

    def join(self, request: Request, params: dict) -> Response | bytes:
        emulator = self.emulator
        if emulator.config["version"] == "3.0" and request.method != "GET":
            return failed("unsupportedRequest", "join accepts GET only")
        meeting_id = params.get("meetingID", "")
        if not meeting_id:
            return self.join_error(request, params, "missingParamMeetingID")
        meeting = emulator.find_meeting(meeting_id)
        if meeting is None:
            return self.join_error(request, params, "invalidMeetingIdentifier")
        if meeting.forcibly_ended:
            return self.join_error(request, params, "meetingForciblyEnded", meeting)
        full_name = params.get("fullName", "")
        if not full_name:
            return self.join_error(request, params, "missingParamFullName", meeting)
        create_time = params.get("createTime", "")
        if create_time and create_time != str(meeting.create_time):
            return self.join_error(request, params, "mismatchCreateTimeParam", meeting)
        role = params.get("role", "").upper()
        if role not in ("MODERATOR", "VIEWER"):
            password = params.get("password", "")
            if password and password == meeting.moderator_pw:
                role = "MODERATOR"
            elif password and password == meeting.attendee_pw:
                role = "VIEWER"
            else:
                return xml_response(
                    [
                        ("returncode", "FAILED"),
                        ("messageKey", "Params required"),
                        (
                            "message",
                            "You must either send the valid role of the user, or the password, "
                            "sould the meeting has one.",
                        ),
                    ]
                )
        user_id = params.get("userID", "")
        if meeting.max_participants > 0:
            inside = {
                s.external_user_id
                for s in meeting.sessions
                if s.left_at is None and s.guest_status != "DENY"
            }
            if (not user_id or user_id not in inside) and len(inside) >= meeting.max_participants:
                return self.join_error(request, params, "maxParticipantsReached", meeting)
        guest = _bool(params.get("guest"))
        guest_status = "ALLOW"
        if guest and role != "MODERATOR":
            policy = meeting.guest_policy
            if policy == "ALWAYS_DENY":
                return self.join_error(request, params, "guestDeniedAccess", meeting)
            if policy in ("ASK_MODERATOR", "ALWAYS_ACCEPT_AUTH"):
                guest_status = "WAIT"
        session = emulator.add_session(
            meeting,
            external_user_id=user_id,
            full_name=full_name,
            role=role,
            guest=guest,
            customdata={
                k[len("userdata-") :]: v for k, v in params.items() if k.startswith("userdata-")
            },
            logout_url=params.get("logoutURL", ""),
        )
        session.guest_status = guest_status
        page = "guestWait" if guest_status == "WAIT" else "join"
        url = f"{request.base_url}/html5client/{page}?sessionToken={session.token}"
        if emulator.config["auto_enter_on_join"] and guest_status == "ALLOW":
            emulator.enter(meeting, session)
        if not _bool(params.get("redirect"), True):
            return xml_response(
                [
                    ("returncode", "SUCCESS"),
                    ("messageKey", "guestWait" if guest_status == "WAIT" else "successfullyJoined"),
                    ("message", "You have joined successfully."),
                    ("meeting_id", meeting.internal_id),
                    ("user_id", session.internal_user_id),
                    ("auth_token", session.auth_token),
                    ("session_token", session.token),
                    ("guestStatus", guest_status),
                    ("url", url),
                ]
            )
        return redirect(url)

    def is_meeting_running(self, request: Request, params: dict) -> bytes:
        meeting = self.emulator.find_meeting(params.get("meetingID", ""))
        running = bool(meeting and meeting.running and not meeting.ended)
        return xml_response([("returncode", "SUCCESS"), ("running", running)])

    def meeting_items(self, meeting: Meeting) -> list:
        attendees = meeting.attendees()
        return [
            ("meetingName", meeting.name),
            ("meetingID", meeting.meeting_id),
            ("internalMeetingID", meeting.internal_id),
            ("createTime", meeting.create_time),
            ("createDate", _java_date(meeting.create_time)),
            ("voiceBridge", meeting.voice_bridge),
            ("dialNumber", meeting.dial_number),
            ("attendeePW", meeting.attendee_pw),
            ("moderatorPW", meeting.moderator_pw),
            ("running", meeting.running and not meeting.ended),
            ("duration", meeting.duration),
            ("hasUserJoined", meeting.has_user_joined),
            ("recording", meeting.record and meeting.recording_marks),
            ("hasBeenForciblyEnded", meeting.forcibly_ended),
            ("startTime", meeting.start_time),
            ("endTime", meeting.end_time),
            ("participantCount", len(attendees)),
            ("listenerCount", sum(1 for s in attendees if s.is_listening_only)),
            ("voiceParticipantCount", sum(1 for s in attendees if s.has_joined_voice)),
            ("videoCount", sum(1 for s in attendees if s.has_video)),
            ("maxUsers", meeting.max_participants),
            ("moderatorCount", sum(1 for s in attendees if s.role == "MODERATOR")),
            (
                "attendees",
                [
                    (
                        "attendee",
                        [
                            ("userID", s.external_user_id),
                            ("fullName", s.full_name),
                            ("role", s.role),
                            ("isPresenter", s.is_presenter),
                            ("isListeningOnly", s.is_listening_only),
                            ("hasJoinedVoice", s.has_joined_voice),
                            ("hasVideo", s.has_video),
                            ("clientType", "HTML5"),
                            ("customdata", list(s.customdata.items())),
                        ],
                    )
                    for s in attendees
                ],
            ),
            ("metadata", list(meeting.metadata.items())),
            ("isBreakout", False),
        ]

    def get_meeting_info(self, request: Request, params: dict) -> bytes:
        meeting = self.emulator.find_meeting(params.get("meetingID", ""))
        if meeting is None:
            return failed("notFound", MSG["notFound"])
        return xml_response([("returncode", "SUCCESS"), *self.meeting_items(meeting)])

    def get_meetings(self, request: Request, params: dict) -> bytes:
        meetings = [m for m in self.emulator.meetings.values() if not m.removed]
        if not meetings:
            return xml_response(
                [
                    ("returncode", "SUCCESS"),
                    ("meetings", []),
                    ("messageKey", "noMeetings"),
                    ("message", MSG["noMeetings"]),
                ]
            )
        return xml_response(
            [
                ("returncode", "SUCCESS"),
                ("meetings", [("meeting", self.meeting_items(m)) for m in meetings]),
            ]
        )

    def end(self, request: Request, params: dict) -> bytes:
        meeting = self.emulator.find_meeting(params.get("meetingID", ""))
        if meeting is None:
            return failed("notFound", MSG["notFound"])
        password = params.get("password", "")
        if password and password != meeting.moderator_pw:
            return failed("invalidPassword", MSG["invalidPassword"])
        self.emulator.end_meeting(meeting, reason="api")
        return xml_response(
            [
                ("returncode", "SUCCESS"),
                ("messageKey", "sentEndMeetingRequest"),
                ("message", MSG["sentEndMeetingRequest"]),
            ]
        )

    # Recordings --------------------------------------------------------------------------

    def recording_items(self, recording: Recording) -> list:
        return [
            ("recordID", recording.record_id),
            ("meetingID", recording.meeting_id),
            ("internalMeetingID", recording.internal_meeting_id),
            ("name", recording.name),
            ("isBreakout", False),
            ("published", recording.published),
            ("state", recording.state),
            ("startTime", recording.start_time),
            ("endTime", recording.end_time),
            ("participants", recording.participants),
            ("metadata", list(recording.metadata.items())),
            (
                "playback",
                [
                    (
                        "format",
                        [
                            ("type", fmt.get("type", "presentation")),
                            ("url", fmt.get("url", "")),
                            ("processingTime", fmt.get("processingTime", 0)),
                            ("length", fmt.get("length", 0)),
                        ],
                    )
                    for fmt in recording.formats
                ],
            ),
        ]

    def get_recordings(self, request: Request, params: dict) -> bytes:
        recordings = [r for r in self.emulator.recordings.values() if r.state != "deleted"]
        record_ids = [r for r in params.get("recordID", "").split(",") if r]
        meeting_ids = [m for m in params.get("meetingID", "").split(",") if m]
        if record_ids:
            recordings = [
                r for r in recordings if any(r.record_id.startswith(rid) for rid in record_ids)
            ]
        elif meeting_ids:
            recordings = [r for r in recordings if r.meeting_id in meeting_ids]
        states = [s for s in params.get("state", "").split(",") if s] or [
            "published",
            "unpublished",
        ]
        if "any" not in states:
            recordings = [r for r in recordings if r.state in states]
        for key, value in params.items():
            if META_KEY.match(key):
                meta = key[len("meta_") :].lower()
                recordings = [r for r in recordings if r.metadata.get(meta) == value]
        offset = _int(params.get("offset"))
        limit = _int(params.get("limit"), 100)
        recordings = recordings[offset : offset + max(1, min(limit, 100))]
        if not recordings:
            return xml_response(
                [
                    ("returncode", "SUCCESS"),
                    ("recordings", []),
                    ("messageKey", "noRecordings"),
                    ("message", MSG["noRecordings"]),
                ]
            )
        return xml_response(
            [
                ("returncode", "SUCCESS"),
                ("recordings", [("recording", self.recording_items(r)) for r in recordings]),
            ]
        )

    def _recordings_for(self, params: dict) -> list[Recording] | bytes:
        record_ids = [r for r in params.get("recordID", "").split(",") if r]
        if not record_ids:
            return failed("missingParamRecordID", MSG["missingParamRecordID"])
        found = [self.emulator.recordings.get(r) for r in record_ids]
        if any(r is None or r.state == "deleted" for r in found):
            return failed("notFound", MSG["notFoundRecording"])
        return found

    def publish_recordings(self, request: Request, params: dict) -> bytes:
        found = self._recordings_for(params)
        if isinstance(found, bytes):
            return found
        publish = _bool(params.get("publish"), True)
        for recording in found:
            if publish:
                self.emulator.publish_recording(recording, notify=False)
            else:
                recording.state = "unpublished"
                recording.published = False
        return xml_response([("returncode", "SUCCESS"), ("published", publish)])

    def delete_recordings(self, request: Request, params: dict) -> bytes:
        found = self._recordings_for(params)
        if isinstance(found, bytes):
            return found
        for recording in found:
            recording.state = "deleted"
            recording.published = False
        return xml_response([("returncode", "SUCCESS"), ("deleted", True)])

    def update_recordings(self, request: Request, params: dict) -> bytes:
        found = self._recordings_for(params)
        if isinstance(found, bytes):
            return found
        for recording in found:
            for key, value in params.items():
                if META_KEY.match(key):
                    recording.metadata[key[len("meta_") :].lower()] = value
        return xml_response([("returncode", "SUCCESS"), ("updated", True)])

    # Others -------------------------------------------------------------------------------

    def insert_document(self, request: Request, params: dict) -> bytes:
        meeting = self.emulator.find_meeting(params.get("meetingID", ""))
        if meeting is None:
            return failed("notFound", MSG["notFound"])
        meeting.modules += request.body.decode(errors="replace")
        return xml_response(
            [
                ("returncode", "SUCCESS"),
                ("messageKey", "documentInserted"),
                ("message", "Presentation is being uploaded"),
            ]
        )

    def send_chat_message(self, request: Request, params: dict) -> bytes:
        meeting = self.emulator.find_meeting(params.get("meetingID", ""))
        if meeting is None or not meeting.running:
            return failed("meetingNotFound", MSG["meetingNotFound"])
        message = params.get("message", "")
        if not 1 <= len(message) <= 500:
            return failed("validationError", "Message must be between 1 and 500 characters")
        meeting.event_log.append({"chat": message, "userName": params.get("userName", "System")})
        return xml_response([("returncode", "SUCCESS"), ("messageKey", ""), ("message", "")])

    def hooks_create(self, request: Request, params: dict) -> bytes:
        emulator = self.emulator
        url = params.get("callbackURL", "")
        if not url:
            return failed("missingParamCallbackURL", "You must specify a callbackURL.")
        meeting_id = params.get("meetingID", "")
        for hook in emulator.hooks.values():
            if hook.callback_url == url and hook.meeting_id == meeting_id:
                return xml_response(
                    [
                        ("returncode", "SUCCESS"),
                        ("hookID", hook.hook_id),
                        ("messageKey", "duplicateWarning"),
                        ("message", "There is already a hook for this callback URL."),
                    ]
                )
        hook = Hook(
            hook_id=emulator.next_hook_id,
            callback_url=url,
            meeting_id=meeting_id,
            event_ids=[e for e in params.get("eventID", "").split(",") if e],
            raw=_bool(params.get("getRaw")),
        )
        emulator.next_hook_id += 1
        emulator.hooks[hook.hook_id] = hook
        return xml_response(
            [
                ("returncode", "SUCCESS"),
                ("hookID", hook.hook_id),
                ("permanentHook", False),
                ("rawData", hook.raw),
            ]
        )

    def hooks_destroy(self, request: Request, params: dict) -> bytes:
        hook_id = params.get("hookID", "")
        if not hook_id:
            return failed("missingParamHookID", "You must specify a hookID.")
        if self.emulator.hooks.pop(_int(hook_id, -1), None) is None:
            return failed("destroyMissingHook", "The hook informed was not found.")
        return xml_response([("returncode", "SUCCESS"), ("removed", True)])

    def hooks_list(self, request: Request, params: dict) -> bytes:
        meeting_id = params.get("meetingID", "")
        hooks = [
            h for h in self.emulator.hooks.values() if not meeting_id or h.meeting_id == meeting_id
        ]
        return xml_response(
            [
                ("returncode", "SUCCESS"),
                (
                    "hooks",
                    [
                        (
                            "hook",
                            [
                                ("hookID", h.hook_id),
                                ("callbackURL", h.callback_url),
                                ("meetingID", h.meeting_id),
                                ("permanentHook", False),
                                ("rawData", h.raw),
                            ],
                        )
                        for h in hooks
                    ],
                ),
            ]
        )

    # --- The HTML5 client stand-in: a Thai meeting-room page ---------------------------

    def client(self, request: Request, page: str) -> Response:
        emulator = self.emulator
        params = dict(request.query_params)
        meeting, session = emulator.find_session(params.get("sessionToken", ""))
        if session is None:
            return html(
                _page("ไม่พบห้องประชุม", "<p>ลิงก์เข้าห้องไม่ถูกต้องหรือหมดอายุแล้ว</p>"), "404 Not Found"
            )
        logout = session.logout_url or meeting.logout_url or emulator.config["default_logout_url"]
        if page == "leave" and request.method == "POST":
            emulator.leave(meeting, session)
            return redirect(logout)
        if meeting.ended:
            body = (
                f"<p>การประชุม <strong>{html_escape(meeting.name)}</strong> สิ้นสุดแล้ว</p>"
                f'<p><a href="{html_escape(logout)}">กลับสู่เว็บไซต์การอบรม</a></p>'
            )
            return html(_page("การประชุมสิ้นสุดแล้ว", body))
        if session.guest_status == "WAIT":
            return html(_page("รอการอนุมัติ", "<p>กรุณารอผู้ดำเนินการอนุมัติให้เข้าห้อง</p>"))
        if session.guest_status == "DENY":
            return html(_page("ไม่ได้รับอนุญาต", "<p>ผู้ดำเนินการไม่อนุญาตให้เข้าห้อง</p>"))
        emulator.enter(meeting, session)
        if session.left_at is not None:
            body = (
                f'<p>คุณออกจากห้องแล้ว</p><p><a href="{html_escape(logout)}">กลับสู่เว็บไซต์การอบรม</a></p>'
            )
            return html(_page("ออกจากห้องแล้ว", body))
        role = "ผู้ดำเนินการ (MODERATOR)" if session.role == "MODERATOR" else "ผู้เข้าร่วม (VIEWER)"
        people = "".join(
            f'<li data-user-id="{html_escape(s.external_user_id)}">{html_escape(s.full_name)}'
            f"{' · ผู้ดำเนินการ' if s.role == 'MODERATOR' else ''}</li>"
            for s in meeting.attendees()
        )
        welcome = f"<p>{html_escape(meeting.welcome)}</p>" if meeting.welcome else ""
        body = f"""
<p class="status" data-role="{session.role}">คุณอยู่ในห้องประชุมแล้ว</p>
<h1>{html_escape(meeting.name)}</h1>
{welcome}
<dl><dt>ชื่อของคุณ</dt><dd data-identifier="fullName">{html_escape(session.full_name)}</dd>
<dt>บทบาท</dt><dd data-identifier="role">{role}</dd></dl>
<h2>ผู้อยู่ในห้อง ({len(meeting.attendees())} คน)</h2>
<ul class="attendees">{people}</ul>
<form method="post" action="/html5client/leave?sessionToken={session.token}">
<button type="submit">ออกจากห้อง</button></form>
<p class="note">หน้านี้เป็นห้องประชุมจำลอง (BigBlueButton emulator) สำหรับการพัฒนาและทดสอบ</p>
"""
        return html(_page(meeting.name, body))

    # --- Test control (/_emulator/) ---------------------------------------------------------

    def control(self, request: Request, path: str) -> Response:
        emulator = self.emulator
        parts = path.split("/") if path else []
        if parts == ["callbacks"] and request.method == "GET":
            with emulator.lock:
                emulator.tick()
            if dict(request.query_params).get("wait"):
                emulator.outbound.wait_idle()
            with emulator.lock:
                return json_response([c.as_dict() for c in emulator.outbound.calls])
        data = request.json() if request.method in ("POST", "DELETE") else {}
        with emulator.lock:
            emulator.tick()
            result = self._control(request, parts, data)
        return result

    def _control(self, request: Request, parts: list[str], data: dict) -> Response:
        emulator = self.emulator
        method = request.method
        emulator.public_url = request.base_url
        if parts == ["reset"] and method == "POST":
            emulator.reset()
            return json_response({"reset": True})
        if parts == ["state"]:
            return json_response(emulator.dump())
        if parts == ["config"] and method == "POST":
            emulator.config.update(data)
            return json_response(emulator.config)
        if parts == ["clock"] and method == "POST":
            if "now_ms" in data:
                emulator.clock.set(int(data["now_ms"]))
            if "advance_s" in data:
                # Step through due timers in order, so each fires at its own time.
                target = emulator.now() + int(float(data["advance_s"]) * 1000)
                while True:
                    pending = [
                        t["due_ms"] for t in emulator.timers.pending() if t["due_ms"] <= target
                    ]
                    if not pending:
                        break
                    emulator.clock.set(max(pending[0], emulator.now()))
                    emulator.tick()
                emulator.clock.set(target)
            emulator.tick()
            return json_response({"now_ms": emulator.now()})
        if parts == ["faults"] and method == "POST":
            fault = {
                "call": data.get("call", "*"),
                "times": int(data.get("times", 1)),
                "mode": data.get("mode", "failed"),
                "messageKey": data.get("messageKey", ""),
                "message": data.get("message", ""),
                "delay_s": float(data.get("delay_s", 30)),
            }
            emulator.faults.append(fault)
            return json_response(fault)
        if parts == ["meetings"] and method == "POST":
            return self._seed_meeting(data)
        if parts == ["recordings"] and method == "POST":
            return self._seed_recording(data)
        if len(parts) == 3 and parts[0] == "recordings" and parts[2] == "ready":
            recording = emulator.recordings.get(parts[1])
            if recording is None:
                return json_response({"error": "no such recording"}, "404 Not Found")
            emulator.publish_recording(recording)
            return json_response({"recordID": recording.record_id, "published": True})
        if len(parts) == 3 and parts[0] == "sessions" and parts[2] in ("enter", "leave"):
            meeting, session = emulator.find_session(parts[1])
            if session is None:
                return json_response({"error": "no such session"}, "404 Not Found")
            if parts[2] == "enter":
                emulator.enter(meeting, session)
            else:
                emulator.leave(meeting, session)
            return json_response(session.as_dict())
        if len(parts) >= 3 and parts[0] == "meetings":
            meeting = emulator.find_any_meeting(parts[1])
            if meeting is None:
                return json_response({"error": "no such meeting"}, "404 Not Found")
            return self._meeting_control(request, meeting, parts[2:], data)
        return json_response({"error": "unknown control call"}, "404 Not Found")

    def _seed_meeting(self, data: dict) -> Response:
        emulator = self.emulator
        meeting = emulator.create_meeting(
            meeting_id=data["meetingID"],
            name=data.get("name", data["meetingID"]),
            attendee_pw=data.get("attendeePW", ""),
            moderator_pw=data.get("moderatorPW", ""),
            record=bool(data.get("record", False)),
            duration=int(data.get("duration", 0)),
            max_participants=int(data.get("maxParticipants", 0)),
            logout_url=data.get("logoutURL", ""),
            metadata={k[len("meta_") :].lower(): v for k, v in data.items() if META_KEY.match(k)},
            keep_events=bool(data.get("meetingKeepEvents", False)),
        )
        for attendee in data.get("attendees", []):
            self._enter_fake(meeting, attendee)
        if data.get("running") and not meeting.running:
            meeting.running = True
            meeting.has_user_joined = True
        return json_response(
            {
                "meetingID": meeting.meeting_id,
                "internalMeetingID": meeting.internal_id,
                "createTime": meeting.create_time,
            }
        )

    def _enter_fake(self, meeting: Meeting, attendee: dict) -> Session:
        session = self.emulator.add_session(
            meeting,
            external_user_id=str(attendee.get("userID", "")),
            full_name=attendee.get("fullName", "ผู้เข้าร่วม"),
            role=attendee.get("role", "VIEWER").upper(),
            guest=bool(attendee.get("guest", False)),
        )
        self.emulator.enter(meeting, session)
        return session

    def _seed_recording(self, data: dict) -> Response:
        emulator = self.emulator
        meeting = emulator.find_any_meeting(data.get("meetingID", ""))
        record_id = data.get("recordID") or (meeting.internal_id if meeting else "")
        if not record_id:
            return json_response({"error": "recordID or meetingID needed"}, "400 Bad Request")
        formats = data.get("playback") or [
            {
                "type": "presentation",
                "url": f"{emulator.public_url}/playback/presentation/2.3/{record_id}",
                "length": 60,
            }
        ]
        recording = Recording(
            record_id=record_id,
            meeting_id=data.get("meetingID", meeting.meeting_id if meeting else ""),
            internal_meeting_id=meeting.internal_id if meeting else record_id,
            name=data.get("name", meeting.name if meeting else record_id),
            state=data.get("state", "published" if data.get("published", True) else "unpublished"),
            published=bool(data.get("published", True)),
            start_time=int(data.get("startTime", emulator.now())),
            end_time=int(data.get("endTime", emulator.now())),
            participants=int(data.get("participants", 0)),
            metadata={
                **(meeting.metadata if meeting else {}),
                **{k[len("meta_") :].lower(): v for k, v in data.items() if META_KEY.match(k)},
            },
            formats=formats,
        )
        emulator.recordings[record_id] = recording
        return json_response({"recordID": record_id})

    def _meeting_control(self, request, meeting: Meeting, rest: list[str], data: dict) -> Response:
        emulator = self.emulator
        method = request.method
        if rest == ["attendees"] and method == "POST":
            session = self._enter_fake(meeting, data)
            return json_response(session.as_dict())
        if len(rest) == 2 and rest[0] == "attendees" and method == "DELETE":
            left = []
            for session in meeting.sessions:
                if (
                    rest[1] in (session.external_user_id, session.internal_user_id)
                    and session.present
                ):
                    emulator.leave(meeting, session)
                    left.append(session.as_dict())
            return json_response(left, "200 OK" if left else "404 Not Found")
        if len(rest) == 3 and rest[0] == "guests" and rest[2] in ("approve", "deny"):
            for session in meeting.sessions:
                if session.internal_user_id == rest[1]:
                    session.guest_status = "ALLOW" if rest[2] == "approve" else "DENY"
                    return json_response(session.as_dict())
            return json_response({"error": "no such guest"}, "404 Not Found")
        if rest == ["events"] and method == "POST":
            user_id = str(data.get("userID", ""))
            sessions = [
                s
                for s in meeting.sessions
                if s.present and user_id in (s.external_user_id, s.internal_user_id)
            ]
            if not sessions:
                return json_response({"error": "user not in the meeting"}, "404 Not Found")
            session = sessions[-1]
            kind = data.get("type", "")
            if kind == "chat":
                session.chats += 1
            elif kind == "talk":
                session.talks += 1
                session.talk_time_s += int(data.get("talk_seconds", 0))
            elif kind == "raisehand":
                session.raisehand += 1
            elif kind == "emoji":
                session.emojis += 1
            elif kind == "poll_vote":
                session.poll_votes += 1
            elif kind == "webcam_on":
                session.has_video = True
                session.webcam_since = emulator.now()
            elif kind == "webcam_off":
                session.has_video = False
                if session.webcam_since is not None:
                    session.webcam_ms += emulator.now() - session.webcam_since
                    session.webcam_since = None
            elif kind == "unmute":
                session.has_joined_voice = True
                session.is_listening_only = False
            elif kind == "mute":
                session.is_listening_only = True
            else:
                return json_response({"error": f"unknown event type {kind!r}"}, "400 Bad Request")
            return json_response(session.as_dict())
        if rest == ["end"] and method == "POST":
            emulator.end_meeting(meeting, reason=data.get("reason", "api"))
            return json_response({"ended": True, "reason": meeting.ended_reason})
        if rest == ["recording-marks"] and method == "POST":
            meeting.recording_marks = bool(data.get("value", True))
            return json_response({"recordingMarks": meeting.recording_marks})
        if rest == ["analytics-callback"] and method == "POST":
            return json_response(emulator.send_analytics(meeting))
        return json_response({"error": "unknown meeting control call"}, "404 Not Found")


def _java_date(ms: int) -> str:
    return java_date(ms)


def _page(title: str, body: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="th"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html_escape(title)} · ห้องประชุมออนไลน์</title>
<style>
body {{ font-family: "Sarabun", "Noto Sans Thai", "Loma", sans-serif; margin: 0;
  background: #1d2321; color: #fff; }}
main {{ max-width: 40rem; margin: 0 auto; padding: 1.5rem 1rem; }}
.status {{ background: #177a5b; padding: .6rem 1rem; border-radius: 8px; font-weight: 700; }}
button {{ font: inherit; min-height: 44px; padding: .5rem 1.2rem; border-radius: 8px; border: 0;
  background: #a61b1b; color: #fff; }}
a {{ color: #9fe3c6; }} .note {{ color: #b9c4bf; font-size: .85rem; margin-top: 2rem; }}
</style></head>
<body><main>{body}</main></body></html>"""
