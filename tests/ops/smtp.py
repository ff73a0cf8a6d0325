"""A small SMTP server for fault tests: it accepts every message and keeps it.

The worker sends through Django's real SMTP backend. ``hold_at`` lets a test stop the
conversation at the worst moment for a sender: the server has the whole message, and
its "250 accepted" is on its way but not yet read by the sender. A sender killed then has
handed the message over without knowing it.
"""

import email
import socketserver
import threading

from .servers import free_port


class _Handler(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self):
        server: SmtpServer = self.server.owner
        self.reply("220 esc-test ESMTP")
        while line := self.rfile.readline():
            command = line.decode(errors="replace").strip().upper()
            if command.startswith(("EHLO", "HELO")):
                self.reply("250 esc-test")
            elif command.startswith(("MAIL", "RCPT", "RSET", "NOOP")):
                self.reply("250 OK")
            elif command == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = []
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                server.received(b"".join(data))
                self.reply("250 OK queued")
                server.replied()
            elif command == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Not implemented")


class SmtpServer:
    def __init__(self, *, hold_at: int | None = None):
        self.port = free_port()
        self.messages: list[email.message.Message] = []
        self.hold_at = hold_at
        self.held = threading.Event()  # the server has message number hold_at
        self.release = threading.Event()  # the test lets it answer
        self.answered = threading.Event()  # its "250" was written to the sender
        self._lock = threading.Lock()
        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", self.port), _Handler)
        self._server.daemon_threads = True
        self._server.owner = self
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def received(self, data: bytes) -> None:
        with self._lock:
            self.messages.append(email.message_from_bytes(data))
            holding = len(self.messages) == self.hold_at
        if holding:
            self.held.set()
            self.release.wait(timeout=120)

    def replied(self) -> None:
        if self.held.is_set() and not self.answered.is_set():
            self.answered.set()

    def stop(self) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()
