"""Serve the emulator on 127.0.0.1 from a thread (tests) or the foreground (the command)."""

from __future__ import annotations

import threading
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from .app import EmulatorApp
from .state import Emulator


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


class _QuietHandler(WSGIRequestHandler):
    verbose = False

    def log_message(self, format, *args):
        if self.verbose:
            super().log_message(format, *args)


class RunningEmulator:
    """An emulator listening on a port; ``url`` is the API base for ``BBB_URL``."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, verbose: bool = False, **config):
        self.emulator = Emulator(**config)
        self.app = EmulatorApp(self.emulator)
        handler = type("Handler", (_QuietHandler,), {"verbose": verbose})
        self.server = make_server(host, port, self.app, _ThreadingServer, handler)
        self.host = host
        self.port = self.server.server_address[1]
        self.base_url = f"http://{host}:{self.port}"
        self.url = f"{self.base_url}/bigbluebutton/api/"
        self.emulator.public_url = self.base_url
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def _tick_forever(self) -> None:
        # With the system clock, expiry timers fire on time even when no request comes in.
        while not self._stop.wait(1.0):
            with self.emulator.lock:
                self.emulator.tick()

    def start(self) -> RunningEmulator:
        # A short poll interval: stop() (shutdown) waits for it, once per test.
        serve = threading.Thread(
            target=self.server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="bbb-emulator",
            daemon=True,
        )
        serve.start()
        self._threads.append(serve)
        if self.emulator.clock.mode == "system":
            ticker = threading.Thread(
                target=self._tick_forever, name="bbb-emulator-clock", daemon=True
            )
            ticker.start()
            self._threads.append(ticker)
        return self

    def serve_forever(self) -> None:
        if self.emulator.clock.mode == "system":
            threading.Thread(
                target=self._tick_forever, name="bbb-emulator-clock", daemon=True
            ).start()
        self.server.serve_forever()

    def stop(self) -> None:
        self._stop.set()
        self.emulator.release.set()
        self.emulator.outbound.stop()
        self.server.shutdown()
        self.server.server_close()


def start_emulator(**kwargs) -> RunningEmulator:
    return RunningEmulator(**kwargs).start()
