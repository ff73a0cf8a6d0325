"""The emulator's state: meetings, sessions, recordings, hooks; the end sequence and timers.

Every method here runs under ``Emulator.lock`` (taken by the WSGI app).
"""

from __future__ import annotations

import hashlib
import random
import secrets
import string
from collections import Counter
from urllib.parse import urlencode

from .core import Clock, Outbound, Timers
from .outbound import OutboundCalls
from .profiles import profile_config
from .records import Hook, Meeting, Recording, Session

LOWER_ALNUM = string.ascii_lowercase + string.digits
ALNUM = string.ascii_letters + string.digits

DEFAULT_CONFIG = {
    "secret": "",
    "supported_algorithms": ["sha1", "sha256", "sha384", "sha512"],
    "version": "3.0",
    "default_logout_url": "http://127.0.0.1/",
    "expire_no_join_min": 5,
    "expire_last_left_min": 1,
    "ended_meeting_ttl_s": 5,
    "auto_enter_on_join": False,
    "callback_mode": "send",  # send | capture
    "analytics_time_format": "iso",  # iso | legacy
    "analytics_delay_s": 0,  # real servers: minutes after the end
    "end_callback_delay_s": 0,
    # bbbevents writes ext_user_id as a string; True imitates builds that sent numbers.
    "analytics_int_user_ids": False,
    # Analytics times carry the server's own UTC offset ("+07:00" for a server in Thailand).
    "server_utc_offset": "+07:00",
    "webhook_domain": "127.0.0.1",
    "webhook_checksum_algorithm": "sha1",  # bbb-webhooks' hookChecksumAlgorithm
    "webhook_bearer": False,  # bbb-webhooks' auth2_0: "Authorization: Bearer <secret>"
    "outbound_timeout_s": 5,
    # --- What differs between servers (see profiles.py) ---
    "profile": "",
    # Where join errors go: all honour errorRedirectUrl | partial (unpatched 2.7: only
    # ALWAYS_REDIRECTED_ERRORS) | none (2.6: no errorRedirectUrl).
    "error_redirect": "all",
    "redirect_false": True,  # join's redirect=false gives XML (2.7+)
    "random_passwords_per_create": False,  # 2.6: a repeated create answers idNotUnique
    "max_user_concurrent_accesses": 0,  # 3.0: 3
    "reveal_bbb_version": True,  # 3.0: allowRevealOfBBBVersion=false
    "scalelite": False,  # unknown join -> raw XML notFound, no hooks/*
    # A user who left stays listed (and the meeting running) this long (usersTimeout).
    "users_timeout_s": 60,
    "playback_formats": ["presentation", "video"],  # one recording-ready callback each
    "recording_jwt_algorithm": "HS256",  # Scalelite: HS512
    # The secrets the callbacks are signed with when they differ from the API's (BBB#21453:
    # some releases signed the analytics JWT with the packaged secret). "" = the API secret.
    "analytics_secret": "",
    "recording_secret": "",
}


def build_config(config: dict) -> dict:
    """The defaults, then the named profile's keys, then the keys given one by one."""
    return {**DEFAULT_CONFIG, **profile_config(config.get("profile")), **config}


def _token(length: int, alphabet: str = LOWER_ALNUM) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))


class Emulator(OutboundCalls):
    def __init__(self, **config):
        import threading

        self.lock = threading.RLock()
        self.release = threading.Event()  # set on reset/stop: frees "timeout" faults
        self.initial_config = build_config(config)
        self.config = dict(self.initial_config)
        clock_mode = self.config.pop("clock", "system")
        self.clock = Clock(clock_mode, self.config.pop("now_ms", None))
        self.public_url = "http://127.0.0.1"
        self.outbound = Outbound(timeout=self.config["outbound_timeout_s"])
        self._reset_state()

    def _reset_state(self) -> None:
        self.meetings: dict[str, Meeting] = {}  # external ID -> current instance
        self.by_internal: dict[str, Meeting] = {}  # every instance, ended ones included
        self.recordings: dict[str, Recording] = {}
        self.hooks: dict[int, Hook] = {}
        self.next_hook_id = 1
        self.faults: list[dict] = []
        # API requests received per call (faulty answers included): tests count BBB round trips.
        self.api_calls: Counter[str] = Counter()
        self.timers = Timers()
        self.outbound.clear()

    def reset(self) -> None:
        self.release.set()
        self._reset_state()
        clock_mode = self.clock.mode
        self.config = {k: v for k, v in self.initial_config.items() if k not in {"clock", "now_ms"}}
        self.clock = Clock(clock_mode, self.initial_config.get("now_ms"))
        import threading

        self.release = threading.Event()

    def configure(self, changes: dict) -> dict:
        """``POST /_emulator/config``: a ``profile`` key lays that profile's keys over the
        defaults first (the secret, clock and callback mode stay)."""
        if "profile" in changes:
            kept = {
                k: self.config[k]
                for k in ("secret", "default_logout_url", "callback_mode", "outbound_timeout_s")
            }
            self.config = {
                k: v
                for k, v in build_config({"profile": changes["profile"]}).items()
                if k not in {"clock", "now_ms"}
            }
            self.config.update(kept)
        self.config.update({k: v for k, v in changes.items() if k != "profile"})
        return self.config

    @property
    def secret(self) -> str:
        return self.config["secret"]

    @property
    def users_timeout_ms(self) -> int:
        return int(float(self.config["users_timeout_s"]) * 1000)

    def now(self) -> int:
        return self.clock.now_ms()

    def tick(self) -> None:
        self.timers.fire_due(self.now)

    # --- Lookup -------------------------------------------------------------------------

    def find_meeting(self, meeting_id: str) -> Meeting | None:
        """External or internal ID; ended meetings stay findable until removed."""
        meeting = self.meetings.get(meeting_id) or self.by_internal.get(meeting_id)
        if meeting is None or meeting.removed:
            return None
        return meeting

    def find_any_meeting(self, meeting_id: str) -> Meeting | None:
        """For test control: the latest instance even after removal."""
        if meeting_id in self.by_internal:
            return self.by_internal[meeting_id]
        instances = [m for m in self.by_internal.values() if m.meeting_id == meeting_id]
        return max(instances, key=lambda m: m.create_time) if instances else None

    def find_session(self, token: str) -> tuple[Meeting, Session] | tuple[None, None]:
        for meeting in self.by_internal.values():
            for session in meeting.sessions:
                if session.token == token:
                    return meeting, session
        return None, None

    # --- Meetings -----------------------------------------------------------------------

    def new_voice_bridge(self) -> str:
        used = {m.voice_bridge for m in self.meetings.values() if not m.ended}
        while True:
            candidate = str(random.randint(70000, 79999))  # noqa: S311 - not a secret
            if candidate not in used:
                return candidate

    def create_meeting(self, *, meeting_id: str, name: str, **options) -> Meeting:
        create_time = self.now()
        previous = [m.create_time for m in self.by_internal.values() if m.meeting_id == meeting_id]
        if previous and create_time <= max(previous):
            create_time = max(previous) + 1
        internal_id = hashlib.sha1(meeting_id.encode()).hexdigest() + f"-{create_time}"  # noqa: S324
        meeting = Meeting(
            meeting_id=meeting_id,
            internal_id=internal_id,
            name=name,
            create_time=create_time,
            start_time=create_time,
            voice_bridge=options.pop("voice_bridge", "") or self.new_voice_bridge(),
            attendee_pw=options.pop("attendee_pw", "") or _token(8, ALNUM),
            moderator_pw=options.pop("moderator_pw", "") or _token(8, ALNUM),
            **options,
        )
        self.meetings[meeting_id] = meeting
        self.by_internal[internal_id] = meeting
        no_join_min = meeting.expire_no_join_min
        if no_join_min is None:
            no_join_min = self.config["expire_no_join_min"]
        expire_ms = int(float(no_join_min) * 60_000)
        self.timers.schedule(
            create_time + expire_ms, "expire-no-join", lambda: self._expire_if_nobody(meeting)
        )
        if meeting.duration > 0:
            self.timers.schedule(
                create_time + meeting.duration * 60_000,
                "duration",
                lambda: self.end_meeting(meeting, reason="duration"),
            )
        self.emit(
            meeting,
            "meeting-created",
            {
                "create-time": create_time,
                "moderator-pass": meeting.moderator_pw,
                "viewer-pass": meeting.attendee_pw,
                "record": meeting.record,
                "metadata": meeting.metadata,
            },
        )
        return meeting

    def _expire_if_nobody(self, meeting: Meeting) -> None:
        if not meeting.ended and not meeting.has_user_joined:
            self.end_meeting(meeting, reason="expired")

    def _expire_if_empty(self, meeting: Meeting) -> None:
        if not meeting.ended and not meeting.attendees():
            self.end_meeting(meeting, reason="expired")

    def add_session(
        self,
        meeting: Meeting,
        *,
        external_user_id: str,
        full_name: str,
        role: str,
        guest: bool = False,
        customdata: dict | None = None,
        logout_url: str = "",
    ) -> Session:
        internal_user_id = "w_" + _token(12)
        session = Session(
            token=_token(16),
            auth_token=_token(12),
            internal_user_id=internal_user_id,
            external_user_id=external_user_id or internal_user_id,
            full_name=full_name,
            role=role,
            guest=guest,
            customdata=customdata or {},
            logout_url=logout_url,
        )
        meeting.sessions.append(session)
        return session

    def enter(self, meeting: Meeting, session: Session) -> bool:
        """The HTML5 client loaded: the user is in. Returns False if they cannot enter."""
        if meeting.ended or session.guest_status != "ALLOW" or session.entered_at is not None:
            return session.present
        now = self.now()
        limit = int(self.config["max_user_concurrent_accesses"] or 0)
        if limit and session.external_user_id != session.internal_user_id:
            same_user = [
                s
                for s in meeting.attendees()
                if s.external_user_id == session.external_user_id and s is not session
            ]
            # maxUserConcurrentAccesses: the oldest session of that user is ended.
            for oldest in same_user[: max(0, len(same_user) - limit + 1)]:
                self.leave(meeting, oldest)
        session.entered_at = now
        if session.role == "MODERATOR" and not any(
            s.is_presenter for s in meeting.attendees() if s is not session
        ):
            session.is_presenter = True
        meeting.running = True
        meeting.has_user_joined = True
        self.emit(meeting, "user-joined", {"user": self._user_attributes(session)})
        return True

    def leave(self, meeting: Meeting, session: Session) -> None:
        if not session.present:
            return
        now = self.now()
        session.left_at = now
        if session.webcam_since is not None:
            session.webcam_ms += now - session.webcam_since
            session.webcam_since = None
        self.emit(meeting, "user-left", {"user": self._user_attributes(session)})
        if not meeting.attendees() and not meeting.ended:
            # The user stays listed, and the meeting running, until usersTimeout; the
            # meeting expires meetingExpireWhenLastUserLeftInMinutes after that.
            timeout = self.users_timeout_ms
            self.timers.schedule(
                now + timeout, "users-timeout", lambda: self._stop_running_if_empty(meeting)
            )
            last_left_min = meeting.expire_last_left_min
            if last_left_min is None:
                last_left_min = self.config["expire_last_left_min"]
            delay = timeout + int(float(last_left_min) * 60_000)
            self.timers.schedule(
                now + delay, "expire-last-left", lambda: self._expire_if_empty(meeting)
            )

    def _stop_running_if_empty(self, meeting: Meeting) -> None:
        if not meeting.listed(self.now(), self.users_timeout_ms):
            meeting.running = False

    def end_meeting(self, meeting: Meeting, *, reason: str = "api") -> None:
        """The end sequence of the Emulator spec (steps 1-7)."""
        if meeting.ended:
            return
        now = self.now()
        meeting.forcibly_ended = True
        meeting.running = False
        meeting.end_time = now
        meeting.ended_reason = reason
        for session in meeting.sessions:
            if session.present:
                self.leave(meeting, session)
            if session.guest_status == "WAIT":
                session.guest_status = "DENY"
        self.emit(meeting, "meeting-ended", {})
        end_url = meeting.metadata.get("endcallbackurl")
        if end_url:
            query = urlencode(
                {
                    "recordingmarks": "true" if meeting.recording_marks else "false",
                    "meetingID": meeting.meeting_id,
                }
            )
            url = end_url + ("&" if "?" in end_url else "?") + query

            def send_end_callback(url=url):
                self.outbound.add(
                    kind="end",
                    method="GET",
                    url=url,
                    headers={"User-Agent": "BigBlueButton"},
                    body="",
                    mode=self.config["callback_mode"],
                    meta={
                        "meetingID": meeting.meeting_id,
                        "internalMeetingID": meeting.internal_id,
                    },
                )

            delay = int(float(self.config["end_callback_delay_s"]) * 1000)
            if delay:
                self.timers.schedule(now + delay, "end-callback", send_end_callback)
            else:
                send_end_callback()
        ttl_ms = int(float(self.config["ended_meeting_ttl_s"]) * 1000)
        if ttl_ms <= 0:
            self._remove(meeting)  # 3.0: gone as soon as the end is processed
        else:
            self.timers.schedule(now + ttl_ms, "remove", lambda: self._remove(meeting))
        if meeting.record and meeting.recording_marks:
            # record=true alone makes no playback: a moderator must have pressed Record.
            self.recordings[meeting.internal_id] = Recording(
                record_id=meeting.internal_id,
                meeting_id=meeting.meeting_id,
                internal_meeting_id=meeting.internal_id,
                name=meeting.name,
                start_time=meeting.start_time,
                end_time=now,
                participants=len({s.external_user_id for s in meeting.sessions if s.entered_at}),
                metadata={
                    **meeting.metadata,
                    "meetingId": meeting.meeting_id,
                    "meetingName": meeting.name,
                    "isBreakout": "false",
                },
                formats=[
                    {
                        "type": kind,
                        "url": f"{self.public_url}/playback/{kind}/2.3/{meeting.internal_id}",
                        "processingTime": 1000,
                        "length": max(1, (now - meeting.start_time) // 60_000),
                    }
                    for kind in self.config["playback_formats"]
                ],
            )
        if meeting.metadata.get("analytics-callback-url") and meeting.keep_events:
            delay = int(float(self.config["analytics_delay_s"]) * 1000)
            if delay:
                self.timers.schedule(now + delay, "analytics", lambda: self.send_analytics(meeting))
            else:
                self.send_analytics(meeting)

    def _remove(self, meeting: Meeting) -> None:
        meeting.removed = True
        if self.meetings.get(meeting.meeting_id) is meeting:
            del self.meetings[meeting.meeting_id]

    # --- Dumps --------------------------------------------------------------------------

    def dump(self) -> dict:
        return {
            "now_ms": self.now(),
            "config": self.config,
            "api_calls": dict(self.api_calls),
            "meetings": [
                {
                    "meetingID": m.meeting_id,
                    "internalMeetingID": m.internal_id,
                    "name": m.name,
                    "createTime": m.create_time,
                    "running": m.running,
                    "hasUserJoined": m.has_user_joined,
                    "forciblyEnded": m.forcibly_ended,
                    "endedReason": m.ended_reason,
                    "endTime": m.end_time,
                    "removed": m.removed,
                    "metadata": m.metadata,
                    "modules": m.modules,
                    "sessions": [s.as_dict() for s in m.sessions],
                    "attendees": [s.external_user_id for s in m.attendees()],
                    "recordingMarks": m.recording_marks,
                }
                for m in self.by_internal.values()
            ],
            "recordings": [
                {
                    "recordID": r.record_id,
                    "meetingID": r.meeting_id,
                    "state": r.state,
                    "published": r.published,
                    "formats": r.formats,
                }
                for r in self.recordings.values()
            ],
            "hooks": [
                {"hookID": h.hook_id, "callbackURL": h.callback_url, "meetingID": h.meeting_id}
                for h in self.hooks.values()
            ],
            "timers": self.timers.pending(),
            "faults": self.faults,
        }
