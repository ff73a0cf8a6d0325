"""The emulator's own tests need no Django: ``pytest tests/bbb_emulator -p no:django
--confcutdir=tests/bbb_emulator`` runs them without it (.ci/run does)."""

import time

import pytest

from bbb_emulator import start_emulator

from .handle import EmulatorHandle

SECRET = "test-bbb-secret-2569-" + "0123456789abcdef" * 3  # 68 characters


@pytest.fixture
def bbb_emulator():
    """The BBB emulator on a free port: manual clock (set to now), callbacks captured."""
    running = start_emulator(
        secret=SECRET,
        clock="manual",
        now_ms=int(time.time() * 1000),
        callback_mode="capture",
        default_logout_url="http://testserver/",
    )
    yield EmulatorHandle(running)
    running.stop()
