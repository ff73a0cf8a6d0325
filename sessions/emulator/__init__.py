"""A BigBlueButton server emulator (the "Emulator spec" of the BBB domain notes).

Standalone: standard library only, no Django. Start it with
``python manage.py run_bbb_emulator --host 127.0.0.1 --port 8090 --secret S`` or, in tests,
``start_emulator(secret=..., clock="manual")`` (see ``tests/sessions/conftest.py``).
"""

from .app import EmulatorApp
from .server import RunningEmulator, start_emulator
from .state import Emulator

__all__ = ["Emulator", "EmulatorApp", "RunningEmulator", "start_emulator"]
