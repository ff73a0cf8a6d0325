"""The BBB API's meeting calls: version, create, join, isMeetingRunning, getMeetingInfo,
getMeetings, end."""

from __future__ import annotations

import json
from urllib.parse import quote

from .core import failed, xml_response
from .profiles import ALWAYS_REDIRECTED_ERRORS
from .state import Emulator, Meeting
from .web import (
    API_PREFIX,
    META_KEY,
    MSG,
    Request,
    Response,
    _bool,
    _int,
    _java_date,
    redirect,
)


def _minutes(value: str | None) -> float | None:
    """A per-meeting meetingExpire… parameter; None (the server default) when absent."""
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


class MeetingCalls:
    """Handlers for ``EmulatorApp.api``; each returns XML bytes or a Response."""

    emulator: Emulator

    def version(self, request: Request) -> bytes:
        config = self.emulator.config
        if config["scalelite"]:
            # Scalelite answers for itself: no BBB version, no API URLs.
            return xml_response([("returncode", "SUCCESS"), ("version", "2.0")])
        items = [
            ("returncode", "SUCCESS"),
            ("version", "2.0"),
            ("apiVersion", "2.0"),
            ("bbbVersion", f"{config['version']}.0" if config["reveal_bbb_version"] else ""),
        ]
        if config["version"] == "3.0":
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
            if emulator.config["random_passwords_per_create"]:
                # 2.6 drew new random passwords for this create: they never match.
                same = attendee_pw == existing.attendee_pw and moderator_pw == (
                    existing.moderator_pw
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
            expire_no_join_min=_minutes(params.get("meetingExpireIfNoUserJoinedInMinutes")),
            expire_last_left_min=_minutes(params.get("meetingExpireWhenLastUserLeftInMinutes")),
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
        """A 302 with ``errors=[…]`` to errorRedirectUrl when the server honours it for this
        error, else the join's logoutURL (never the create's, BBB#23380), else the default."""
        mode = self.emulator.config["error_redirect"]
        honoured = mode == "all" or (mode == "partial" and key in ALWAYS_REDIRECTED_ERRORS)
        target = (
            (params.get("errorRedirectUrl") if honoured else "")
            or params.get("logoutURL")
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
        if meeting is None and emulator.config["scalelite"]:
            # Scalelite answers the browser itself: raw XML, no redirect at all.
            return failed("notFound", MSG["scaleliteNotFound"])
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
        if emulator.config["redirect_false"] and not _bool(params.get("redirect"), True):
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
        # Users who left stay listed until usersTimeout.
        attendees = meeting.listed(self.emulator.now(), self.emulator.users_timeout_ms)
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
