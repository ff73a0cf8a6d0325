"""A worker killed with SIGKILL loses nothing (issue 19).

Each test queues work through the public services (bulk issuance, enrolment e-mails, the
end of a meeting), lets a real ``db_worker`` process do part of it, kills it without
warning, starts another worker and checks the end state: every item done once. Nobody
resumes anything by hand: the second worker finds the task the first one left running
(config.worker: its heartbeat stopped) and runs it again.
"""

import datetime

import pytest
from django.conf import settings as django_settings
from django.db import connection, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from certificates.models import Certificate, IssuanceJob
from certificates.services import start_bulk_issuance
from courses.models import Enrolment, EnrolmentNotice, EnrolmentStatus
from courses.services import enrol_participant
from sessions.models import (
    AttendanceEvent,
    AttendanceEventKind,
    AttendanceRecord,
    AttendanceSource,
)
from sessions.services import get_or_create_live_session, schedule_reconciliation
from tests.certificates.factories import CompletionPolicyFactory
from tests.factories import RoundFactory, UserFactory

from .processes import database_url, start_worker
from .smtp import SmtpServer

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

NOWHERE = "http://127.0.0.1:9/bigbluebutton/api/"  # BBB is not part of these tests


@pytest.fixture
def database_queue(settings):
    """This process queues tasks in the database for the worker instead of running them."""
    settings.TASKS = {
        **django_settings.TASKS,
        "db": {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "QUEUES": ["default", "certificates", "mail"],
        },
    }


def unfinished(queue: str) -> int:
    """Tasks of ``queue`` due now and not done (reminders due next week do not count)."""
    due = DBTaskResult.objects.ready() | DBTaskResult.objects.running()
    return due.filter(queue_name=queue).count()


def running(queue: str) -> int:
    return DBTaskResult.objects.filter(queue_name=queue, status="RUNNING").count()


def end_other_sessions() -> None:
    """Ends the dead worker's sessions on the test database and returns once they are gone:
    from then on nothing it sent can still change the database."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid, 30000) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


def run_with_a_kill(*, queue: str, halfway, env: dict) -> None:
    """A worker until ``halfway()`` holds, SIGKILL in the middle of a task, then a fresh
    worker until the queue is empty.

    The worker is frozen (SIGSTOP) before it is looked at, so it does nothing between the
    look and the kill. A statement it sent just before it froze may still be on its way
    to PostgreSQL (the one that marks its task done, on a loaded machine), so the task
    counts as left half done only once the dead worker's sessions have ended. If the kill
    came between two tasks after all, another worker is started and killed.
    """
    while True:
        first = start_worker(database_url(), queues=queue, BBB_URL=NOWHERE, **env)
        try:
            while True:
                first.read_until(lambda: halfway() and running(queue), "half the work done")
                first.freeze()
                if running(queue):
                    break
                first.thaw()
        finally:
            first.kill()
        end_other_sessions()
        if running(queue):
            break
    assert running(queue) == 1  # left behind by the dead worker

    second = start_worker(database_url(), queues=queue, BBB_URL=NOWHERE, **env)
    try:
        second.read_until(lambda: unfinished(queue) == 0, "an empty queue")
    finally:
        second.stop()


def test_bulk_issuance_killed_halfway_issues_each_certificate_once(database_queue, tmp_path):
    round_ = RoundFactory(number=1, capacity=200)
    policy = CompletionPolicyFactory(programme=round_.programme, round=round_)  # no conditions
    users = UserFactory.create_batch(60)
    Enrolment.objects.bulk_create(
        Enrolment(user=user, round=round_, status=EnrolmentStatus.ENROLLED) for user in users
    )
    job = start_bulk_issuance(policy=policy, requested_by=None)
    pdf_root = tmp_path / "certificates"
    issued = Certificate.objects.filter(round=round_)

    run_with_a_kill(
        queue="certificates",
        halfway=lambda: issued.count() >= len(users) // 4,
        env={"CERTIFICATE_PDF_ROOT": str(pdf_root)},
    )

    assert sorted(issued.values_list("user_id", flat=True)) == sorted(u.pk for u in users)
    numbers = sorted(int(number[-6:]) for number in issued.values_list("number", flat=True))
    assert numbers == list(range(1, len(users) + 1))  # no duplicate, no gap
    for name in issued.values_list("pdf", flat=True):
        assert name, "a certificate without its PDF"
        data = (pdf_root / name).read_bytes()
        assert data.startswith(b"%PDF") and b"%%EOF" in data[-1024:], name
    job = IssuanceJob.objects.with_progress().get(pk=job.pk)
    assert (job.status, job.done_count, job.error_count) == ("finished", len(users), 0)


def test_queued_emails_with_the_worker_killed_halfway_all_arrive_each_as_one_message(
    database_queue,
):
    """Killed at the worst moment: the SMTP server has the message and has answered "250",
    but the worker never read the answer, so the task runs again and sends it again."""
    round_ = RoundFactory(number=1, capacity=200)
    users = UserFactory.create_batch(40)
    for user in users:
        enrol_participant(user=user, round_=round_)  # queues the confirmation e-mail
    assert unfinished("mail") == len(users)
    smtp = SmtpServer(hold_at=len(users) // 4)
    env = {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
    }
    try:
        first = start_worker(database_url(), queues="mail", **env)
        try:
            assert smtp.held.wait(timeout=120), "the worker sent too few e-mails"
            first.freeze()
            smtp.release.set()
            assert smtp.answered.wait(timeout=30)
        finally:
            first.kill()
        end_other_sessions()
        assert running("mail") == 1  # left behind by the dead worker

        second = start_worker(database_url(), queues="mail", **env)
        try:
            second.read_until(lambda: unfinished("mail") == 0, "an empty queue")
        finally:
            second.stop()
    finally:
        smtp.stop()

    ids_by_recipient: dict[str, set[str]] = {}
    for message in smtp.messages:
        ids_by_recipient.setdefault(message["To"], set()).add(message["Message-ID"])
    assert sorted(ids_by_recipient) == sorted(user.email for user in users)  # none missing
    assert len(smtp.messages) == len(users) + 1  # the one in flight went out twice...
    # ... as the same message (same Message-ID, which mail systems show once), never as
    # a second, different one.
    assert all(len(ids) == 1 for ids in ids_by_recipient.values()), ids_by_recipient
    notices = EnrolmentNotice.objects.filter(enrolment__round=round_)
    assert notices.count() == len(users)


def test_attendance_reconciliation_killed_halfway_ends_with_one_record_each(
    database_queue, tmp_path
):
    users = UserFactory.create_batch(150)
    sessions = []
    for _number in range(8):
        starts_at = timezone.now() - datetime.timedelta(hours=4)
        round_ = RoundFactory(
            starts_at=starts_at, ends_at=starts_at + datetime.timedelta(hours=3), capacity=200
        )
        Enrolment.objects.bulk_create(
            Enrolment(user=user, round=round_, status=EnrolmentStatus.ENROLLED) for user in users
        )
        session = get_or_create_live_session(round_=round_)
        base_ms = int(starts_at.timestamp() * 1000)
        AttendanceEvent.objects.bulk_create(
            AttendanceEvent(
                session=session,
                user=user,
                external_user_id=str(user.pk),
                source=AttendanceSource.ANALYTICS,
                kind=AttendanceEventKind.PRESENCE,
                occurred_at=starts_at,
                intervals=[[base_ms, base_ms + (index % 180 + 1) * 60_000]],
            )
            for index, user in enumerate(users)
        )
        sessions.append(session)
    for session in sessions:  # each meeting ends: its reconciliation is queued
        with transaction.atomic():
            schedule_reconciliation(session=session)

    def reconciled_sessions() -> int:
        return AttendanceRecord.objects.values("session").distinct().count()

    run_with_a_kill(queue="default", halfway=lambda: reconciled_sessions() >= 3, env={})

    for session in sessions:
        minutes = dict(
            AttendanceRecord.objects.filter(session=session).values_list(
                "user_id", "minutes_present"
            )
        )
        assert minutes == {user.pk: index % 180 + 1 for index, user in enumerate(users)}
    assert AttendanceRecord.objects.count() == len(sessions) * len(users)
