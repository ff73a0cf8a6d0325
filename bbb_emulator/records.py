"""What the emulated server holds: meetings, their sessions (joins), recordings, hooks."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Session:
    """One join: a browser tab or device of one user."""

    token: str
    auth_token: str
    internal_user_id: str
    external_user_id: str
    full_name: str
    role: str
    guest: bool = False
    guest_status: str = "ALLOW"
    is_presenter: bool = False
    is_listening_only: bool = True
    has_joined_voice: bool = False
    has_video: bool = False
    customdata: dict = field(default_factory=dict)
    logout_url: str = ""
    entered_at: int | None = None
    left_at: int | None = None
    chats: int = 0
    talks: int = 0
    talk_time_s: int = 0
    raisehand: int = 0
    emojis: int = 0
    poll_votes: int = 0
    webcam_since: int | None = None
    webcam_ms: int = 0

    @property
    def present(self) -> bool:
        return self.entered_at is not None and self.left_at is None

    def as_dict(self) -> dict:
        return {
            "sessionToken": self.token,
            "internalUserID": self.internal_user_id,
            "userID": self.external_user_id,
            "fullName": self.full_name,
            "role": self.role,
            "guest": self.guest,
            "guestStatus": self.guest_status,
            "enteredAt": self.entered_at,
            "leftAt": self.left_at,
            "present": self.present,
        }


@dataclass
class Meeting:
    meeting_id: str
    internal_id: str
    name: str
    create_time: int
    voice_bridge: str
    attendee_pw: str
    moderator_pw: str
    dial_number: str = "613-555-1234"
    welcome: str = ""
    record: bool = False
    auto_start_recording: bool = False
    allow_start_stop_recording: bool = True
    duration: int = 0
    max_participants: int = 0
    logout_url: str = ""
    guest_policy: str = "ALWAYS_ACCEPT"
    metadata: dict = field(default_factory=dict)
    keep_events: bool = False
    running: bool = False
    has_user_joined: bool = False
    forcibly_ended: bool = False
    start_time: int = 0
    end_time: int = 0
    recording_marks: bool = False
    ended_reason: str = ""
    removed: bool = False
    modules: str = ""
    # Per-meeting meetingExpire... parameters (minutes); None: the server's defaults.
    expire_no_join_min: float | None = None
    expire_last_left_min: float | None = None
    sessions: list[Session] = field(default_factory=list)
    event_log: list[dict] = field(default_factory=list)

    @property
    def ended(self) -> bool:
        return self.end_time > 0

    def attendees(self) -> list[Session]:
        """Who is in the meeting now."""
        return [s for s in self.sessions if s.present and s.guest_status == "ALLOW"]

    def listed(self, now_ms: int, users_timeout_ms: int) -> list[Session]:
        """Who getMeetingInfo lists: a user who left stays listed until ``usersTimeout``."""
        return [
            s
            for s in self.sessions
            if s.guest_status == "ALLOW"
            and s.entered_at is not None
            and (s.left_at is None or now_ms < s.left_at + users_timeout_ms)
        ]


@dataclass
class Recording:
    record_id: str
    meeting_id: str
    internal_meeting_id: str
    name: str
    state: str = "processing"
    published: bool = False
    start_time: int = 0
    end_time: int = 0
    participants: int = 0
    metadata: dict = field(default_factory=dict)
    formats: list[dict] = field(default_factory=list)


@dataclass
class Hook:
    hook_id: int
    callback_url: str
    meeting_id: str = ""
    event_ids: list[str] = field(default_factory=list)
    raw: bool = False
