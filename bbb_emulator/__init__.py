"""A BigBlueButton server emulator (the "Emulator spec" of the BBB domain notes).

Standard library only and no Django: everything it needs (the shared secret, the default
logout URL, the clock) comes in as plain configuration. Start it with
``python -m bbb_emulator --secret S`` or ``python manage.py run_bbb_emulator`` (which takes
the secret and the site's address from the settings) or, in tests,
``start_emulator(secret=..., clock="manual")`` (see ``tests/bbb_emulator/conftest.py``).
"""

from .app import EmulatorApp
from .server import RunningEmulator, start_emulator
from .state import Emulator

__all__ = ["Emulator", "EmulatorApp", "RunningEmulator", "start_emulator"]
