"""The BBB API's other calls: recordings, insertDocument, sendChatMessage, hooks."""

from __future__ import annotations

from .core import failed, xml_response
from .state import Emulator, Hook, Recording
from .web import (
    META_KEY,
    MSG,
    Request,
    _bool,
    _int,
)


class RecordingAndHookCalls:
    """Handlers for ``EmulatorApp.api``; each returns XML bytes or a Response."""

    emulator: Emulator

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
