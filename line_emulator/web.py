"""HTTP plumbing: requests, responses, LINE's error bodies."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

# LINE's own wording, so the platform is tested against the bodies it will really get.
ERRORS = {
    "auth": "Authentication failed. Confirm that the access token in the authorization header "
    "is valid.",
    "quota": "You have reached your monthly limit.",
    "rate": "The API rate limit has been exceeded. Try again later.",
    "retry_key_accepted": "The retry key is already accepted",
    "invalid_body": "The request body has {n} error(s)",
    "invalid_retry_key": "The value for the 'X-Line-Retry-Key' header is invalid",
    "server": "Internal server error",
    "not_found": "Not found",
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
        self.query = dict(parse_qsl(self.raw_query, keep_blank_values=True))
        self.form: dict[str, str] = {}
        if self.content_type.startswith("application/x-www-form-urlencoded") and self.body:
            self.form = dict(parse_qsl(self.body.decode(), keep_blank_values=True))

    def header(self, name: str) -> str:
        return self.environ.get("HTTP_" + name.upper().replace("-", "_"), "")

    def bearer(self) -> str:
        value = self.header("Authorization")
        return value[7:].strip() if value.startswith("Bearer ") else ""

    def json(self):
        if not self.body:
            return {}
        return json.loads(self.body.decode())


class Response:
    def __init__(self, body: bytes = b"", status: str = "200 OK", headers=None):
        self.body = body
        self.status = status
        self.headers = headers or []


STATUS_TEXT = {
    200: "200 OK",
    302: "302 Found",
    400: "400 Bad Request",
    401: "401 Unauthorized",
    403: "403 Forbidden",
    404: "404 Not Found",
    409: "409 Conflict",
    429: "429 Too Many Requests",
    500: "500 Internal Server Error",
    502: "502 Bad Gateway",
    503: "503 Service Unavailable",
}


def json_response(data, status: int = 200, headers=None) -> Response:
    return Response(
        json.dumps(data, ensure_ascii=False).encode(),
        STATUS_TEXT.get(status, f"{status} Error"),
        [("Content-Type", "application/json; charset=utf-8"), *(headers or [])],
    )


def error(status: int, message: str, details=None, headers=None) -> Response:
    body = {"message": message}
    if details:
        body["details"] = details
    return json_response(body, status, headers)


def html(body: str, status: int = 200) -> Response:
    return Response(
        body.encode(),
        STATUS_TEXT.get(status, f"{status} Error"),
        [("Content-Type", "text/html; charset=utf-8")],
    )


def redirect(url: str) -> Response:
    return Response(b"", "302 Found", [("Location", url)])
