"""What the emulated server sends to the platform: recording-ready, the analytics report
and webhooks (a mixin of ``Emulator``; every method runs under its lock)."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from .core import Clock, Outbound, analytics_time, jwt_encode

if TYPE_CHECKING:
    from .state import Hook, Meeting, Recording, Session


class OutboundCalls:
    config: dict
    clock: Clock
    outbound: Outbound
    hooks: dict[int, Hook]
    public_url: str

    # --- Recordings -----------------------------------------------------------------------

    def publish_recording(self, recording: Recording, *, notify: bool = True) -> None:
        recording.state = "published"
        recording.published = True
        if not notify:
            return
        metadata = recording.metadata
        url = (
            metadata.get("bbb-recording-ready-url")
            or metadata.get("bn-recording-ready-url")
            or metadata.get("canvas-recording-ready-url")
        )
        if not url:
            return
        token = jwt_encode(
            {"meeting_id": recording.meeting_id, "record_id": recording.record_id},
            self.config["recording_secret"] or self.secret,
            self.config["recording_jwt_algorithm"],
        )
        # BBB's post-publish script runs once per playback format: one callback each.
        for fmt in recording.formats or [{"type": "presentation"}]:
            self.outbound.add(
                kind="recording_ready",
                method="POST",
                url=url,
                headers={"Content-Type": "application/x-www-form-urlencoded"},
                body=urlencode({"signed_parameters": token}),
                mode=self.config["callback_mode"],
                meta={"recordID": recording.record_id, "format": fmt.get("type", "")},
            )

    # --- Analytics callback ----------------------------------------------------------------

    def analytics_payload(self, meeting: Meeting) -> dict:
        style = self.config["analytics_time_format"]
        offset = self.config["server_utc_offset"]

        def stamp(ms: int) -> str:
            return analytics_time(ms, style, offset)

        finish = meeting.end_time or self.now()
        attendees: dict[str, dict] = {}
        for session in meeting.sessions:
            if session.entered_at is None:
                continue
            entry = attendees.setdefault(
                session.external_user_id,
                {
                    "ext_user_id": session.external_user_id,
                    "name": session.full_name,
                    "moderator": False,
                    "joins": [],
                    "leaves": [],
                    "duration": 0,
                    "recent_talking_time": "",
                    "engagement": {
                        "chats": 0,
                        "talks": 0,
                        "raisehand": 0,
                        "emojis": 0,
                        "poll_votes": 0,
                        "talk_time": 0,
                    },
                    "sessions": [],
                },
            )
            if style == "iso":
                entry.setdefault("userdata", session.customdata)
            left = session.left_at or finish
            entry["moderator"] = entry["moderator"] or session.role == "MODERATOR"
            entry["joins"].append(stamp(session.entered_at))
            entry["leaves"].append(stamp(left))
            entry["duration"] += (left - session.entered_at) // 1000
            engagement = entry["engagement"]
            engagement["chats"] += session.chats
            engagement["talks"] += session.talks
            engagement["raisehand"] += session.raisehand
            engagement["emojis"] += session.emojis
            engagement["poll_votes"] += session.poll_votes
            engagement["talk_time"] += session.talk_time_s
            event = {"userid": session.internal_user_id, "ext_userid": session.external_user_id}
            # An array in bbbevents 2.0 (an object keyed by internal user ID in some builds).
            entry["sessions"].append(
                {
                    "joins": [{**event, "timestamp": stamp(session.entered_at), "event": "join"}],
                    "lefts": [{**event, "timestamp": stamp(left), "event": "left"}],
                }
            )
        for entry in attendees.values():
            ext = entry["ext_user_id"]
            if self.config["analytics_int_user_ids"] and ext.isdigit():
                entry["ext_user_id"] = int(ext)
        data = {
            "metadata": {
                **{k.replace("-", "_"): v for k, v in meeting.metadata.items()},
                "is_breakout": "false",
                "meeting_id": meeting.meeting_id,
                "meeting_name": meeting.name,
            },
            "duration": (finish - meeting.start_time) // 1000,
            "start": stamp(meeting.start_time),
            "finish": stamp(finish),
            "attendees": list(attendees.values()),
            "files": ["default.pdf"],
            "polls": [],
            "recorded_segments": [],
            "transfer_attendees": [],
        }
        payload = {
            "version": "1.0",
            "meeting_id": meeting.meeting_id,
            "internal_meeting_id": meeting.internal_id,
            "data": data,
        }
        if style == "iso":
            payload["custom"] = {}
        if self.config["scalelite"]:
            # Scalelite re-posts Rails' params: the report plus its own keys.
            payload.update(
                customer="scalelite",
                format="xml",
                controller="bigbluebutton_api",
                action="analytics_callback",
            )
        return payload

    def send_analytics(self, meeting: Meeting) -> dict:
        payload = self.analytics_payload(meeting)
        url = meeting.metadata.get("analytics-callback-url")
        # A node may sign with a secret other than the API's (BBB#21453). Scalelite checks
        # the node's token, drops the report when it fails (nothing reaches the platform),
        # and signs again with its own secret, the platform's.
        secret = self.config["analytics_secret"] or self.secret
        if self.config["scalelite"]:
            if secret != self.secret:
                return payload
            secret = self.secret
        if url:
            token = jwt_encode({"exp": self.now() // 1000 + 86400}, secret, "HS512")
            self.outbound.add(
                kind="analytics",
                method="POST",
                url=url,
                headers={
                    "Content-Type": "application/json",
                    "User-Agent": "BigBlueButton Analytics Callback",
                    "Authorization": f"Bearer {token}",
                },
                body=json.dumps(payload),
                mode=self.config["callback_mode"],
                meta={"internalMeetingID": meeting.internal_id},
            )
        return payload

    # --- Webhooks -----------------------------------------------------------------------

    def _user_attributes(self, session: Session) -> dict:
        return {
            "internal-user-id": session.internal_user_id,
            "external-user-id": session.external_user_id,
            "name": session.full_name,
            "role": session.role,
            "presenter": session.is_presenter,
            "guest": session.guest,
        }

    def emit(self, meeting: Meeting, event_id: str, attributes: dict) -> None:
        now = self.now()
        event = {
            "data": {
                "type": "event",
                "id": event_id,
                "attributes": {
                    "meeting": {
                        "internal-meeting-id": meeting.internal_id,
                        "external-meeting-id": meeting.meeting_id,
                    },
                    **attributes,
                },
                "event": {"ts": now},
            }
        }
        meeting.event_log.append(event)
        for hook in list(self.hooks.values()):
            if hook.meeting_id and hook.meeting_id != meeting.meeting_id:
                continue
            if hook.event_ids and event_id not in hook.event_ids:
                continue
            body = urlencode(
                {
                    "domain": self.config["webhook_domain"],
                    "event": json.dumps([event]),
                    "timestamp": now,
                }
            )
            headers = {"Content-Type": "application/x-www-form-urlencoded"}
            url = hook.callback_url
            if self.config["webhook_bearer"]:
                headers["Authorization"] = f"Bearer {self.secret}"  # auth2_0: no checksum
            else:
                checksum = hashlib.new(
                    self.config["webhook_checksum_algorithm"],
                    f"{hook.callback_url}{body}{self.secret}".encode(),
                ).hexdigest()
                separator = "&" if "?" in hook.callback_url else "?"
                url = f"{hook.callback_url}{separator}checksum={checksum}"
            self.outbound.add(
                kind="webhook",
                method="POST",
                url=url,
                headers=headers,
                body=body,
                mode=self.config["callback_mode"],
                meta={"event": event_id, "hookID": hook.hook_id},
            )
