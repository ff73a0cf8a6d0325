"""Join clicks through a Redis queue: the click is evidence, not a decision, so Join does
not wait for an INSERT; a worker writes the clicks in batches.

``queue_join_click`` pushes the click on the list ``join:clicks`` and, in the same round
trip, sets the marker ``join:flush`` (if absent): the one that set it enqueues
``flush_join_clicks_task``, which removes the marker and writes the whole queue with
``bulk_create`` (``flush_join_clicks``). A click pushed while a flush runs sets the marker
again, so it is written by that flush or the next one; a marker whose task could not be
enqueued expires after ``FLUSH_MARKER_SECONDS`` and the next click tries again.
Reconciliation flushes the queue first (``reconcile_attendance``), so no click is late for
it.

Without Redis (a local-memory cache, Redis down, a Redis error) the click is written
directly, as before: it is never dropped.
"""

from __future__ import annotations

import datetime
import json
import logging

from django.db import transaction

from .join_facts import key_for, redis_client, redis_errors, report_failure
from .models import AttendanceEvent, AttendanceEventKind, AttendanceSource

logger = logging.getLogger(__name__)

FLUSH_BATCH = 1000
FLUSH_MARKER_SECONDS = 30


def click_event(*, session_id: int, user_id: int, role: str, create_time, occurred_at):
    return AttendanceEvent(
        session_id=session_id,
        user_id=user_id,
        external_user_id=str(user_id),
        source=AttendanceSource.JOIN_REDIRECT,
        kind=AttendanceEventKind.JOIN_CLICK,
        occurred_at=occurred_at,
        payload={"role": role, "create_time": create_time},
    )


def queue_join_click(
    *, session_id: int, user_id: int, role: str, create_time, now: datetime.datetime
) -> None:
    """Queue the click in Redis; write it at once when Redis is not there."""
    backend, client = redis_client(write=True)
    if client is not None:
        item = json.dumps(
            {"s": session_id, "u": user_id, "r": role, "c": create_time, "t": now.isoformat()}
        )
        try:
            pipe = client.pipeline(transaction=False)
            pipe.rpush(key_for(backend, "clicks"), item)
            pipe.set(key_for(backend, "flush"), b"1", nx=True, ex=FLUSH_MARKER_SECONDS)
            _length, marked = pipe.execute()
        except redis_errors() as error:
            report_failure(backend, error, write=False)
        else:
            if marked:
                _enqueue_flush()
            return
    click_event(
        session_id=session_id, user_id=user_id, role=role, create_time=create_time, occurred_at=now
    ).save()


def _enqueue_flush() -> None:
    from .tasks import flush_join_clicks_task

    try:
        flush_join_clicks_task.enqueue()
    except Exception:  # the click is queued; the marker expires and the next one retries
        logger.exception("Could not enqueue the join-click flush")


def flush_join_clicks(*, batch: int = FLUSH_BATCH) -> int:
    """Write every queued click (in batches of ``batch``); returns how many were written.

    Each batch is popped and written in its own transaction; if the write fails the batch
    is pushed back. Inside a caller's transaction (which could still roll back and take
    the popped clicks with it) nothing is flushed and 0 is returned: the task does it.
    """
    backend, client = redis_client(write=True)
    if client is None:
        return 0
    key = key_for(backend, "clicks")
    written = 0
    while True:
        try:
            with transaction.atomic(durable=True):
                try:
                    items = client.lpop(key, batch)
                except redis_errors() as error:
                    report_failure(backend, error, write=False)
                    return written
                if not items:
                    return written
                try:
                    events = _still_known([_event(item) for item in items])
                    AttendanceEvent.objects.bulk_create(events)
                except BaseException:
                    client.rpush(key, *items)
                    raise
        except RuntimeError as error:
            if "durable" not in str(error):
                raise
            return written  # called inside an atomic block
        written += len(events)


def _event(item: bytes) -> AttendanceEvent:
    data = json.loads(item)
    return click_event(
        session_id=data["s"],
        user_id=data["u"],
        role=data["r"],
        create_time=data["c"],
        occurred_at=datetime.datetime.fromisoformat(data["t"]),
    )


def _still_known(events: list[AttendanceEvent]) -> list[AttendanceEvent]:
    """Drop the clicks of a user or session deleted since (their events went with them)."""
    from django.contrib.auth import get_user_model

    from .models import LiveSession

    users = set(
        get_user_model()
        .objects.filter(pk__in={e.user_id for e in events})
        .values_list("pk", flat=True)
    )
    sessions = set(
        LiveSession.objects.filter(pk__in={e.session_id for e in events}).values_list(
            "pk", flat=True
        )
    )
    return [e for e in events if e.user_id in users and e.session_id in sessions]


def clear_flush_marker() -> None:
    backend, client = redis_client(write=True)
    if client is None:
        return
    try:
        client.delete(key_for(backend, "flush"))
    except redis_errors() as error:
        report_failure(backend, error, write=True)
