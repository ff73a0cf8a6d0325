"""Our own processes for fault tests: a ``db_worker`` and gunicorn on a given database.

They run ``tests.ops.worker_settings`` (the test settings with the database queue, a fast
heartbeat, mail to files). Tests wait for what a process writes to its log, read as it
is written, or for a condition on the database — never for a fixed time.
"""

import os
import selectors
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from django.db import connection

from .servers import free_port

ROOT = Path(__file__).resolve().parents[2]
WAIT_SECONDS = 120


def database_url(name: str | None = None, *, port: int | None = None) -> str:
    """The test database (or ``name``) as a URL, for processes the test starts."""
    db = connection.settings_dict
    return (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
        f"{port or db['PORT'] or 5432}/{name or db['NAME']}"
    )


def _environment(database: str, **extra: str) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.ops.worker_settings",
        "DATABASE_URL": database,
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


class Process:
    """A child process whose log (stderr) the test reads line by line."""

    def __init__(self, command: list[str], env: dict):
        self.popen = subprocess.Popen(  # noqa: S603 - our own programs
            command,
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        self.log: list[str] = []
        self._partial = b""

    def read_until(self, predicate: Callable[[], bool], what: str, timeout=WAIT_SECONDS):
        """Read the log as it comes until ``predicate()`` holds (checked after each line
        and at least every 50 ms, for conditions on the database)."""
        deadline = time.monotonic() + timeout
        with selectors.DefaultSelector() as selector:
            selector.register(self.popen.stderr, selectors.EVENT_READ)
            while not predicate():
                remaining = deadline - time.monotonic()
                assert remaining > 0, f"waited in vain for {what}; log:\n{''.join(self.log)}"
                if selector.select(min(remaining, 0.05)):
                    # Raw reads: a buffered readline() would keep lines the selector
                    # then never reports.
                    chunk = os.read(self.popen.stderr.fileno(), 65536)
                    assert chunk, f"exited while waiting for {what}; log:\n{''.join(self.log)}"
                    *lines, self._partial = (self._partial + chunk).split(b"\n")
                    self.log.extend(line.decode(errors="replace") + "\n" for line in lines)

    def wait_for_line(self, marker: str, count: int = 1, timeout=WAIT_SECONDS) -> None:
        self.read_until(lambda: sum(marker in line for line in self.log) >= count, marker, timeout)

    @property
    def running(self) -> bool:
        return self.popen.poll() is None

    def freeze(self) -> None:
        """SIGSTOP: the process keeps its state but does nothing until ``thaw``. Returns
        once it has stopped (a signal is delivered when the kernel gets round to it)."""
        os.killpg(self.popen.pid, signal.SIGSTOP)
        _pid, status = os.waitpid(self.popen.pid, os.WUNTRACED)
        assert os.WIFSTOPPED(status), status

    def thaw(self) -> None:
        os.killpg(self.popen.pid, signal.SIGCONT)

    def kill(self) -> None:
        """SIGKILL the process group: no clean shutdown, mid-transaction, mid-file."""
        if self.running:
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait()

    def stop(self) -> None:
        """SIGTERM (a clean shutdown), then the rest of its log is read."""
        if self.running:
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        rest = self._partial + self.popen.stderr.read()
        self._partial = b""
        self.log.extend(line.decode(errors="replace") + "\n" for line in rest.splitlines())
        self.popen.stderr.close()


def start_worker(database: str, *, queues: str = "*", **env: str) -> Process:
    return Process(
        [
            sys.executable, "manage.py", "db_worker", "--backend", "db",
            "--queue-name", queues, "--no-startup-delay", "--no-reload", "--interval", "0.1",
        ],
        _environment(database, **env),
    )  # fmt: skip


class WebServer(Process):
    def __init__(self, database: str, **env: str):
        self.port = free_port()
        super().__init__(
            [
                str(Path(sys.executable).parent / "gunicorn"), "config.wsgi:application",
                "--bind", f"127.0.0.1:{self.port}", "--workers", "1", "--timeout", "60",
            ],
            _environment(database, **env),
        )  # fmt: skip
        self.wait_for_line("Booting worker")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"
