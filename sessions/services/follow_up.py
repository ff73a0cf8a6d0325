"""After the end: nothing may depend on one callback arriving.

BigBlueButton sends the analytics report and the recording-ready callback once and never
again; a wrong secret, a network fault or Scalelite dropping a token loses them for good.
``follow_up_live_session`` runs from a self-rescheduling task (``tasks.py``) once a session
has ended: it fetches the recordings (getRecordings by meeting, any state) and reconciles
attendance from whatever evidence exists (polls, join clicks, webhooks, the report when it
came), until the recordings are published and the report is in, or the limits pass.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.utils import timezone

from .. import bbb
from ..models import CallbackDelivery, CallbackKind, CallbackOutcome, LiveSession
from .attendance import reconcile_attendance
from .recordings import sync_recordings

logger = logging.getLogger(__name__)

# BBB processes a recording in minutes to hours: getRecordings is asked this long at most.
RECORDINGS_SYNC_LIMIT = datetime.timedelta(hours=48)
# The analytics report comes minutes after the end; after this, polls and joins decide.
ANALYTICS_WAIT = datetime.timedelta(hours=6)
# The pause between two follow-ups grows with the time since the end (a quarter of it).
FIRST_INTERVAL = datetime.timedelta(minutes=2)
LONGEST_INTERVAL = datetime.timedelta(hours=1)


@dataclass(frozen=True)
class FollowUp:
    recordings_published: bool
    analytics_received: bool
    next_run: datetime.datetime | None  # None: nothing left to wait for


def analytics_received(session: LiveSession) -> bool:
    return CallbackDelivery.objects.filter(
        session=session, kind=CallbackKind.ANALYTICS, outcome=CallbackOutcome.PROCESSED
    ).exists()


def follow_up_live_session(
    *, session: LiveSession, now: datetime.datetime | None = None
) -> FollowUp:
    """One follow-up of an ended session: recordings, then attendance; when to come back."""
    now = now or timezone.now()
    ended_at = session.ended_at or now
    published = not session.record
    if session.record:
        try:
            recordings = sync_recordings(session=session)
            published = bool(recordings) and all(r.published for r in recordings)
        except bbb.BBBError as error:
            logger.warning("Follow-up of %s: recordings: %s", session.meeting_id, error)
    reconcile_attendance(session=session, now=now)
    received = analytics_received(session)
    elapsed = now - ended_at
    waiting = (not published and elapsed < RECORDINGS_SYNC_LIMIT) or (
        not received and elapsed < ANALYTICS_WAIT
    )
    next_run = None
    if waiting:
        pause = min(max(elapsed / 4, FIRST_INTERVAL), LONGEST_INTERVAL)
        next_run = now + pause
    return FollowUp(recordings_published=published, analytics_received=received, next_run=next_run)
