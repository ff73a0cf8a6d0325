import datetime
import time

import pytest
import requests
from django.utils import timezone

from courses.services import enrol_participant
from sessions.emulator import start_emulator
from tests.factories import RoundFactory, UserFactory

SECRET = "test-bbb-secret-2569-" + "0123456789abcdef" * 3  # 68 characters


class EmulatorHandle:
    """A running emulator plus helpers for its /_emulator/ control API."""

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


@pytest.fixture
def bbb_emulator(settings):
    """The BBB emulator on a free port: manual clock (set to now), callbacks captured."""
    running = start_emulator(
        secret=SECRET,
        clock="manual",
        now_ms=int(time.time() * 1000),
        callback_mode="capture",
        default_logout_url="http://testserver/",
    )
    settings.BBB_URL = running.url
    settings.BBB_SECRET = SECRET
    settings.BBB_CHECKSUM_ALGORITHM = "sha256"
    settings.BBB_TIMEOUT_SECONDS = 2
    settings.BBB_WEBHOOKS = False
    yield EmulatorHandle(running)
    running.stop()


@pytest.fixture
def live_round(db):
    """A round in progress now (started 10 minutes ago, 3 hours long) with a trainer."""
    now = timezone.now()
    round_ = RoundFactory(
        starts_at=now - datetime.timedelta(minutes=10),
        ends_at=now + datetime.timedelta(minutes=170),
        registration_opens_at=now - datetime.timedelta(days=10),
        registration_closes_at=now + datetime.timedelta(minutes=100),
        capacity=50,
    )
    trainer = UserFactory(role="trainer", email="trainer@example.com")
    round_.trainers.add(trainer)
    round_.trainer = trainer
    return round_


@pytest.fixture
def participant(live_round):
    user = UserFactory(email="officer@example.com")
    enrol_participant(user=user, round_=live_round)
    return user
