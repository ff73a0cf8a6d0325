"""Building blocks of the BBB emulator: clock and timers, checksums, XML, JWT, outbound calls.

Standard library only (the emulator must run without Django).
"""

from __future__ import annotations

import base64
import hashlib
import heapq
import hmac
import itertools
import json
import re
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import quote_plus
from xml.sax.saxutils import escape

# --- Clock and timers -----------------------------------------------------------------


class Clock:
    """Milliseconds since the epoch. ``manual`` stands still until advanced; ``system``
    follows the machine's clock plus any offset added with ``advance``."""

    def __init__(self, mode: str = "system", now_ms: int | None = None):
        self.mode = mode
        self._offset_ms = 0
        self._frozen_ms = now_ms if now_ms is not None else int(time.time() * 1000)

    def now_ms(self) -> int:
        if self.mode == "manual":
            return self._frozen_ms
        return int(time.time() * 1000) + self._offset_ms

    def advance(self, seconds: float) -> None:
        delta = int(seconds * 1000)
        if self.mode == "manual":
            self._frozen_ms += delta
        else:
            self._offset_ms += delta

    def set(self, now_ms: int) -> None:
        if self.mode == "manual":
            self._frozen_ms = now_ms
        else:
            self._offset_ms = now_ms - int(time.time() * 1000)


class Timers:
    """Callbacks due at a clock time, fired in order by ``fire_due`` (never by sleeping)."""

    def __init__(self):
        self._heap: list[tuple[int, int, str, object]] = []
        self._seq = itertools.count()

    def schedule(self, due_ms: int, name: str, callback) -> None:
        heapq.heappush(self._heap, (due_ms, next(self._seq), name, callback))

    def fire_due(self, now_ms_fn) -> int:
        fired = 0
        while self._heap and self._heap[0][0] <= now_ms_fn():
            _due, _seq, _name, callback = heapq.heappop(self._heap)
            callback()
            fired += 1
        return fired

    def pending(self) -> list[dict]:
        return [{"due_ms": due, "name": name} for due, _seq, name, _cb in sorted(self._heap)]

    def clear(self) -> None:
        self._heap.clear()


def java_date(ms: int) -> str:
    """``Date.toString()`` in UTC, as BBB writes createDate: ``Mon Jul 09 17:03:29 UTC 2018``."""
    return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%a %b %d %H:%M:%S UTC %Y")


def utc_offset(text: str) -> timezone:
    """``"+07:00"`` (or ``"+0700"``, ``"Z"``) as a fixed time zone."""
    match = re.fullmatch(r"([+-])(\d{2}):?(\d{2})", text.strip())
    if text.strip() in ("Z", "") or match is None:
        return UTC
    sign = -1 if match.group(1) == "-" else 1
    return timezone(sign * timedelta(hours=int(match.group(2)), minutes=int(match.group(3))))


def analytics_time(ms: int, style: str, offset: str = "+00:00") -> str:
    """A time as bbbevents writes it, in the server's own UTC offset."""
    moment = datetime.fromtimestamp(ms / 1000, tz=utc_offset(offset))
    if style == "legacy":
        return moment.strftime("%Y-%m-%d %H:%M:%S %z")  # "2023-08-07 14:06:14 -0300"
    # ISO with milliseconds: "2025-05-23T18:06:25.000+07:00".
    return moment.isoformat(timespec="milliseconds")


# --- Checksums ------------------------------------------------------------------------

ALGORITHM_BY_LENGTH = {40: "sha1", 64: "sha256", 96: "sha384", 128: "sha512"}
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def java_urlencode(value: str) -> str:
    """Java's URLEncoder: like quote_plus, but ``*`` stays and ``~`` is encoded."""
    return quote_plus(value, safe="*").replace("~", "%7E")


def checksum_matches(
    *, call: str, raw_query: str, body_params: list[tuple[str, str]], secret: str, supported
) -> bool:
    """BBB's server-side check (GetChecksum / GetChecksumValidator), section 1 of bbb.md."""
    if not secret:
        return True
    query = CONTROL_CHARACTERS.sub("", raw_query)
    if query:
        from urllib.parse import parse_qsl

        params = parse_qsl(query, keep_blank_values=True)
    else:
        params = body_params
    checksums = [value for key, value in params if key == "checksum"]
    if not checksums or not checksums[0]:
        return False
    given = checksums[0]
    algorithm = ALGORITHM_BY_LENGTH.get(len(given))
    if algorithm is None or algorithm not in supported:
        return False
    if query:
        without = query.replace("&checksum=" + given, "")
        without = without.replace("checksum=" + given + "&", "")
        without = without.replace("checksum=" + given, "")
    else:
        # A body-only POST: rebuilt from sorted keys, values encoded by URLEncoder.
        values = {key: value for key, value in body_params if key != "checksum"}
        without = "&".join(f"{key}={java_urlencode(values[key])}" for key in sorted(values))
    digest = hashlib.new(algorithm, f"{call}{without}{secret}".encode()).hexdigest()
    return hmac.compare_digest(digest, given.lower())


# --- XML ------------------------------------------------------------------------------


def _xml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    return escape(str(value))


def xml_elements(items) -> str:
    """``items``: (tag, value) pairs; a list value nests, an empty list is ``<tag/>``."""
    parts = []
    for tag, value in items:
        if isinstance(value, list):
            parts.append(f"<{tag}>{xml_elements(value)}</{tag}>" if value else f"<{tag}/>")
        else:
            parts.append(f"<{tag}>{_xml_value(value)}</{tag}>")
    return "".join(parts)


def xml_response(items) -> bytes:
    return f"<response>{xml_elements(items)}</response>".encode()


def failed(message_key: str, message: str) -> bytes:
    return xml_response(
        [("returncode", "FAILED"), ("messageKey", message_key), ("message", message)]
    )


# --- JWT (HS256/HS512), written out so tests verify it with an independent library -----


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt_encode(payload: dict, secret: str, algorithm: str) -> str:
    digestmod = {"HS256": hashlib.sha256, "HS512": hashlib.sha512}[algorithm]
    header = {"alg": algorithm, "typ": "JWT"}
    signing_input = (
        _b64(json.dumps(header, separators=(",", ":")).encode())
        + "."
        + _b64(json.dumps(payload, separators=(",", ":")).encode())
    )
    signature = hmac.new(secret.encode(), signing_input.encode(), digestmod).digest()
    return signing_input + "." + _b64(signature)


# --- Outbound calls (callbacks, webhooks) ----------------------------------------------


@dataclass
class OutboundCall:
    id: int
    kind: str  # end | recording_ready | analytics | webhook
    method: str
    url: str
    headers: dict
    body: str
    status: int | None = None  # HTTP status, or None while pending / when captured
    state: str = "pending"  # pending | sent | failed | captured
    error: str = ""
    response: str = ""
    meta: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "kind": self.kind,
            "method": self.method,
            "url": self.url,
            "headers": self.headers,
            "body": self.body,
            "status": self.status,
            "state": self.state,
            "error": self.error,
            "response": self.response[:2000],
            "meta": self.meta,
        }


class Outbound:
    """Records every outbound call; in ``send`` mode a worker thread delivers them in order
    (urllib, 5 s time-out), so an API reply never waits on our own callback."""

    def __init__(self, timeout: float = 5.0):
        self.timeout = timeout
        self.calls: list[OutboundCall] = []
        self._ids = itertools.count(1)
        self._condition = threading.Condition()
        self._queue: list[OutboundCall] = []
        self._worker: threading.Thread | None = None
        self._stopping = False

    def add(self, *, kind, method, url, headers, body, mode, meta=None) -> OutboundCall:
        call = OutboundCall(
            id=next(self._ids),
            kind=kind,
            method=method,
            url=url,
            headers=headers,
            body=body,
            meta=meta or {},
        )
        with self._condition:
            self.calls.append(call)
            if mode == "capture":
                call.state = "captured"
            else:
                self._queue.append(call)
                self._ensure_worker()
                self._condition.notify_all()
        return call

    def _ensure_worker(self) -> None:
        if self._worker is None or not self._worker.is_alive():
            self._worker = threading.Thread(target=self._run, name="bbb-emulator-outbound")
            self._worker.daemon = True
            self._worker.start()

    def _run(self) -> None:
        while True:
            with self._condition:
                while not self._queue and not self._stopping:
                    self._condition.wait()
                if self._stopping:
                    return
                call = self._queue[0]
            self._deliver(call)
            with self._condition:
                self._queue.pop(0)
                self._condition.notify_all()

    def _deliver(self, call: OutboundCall) -> None:
        data = call.body.encode() if call.method == "POST" else None
        request = urllib.request.Request(  # noqa: S310 - URLs come from the meeting's metadata
            call.url, data=data, headers=call.headers, method=call.method
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                call.status = response.status
                call.response = response.read(4000).decode(errors="replace")
                call.state = "sent"
        except urllib.error.HTTPError as error:
            call.status = error.code
            call.response = error.read(4000).decode(errors="replace")
            call.state = "sent"
        except (OSError, ValueError) as error:
            call.state = "failed"
            call.error = str(error)

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until every queued call has been delivered (a condition, not a sleep)."""
        with self._condition:
            return self._condition.wait_for(lambda: not self._queue, timeout=timeout)

    def clear(self) -> None:
        with self._condition:
            self.calls.clear()

    def stop(self) -> None:
        with self._condition:
            self._stopping = True
            self._condition.notify_all()
