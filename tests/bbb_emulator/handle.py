"""A running emulator plus helpers for its /_emulator/ control API (no Django).

Shared by the emulator's own tests and by ``tests/sessions/conftest.py``, which points the
Django settings at it.
"""

import requests


class EmulatorHandle:
    def __init__(self, running):
        self.running = running
        self.url = running.url
        self.base_url = running.base_url
        self.emulator = running.emulator

    def control(self, path: str, data=None, method: str = "POST"):
        response = requests.request(
            method, f"{self.base_url}/_emulator/{path}", json=data, timeout=5
        )
        response.raise_for_status()
        return response.json()

    def state(self) -> dict:
        return self.control("state", method="GET")

    def callbacks(self, wait: bool = False) -> list[dict]:
        suffix = "?wait=1" if wait else ""
        return self.control(f"callbacks{suffix}", method="GET")

    def advance(self, seconds: float) -> int:
        return self.control("clock", {"advance_s": seconds})["now_ms"]

    def fault(self, call: str, mode: str, times: int = 1, **extra):
        return self.control("faults", {"call": call, "mode": mode, "times": times, **extra})

    def meeting(self, meeting_id: str) -> dict:
        matches = [m for m in self.state()["meetings"] if m["meetingID"] == meeting_id]
        return max(matches, key=lambda m: m["createTime"])

    def enter_by_url(self, join_url: str) -> requests.Response:
        """What a browser does with the join redirect: load the meeting room page."""
        first = requests.get(join_url, allow_redirects=False, timeout=5)
        assert first.status_code == 302, first.text
        return requests.get(first.headers["Location"], timeout=5)
