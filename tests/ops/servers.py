"""Real servers that a test starts, stops and starts again: Redis, a PostgreSQL cluster.

No mocks: the faults these tests prove (Redis gone, PostgreSQL restarting) are the
servers' own. Each server listens on a free port of 127.0.0.1 and is removed afterwards.
Readiness is read from the server's own "ready" line or from pg_isready, not guessed.
"""

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest


def real_clock_env() -> dict[str, str]:
    """The environment without libfaketime: the servers run on the real clock, as ours do
    in production (CI moves only the clock of the suite; redis-server under libfaketime
    never gets ready: "recursive calls to clock_gettime()")."""
    return {
        name: value
        for name, value in os.environ.items()
        if name != "LD_PRELOAD" and not name.startswith(("FAKETIME", "DONT_FAKE"))
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """``redis-server`` in the foreground, without persistence (as a cache runs)."""

    def __init__(self):
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603
            [
                shutil.which("redis-server"),
                "--port", str(self.port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--loglevel", "notice",
            ],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=real_clock_env(),
        )  # fmt: skip
        for line in self.process.stdout:
            if "Ready to accept connections" in line:
                return
        raise RuntimeError(f"redis-server on port {self.port} did not start")

    def stop(self) -> None:
        """Gone: the process ends and everything it held is lost."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process.stdout.close()
            self.process = None

    def freeze(self) -> None:
        """Still there with its data, but answering nobody (a network partition)."""
        self.process.send_signal(19)  # SIGSTOP

    def thaw(self) -> None:
        self.process.send_signal(18)  # SIGCONT

    def client(self):
        import redis

        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=5)


@pytest.fixture
def redis_server():
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed (make test installs Debian's redis-server)")
    server = RedisServer()
    server.start()
    yield server
    if server.process is not None:
        server.thaw()
    server.stop()


class PostgresCluster:
    """A throwaway PostgreSQL cluster (STACK.md), stopped and started by the test.

    As root (CI, this machine) Debian's pg_createcluster makes it for the postgres user;
    otherwise initdb and pg_ctl run as the current user.
    """

    def __init__(self):
        self.port = free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="esc-pg-"))
        self.as_root = os.geteuid() == 0
        self.version = (
            subprocess.run(
                ["psql", "--version"], capture_output=True, text=True, check=True  # noqa: S607
            ).stdout.split()[2].split(".")[0]
        )  # fmt: skip
        self.name = f"esctest{self.port}"
        self.bin = Path(f"/usr/lib/postgresql/{self.version}/bin")

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *command: str) -> None:
        subprocess.run(  # noqa: S603
            command, check=True, capture_output=True, text=True, env=real_clock_env()
        )

    def create(self) -> None:
        options = "-c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off"
        if self.as_root:
            shutil.chown(self.directory, "postgres", "postgres")
            self._run(
                "pg_createcluster", self.version, self.name, "-p", str(self.port),
                "-d", str(self.directory / "data"), "-s", str(self.directory),
                "--", "-A", "trust", "-U", "postgres",
            )  # fmt: skip
            self._start_command = [
                "pg_ctlcluster", self.version, self.name, "start", "--", "-o", options,
            ]  # fmt: skip
            self._stop_command = ["pg_ctlcluster", self.version, self.name, "stop", "-m", "fast"]
        else:
            data = self.directory / "data"
            self._run(str(self.bin / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres")
            self._start_command = [
                str(self.bin / "pg_ctl"), "-D", str(data), "-w", "-l",
                str(self.directory / "log"), "-o",
                f"{options} -p {self.port} -k {self.directory}", "start",
            ]  # fmt: skip
            self._stop_command = [
                str(self.bin / "pg_ctl"), "-D", str(data), "-w", "-m", "fast", "stop",
            ]  # fmt: skip
        self.start()

    def start(self) -> None:
        self._run(*self._start_command)
        self._run("pg_isready", "-q", "-h", "127.0.0.1", "-p", str(self.port), "-t", "30")

    def stop(self) -> None:
        """A fast shutdown, as a restart or a failover does: connections are cut."""
        self._run(*self._stop_command)

    def drop(self) -> None:
        if self.as_root:
            subprocess.run(  # noqa: S603
                ["pg_dropcluster", "--stop", self.version, self.name],  # noqa: S607
                capture_output=True, check=False, env=real_clock_env(),
            )  # fmt: skip
        else:
            subprocess.run(  # noqa: S603
                self._stop_command, capture_output=True, check=False, env=real_clock_env()
            )
        shutil.rmtree(self.directory, ignore_errors=True)


@pytest.fixture
def postgres_cluster():
    if not shutil.which("pg_isready"):
        pytest.skip("PostgreSQL's programs are not installed")
    cluster = PostgresCluster()
    try:
        cluster.create()
        yield cluster
    finally:
        cluster.drop()
