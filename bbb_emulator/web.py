"""HTTP plumbing of the emulator: requests, responses, BBB's messages, the page frame."""

from __future__ import annotations

import json
import re
from html import escape as html_escape
from urllib.parse import parse_qsl

from .core import java_date

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
    "scaleliteNotFound": (
        "We could not find a meeting with that meeting ID - perhaps the meeting is not yet running?"
    ),
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
