"""The HTML5 client stand-in (a Thai meeting-room page) and test control under /_emulator/."""

from __future__ import annotations

from html import escape as html_escape

from .state import Emulator, Meeting, Recording, Session
from .web import (
    META_KEY,
    Request,
    Response,
    _page,
    html,
    json_response,
    redirect,
)


class ClientAndControl:
    """The pages a browser loads after join, and the JSON hooks tests drive."""

    emulator: Emulator

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
        if page == "record" and request.method == "POST":
            # A moderator pressed Record: only then will the meeting have a recording.
            if session.role == "MODERATOR" and session.present and meeting.record:
                meeting.recording_marks = True
            return redirect(f"/html5client/join?sessionToken={session.token}")
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
{self._record_button(meeting, session)}
<form method="post" action="/html5client/leave?sessionToken={session.token}">
<button type="submit">ออกจากห้อง</button></form>
<p class="note">หน้านี้เป็นห้องประชุมจำลอง (BigBlueButton emulator) สำหรับการพัฒนาและทดสอบ</p>
"""
        return html(_page(meeting.name, body))

    @staticmethod
    def _record_button(meeting: Meeting, session: Session) -> str:
        if not meeting.record or session.role != "MODERATOR":
            return ""
        if meeting.recording_marks:
            return '<p class="recording" data-recording="true">● กำลังบันทึกการอบรม</p>'
        return (
            f'<form method="post" action="/html5client/record?sessionToken={session.token}">'
            '<button type="submit" class="record">เริ่มบันทึกการอบรม</button></form>'
        )

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
            try:
                return json_response(emulator.configure(data))
            except ValueError as error:
                return json_response({"error": str(error)}, "400 Bad Request")
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
