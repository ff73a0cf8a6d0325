"""Fixtures the fault tests share: a real Redis server, the BBB emulator and a live round."""

from tests.ops.servers import redis_server  # noqa: F401
from tests.sessions.conftest import bbb_emulator, live_round, participant  # noqa: F401
