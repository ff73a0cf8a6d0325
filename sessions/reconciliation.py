"""Deciding a participant's attendance from the evidence: pure functions, no database.

``services.attendance.reconcile_attendance`` collects a session's events, folds them here
into one ``Evidence`` per participant (``gather_evidence``), asks ``decide_attendance`` for
each participant and writes the records that changed. Everything between reading and writing
is here, so the rule is tested with plain values.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from .evidence import from_ms, merge_intervals, to_ms
from .models import AttendanceEventKind, AttendanceSource, AttendanceStatus

# Which evidence decides, when several sources saw the same participant.
SOURCE_PRIORITY = [
    AttendanceSource.ANALYTICS,
    AttendanceSource.WEBHOOK,
    AttendanceSource.POLL,
    AttendanceSource.IMPORT,
]

# A join click counts from the click to the first poll that saw the participant when that
# poll came within this time (a poll every 60 s, plus the room loading).
JOIN_CLICK_BACKFILL_MS = 150_000

# The event fields ``gather_evidence`` reads (``QuerySet.values(*EVENT_FIELDS)``).
EVENT_FIELDS = (
    "user_id",
    "source",
    "kind",
    "occurred_at",
    "started_at",
    "ended_at",
    "intervals",
    "minutes",
    "status",
    "reason",
    "host_user_id",
    "internal_user_id",
)


@dataclass
class Evidence:
    """What the events say about one participant."""

    # Presence on our clock, epoch ms (rejoins and devices not merged yet).
    intervals: list[tuple[int, int]] = field(default_factory=list)
    # Per source, how much it saw (ms; at least 1 for any sighting): the best source decides.
    seen_by: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    imported_minutes: int = 0
    # The trainer's latest mark: None when there is none, "" when it gave the decision back.
    mark_status: str | None = None
    mark_reason: str = ""
    host_id: int | None = None  # watched on this participant's screen (co-viewer)
    # Join clicks (our clock, ms) and the poll intervals: a click shortly before the first
    # poll that saw them is when they came in (polls see people only once a minute).
    join_clicks: list[int] = field(default_factory=list)
    poll_intervals: list[tuple[int, int]] = field(default_factory=list)


@dataclass(frozen=True)
class Decision:
    """One participant's reconciled attendance: the fields of an ``AttendanceRecord``."""

    minutes_present: int
    scheduled_minutes: int
    status: str
    decided_by: str
    first_seen_at: datetime.datetime | None
    last_seen_at: datetime.datetime | None
    overridden: bool
    override_reason: str
    co_viewer_of_id: int | None

    def as_fields(self) -> dict:
        return dataclasses.asdict(self)


RECORD_FIELDS = [f.name for f in dataclasses.fields(Decision)]


def event_intervals(event: dict) -> list[tuple[int, int]]:
    if event["intervals"]:
        return [(int(s), int(e)) for s, e in event["intervals"]]
    if event["started_at"] and event["ended_at"]:
        return [(to_ms(event["started_at"]), to_ms(event["ended_at"]))]
    return []


def gather_evidence(rows: Iterable[dict], *, end_ms: int) -> dict[int, Evidence]:
    """Fold events (in the order they were recorded) into evidence per user id.

    Webhook joins are paired with the leave of the same connection (BBB's internal user id);
    a join never followed by a leave lasts until ``end_ms`` (the meeting's end, or now).
    """
    found: dict[int, Evidence] = defaultdict(Evidence)
    webhook_open: dict[tuple[int, str], int] = {}
    for row in rows:
        user_id = row["user_id"]
        evidence = found[user_id]
        kind = row["kind"]
        if kind == AttendanceEventKind.PRESENCE:
            intervals = event_intervals(row)
            evidence.intervals.extend(intervals)
            evidence.seen_by[row["source"]] += sum(e - s for s, e in intervals) or 1
            if row["source"] == AttendanceSource.POLL:
                evidence.poll_intervals.extend(intervals)
        elif kind == AttendanceEventKind.JOIN_CLICK:
            evidence.join_clicks.append(to_ms(row["occurred_at"]))
        elif kind == AttendanceEventKind.MINUTES:
            minutes = row["minutes"] or 0
            evidence.imported_minutes = max(evidence.imported_minutes, minutes)
            evidence.seen_by[row["source"]] += minutes * 60_000 or 1
        elif kind in (AttendanceEventKind.JOINED, AttendanceEventKind.LEFT):
            connection = (user_id, row["internal_user_id"])
            moment = to_ms(row["occurred_at"])
            if kind == AttendanceEventKind.JOINED:
                webhook_open[connection] = moment
            elif connection in webhook_open:
                start = webhook_open.pop(connection)
                evidence.intervals.append((start, moment))
                evidence.seen_by[AttendanceSource.WEBHOOK] += moment - start or 1
        elif kind == AttendanceEventKind.MARK:
            evidence.mark_status = row["status"]
            evidence.mark_reason = row["reason"]
        elif kind == AttendanceEventKind.CO_VIEWER:
            evidence.host_id = row["host_user_id"]
    for (user_id, _connection), start in webhook_open.items():
        found[user_id].intervals.append((start, max(start, end_ms)))
        found[user_id].seen_by[AttendanceSource.WEBHOOK] += max(0, end_ms - start) or 1
    return dict(found)


def join_click_backfill(own: Evidence) -> list[tuple[int, int]]:
    """From each join click to the first poll that saw the participant within
    ``JOIN_CLICK_BACKFILL_MS``: the minute a once-a-minute poll cannot see. Only when polls
    are all we have: the analytics report and webhooks give the exact join."""
    if own.seen_by.get(AttendanceSource.ANALYTICS) or own.seen_by.get(AttendanceSource.WEBHOOK):
        return []
    starts = sorted(start for start, _end in own.poll_intervals)
    backfill = []
    for click in own.join_clicks:
        first = next((s for s in starts if click <= s <= click + JOIN_CLICK_BACKFILL_MS), None)
        if first is not None:
            backfill.append((click, first))
    return backfill


def compute_status(*, minutes: int, scheduled: int, present_percent: int) -> str:
    if scheduled and minutes * 100 >= scheduled * present_percent:
        return AttendanceStatus.PRESENT
    if minutes > 0:
        return AttendanceStatus.PARTIAL
    return AttendanceStatus.ABSENT


def decide_attendance(
    own: Evidence, *, host: Evidence | None, scheduled: int, present_percent: int
) -> Decision:
    """The rule for one participant.

    Minutes are the union of their presence intervals (and their host's, for a co-viewer), or
    the minutes an import reported when larger. Present from ``present_percent`` of the
    scheduled minutes, partial above zero, absent at zero. The best source that saw them
    decides; a co-viewer or a trainer's mark is decided manually, and a mark with a status
    overrides the status.
    """
    intervals = list(own.intervals) + join_click_backfill(own)
    imported = own.imported_minutes
    if host is not None:
        intervals.extend(host.intervals)
        imported = max(imported, host.imported_minutes)
    merged = merge_intervals(intervals)
    minutes = max(sum(e - s for s, e in merged) // 60_000, imported)
    status = compute_status(minutes=minutes, scheduled=scheduled, present_percent=present_percent)
    decided_by = next((s for s in SOURCE_PRIORITY if own.seen_by.get(s)), "")
    if own.host_id is not None:
        decided_by = AttendanceSource.MANUAL
    overridden = bool(own.mark_status)
    if overridden:
        status = own.mark_status
        decided_by = AttendanceSource.MANUAL
    return Decision(
        minutes_present=minutes,
        scheduled_minutes=scheduled,
        status=status,
        decided_by=decided_by,
        first_seen_at=from_ms(merged[0][0]) if merged else None,
        last_seen_at=from_ms(merged[-1][1]) if merged else None,
        overridden=overridden,
        override_reason=own.mark_reason if overridden else "",
        co_viewer_of_id=own.host_id,
    )
