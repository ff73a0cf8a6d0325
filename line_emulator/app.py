"""The emulator's WSGI application: Messaging API, LINE Login, the phone page, test control.

Messaging API (https://api.line.me in production):
    POST /v2/bot/message/push, POST /v2/bot/message/multicast,
    GET /v2/bot/message/quota, GET /v2/bot/message/quota/consumption
LINE Login (https://access.line.me and https://api.line.me in production):
    GET|POST /oauth2/v2.1/authorize, POST /oauth2/v2.1/token, GET /v2/profile,
    POST /oauth2/v2.1/verify
People: GET /phone/ and /phone/<userId> (the messages a user received, in Thai).
Tests: /_emulator/... (see ``control``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import time
from urllib.parse import urlencode

from . import pages
from .state import MULTICAST_MAX, LineEmulator, line_user_id
from .web import ERRORS, Request, Response, error, html, json_response, redirect

RETRY_KEY = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)
USER_ID = re.compile(r"^U[0-9a-f]{32}$")
MESSAGE_TYPES = {"text", "flex"}


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class EmulatorApp:
    def __init__(self, emulator: LineEmulator):
        self.emulator = emulator

    def __call__(self, environ, start_response):
        request = Request(environ)
        try:
            response = self.dispatch(request)
        except (ValueError, KeyError, TypeError) as failure:  # a malformed body
            response = error(400, f"The request body is invalid: {failure}")
        start_response(
            response.status, [*response.headers, ("Content-Length", str(len(response.body)))]
        )
        return [response.body]

    def dispatch(self, request: Request) -> Response:
        path = request.path.rstrip("/") or "/"
        if path.startswith("/_emulator"):
            return self.control(request, path[len("/_emulator") :].strip("/"))
        routes = {
            ("POST", "/v2/bot/message/push"): self.push,
            ("POST", "/v2/bot/message/multicast"): self.multicast,
            ("GET", "/v2/bot/message/quota"): self.quota,
            ("GET", "/v2/bot/message/quota/consumption"): self.consumption,
            ("GET", "/oauth2/v2.1/authorize"): self.authorize_page,
            ("POST", "/oauth2/v2.1/authorize"): self.authorize,
            ("POST", "/oauth2/v2.1/token"): self.token,
            ("GET", "/v2/profile"): self.profile,
            ("POST", "/oauth2/v2.1/verify"): self.verify,
        }
        handler = routes.get((request.method, path))
        if handler is not None:
            return handler(request)
        if request.method == "GET" and path.startswith("/v2/bot/profile/"):
            return self.bot_profile(request, path[len("/v2/bot/profile/") :])
        if request.method == "GET" and (path == "/phone" or path == "/"):
            with self.emulator.lock:
                return html(pages.phone_index(list(self.emulator.users.values())))
        if request.method == "GET" and path.startswith("/phone/"):
            with self.emulator.lock:
                user = self.emulator.users.get(path[len("/phone/") :])
                if user is None:
                    return html(pages.frame("ไม่พบผู้ใช้", "<p>ไม่พบผู้ใช้ LINE นี้</p>"), 404)
                return html(pages.phone_chat(user))
        return error(404, ERRORS["not_found"])

    # --- Messaging API --------------------------------------------------------------------

    def _guard(self, request: Request, call: str) -> Response | dict | None:
        """Bearer token, then an injected fault; None when the call may go ahead."""
        emulator = self.emulator
        if request.bearer() != emulator.access_token:
            emulator.calls.append({"call": call, "status": 401})
            return error(401, ERRORS["auth"])
        fault = emulator.take_fault(call)
        if fault is None:
            return None
        if fault.get("mode") == "lost_response":
            return fault  # processed, then the answer is lost on the way back
        status = int(fault.get("status", 500))
        emulator.calls.append(
            {
                "call": call,
                "status": status,
                "fault": True,
                "retryKey": request.header("X-Line-Retry-Key"),
            }
        )
        message = fault.get("message") or {
            429: ERRORS["rate"],
            400: ERRORS["invalid_body"].format(n=1),
        }.get(status, ERRORS["server"])
        return error(status, message)

    def _validate(self, body: dict, *, multicast: bool) -> list[dict]:
        details = []
        to = body.get("to")
        if multicast:
            if not isinstance(to, list) or not to:
                details.append({"message": "must be specified", "property": "to"})
            elif len(to) > MULTICAST_MAX:
                details.append({"message": "Size must be between 1 and 500", "property": "to"})
            elif any(not isinstance(u, str) or not USER_ID.match(u) for u in to):
                details.append({"message": "invalid user id", "property": "to"})
        elif not isinstance(to, str) or not to:
            details.append({"message": "must be specified", "property": "to"})
        messages = body.get("messages")
        if not isinstance(messages, list) or not 1 <= len(messages) <= 5:
            details.append({"message": "Size must be between 1 and 5", "property": "messages"})
            return details
        for index, message in enumerate(messages):
            where = f"messages[{index}]"
            kind = message.get("type") if isinstance(message, dict) else None
            if kind not in MESSAGE_TYPES:
                details.append({"message": "invalid type", "property": f"{where}.type"})
            elif kind == "text" and not 0 < len(message.get("text") or "") <= 5000:
                details.append(
                    {"message": "Length must be between 1 and 5000", "property": f"{where}.text"}
                )
            elif kind == "flex":
                if not 0 < len(message.get("altText") or "") <= 1500:
                    details.append(
                        {
                            "message": "Length must be between 1 and 1500",
                            "property": f"{where}.altText",
                        }
                    )
                if not isinstance(message.get("contents"), dict):
                    details.append(
                        {"message": "must be specified", "property": f"{where}.contents"}
                    )
        return details

    def _send(self, request: Request, call: str, *, multicast: bool) -> Response:
        emulator = self.emulator
        with emulator.lock:
            guard = self._guard(request, call)
            if isinstance(guard, Response):
                return guard
            retry_key = request.header("X-Line-Retry-Key")
            if retry_key and not RETRY_KEY.match(retry_key):
                return error(400, ERRORS["invalid_retry_key"])
            if retry_key in emulator.accepted_retry_keys:
                emulator.calls.append({"call": call, "status": 409, "retryKey": retry_key})
                accepted = emulator.accepted_retry_keys[retry_key]
                return error(
                    409,
                    ERRORS["retry_key_accepted"],
                    headers=[("x-line-accepted-request-id", accepted)],
                )
            body = request.json()
            details = self._validate(body, multicast=multicast)
            if details:
                emulator.calls.append({"call": call, "status": 400})
                return error(400, ERRORS["invalid_body"].format(n=len(details)), details)
            to = body["to"] if multicast else [body["to"]]
            remaining = emulator.quota_remaining()
            friends = sum(1 for u in to if u in emulator.users and emulator.users[u].following)
            if remaining is not None and friends > remaining:
                emulator.calls.append({"call": call, "status": 429, "quota": True})
                return error(429, ERRORS["quota"])
            result = emulator.deliver(
                to=to, messages=body["messages"], call=call, retry_key=retry_key
            )
            headers = [("x-line-request-id", result["requestId"])]
            if isinstance(guard, dict):  # lost_response: done, but the client never hears so
                return error(500, ERRORS["server"])
            if multicast:
                return json_response({}, 200, headers)
            sent = [
                {"id": str(int(time.time() * 1e6) + i), "quoteToken": secrets.token_hex(8)}
                for i in range(len(body["messages"]))
            ]
            return json_response({"sentMessages": sent}, 200, headers)

    def push(self, request: Request) -> Response:
        return self._send(request, "push", multicast=False)

    def multicast(self, request: Request) -> Response:
        return self._send(request, "multicast", multicast=True)

    def quota(self, request: Request) -> Response:
        with self.emulator.lock:
            guard = self._guard(request, "quota")
            if isinstance(guard, Response):
                return guard
            if self.emulator.quota_limit is None:
                return json_response({"type": "none"})
            return json_response({"type": "limited", "value": self.emulator.quota_limit})

    def consumption(self, request: Request) -> Response:
        with self.emulator.lock:
            guard = self._guard(request, "quota")
            if isinstance(guard, Response):
                return guard
            return json_response({"totalUsage": self.emulator.quota_used})

    def bot_profile(self, request: Request, user_id: str) -> Response:
        """A friend's profile; 404 for anyone who has not added (or has blocked) the account."""
        with self.emulator.lock:
            guard = self._guard(request, "profile")
            if isinstance(guard, Response):
                return guard
            user = self.emulator.users.get(user_id)
            if user is None or not user.following:
                return error(404, ERRORS["not_found"])
            return json_response(
                {"userId": user.user_id, "displayName": user.display_name, "language": "th"}
            )

    # --- LINE Login -----------------------------------------------------------------------

    def authorize_page(self, request: Request) -> Response:
        query = request.query
        if query.get("response_type") != "code" or not query.get("redirect_uri"):
            return html(pages.frame("คำขอไม่ถูกต้อง", "<p>คำขอเข้าสู่ระบบไม่ถูกต้อง</p>"), 400)
        if (
            self.emulator.login_channel_id
            and query.get("client_id") != self.emulator.login_channel_id
        ):
            return html(pages.frame("คำขอไม่ถูกต้อง", "<p>ไม่รู้จักแชนแนล LINE Login นี้</p>"), 400)
        return html(pages.authorize(query))

    def authorize(self, request: Request) -> Response:
        form = request.form
        redirect_uri = form["redirect_uri"]
        params = {"state": form.get("state", "")}
        if form.get("decision") != "allow":
            params.update(error="access_denied", error_description="The user has denied")
            return redirect(f"{redirect_uri}?{urlencode(params)}")
        name = (form.get("display_name") or "").strip() or "ผู้ใช้ LINE"
        add_friend = form.get("add_friend") == "on"
        with self.emulator.lock:
            user = self.emulator.user(display_name=name)
            code = secrets.token_urlsafe(16)
            self.emulator.login_codes[code] = {
                "user_id": user.user_id,
                "client_id": form.get("client_id", ""),
                "redirect_uri": redirect_uri,
                "scope": form.get("scope", "profile"),
                "nonce": form.get("nonce", ""),
            }
            became_friend = add_friend and not user.following
            if became_friend:
                event = self.emulator.webhook_event("follow", user.user_id)
                self.emulator.apply_event(event)
                body, signature = self.emulator.signed_payload([event])
        if became_friend:
            # bot_prompt: adding the account as a friend sends a follow webhook, as on LINE.
            self.emulator.post_webhook(body, signature)
        params.update(code=code, friendship_status_changed="true" if became_friend else "false")
        return redirect(f"{redirect_uri}?{urlencode(params)}")

    def _id_token(self, *, user_id: str, client_id: str, nonce: str) -> str:
        now = int(time.time())
        user = self.emulator.users[user_id]
        header = _b64url(json.dumps({"typ": "JWT", "alg": "HS256"}).encode())
        claims = {
            "iss": "https://access.line.me",
            "sub": user_id,
            "aud": client_id,
            "exp": now + 3600,
            "iat": now,
            "name": user.display_name,
            "amr": ["linesso"],
        }
        if nonce:
            claims["nonce"] = nonce
        payload = _b64url(json.dumps(claims, ensure_ascii=False).encode())
        signed = hmac.new(
            self.emulator.login_channel_secret.encode(),
            f"{header}.{payload}".encode(),
            hashlib.sha256,
        ).digest()
        return f"{header}.{payload}.{_b64url(signed)}"

    def token(self, request: Request) -> Response:
        form = request.form
        emulator = self.emulator
        with emulator.lock:
            if emulator.login_channel_id and (
                form.get("client_id") != emulator.login_channel_id
                or form.get("client_secret") != emulator.login_channel_secret
            ):
                return json_response(
                    {"error": "invalid_client", "error_description": "invalid client"}, 400
                )
            grant = emulator.login_codes.pop(form.get("code", ""), None)
            if (
                form.get("grant_type") != "authorization_code"
                or grant is None
                or grant["redirect_uri"] != form.get("redirect_uri")
            ):
                return json_response(
                    {"error": "invalid_grant", "error_description": "invalid authorization code"},
                    400,
                )
            access_token = secrets.token_urlsafe(24)
            emulator.login_tokens[access_token] = grant["user_id"]
            answer = {
                "access_token": access_token,
                "expires_in": 2592000,
                "refresh_token": secrets.token_urlsafe(16),
                "scope": grant["scope"],
                "token_type": "Bearer",
            }
            if "openid" in grant["scope"].split():
                answer["id_token"] = self._id_token(
                    user_id=grant["user_id"], client_id=grant["client_id"], nonce=grant["nonce"]
                )
            return json_response(answer)

    def profile(self, request: Request) -> Response:
        with self.emulator.lock:
            user_id = self.emulator.login_tokens.get(request.bearer())
            if user_id is None:
                return json_response({"message": "invalid token"}, 401)
            user = self.emulator.users[user_id]
            return json_response({"userId": user.user_id, "displayName": user.display_name})

    def verify(self, request: Request) -> Response:
        form = request.form
        try:
            header, payload, signature = form.get("id_token", "").split(".")
        except ValueError:
            return json_response(
                {"error": "invalid_request", "error_description": "Invalid IdToken."}, 400
            )
        expected = hmac.new(
            self.emulator.login_channel_secret.encode(),
            f"{header}.{payload}".encode(),
            hashlib.sha256,
        ).digest()
        if not hmac.compare_digest(_b64url(expected), signature):
            return json_response(
                {"error": "invalid_request", "error_description": "Invalid IdToken Signature."}, 400
            )
        claims = json.loads(_b64url_decode(payload))
        if claims["aud"] != form.get("client_id"):
            return json_response(
                {"error": "invalid_request", "error_description": "Invalid IdToken Audience."}, 400
            )
        return json_response(claims)

    # --- Test control ---------------------------------------------------------------------

    def control(self, request: Request, action: str) -> Response:
        """``state`` (GET), ``reset``, ``quota`` {limit, used}, ``faults`` {call, status|mode,
        times, message}, ``users`` {displayName, following}, ``messages`` (GET ?userId=),
        ``calls`` (GET), ``webhook`` {type, userId|displayName, text, send, url}."""
        emulator = self.emulator
        data = request.json() if request.method == "POST" else {}
        with emulator.lock:
            if action == "state":
                return json_response(
                    {
                        "users": [
                            {
                                "userId": u.user_id,
                                "displayName": u.display_name,
                                "following": u.following,
                                "messages": len(u.messages),
                            }
                            for u in emulator.users.values()
                        ],
                        "quota": {"limit": emulator.quota_limit, "used": emulator.quota_used},
                        "faults": emulator.faults,
                    }
                )
            if action == "calls":
                return json_response(emulator.calls)
            if action == "messages":
                user = emulator.users.get(request.query.get("userId", ""))
                return json_response(user.messages if user else [])
            if action == "reset":
                emulator.reset()
                return json_response({"ok": True})
            if action == "quota":
                if "limit" in data:
                    emulator.quota_limit = None if data["limit"] is None else int(data["limit"])
                if "used" in data:
                    emulator.quota_used = int(data["used"])
                return json_response({"limit": emulator.quota_limit, "used": emulator.quota_used})
            if action == "faults":
                fault = {"call": data.get("call", "*"), "times": int(data.get("times", 1))}
                for key in ("status", "mode", "message"):
                    if key in data:
                        fault[key] = data[key]
                emulator.faults.append(fault)
                return json_response(fault)
            if action == "users":
                user = emulator.user(
                    display_name=data.get("displayName", ""), user_id=data.get("userId", "")
                )
                if "following" in data:
                    user.following = bool(data["following"])
                return json_response({"userId": user.user_id, "displayName": user.display_name})
            if action == "webhook":
                user_id = data.get("userId") or line_user_id(data["displayName"])
                emulator.user(display_name=data.get("displayName", ""), user_id=user_id)
                event = emulator.webhook_event(data["type"], user_id, data.get("text", ""))
                emulator.apply_event(event)
                body, signature = emulator.signed_payload([event])
            else:
                return error(404, ERRORS["not_found"])
        status = (
            emulator.post_webhook(body, signature, data.get("url", ""))
            if data.get("send", True)
            else None
        )
        return json_response(
            {"status": status, "body": body.decode(), "signature": signature, "event": event}
        )
