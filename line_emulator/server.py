"""Serve the emulator on 127.0.0.1 from a thread (tests) or the foreground (the command)."""

from __future__ import annotations

import threading
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from .app import EmulatorApp
from .state import LineEmulator


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
    """An emulator listening on a port; ``url`` is the base for ``LINE_API_URL`` and
    ``LINE_ACCESS_URL`` (one host serves both, unlike api.line.me and access.line.me)."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, verbose: bool = False, **config):
        self.emulator = LineEmulator(**config)
        self.app = EmulatorApp(self.emulator)
        handler = type("Handler", (_QuietHandler,), {"verbose": verbose})
        self.server = make_server(host, port, self.app, _ThreadingServer, handler)
        self.host = host
        self.port = self.server.server_address[1]
        self.url = f"http://{host}:{self.port}"
        self.emulator.public_url = self.url
        self._thread: threading.Thread | None = None

    def start(self) -> RunningEmulator:
        self._thread = threading.Thread(
            target=self.server.serve_forever, name="line-emulator", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self.server.serve_forever()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def start_emulator(**kwargs) -> RunningEmulator:
    return RunningEmulator(**kwargs).start()
