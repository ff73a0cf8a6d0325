"""Nothing depends on one callback arriving: with the real database task backend and its
worker, a meeting whose end, analytics and recording-ready callbacks never reach us still
ends with attendance reconciled and its recording listed, without anyone pressing anything.
"""

import datetime

import pytest
import time_machine
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker

from sessions import services
from sessions.models import (
    AttendanceRecord,
    CallbackDelivery,
    LiveSession,
    LiveSessionStatus,
    Recording,
)
from sessions.tasks import follow_up_live_session_task

from .helpers import every_server, join_meeting, start_meeting

DB_TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "db": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "certificates", "mail"],
    },
}


def run_worker() -> None:
    """What `make run`'s worker does (`db_worker --queue-name '*'`), until nothing is due."""
    Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="db",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()


@every_server
@pytest.mark.django_db(transaction=True)
def test_a_meeting_whose_callbacks_never_arrive_still_gets_attendance_and_recordings(
    client, settings, live_round, participant, bbb_emulator
):
    settings.TASKS = DB_TASKS
    now = timezone.now()
    with time_machine.travel(now, tick=False) as traveller:

        def wait(seconds: int) -> None:
            traveller.shift(datetime.timedelta(seconds=seconds))
            bbb_emulator.advance(seconds)
            run_worker()

        session = start_meeting(client, live_round, bbb_emulator)  # enqueues the polling
        bbb_emulator.control(f"meetings/{session.meeting_id}/recording-marks")  # Record
        wait(20)  # the participant presses Join 20 s in; the first poll comes at 60 s
        join_meeting(client, live_round, participant, bbb_emulator)
        run_worker()
        for _ in range(40):  # a poll a minute
            wait(60)
        # The trainer ends the meeting in BBB itself. Neither the end callback nor the
        # analytics report nor, later, the recording-ready callback ever reaches us.
        bbb_emulator.control(f"meetings/{session.meeting_id}/end", {"reason": "moderator"})
        wait(60)  # the next poll finds the meeting over; the follow-up starts
        session.refresh_from_db()
        assert session.status == LiveSessionStatus.ENDED
        record = AttendanceRecord.objects.get(user=participant)
        # Polls saw them from 80 s to 2,420 s (39 minutes); the join click at 20 s gives
        # the minute a once-a-minute poll cannot see: 40 minutes.
        assert record.minutes_present == 40
        assert record.decided_by == "poll"
        assert record.status == "partial"  # 40 of the round's 180 minutes
        assert not Recording.objects.filter(published=True).exists()

        bbb_emulator.control(f"recordings/{session.internal_meeting_id}/ready")
        wait(10 * 60)  # the follow-up asks getRecordings again
        recording = Recording.objects.get(session=session)
        assert recording.published is True
        assert not CallbackDelivery.objects.exists()  # no callback arrived at all

        # Still waiting for the analytics report (6 hours at most), then it stops.
        session.refresh_from_db()
        assert session.next_follow_up_at is not None
        wait(7 * 3600)
        session.refresh_from_db()
        assert session.next_follow_up_at is None


@pytest.mark.django_db
def test_a_follow_up_chain_is_kept_once_per_session(live_round, bbb_emulator, settings):
    session = services.get_or_create_live_session(round_=live_round)
    later = timezone.now() + datetime.timedelta(minutes=30)
    LiveSession.objects.filter(pk=session.pk).update(
        status=LiveSessionStatus.ENDED, ended_at=timezone.now(), next_follow_up_at=later
    )
    before = bbb_emulator.state()["api_calls"].get("getRecordings", 0)
    follow_up_live_session_task.enqueue(session_id=session.pk)  # a second chain: stops
    assert bbb_emulator.state()["api_calls"].get("getRecordings", 0) == before
    LiveSession.objects.filter(pk=session.pk).update(next_follow_up_at=None)
    follow_up_live_session_task.enqueue(session_id=session.pk)
    assert bbb_emulator.state()["api_calls"].get("getRecordings", 0) == before + 1
