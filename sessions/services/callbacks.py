"""Ingesting BigBlueButton's callbacks (already verified by ``sessions.callbacks``, the
views): the end callback, the analytics report, webhooks and recording-ready. Each is stored
once per meeting instance in ``CallbackDelivery``; replays change nothing."""

from __future__ import annotations

import datetime
import hashlib

from django.db import IntegrityError, transaction
from django.utils import timezone

from .. import bbb
from ..evidence import AnalyticsReport, MalformedCallback, from_ms, our_user_id
from ..join_facts import forget_round
from ..models import (
    AttendanceEvent,
    AttendanceEventKind,
    AttendanceSource,
    CallbackDelivery,
    CallbackKind,
    CallbackOutcome,
    LiveSession,
    LiveSessionStatus,
    Recording,
)
from .common import (
    is_known_instance,
    known_user_ids,
    note_meeting_instances,
    schedule_reconciliation,
)
from .meetings import fetch_meeting_info


def _store_callback(*, kind, session, dedupe_key, outcome, body, detail="") -> CallbackDelivery:
    return CallbackDelivery.objects.create(
        kind=kind,
        session=session,
        dedupe_key=dedupe_key[:200],
        outcome=outcome,
        body=_storable(body),
        detail=_storable(detail[:2000]),
    )


def _storable(text: str) -> str:
    """PostgreSQL keeps no NUL in text: a body that carried one is kept with U+FFFD."""
    return text.replace("\x00", "\ufffd")


def _claim_callback(*, kind, session, dedupe_key, body, detail="") -> bool:
    """Store the callback as processed; False if one with the same key already was."""
    try:
        with transaction.atomic():
            _store_callback(
                kind=kind,
                session=session,
                dedupe_key=dedupe_key,
                outcome=CallbackOutcome.PROCESSED,
                body=body,
                detail=detail,
            )
    except IntegrityError:
        _store_callback(
            kind=kind,
            session=session,
            dedupe_key=dedupe_key,
            outcome=CallbackOutcome.DUPLICATE,
            body=body,
        )
        return False
    return True


# A callback whose signature fails is kept so that DLA sees a server signing with another
# secret (BBB never sends it again), within bounds: anyone can post to these URLs.
REJECTED_KEPT_PER_HOUR = 50
REJECTED_BODY_KEPT = 20_000


def record_rejected_callback(*, kind: str, body: str, detail: str) -> bool:
    """Keep a callback whose signature did not verify (outcome "rejected"), at most
    ``REJECTED_KEPT_PER_HOUR`` of a kind per hour, the body cut short. True if kept."""
    since = timezone.now() - datetime.timedelta(hours=1)
    recent = CallbackDelivery.objects.filter(
        kind=kind, outcome=CallbackOutcome.REJECTED, received_at__gte=since
    )
    if recent.count() >= REJECTED_KEPT_PER_HOUR:
        return False
    _store_callback(
        kind=kind,
        session=None,
        dedupe_key="",
        outcome=CallbackOutcome.REJECTED,
        body=body[:REJECTED_BODY_KEPT],
        detail=detail,
    )
    return True


def record_malformed_callback(*, kind: str, body: str, detail: str, session=None) -> None:
    _store_callback(
        kind=kind,
        session=session,
        dedupe_key="",
        outcome=CallbackOutcome.MALFORMED,
        body=body,
        detail=detail,
    )


def handle_end_callback(
    *, session: LiveSession, meeting_id: str, recording_marks: bool, raw: str
) -> bool:
    """BBB says the meeting ended (nonce already checked). Idempotent: True if new."""
    now = timezone.now()
    if meeting_id != session.meeting_id:
        record_malformed_callback(
            kind=CallbackKind.END, body=raw, detail="meetingID mismatch", session=session
        )
        raise MalformedCallback("meetingID does not match the session")
    if _meeting_running_again(session):
        # A late callback of an earlier instance: the trainer has started the meeting again.
        _store_callback(
            kind=CallbackKind.END,
            session=session,
            dedupe_key="",
            outcome=CallbackOutcome.DUPLICATE,
            body=raw,
            detail="late: the meeting is running again",
        )
        return False
    with transaction.atomic():
        key = f"{session.meeting_id}:{session.create_time_ms}"
        if not _claim_callback(kind=CallbackKind.END, session=session, dedupe_key=key, body=raw):
            return False
        updated = (
            LiveSession.objects.filter(pk=session.pk)
            .exclude(status=LiveSessionStatus.ENDED)
            .update(status=LiveSessionStatus.ENDED, ended_at=now, status_checked_at=now)
        )
        if updated or recording_marks:
            schedule_reconciliation(session=session)
    return True


def _meeting_running_again(session: LiveSession) -> bool:
    """The end callback names no instance: ask BBB whether the meeting runs now. When BBB
    cannot answer, the callback is believed."""
    try:
        info = fetch_meeting_info(session=session)
    except bbb.BBBError:
        return False
    return bool(info and info.running and not info.has_been_forcibly_ended)


def ingest_analytics(*, report: AnalyticsReport, raw: str) -> tuple[str, LiveSession | None]:
    """Store the analytics callback's attendees as evidence, once per meeting instance.

    Returns (outcome, session). Unknown meetings are kept but change nothing.
    """
    session = LiveSession.objects.filter(meeting_id=report.meeting_id).first()
    if session is None:
        _store_callback(
            kind=CallbackKind.ANALYTICS,
            session=None,
            dedupe_key=report.internal_meeting_id,
            outcome=CallbackOutcome.UNKNOWN_MEETING,
            body=raw,
        )
        return CallbackOutcome.UNKNOWN_MEETING, None
    if not is_known_instance(session=session, internal_meeting_id=report.internal_meeting_id):
        # BBB's token signs no body: a report for an instance we never created nor saw could
        # be anyone's who once held a token. Kept, changes nothing.
        _store_callback(
            kind=CallbackKind.ANALYTICS,
            session=session,
            dedupe_key=report.internal_meeting_id,
            outcome=CallbackOutcome.UNKNOWN_MEETING,
            body=raw,
            detail="unknown meeting instance",
        )
        return CallbackOutcome.UNKNOWN_MEETING, session
    with transaction.atomic():
        if not _claim_callback(
            kind=CallbackKind.ANALYTICS,
            session=session,
            dedupe_key=report.internal_meeting_id,
            body=raw,
            detail=set_aside_detail(report),
        ):
            return CallbackOutcome.DUPLICATE, session
        offset = session.clock_offset_ms
        known = known_user_ids(a.external_user_id for a in report.attendees)
        now = timezone.now()
        events = []
        for attendee in report.attendees:
            user_id = our_user_id(attendee.external_user_id)
            intervals = [[start - offset, end - offset] for start, end in attendee.intervals]
            events.append(
                AttendanceEvent(
                    session=session,
                    user_id=user_id if user_id in known else None,
                    external_user_id=attendee.external_user_id,
                    source=AttendanceSource.ANALYTICS,
                    kind=AttendanceEventKind.PRESENCE,
                    occurred_at=from_ms(report.finish_ms - offset) if report.finish_ms else now,
                    intervals=intervals,
                    minutes=attendee.duration_s // 60,
                    payload={
                        "internal_meeting_id": report.internal_meeting_id,
                        "moderator": attendee.moderator,
                        "attendee": attendee.raw,
                    },
                )
            )
        AttendanceEvent.objects.bulk_create(events, batch_size=500)
        if session.status != LiveSessionStatus.ENDED and report.internal_meeting_id == (
            session.internal_meeting_id
        ):
            LiveSession.objects.filter(pk=session.pk).update(
                status=LiveSessionStatus.ENDED, ended_at=session.ended_at or now
            )
            forget_round(session.round_id)
        schedule_reconciliation(session=session)
    return CallbackOutcome.PROCESSED, session


def set_aside_detail(report: AnalyticsReport) -> str:
    """What the delivery says about attendees that could not be read (kept in its body)."""
    if not report.set_aside:
        return ""
    lines = [f"attendee #{item['index']}: {item['reason']}" for item in report.set_aside]
    return f"{len(lines)} attendee(s) set aside, the rest used:\n" + "\n".join(lines)


def ingest_webhook_events(*, events: list[dict], raw: str) -> int:
    """user-joined / user-left / meeting-ended from bbb-webhooks; duplicates ignored.

    A fixed number of queries whatever the number of events: the sessions, the keys already
    stored and the users named are each read once, the new events written in one INSERT.
    """
    sessions = {
        s.meeting_id: s
        for s in LiveSession.objects.filter(meeting_id__in={e["meeting_id"] for e in events})
    }
    ours = [
        (event, sessions[event["meeting_id"]])
        for event in events
        if event["meeting_id"] in sessions
    ]
    keys = {id(event): _webhook_dedupe_key(event) for event, _session in ours}
    with transaction.atomic():
        already = set(
            AttendanceEvent.objects.filter(dedupe_key__in=set(keys.values())).values_list(
                "dedupe_key", flat=True
            )
        )
        attendance = [
            (event, session)
            for event, session in ours
            if event["id"] in ("user-joined", "user-left")
        ]
        known = known_user_ids(_external_user_id(event) for event, _session in attendance)
        to_create = []
        for event, session in ours:
            key = keys[id(event)]
            if key in already:
                continue
            already.add(key)  # the same event twice in one delivery
            moment = from_ms(event["ts"] - session.clock_offset_ms)
            if event["id"] == "meeting-ended":
                if session.status != LiveSessionStatus.ENDED:
                    LiveSession.objects.filter(pk=session.pk).update(
                        status=LiveSessionStatus.ENDED, ended_at=moment
                    )
                    forget_round(session.round_id)
                    session.status = LiveSessionStatus.ENDED
                    schedule_reconciliation(session=session)
                continue
            if event["id"] not in ("user-joined", "user-left"):
                continue
            external = _external_user_id(event)
            user_id = our_user_id(external)
            to_create.append(
                AttendanceEvent(
                    session=session,
                    user_id=user_id if user_id in known else None,
                    external_user_id=external[:100],
                    internal_user_id=str(event["user"].get("internal-user-id", ""))[:100],
                    source=AttendanceSource.WEBHOOK,
                    kind=AttendanceEventKind.JOINED
                    if event["id"] == "user-joined"
                    else AttendanceEventKind.LEFT,
                    occurred_at=moment,
                    payload=event["raw"],
                    dedupe_key=key,
                )
            )
        # bbb-webhooks signs the body: the instances it names are BBB's own.
        note_meeting_instances(
            seen={
                (s.pk, e["internal_meeting_id"], None) for e, s in ours if e["internal_meeting_id"]
            }
        )
        # A concurrent delivery of the same events may win the race: its rows stay.
        AttendanceEvent.objects.bulk_create(to_create, ignore_conflicts=True)
        stored = len(to_create)
        _store_callback(
            kind=CallbackKind.WEBHOOK,
            session=None,
            dedupe_key=hashlib.sha256(raw.encode()).hexdigest() if stored else "",
            outcome=CallbackOutcome.PROCESSED if stored else CallbackOutcome.DUPLICATE,
            body=raw,
        )
    return stored


def _webhook_dedupe_key(event: dict) -> str:
    """One event of one connection in one meeting instance, whoever delivers it."""
    identity = (
        f"{event['internal_meeting_id']}|{event['id']}|{event['ts']}|"
        f"{event['user'].get('internal-user-id', '')}"
    )
    return "webhook:" + hashlib.sha256(identity.encode()).hexdigest()


def _external_user_id(event: dict) -> str:
    return str(event["user"].get("external-user-id", ""))


def handle_recording_ready(*, meeting_id: str, record_id: str, raw: str) -> str:
    """The recording-ready callback (JWT already verified). Returns the outcome."""
    session = LiveSession.objects.filter(meeting_id=meeting_id).first()
    if session is None:
        _store_callback(
            kind=CallbackKind.RECORDING_READY,
            session=None,
            dedupe_key=record_id,
            outcome=CallbackOutcome.UNKNOWN_MEETING,
            body=raw,
        )
        return CallbackOutcome.UNKNOWN_MEETING
    with transaction.atomic():
        if not _claim_callback(
            kind=CallbackKind.RECORDING_READY, session=session, dedupe_key=record_id, body=raw
        ):
            return CallbackOutcome.DUPLICATE
        Recording.objects.get_or_create(
            record_id=record_id, defaults={"session": session, "state": "processed"}
        )
        from ..tasks import sync_recordings_task

        session_id = session.pk
        transaction.on_commit(lambda: sync_recordings_task.enqueue(session_id=session_id))
    return CallbackOutcome.PROCESSED
