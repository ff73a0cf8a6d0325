"""Attendance: a trainer's marks, and reconciliation of the evidence into records."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy
from wagtail.log_actions import log

from courses.access import can_manage_round
from courses.models import Enrolment, EnrolmentStatus, Round

from ..evidence import to_ms
from ..join_clicks import flush_join_clicks
from ..models import (
    AttendanceEvent,
    AttendanceEventKind,
    AttendanceRecord,
    AttendanceSource,
    AttendanceStatus,
    LiveSession,
)
from ..reconciliation import (
    EVENT_FIELDS,
    RECORD_FIELDS,
    SOURCE_PRIORITY,
    Decision,
    Evidence,
    compute_status,
    decide_attendance,
    gather_evidence,
)
from ..signals import attendance_reconciled
from .common import SessionError

__all__ = [
    "RECORD_FIELDS",
    "SOURCE_PRIORITY",
    "compute_status",
    "mark_attendance",
    "mark_co_viewer",
    "reconcile_attendance",
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


# The two marks the roster offers with one tap, and the reason kept when none is typed.
ROSTER_MARKS = (AttendanceStatus.PRESENT, AttendanceStatus.ABSENT)
ROSTER_MARK_REASON = gettext_lazy("Marked on the console's roster")


def mark_from_roster(
    *, session: LiveSession, user, status: str, reason: str = "", by, now=None
) -> AttendanceRecord:
    """One tap on a roster row: "มาเรียน" (present) or "ไม่มา" (absent), the reason
    optional (the audit then says it came from the roster). Otherwise as ``mark_attendance``."""
    if status not in ROSTER_MARKS:
        raise SessionError("invalid_status")
    return mark_attendance(
        session=session,
        user=user,
        status=status,
        reason=reason.strip() or str(ROSTER_MARK_REASON),
        by=by,
        now=now,
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


def reconcile_attendance(
    *, session: LiveSession, user_ids=None, now: datetime.datetime | None = None
) -> int:
    """Build one AttendanceRecord per participant from all the evidence. Idempotent.

    Collect the session's events and who should have a record (the enrolled and anyone with
    evidence, trainers excluded), decide per participant (``sessions.reconciliation``: the
    rule, without the database), then write the records that changed. With ``user_ids``,
    only those participants (and their co-viewing hosts' evidence) are read and written.
    Returns the number of records written.
    """
    now = now or timezone.now()
    flush_join_clicks()  # the clicks still queued in Redis are evidence too
    round_ = Round.objects.get(pk=session.round_id)
    evidence, subjects = _collect_evidence(
        session=session, round_=round_, user_ids=user_ids, now=now
    )
    decisions = {}
    for user_id in subjects:
        own = evidence.get(user_id, Evidence())
        decisions[user_id] = decide_attendance(
            own,
            host=evidence.get(own.host_id) if own.host_id is not None else None,
            scheduled=round_.duration_minutes,
            present_percent=session.present_min_percent,
        )
    return _persist_decisions(session=session, decisions=decisions, now=now, whole=user_ids is None)


def _collect_evidence(
    *, session: LiveSession, round_: Round, user_ids, now: datetime.datetime
) -> tuple[dict[int, Evidence], set[int]]:
    """The session's evidence per user, and the users who get a record."""
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
    rows = events.order_by("created_at", "pk").values(*EVENT_FIELDS)
    # Webhook joins never followed by a leave last until the meeting ended (or now).
    evidence = gather_evidence(rows, end_ms=to_ms(session.ended_at or now))
    subjects = (enrolled | set(evidence)) - trainer_ids
    if user_ids is not None:
        subjects &= set(user_ids)
    return evidence, subjects


def _persist_decisions(
    *, session: LiveSession, decisions: dict[int, Decision], now: datetime.datetime, whole: bool
) -> int:
    """Create the missing records and update the changed ones (bulk, in batches)."""
    existing = {
        r.user_id: r
        for r in AttendanceRecord.objects.filter(session=session, user_id__in=set(decisions))
    }
    to_create, to_update = [], []
    for user_id, decision in decisions.items():
        values = decision.as_fields()
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
        if whole:
            LiveSession.objects.filter(pk=session.pk).update(reconciled_at=now)
        session_id = session.pk
        transaction.on_commit(
            lambda: attendance_reconciled.send(LiveSession, session_id=session_id)
        )
    return len(to_create) + len(to_update)
