"""Pure helpers for attendance evidence: intervals, BBB times, callback payloads, CSV rows.

Nothing here touches the database; ``services`` stores what these functions return.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import hmac
import io
import json
import re
import warnings
from dataclasses import dataclass, field

import jwt

# --- Intervals (epoch milliseconds on our clock) ------------------------------------------


def merge_intervals(intervals) -> list[tuple[int, int]]:
    """The union: overlapping and touching intervals merged (rejoins, several devices)."""
    merged: list[list[int]] = []
    for start, end in sorted((int(s), int(e)) for s, e in intervals if e is not None and e >= s):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def total_minutes(intervals) -> int:
    return sum(end - start for start, end in merge_intervals(intervals)) // 60_000


def to_ms(moment: datetime.datetime) -> int:
    return int(moment.timestamp() * 1000)


def from_ms(ms: int) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(ms / 1000, tz=datetime.UTC)


# --- BBB times ----------------------------------------------------------------------------


class MalformedCallback(ValueError):
    """A verified callback whose content we cannot read."""


def parse_bbb_time(value) -> int:
    """Analytics times: ISO (3.0, ``2025-05-23T11:06:25.000+00:00``) or the 2.4-2.7 form
    ``2023-08-07 14:06:14 -0300``; epoch milliseconds also accepted. Returns epoch ms."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return int(value)
    if not isinstance(value, str) or not value.strip():
        raise MalformedCallback(f"not a time: {value!r}")
    text = value.strip()
    if text.isdigit():
        return int(text)
    for parse in (
        lambda t: datetime.datetime.strptime(t, "%Y-%m-%d %H:%M:%S %z"),
        lambda t: datetime.datetime.fromisoformat(t.replace("Z", "+00:00")),
    ):
        try:
            moment = parse(text)
        except ValueError:
            continue
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=datetime.UTC)
        return to_ms(moment)
    raise MalformedCallback(f"not a time: {value!r}")


# --- Callback verification ---------------------------------------------------------------


class ForgedCallback(Exception):
    """The callback failed its signature or nonce: answer 401 and store nothing."""


def verify_analytics_token(authorization: str, secret: str, *, leeway_s: int = 300) -> dict:
    """``Authorization: Bearer <JWT HS512 {exp}>`` signed with the shared secret."""
    if not authorization.startswith("Bearer "):
        raise ForgedCallback("no bearer token")
    token = authorization[len("Bearer ") :].strip()
    try:
        with warnings.catch_warnings():
            # BBB secrets are often shorter than PyJWT's recommendation; not ours to choose.
            warnings.simplefilter("ignore", jwt.warnings.InsecureKeyLengthWarning)
            return jwt.decode(
                token, secret, algorithms=["HS512"], leeway=leeway_s, options={"require": ["exp"]}
            )
    except jwt.PyJWTError as error:
        raise ForgedCallback(str(error)) from error


def verify_recording_token(signed_parameters: str, secret: str) -> dict:
    """``signed_parameters`` = JWT HS256 ``{meeting_id, record_id}``, no ``exp``."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", jwt.warnings.InsecureKeyLengthWarning)
            claims = jwt.decode(signed_parameters, secret, algorithms=["HS256"])
    except jwt.PyJWTError as error:
        raise ForgedCallback(str(error)) from error
    return claims


def verify_webhook_checksum(*, callback_url: str, body: str, checksum: str, secret: str) -> None:
    """bbb-webhooks: ``checksum = sha1(callbackURL + body + secret)`` (sha256 when 64 long)."""
    algorithm = "sha256" if len(checksum) == 64 else "sha1"
    expected = hashlib.new(algorithm, f"{callback_url}{body}{secret}".encode()).hexdigest()
    if not checksum or not hmac.compare_digest(expected, checksum.lower()):
        raise ForgedCallback("webhook checksum mismatch")


# --- Analytics payload ---------------------------------------------------------------------


@dataclass
class AnalyticsAttendee:
    external_user_id: str
    name: str
    moderator: bool
    intervals: list[tuple[int, int]]  # BBB clock, epoch ms
    duration_s: int
    raw: dict = field(default_factory=dict)


@dataclass
class AnalyticsReport:
    meeting_id: str
    internal_meeting_id: str
    start_ms: int | None
    finish_ms: int | None
    attendees: list[AnalyticsAttendee]


def parse_analytics(body: bytes) -> AnalyticsReport:
    """The bbbevents JSON of the analytics callback; raises MalformedCallback."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise MalformedCallback(f"not JSON: {error}") from error
    if not isinstance(data, dict) or not isinstance(data.get("data"), dict):
        raise MalformedCallback("no data object")
    meeting_id = data.get("meeting_id")
    internal_id = data.get("internal_meeting_id")
    if not isinstance(meeting_id, str) or not meeting_id:
        raise MalformedCallback("no meeting_id")
    if not isinstance(internal_id, str) or not internal_id:
        raise MalformedCallback("no internal_meeting_id")
    content = data["data"]
    start = parse_bbb_time(content["start"]) if content.get("start") else None
    finish = parse_bbb_time(content["finish"]) if content.get("finish") else None
    attendees_raw = content.get("attendees", [])
    if not isinstance(attendees_raw, list):
        raise MalformedCallback("attendees is not a list")
    attendees = []
    for raw in attendees_raw:
        if not isinstance(raw, dict) or raw.get("ext_user_id") in (None, ""):
            raise MalformedCallback("an attendee without ext_user_id")
        joins = sorted(parse_bbb_time(t) for t in raw.get("joins") or [])
        leaves = sorted(parse_bbb_time(t) for t in raw.get("leaves") or [])
        intervals = []
        for index, joined in enumerate(joins):
            # A join without its leave lasted until the meeting finished.
            later_leaves = [t for t in leaves if t >= joined]
            left = leaves[index] if index < len(leaves) and leaves[index] >= joined else None
            if left is None:
                left = later_leaves[0] if later_leaves else (finish or joined)
            intervals.append((joined, left))
        try:
            duration_s = int(raw.get("duration") or 0)
        except (TypeError, ValueError) as error:
            raise MalformedCallback("duration is not a number") from error
        attendees.append(
            AnalyticsAttendee(
                external_user_id=str(raw["ext_user_id"]),
                name=str(raw.get("name", "")),
                moderator=bool(raw.get("moderator", False)),
                intervals=intervals,
                duration_s=duration_s,
                raw=raw,
            )
        )
    return AnalyticsReport(
        meeting_id=meeting_id,
        internal_meeting_id=internal_id,
        start_ms=start,
        finish_ms=finish,
        attendees=attendees,
    )


def parse_webhook_events(event_field: str) -> list[dict]:
    """The ``event`` form field: a JSON list of mapped events (or one event)."""
    try:
        events = json.loads(event_field)
    except json.JSONDecodeError as error:
        raise MalformedCallback(f"event is not JSON: {error}") from error
    if isinstance(events, dict):
        events = [events]
    if not isinstance(events, list):
        raise MalformedCallback("event is not a list")
    parsed = []
    for event in events:
        try:
            data = event["data"]
            attributes = data["attributes"]
            parsed.append(
                {
                    "id": data["id"],
                    "meeting_id": attributes["meeting"]["external-meeting-id"],
                    "internal_meeting_id": attributes["meeting"].get("internal-meeting-id", ""),
                    "user": attributes.get("user") or {},
                    "ts": int(data["event"]["ts"]),
                    "raw": event,
                }
            )
        except (KeyError, TypeError, ValueError) as error:
            raise MalformedCallback(f"unexpected event shape: {error}") from error
    return parsed


# --- BBB Learning Dashboard CSV ------------------------------------------------------------

NAME_HEADERS = {"name", "ชื่อ"}
MODERATOR_HEADERS = {"moderator", "ผู้ดูแล", "ผู้ควบคุม", "ผู้ดำเนินการ"}
DURATION_HEADERS = {"duration", "ระยะเวลา"}
DURATION = re.compile(r"^(\d+):([0-5]\d):([0-5]\d)$")


@dataclass
class DashboardRow:
    line: int  # the line in the file, for messages
    name: str
    moderator: bool
    minutes: int | None
    error: str = ""  # a code: bad_duration, missing_name


def _column(header: list[str], names: set[str], default: int) -> int:
    for index, title in enumerate(header):
        if title.strip().lower() in names:
            return index
    return default


def parse_learning_dashboard(content: str) -> list[DashboardRow]:
    """The "download session data" CSV of BBB's Learning Dashboard: Name, Moderator,
    Activity Score, Talk Time, Webcam Time, Messages, Reactions, Poll Votes, Raise Hands,
    Join, Left, Duration (HH:mm:ss), then one column per poll; headers are in the
    dashboard's language, so the name and duration columns are also found by position."""
    reader = csv.reader(io.StringIO(content.lstrip("\ufeff")))
    rows = list(reader)
    if not rows:
        return []
    header = rows[0]
    name_col = _column(header, NAME_HEADERS, 0)
    moderator_col = _column(header, MODERATOR_HEADERS, 1)
    duration_col = _column(header, DURATION_HEADERS, 11)
    parsed = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = [cell.strip() for cell in row]
        name = cells[name_col] if name_col < len(cells) else ""
        other = [c for i, c in enumerate(cells) if i != name_col and i < 12]
        if name.lower() in {"anonymous", "ไม่ระบุชื่อ"} and not any(other):
            continue  # the poll answers row the dashboard adds at the end
        moderator = (cells[moderator_col] if moderator_col < len(cells) else "").upper() in {
            "TRUE",
            "ใช่",
        }
        duration = cells[duration_col] if duration_col < len(cells) else ""
        match = DURATION.match(duration)
        row_result = DashboardRow(line=line, name=name, moderator=moderator, minutes=None)
        if not name:
            row_result.error = "missing_name"
        elif match is None:
            row_result.error = "bad_duration"
        else:
            hours, minutes, seconds = (int(g) for g in match.groups())
            row_result.minutes = (hours * 3600 + minutes * 60 + seconds) // 60
        parsed.append(row_result)
    return parsed
