import datetime
import time

import pytest
from django.utils import timezone

from bbb_emulator import start_emulator
from courses.services import enrol_participant
from tests.bbb_emulator.handle import EmulatorHandle
from tests.factories import RoundFactory, UserFactory

SECRET = "test-bbb-secret-2569-" + "0123456789abcdef" * 3  # 68 characters


@pytest.fixture
def bbb_emulator(request, settings):
    """The BBB emulator on a free port: manual clock (set to now), callbacks captured.

    The server profile is the fixture's parameter (``@every_server`` in helpers.py runs a
    test against each one); without one, the default server."""
    profile = getattr(request, "param", "")
    running = start_emulator(
        secret=SECRET,
        clock="manual",
        now_ms=int(time.time() * 1000),
        callback_mode="capture",
        default_logout_url="http://testserver/",
        profile=profile,
    )
    settings.BBB_URL = running.url
    settings.BBB_SECRET = SECRET
    settings.BBB_CHECKSUM_ALGORITHM = "sha256"
    settings.BBB_TIMEOUT_SECONDS = 2
    settings.BBB_WEBHOOKS = False
    settings.BBB_SCALELITE = profile == "scalelite"
    handle = EmulatorHandle(running)
    handle.profile = profile
    yield handle
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
