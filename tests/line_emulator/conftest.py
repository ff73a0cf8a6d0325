"""The LINE emulator's own tests need no Django: ``pytest tests/line_emulator -p no:django
--confcutdir=tests/line_emulator`` runs them without it (.ci/run does)."""

import pytest

from line_emulator import start_emulator

from .handle import ACCESS_TOKEN, CHANNEL_SECRET, LOGIN_ID, LOGIN_SECRET, LineEmulatorHandle


@pytest.fixture
def line_emulator():
    running = start_emulator(
        access_token=ACCESS_TOKEN,
        channel_secret=CHANNEL_SECRET,
        login_channel_id=LOGIN_ID,
        login_channel_secret=LOGIN_SECRET,
    )
    yield LineEmulatorHandle(running)
    running.stop()
