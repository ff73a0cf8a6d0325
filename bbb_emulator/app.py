"""The emulator's WSGI application: the BBB API, the meeting room page, test control.

The handlers live by topic in ``api_meetings``, ``api_recordings`` and ``control``; this
module dispatches requests to them and injects faults."""

from __future__ import annotations

from .api_meetings import MeetingCalls
from .api_recordings import RecordingAndHookCalls
from .control import ClientAndControl
from .core import checksum_matches, failed
from .state import Emulator
from .web import (
    API_PREFIX,
    MSG,
    Request,
    Response,
    _page,
    html,
    json_response,
    xml,
)

__all__ = ["MSG", "EmulatorApp"]


class EmulatorApp(MeetingCalls, RecordingAndHookCalls, ClientAndControl):
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
        if emulator.config["scalelite"] and call.startswith("hooks/"):
            # Scalelite has no hooks/* routes: Rails answers 404.
            return html("<h1>Not Found</h1>", "404 Not Found")
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
