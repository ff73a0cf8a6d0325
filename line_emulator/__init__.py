"""A LINE platform emulator: the Messaging API (push, multicast, quota), LINE Login
(authorize, token, profile, verify) and a Thai phone-like page of the messages each user got.

Standard library only and no Django, like ``bbb_emulator``: the channel's access token and
secret, the LINE Login channel and the platform's webhook URL come in as plain
configuration. Start it with ``python -m line_emulator`` or ``python manage.py
run_line_emulator`` (which takes them from the settings) or, in tests,
``start_emulator(access_token=..., channel_secret=..., ...)`` (see
``tests/line_emulator/conftest.py``).
"""

from .server import RunningEmulator, start_emulator
from .state import LineEmulator

__all__ = ["LineEmulator", "RunningEmulator", "start_emulator"]
