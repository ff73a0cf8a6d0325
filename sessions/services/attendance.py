"""Attendance: a trainer's marks, and reconciliation of the evidence into records."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from courses.access import can_manage_round
from courses.models import Enrolment, EnrolmentStatus, Round

from ..evidence import from_ms, merge_intervals, to_ms
from ..models import (
    AttendanceEvent,
    AttendanceEventKind,
    AttendanceRecord,
    AttendanceSource,
    AttendanceStatus,
    LiveSession,
)
from .common import SessionError

# Which evidence decides, when several sources saw the same participant.
SOURCE_PRIORITY = [
    AttendanceSource.ANALYTICS,
    AttendanceSource.WEBHOOK,
    AttendanceSource.POLL,
    AttendanceSource.IMPORT,
]


def _check_participant(session: LiveSession, user) -> None:
    if not Enrolment.objects.filter(
        round_id=session.round_id, user=user, status=EnrolmentStatus.ENROLLED
    ).exists():
        raise SessionError("not_a_participant")


def mark_attendance(
    *, session: LiveSession, user, status: str, reason: str, by, now=None
) -> AttendanceRecord:
    """A trainer's override (present / partial / absent / excused; "" gives the decision back
    to the evidence). A reason is required; the change is audited."""
    if not can_manage_round(by, session.round):
        raise SessionError("not_manager")
    if status not in AttendanceStatus.values and status != "":
        raise SessionError("invalid_status")
    return _record_trainer_mark(
        session=session,
        user=user,
        by=by,
        reason=reason,
        now=now,
        kind=AttendanceEventKind.MARK,
        action="esc.training_sessions.override",
        fields={"status": status},
        audit={"status": status},
        reconcile_user_ids=[user.pk],
    )


def mark_co_viewer(
    *, session: LiveSession, user, host, reason: str, by, now=None
) -> AttendanceRecord:
    """The participant watched on ``host``'s screen (several officers in one LAO office):
    they are credited with the host's presence. Audited."""
    if not can_manage_round(by, session.round):
        raise SessionError("not_manager")
    if user.pk == host.pk:
        raise SessionError("self_host")
    return _record_trainer_mark(
        session=session,
        user=user,
        by=by,
        reason=reason,
        now=now,
        kind=AttendanceEventKind.CO_VIEWER,
        action="esc.training_sessions.co_viewer",
        fields={"host_user": host},
        audit={"host": host.pk},
        reconcile_user_ids=[user.pk, host.pk],
    )


def _record_trainer_mark(
    *, session, user, by, reason, now, kind, action, fields, audit, reconcile_user_ids
) -> AttendanceRecord:
    """A trainer's manual event: stored as evidence, reconciled and audited, all at once."""
    reason = reason.strip()
    if not reason:
        raise SessionError("reason_required")
    _check_participant(session, user)
    with transaction.atomic():
        AttendanceEvent.objects.create(
            session=session,
            user=user,
            external_user_id=str(user.pk),
            source=AttendanceSource.MANUAL,
            kind=kind,
            occurred_at=now or timezone.now(),
            reason=reason,
            recorded_by=by,
            **fields,
        )
        reconcile_attendance(session=session, user_ids=reconcile_user_ids)
        record = AttendanceRecord.objects.get(session=session, user=user)
        log(
            instance=record,
            action=action,
            user=by,
            data={"participant": user.pk, **audit, "reason": reason},
        )
    return record


# --- Reconciliation ------------------------------------------------------------------------------


RECORD_FIELDS = [
    "minutes_present",
    "scheduled_minutes",
    "status",
    "decided_by",
    "first_seen_at",
    "last_seen_at",
    "overridden",
    "override_reason",
    "co_viewer_of_id",
]


def _event_intervals(event: dict) -> list[tuple[int, int]]:
    if event["intervals"]:
        return [(int(s), int(e)) for s, e in event["intervals"]]
    if event["started_at"] and event["ended_at"]:
        return [(to_ms(event["started_at"]), to_ms(event["ended_at"]))]
    return []


def compute_status(*, minutes: int, scheduled: int, present_percent: int) -> str:
    if scheduled and minutes * 100 >= scheduled * present_percent:
        return AttendanceStatus.PRESENT
    if minutes > 0:
        return AttendanceStatus.PARTIAL
    return AttendanceStatus.ABSENT


def reconcile_attendance(
    *, session: LiveSession, user_ids=None, now: datetime.datetime | None = None
) -> int:
    """Build one AttendanceRecord per participant from all the evidence. Idempotent.

    Minutes are the union of presence intervals from every source (rejoins and devices
    merge; BBB times were converted to our clock with the offset measured at create), or
    the minutes an import reported when larger. Status follows the session's rule (present
    from ``present_min_percent`` of the scheduled time); a trainer's latest mark overrides
    it; a co-viewer gets the host's presence too. Returns the number of records written.
    """
    now = now or timezone.now()
    round_ = Round.objects.get(pk=session.round_id)
    scheduled = round_.duration_minutes
    trainer_ids = set(round_.trainers.values_list("pk", flat=True))
    enrolled = set(
        Enrolment.objects.filter(round=round_, status=EnrolmentStatus.ENROLLED).values_list(
            "user_id", flat=True
        )
    )
    events = AttendanceEvent.objects.filter(session=session, user__isnull=False)
    if user_ids is not None:
        # A co-viewer's host may be anyone: load the hosts' evidence as well.
        hosts = set(
            events.filter(user_id__in=user_ids, kind=AttendanceEventKind.CO_VIEWER).values_list(
                "host_user_id", flat=True
            )
        )
        events = events.filter(user_id__in=set(user_ids) | hosts)
        enrolled &= set(user_ids)
    rows = events.order_by("created_at", "pk").values(
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
        "payload",
    )
    intervals: dict[int, list] = defaultdict(list)
    sources: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    imported: dict[int, int] = {}
    marks: dict[int, dict] = {}
    hosts_of: dict[int, int] = {}
    webhook_open: dict[tuple[int, str], int] = {}
    seen: set[int] = set()
    for row in rows:
        user_id = row["user_id"]
        seen.add(user_id)
        kind = row["kind"]
        if kind == AttendanceEventKind.PRESENCE:
            found = _event_intervals(row)
            intervals[user_id].extend(found)
            sources[user_id][row["source"]] += sum(e - s for s, e in found) or 1
        elif kind == AttendanceEventKind.MINUTES:
            imported[user_id] = max(imported.get(user_id, 0), row["minutes"] or 0)
            sources[user_id][row["source"]] += (row["minutes"] or 0) * 60_000 or 1
        elif kind in (AttendanceEventKind.JOINED, AttendanceEventKind.LEFT):
            internal = str(
                (row["payload"] or {})
                .get("data", {})
                .get("attributes", {})
                .get("user", {})
                .get("internal-user-id", "")
            )
            moment = to_ms(row["occurred_at"])
            if kind == AttendanceEventKind.JOINED:
                webhook_open[(user_id, internal)] = moment
            elif (user_id, internal) in webhook_open:
                start = webhook_open.pop((user_id, internal))
                intervals[user_id].append((start, moment))
                sources[user_id][AttendanceSource.WEBHOOK] += moment - start or 1
        elif kind == AttendanceEventKind.MARK:
            marks[user_id] = row
        elif kind == AttendanceEventKind.CO_VIEWER:
            hosts_of[user_id] = row["host_user_id"]
    # Webhook joins never followed by a leave last until the meeting ended (or now).
    end_ms = to_ms(session.ended_at or now)
    for (user_id, _internal), start in webhook_open.items():
        intervals[user_id].append((start, max(start, end_ms)))
        sources[user_id][AttendanceSource.WEBHOOK] += max(0, end_ms - start) or 1

    subjects = (enrolled | seen) - trainer_ids
    if user_ids is not None:
        subjects &= set(user_ids)
    existing = {
        r.user_id: r for r in AttendanceRecord.objects.filter(session=session, user_id__in=subjects)
    }
    to_create, to_update = [], []
    for user_id in subjects:
        own = list(intervals.get(user_id, []))
        host = hosts_of.get(user_id)
        if host is not None:
            own.extend(intervals.get(host, []))
        merged = merge_intervals(own)
        minutes = max(
            sum(e - s for s, e in merged) // 60_000,
            imported.get(user_id, 0),
            imported.get(host, 0) if host is not None else 0,
        )
        status = compute_status(
            minutes=minutes, scheduled=scheduled, present_percent=session.present_min_percent
        )
        used = sources.get(user_id, {})
        decided_by = next((s for s in SOURCE_PRIORITY if used.get(s)), "")
        if host is not None:
            decided_by = AttendanceSource.MANUAL
        mark = marks.get(user_id)
        overridden = bool(mark and mark["status"])
        if overridden:
            status = mark["status"]
            decided_by = AttendanceSource.MANUAL
        values = {
            "minutes_present": minutes,
            "scheduled_minutes": scheduled,
            "status": status,
            "decided_by": decided_by,
            "first_seen_at": from_ms(merged[0][0]) if merged else None,
            "last_seen_at": from_ms(merged[-1][1]) if merged else None,
            "overridden": overridden,
            "override_reason": mark["reason"] if overridden else "",
            "co_viewer_of_id": host,
        }
        record = existing.get(user_id)
        if record is None:
            to_create.append(AttendanceRecord(session=session, user_id=user_id, **values))
        elif any(getattr(record, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(record, key, value)
            record.reconciled_at = now
            to_update.append(record)
    with transaction.atomic():
        AttendanceRecord.objects.bulk_create(to_create, batch_size=500)
        if to_update:
            AttendanceRecord.objects.bulk_update(
                to_update, [*RECORD_FIELDS, "reconciled_at"], batch_size=500
            )
        if user_ids is None:
            LiveSession.objects.filter(pk=session.pk).update(reconciled_at=now)
    return len(to_create) + len(to_update)
