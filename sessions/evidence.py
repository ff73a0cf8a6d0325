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
import math
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


# BBB times outside these bounds are not from a meeting of ours (and some would overflow).
EARLIEST_MS = 946_684_800_000  # 2000-01-01
LATEST_MS = 4_102_444_800_000  # 2100-01-01
ASCII_DIGITS = re.compile(r"[0-9]{1,15}")


def _in_range(ms: int, value) -> int:
    if not EARLIEST_MS <= ms < LATEST_MS:
        raise MalformedCallback(f"not a time: {value!r}"[:200])
    return ms


def parse_bbb_time(value) -> int:
    """Analytics times: ISO (3.0, ``2025-05-23T11:06:25.000+00:00``) or the 2.4-2.7 form
    ``2023-08-07 14:06:14 -0300``; epoch milliseconds also accepted. Returns epoch ms."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not math.isfinite(value):
            raise MalformedCallback(f"not a time: {value!r}")
        return _in_range(int(value), value)
    if not isinstance(value, str) or not value.strip():
        raise MalformedCallback(f"not a time: {value!r}"[:200])
    text = value.strip()
    if ASCII_DIGITS.fullmatch(text):
        return _in_range(int(text), value)
    for parse in (
        lambda t: datetime.datetime.strptime(t, "%Y-%m-%d %H:%M:%S %z"),
        lambda t: datetime.datetime.fromisoformat(t.replace("Z", "+00:00")),
    ):
        try:
            moment = parse(text)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=datetime.UTC)
            return _in_range(to_ms(moment), value)
        except (ValueError, OverflowError):
            continue
    raise MalformedCallback(f"not a time: {value!r}"[:200])


# --- JSON from BigBlueButton -------------------------------------------------------------

# bbbevents' report nests about six levels; webhooks fewer.
MAX_JSON_DEPTH = 32
# Text PostgreSQL cannot store (NUL) or that is not Unicode (lone surrogates from \ud800).
UNSTORABLE_TEXT = re.compile("[\x00\ud800-\udfff]")
# The IDs BBB reports: the userID we sent (digits) or its own ("w_..."), printable ASCII.
BBB_ID = re.compile(r"[\x21-\x7e]{1,100}")
OUR_USER_ID = re.compile(r"[0-9]{1,18}")


def _refuse_constant(name: str):
    raise MalformedCallback(f"{name} is not a number JSON allows")


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise MalformedCallback(f"number out of range: {text[:40]}")
    return number


def load_json(raw: str | bytes):
    """``json.loads`` for what BBB sends: no NaN or Infinity, no number beyond a float, no
    nesting deeper than ``MAX_JSON_DEPTH``, no text PostgreSQL cannot store. Raises
    MalformedCallback, never anything else."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        data = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
    except MalformedCallback:
        raise
    except (ValueError, RecursionError) as error:  # JSONDecodeError, UnicodeDecodeError too
        raise MalformedCallback(f"not JSON: {str(error)[:200]}") from error
    check_json(data)
    return data


def check_json(value) -> None:
    """Walk a decoded JSON value without recursion; raise MalformedCallback on what we would
    not store: deeper than ``MAX_JSON_DEPTH``, NUL or lone surrogates, NaN or infinities."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise MalformedCallback("nested too deeply")
        if isinstance(item, dict):
            for key, child in item.items():
                _check_text(str(key))
                stack.append((child, depth + 1))
        elif isinstance(item, list | tuple):
            stack.extend((child, depth + 1) for child in item)
        elif isinstance(item, str):
            _check_text(item)
        elif isinstance(item, float) and not math.isfinite(item):
            raise MalformedCallback("not a finite number")


def _check_text(text: str) -> None:
    if UNSTORABLE_TEXT.search(text):
        raise MalformedCallback("text with NUL or invalid characters")


def bbb_id(value, what: str, *, required: bool = True) -> str:
    """A user ID as BBB reports it (a string, or a number in some builds): printable ASCII,
    at most 100 characters. "" when absent and not ``required``."""
    if value in (None, "") and not required:
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not BBB_ID.fullmatch(value):
        raise MalformedCallback(f"{what} is not an ID: {value!r}"[:200])
    return value


def our_user_id(external_user_id: str) -> int | None:
    """The user id we sent BBB as ``userID`` (ASCII digits), or None: "²" or "٣" are digits to
    ``str.isdigit()`` but were never sent by us."""
    if OUR_USER_ID.fullmatch(external_user_id):
        return int(external_user_id)
    return None


def bounded_text(value, what: str, max_length: int) -> str:
    if not isinstance(value, str) or not value or len(value) > max_length:
        raise MalformedCallback(f"{what} is not a text of at most {max_length} characters")
    return value


def _seconds(value, what: str, maximum: int) -> int:
    """A count of seconds: a number or digits, from 0 to ``maximum``."""
    if value in (None, ""):
        return 0
    if isinstance(value, bool):
        raise MalformedCallback(f"{what} is not a number")
    if isinstance(value, str):
        if not ASCII_DIGITS.fullmatch(value):
            raise MalformedCallback(f"{what} is not a number")
        value = int(value)
    elif isinstance(value, int | float):
        value = int(value)  # finite: load_json refused the rest
    else:
        raise MalformedCallback(f"{what} is not a number")
    if not 0 <= value <= maximum:
        raise MalformedCallback(f"{what} is out of range")
    return value


# --- Callback verification ---------------------------------------------------------------


class ForgedCallback(Exception):
    """The callback failed its signature or nonce: answer 401 and store nothing."""


def _signed_claims(token: str, secret: str, algorithm: str | list[str]) -> dict:
    """The claims of a token whose signature is right: ForgedCallback when it is not,
    MalformedCallback when it is signed but its claims cannot be read (PyJWT would call both
    a DecodeError)."""
    try:
        with warnings.catch_warnings():
            # BBB secrets are often shorter than PyJWT's recommendation; not ours to choose.
            warnings.simplefilter("ignore", jwt.warnings.InsecureKeyLengthWarning)
            algorithms = [algorithm] if isinstance(algorithm, str) else algorithm
            signed = jwt.api_jws.decode_complete(token, secret, algorithms=algorithms)
    except jwt.PyJWTError as error:
        raise ForgedCallback(str(error)) from error
    claims = load_json(signed["payload"])
    if not isinstance(claims, dict):
        raise MalformedCallback("the token's claims are not an object")
    return claims


def verify_analytics_token(authorization: str, secret: str, *, leeway_s: int = 300) -> dict:
    """``Authorization: Bearer <JWT HS512 {exp}>`` signed with the shared secret."""
    if not authorization.startswith("Bearer "):
        raise ForgedCallback("no bearer token")
    token = authorization[len("Bearer ") :].strip()
    claims = _signed_claims(token, secret, "HS512")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", jwt.warnings.InsecureKeyLengthWarning)
            # The claims are readable: now the expiry (a stolen old token is refused).
            jwt.decode(
                token, secret, algorithms=["HS512"], leeway=leeway_s, options={"require": ["exp"]}
            )
    except jwt.PyJWTError as error:
        raise ForgedCallback(str(error)) from error
    return claims


def verify_recording_token(signed_parameters: str, secret: str) -> dict:
    """``signed_parameters`` = JWT ``{meeting_id, record_id}``, no ``exp``: HS256 from BBB,
    HS512 from Scalelite unless SHA256 is among its checksum algorithms."""
    return _signed_claims(signed_parameters, secret, ["HS256", "HS512"])


WEBHOOK_ALGORITHMS = {40: "sha1", 64: "sha256", 96: "sha384", 128: "sha512"}


def verify_webhook(
    *, callback_url: str, body: str, checksum: str, authorization: str, secret: str
) -> None:
    """bbb-webhooks signs a delivery one of two ways: ``?checksum=`` = HASH(callbackURL + body
    + secret) with its ``hookChecksumAlgorithm`` (sha1, sha256, sha384 or sha512, told apart
    by length), or, with ``auth2_0``, ``Authorization: Bearer <secret>`` and no checksum."""
    if authorization.startswith("Bearer ") and not checksum:
        given = authorization[len("Bearer ") :].strip().encode("utf-8", errors="replace")
        if not given or not hmac.compare_digest(secret.encode(), given):
            raise ForgedCallback("webhook bearer token mismatch")
        return
    algorithm = WEBHOOK_ALGORITHMS.get(len(checksum))
    if algorithm is None:
        raise ForgedCallback("webhook checksum missing or of no known length")
    expected = hashlib.new(algorithm, f"{callback_url}{body}{secret}".encode()).hexdigest()
    # Bytes: compare_digest refuses non-ASCII text with TypeError.
    given = checksum.lower().encode("utf-8", errors="replace")
    if not hmac.compare_digest(expected.encode(), given):
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
    # Attendees that could not be read: {"index", "reason"}; the report is used without them.
    set_aside: list[dict] = field(default_factory=list)


# An attendee's duration beyond this (seconds, about four months) is not a meeting's.
MAX_DURATION_S = 10_000_000
# BBB's meetingID is 2-256 characters; an internal ID is sha1 hex, "-" and createTime.
MAX_MEETING_ID = 256
MAX_INTERNAL_ID = 100


def parse_analytics(body: bytes) -> AnalyticsReport:
    """The bbbevents JSON of the analytics callback; raises MalformedCallback, nothing else."""
    data = load_json(body)
    if not isinstance(data, dict) or not isinstance(data.get("data"), dict):
        raise MalformedCallback("no data object")
    meeting_id = data.get("meeting_id")
    internal_id = data.get("internal_meeting_id")
    if not isinstance(meeting_id, str) or not meeting_id:
        raise MalformedCallback("no meeting_id")
    if not isinstance(internal_id, str) or not internal_id:
        raise MalformedCallback("no internal_meeting_id")
    bounded_text(meeting_id, "meeting_id", MAX_MEETING_ID)
    bounded_text(internal_id, "internal_meeting_id", MAX_INTERNAL_ID)
    content = data["data"]
    start = parse_bbb_time(content["start"]) if content.get("start") else None
    finish = parse_bbb_time(content["finish"]) if content.get("finish") else None
    attendees_raw = content.get("attendees", [])
    if not isinstance(attendees_raw, list):
        raise MalformedCallback("attendees is not a list")
    attendees, set_aside = [], []
    for index, raw in enumerate(attendees_raw):
        # One attendee we cannot read is kept aside with its reason; the others count.
        try:
            attendees.append(_parse_attendee(raw, finish))
        except MalformedCallback as error:
            set_aside.append({"index": index, "reason": str(error)[:200]})
    return AnalyticsReport(
        meeting_id=meeting_id,
        internal_meeting_id=internal_id,
        start_ms=start,
        finish_ms=finish,
        attendees=attendees,
        set_aside=set_aside,
    )


def _parse_attendee(raw, finish: int | None) -> AnalyticsAttendee:
    if not isinstance(raw, dict) or raw.get("ext_user_id") in (None, ""):
        raise MalformedCallback("an attendee without ext_user_id")
    external_user_id = bbb_id(raw["ext_user_id"], "ext_user_id")
    joins = sorted(parse_bbb_time(t) for t in _times(raw.get("joins"), "joins"))
    leaves = sorted(parse_bbb_time(t) for t in _times(raw.get("leaves"), "leaves"))
    intervals = []
    for index, joined in enumerate(joins):
        # A join without its leave lasted until the meeting finished.
        later_leaves = [t for t in leaves if t >= joined]
        left = leaves[index] if index < len(leaves) and leaves[index] >= joined else None
        if left is None:
            left = later_leaves[0] if later_leaves else (finish or joined)
        intervals.append((joined, left))
    return AnalyticsAttendee(
        external_user_id=external_user_id,
        name=str(raw.get("name", "")),
        moderator=bool(raw.get("moderator", False)),
        intervals=intervals,
        duration_s=_seconds(raw.get("duration"), "duration", MAX_DURATION_S),
        raw=raw,
    )


def _times(value, what: str) -> list:
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        raise MalformedCallback(f"{what} is not a list")
    return value


def parse_webhook_events(event_field: str) -> list[dict]:
    """The ``event`` form field: a JSON list of mapped events (or one event). Raises
    MalformedCallback, nothing else."""
    events = load_json(event_field)
    if isinstance(events, dict):
        events = [events]
    if not isinstance(events, list):
        raise MalformedCallback("event is not a list")
    parsed = []
    for event in events:
        try:
            data = event["data"]
            attributes = data["attributes"]
            meeting = attributes["meeting"]
            user = attributes.get("user") or {}
            if not isinstance(user, dict):
                raise MalformedCallback("user is not an object")
            internal_meeting_id = meeting.get("internal-meeting-id") or ""
            if internal_meeting_id:
                bounded_text(internal_meeting_id, "internal-meeting-id", MAX_INTERNAL_ID)
            parsed.append(
                {
                    "id": bounded_text(data["id"], "id", 100),
                    "meeting_id": bounded_text(
                        meeting["external-meeting-id"], "external-meeting-id", MAX_MEETING_ID
                    ),
                    "internal_meeting_id": internal_meeting_id,
                    "user": {
                        **user,
                        "external-user-id": bbb_id(
                            user.get("external-user-id"), "external-user-id", required=False
                        ),
                        "internal-user-id": bbb_id(
                            user.get("internal-user-id"), "internal-user-id", required=False
                        ),
                    },
                    "ts": parse_bbb_time(data["event"]["ts"]),
                    "raw": event,
                }
            )
        except (KeyError, TypeError, AttributeError) as error:
            raise MalformedCallback(f"unexpected event shape: {error!r}"[:200]) from error
    return parsed


# --- BBB Learning Dashboard CSV ------------------------------------------------------------

NAME_HEADERS = {"name", "ชื่อ"}
MODERATOR_HEADERS = {"moderator", "ผู้ดูแล", "ผู้ควบคุม", "ผู้ดำเนินการ"}
DURATION_HEADERS = {"duration", "ระยะเวลา"}
# BBB's dashboard has no ID column; a file that has one (the userID we sent BBB, added by a
# trainer or another export) is matched on it first.
EXTERNAL_ID_HEADERS = {
    "user id",
    "userid",
    "user_id",
    "external id",
    "external user id",
    "ext_user_id",
    "extid",
    "รหัสผู้ใช้",
    "รหัสผู้เข้าอบรม",
}
# Hours of at most four digits: a longer run is no duration (and int() refuses > 4,300 digits).
DURATION = re.compile(r"(\d{1,4}):([0-5]\d):([0-5]\d)")


class DashboardFileError(ValueError):
    """The file is not a CSV we can read at all."""


@dataclass
class DashboardRow:
    line: int  # the line in the file, for messages
    name: str
    moderator: bool
    minutes: int | None
    error: str = ""  # a code: bad_duration, missing_name
    external_id: str = ""  # from an ID column, when the file has one


def _column(header: list[str], names: set[str], default: int | None) -> int | None:
    for index, title in enumerate(header):
        if title.strip().lower() in names:
            return index
    return default


def parse_learning_dashboard(content: str) -> list[DashboardRow]:
    """The "download session data" CSV of BBB's Learning Dashboard: Name, Moderator,
    Activity Score, Talk Time, Webcam Time, Messages, Reactions, Poll Votes, Raise Hands,
    Join, Left, Duration (HH:mm:ss), then one column per poll; headers are in the
    dashboard's language, so the name and duration columns are also found by position."""
    try:
        rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff"))))
    except csv.Error as error:  # a field over the csv module's limit, a NUL...
        raise DashboardFileError(str(error)) from error
    if not rows:
        return []
    header = rows[0]
    name_col = _column(header, NAME_HEADERS, 0)
    moderator_col = _column(header, MODERATOR_HEADERS, 1)
    duration_col = _column(header, DURATION_HEADERS, 11)
    id_col = _column(header, EXTERNAL_ID_HEADERS, None)
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
        match = DURATION.fullmatch(duration)
        row_result = DashboardRow(line=line, name=name, moderator=moderator, minutes=None)
        if id_col is not None and id_col < len(cells):
            row_result.external_id = cells[id_col][:100]
        if not name:
            row_result.error = "missing_name"
        elif match is None:
            row_result.error = "bad_duration"
        else:
            hours, minutes, seconds = (int(g) for g in match.groups())
            row_result.minutes = (hours * 3600 + minutes * 60 + seconds) // 60
        parsed.append(row_result)
    return parsed
