"""Background work for live sessions (django-tasks, ``db`` backend; ids only, idempotent).

Polling: ``poll_live_session_task`` asks getMeetingInfo for one session and, while the
session is active and the backend can defer (the database backend can), enqueues itself
again ``POLL_INTERVAL_SECONDS`` later. ``LiveSession.next_poll_at`` makes a second chain
(a trainer pressing Start twice) stop by itself. ``manage.py poll_live_sessions`` polls every
active session once, for cron, in case a chain died with its worker (and follows up the
ended sessions whose follow-up is overdue).

Follow-up: ``follow_up_live_session_task`` runs once a session has ended (it is enqueued
with the reconciliation) and enqueues itself again with ``run_after`` until the recordings
are published and the analytics report is in, or the limits pass (``services.follow_up``).
``LiveSession.next_follow_up_at`` keeps one chain per session.
"""

import datetime
import logging

from django.utils import timezone
from django_tasks import task

from . import bbb
from .models import LiveSession, LiveSessionStatus
from .services import (
    POLL_INTERVAL_SECONDS,
    follow_up_live_session,
    poll_live_session,
    reconcile_attendance,
    sync_recordings,
)

logger = logging.getLogger(__name__)


@task(backend="db")
def poll_live_session_task(*, session_id: int) -> None:
    session = LiveSession.objects.select_related("round").filter(pk=session_id).first()
    if session is None:
        return
    now = timezone.now()
    tolerance = datetime.timedelta(seconds=5)
    if session.next_poll_at and session.next_poll_at > now + tolerance:
        return  # another chain owns this session's polling
    try:
        poll_live_session(session=session, now=now)
    finally:
        session.refresh_from_db()
        if session.status in ("created", "running"):
            next_run = now + datetime.timedelta(seconds=POLL_INTERVAL_SECONDS)
            LiveSession.objects.filter(pk=session.pk).update(next_poll_at=next_run)
            if poll_live_session_task.get_backend().supports_defer:
                poll_live_session_task.using(run_after=next_run).enqueue(session_id=session_id)


@task(backend="db")
def reconcile_attendance_task(*, session_id: int) -> None:
    session = LiveSession.objects.filter(pk=session_id).first()
    if session is not None:
        reconcile_attendance(session=session)


@task(backend="db")
def sync_recordings_task(*, session_id: int) -> None:
    session = LiveSession.objects.filter(pk=session_id).first()
    if session is None:
        return
    try:
        sync_recordings(session=session)
    except bbb.BBBError as error:
        logger.warning("Could not fetch recordings of %s: %s", session.meeting_id, error)


@task(backend="db")
def follow_up_live_session_task(*, session_id: int) -> None:
    session = LiveSession.objects.select_related("round").filter(pk=session_id).first()
    if session is None or session.status != LiveSessionStatus.ENDED:
        return  # the poll chain looks after a session that has not ended
    now = timezone.now()
    tolerance = datetime.timedelta(seconds=5)
    if session.next_follow_up_at and session.next_follow_up_at > now + tolerance:
        return  # another chain owns this session's follow-up
    outcome = follow_up_live_session(session=session, now=now)
    LiveSession.objects.filter(pk=session.pk).update(next_follow_up_at=outcome.next_run)
    if outcome.next_run and follow_up_live_session_task.get_backend().supports_defer:
        follow_up_live_session_task.using(run_after=outcome.next_run).enqueue(session_id=session_id)


@task(backend="db")
def flush_join_clicks_task() -> None:
    """Write the join clicks queued in Redis (``sessions.join_clicks``); idempotent."""
    from .join_clicks import clear_flush_marker, flush_join_clicks

    clear_flush_marker()  # a click pushed from now on enqueues the next flush
    flush_join_clicks()
