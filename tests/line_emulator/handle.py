"""A running LINE emulator plus helpers for its /_emulator/ control API (no Django).

Shared by the emulator's own tests and by ``tests/line/conftest.py``, which points the
Django settings at it."""

import requests

ACCESS_TOKEN = "test-line-access-token"
CHANNEL_SECRET = "test-line-channel-secret"
LOGIN_ID = "1650000001"
LOGIN_SECRET = "test-line-login-secret"


class LineEmulatorHandle:
    def __init__(self, running):
        self.running = running
        self.url = running.url
        self.emulator = running.emulator

    def control(self, path: str, data=None, method: str = "POST"):
        response = requests.request(method, f"{self.url}/_emulator/{path}", json=data, timeout=10)
        response.raise_for_status()
        return response.json()

    def add_friend(self, display_name: str, *, send: bool = False) -> str:
        """A LINE user who follows the official account; returns their user ID."""
        return self.control(
            "webhook", {"type": "follow", "displayName": display_name, "send": send}
        )["event"]["source"]["userId"]

    def webhook(
        self,
        kind: str,
        *,
        user_id: str = "",
        display_name: str = "",
        text: str = "",
        send: bool = False,
    ) -> dict:
        return self.control(
            "webhook",
            {
                "type": kind,
                "userId": user_id,
                "displayName": display_name,
                "text": text,
                "send": send,
            },
        )

    def messages(self, user_id: str) -> list[dict]:
        return self.control(f"messages?userId={user_id}", method="GET")

    def calls(self, call: str | None = None) -> list[dict]:
        calls = self.control("calls", method="GET")
        return [c for c in calls if call is None or c["call"] == call]

    def set_quota(self, limit, used: int = 0):
        return self.control("quota", {"limit": limit, "used": used})

    def fault(
        self,
        call: str,
        *,
        status: int | None = None,
        mode: str | None = None,
        times: int = 1,
        message: str | None = None,
    ):
        data = {"call": call, "times": times}
        if status is not None:
            data["status"] = status
        if mode is not None:
            data["mode"] = mode
        if message is not None:
            data["message"] = message
        return self.control("faults", data)

    def state(self) -> dict:
        return self.control("state", method="GET")
