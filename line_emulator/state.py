"""The emulator's state: the official account's friends, the messages each one received,
the monthly quota, retry keys already accepted, LINE Login's codes and tokens, and faults.

Everything is guarded by ``lock``; the WSGI handlers in ``app`` take it for each call.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field

MULTICAST_MAX = 500


def line_user_id(display_name: str) -> str:
    """A LINE-like user id ("U" and 32 hex digits), the same for the same name."""
    return "U" + hashlib.sha256(display_name.encode()).hexdigest()[:32]


def sign(body: bytes, channel_secret: str) -> str:
    """X-Line-Signature: base64 of HMAC-SHA256 of the raw body with the channel secret."""
    digest = hmac.new(channel_secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


@dataclass
class LineUser:
    user_id: str
    display_name: str
    following: bool = False
    messages: list[dict] = field(default_factory=list)


@dataclass
class LineEmulator:
    access_token: str
    channel_secret: str
    login_channel_id: str = ""
    login_channel_secret: str = ""
    webhook_url: str = ""
    quota_limit: int | None = None  # None: "none" (no monthly limit)
    public_url: str = ""
    lock: threading.RLock = field(default_factory=threading.RLock)

    def __post_init__(self):
        self.reset()

    def reset(self) -> None:
        self.users: dict[str, LineUser] = {}
        self.quota_used = 0
        self.accepted_retry_keys: dict[str, str] = {}  # retry key -> request id
        self.calls: list[dict] = []  # every Messaging API call, for tests and the bench
        self.faults: list[dict] = []
        self.login_codes: dict[str, dict] = {}
        self.login_tokens: dict[str, str] = {}  # access token -> user id
        self.webhooks_sent: list[dict] = []

    # --- Users ----------------------------------------------------------------------------

    def user(self, display_name: str = "", user_id: str = "") -> LineUser:
        user_id = user_id or line_user_id(display_name)
        if user_id not in self.users:
            self.users[user_id] = LineUser(user_id, display_name or user_id[:8])
        elif display_name:
            self.users[user_id].display_name = display_name
        return self.users[user_id]

    # --- Quota ----------------------------------------------------------------------------

    def quota_remaining(self) -> int | None:
        if self.quota_limit is None:
            return None
        return max(self.quota_limit - self.quota_used, 0)

    # --- Faults ---------------------------------------------------------------------------

    def take_fault(self, call: str) -> dict | None:
        for fault in self.faults:
            if fault["call"] in (call, "*") and fault["times"] != 0:
                if fault["times"] > 0:
                    fault["times"] -= 1
                return fault
        return None

    # --- Delivery -------------------------------------------------------------------------

    def deliver(self, *, to: list[str], messages: list[dict], call: str, retry_key: str) -> dict:
        """Put the messages in each friend's chat. Non-friends (never followed, or blocked
        the account) receive nothing and cost nothing, as on LINE."""
        request_id = uuid.uuid4().hex
        sent_at = int(time.time() * 1000)
        delivered = 0
        for user_id in to:
            user = self.users.get(user_id)
            if user is None or not user.following:
                continue
            for message in messages:
                user.messages.append({**message, "sentAt": sent_at, "requestId": request_id})
            delivered += 1
        self.quota_used += delivered
        if retry_key:
            self.accepted_retry_keys[retry_key] = request_id
        self.calls.append(
            {
                "call": call,
                "status": 200,
                "recipients": len(to),
                "delivered": delivered,
                "retryKey": retry_key,
                "requestId": request_id,
            }
        )
        return {"requestId": request_id, "delivered": delivered}

    # --- Webhooks -------------------------------------------------------------------------

    def webhook_event(self, kind: str, user_id: str, text: str = "") -> dict:
        event = {
            "type": kind,
            "mode": "active",
            "timestamp": int(time.time() * 1000),
            "source": {"type": "user", "userId": user_id},
            "webhookEventId": "01" + secrets.token_hex(12).upper(),
            "deliveryContext": {"isRedelivery": False},
        }
        if kind in ("follow", "message"):
            event["replyToken"] = secrets.token_hex(16)
        if kind == "follow":
            event["follow"] = {"isUnblocked": False}
        if kind == "message":
            event["message"] = {"id": str(int(time.time() * 1e6)), "type": "text", "text": text}
        return event

    def apply_event(self, event: dict) -> None:
        user = self.user(user_id=event["source"]["userId"])
        if event["type"] == "follow":
            user.following = True
        elif event["type"] == "unfollow":
            user.following = False

    def signed_payload(self, events: list[dict]) -> tuple[bytes, str]:
        body = json.dumps(
            {"destination": "U" + "0" * 32, "events": events}, ensure_ascii=False
        ).encode()
        return body, sign(body, self.channel_secret)

    def post_webhook(self, body: bytes, signature: str, url: str = "") -> int:
        """Send a webhook to the platform now (no retry: LINE's redelivery is off by
        default); the answer's status, or 0 when the platform could not be reached."""
        target = url or self.webhook_url
        if not target:
            return 0
        request = urllib.request.Request(  # noqa: S310 - the platform on 127.0.0.1
            target,
            data=body,
            headers={"Content-Type": "application/json", "X-Line-Signature": signature},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
                status = answer.status
        except urllib.error.HTTPError as failure:
            status = failure.code
        except OSError:
            status = 0
        self.webhooks_sent.append({"status": status, "body": body.decode()})
        return status
