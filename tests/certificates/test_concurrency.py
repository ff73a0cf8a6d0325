"""Issuing under real concurrency: threads and a worker process on PostgreSQL."""

import os
import selectors
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection, connections

from certificates.models import Certificate, IssuanceJob
from certificates.services import (
    RENDER_BATCH,
    issue_certificate,
    resume_issuance_job,
    start_bulk_issuance,
)
from tests.factories import RoundFactory, UserFactory

from .conftest import enrol
from .factories import CompletionPolicyFactory

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.django_db(transaction=True),
]

ROOT = Path(__file__).resolve().parents[2]


def run_in_threads(functions):
    """Start every function at the same moment, each on its own connection."""
    barrier = threading.Barrier(len(functions))
    results, errors = [None] * len(functions), []

    def run(index, function):
        try:
            barrier.wait()
            results[index] = function()
        except Exception as error:  # noqa: BLE001 - reported by the test below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return results


@pytest.fixture
def policy():
    round_ = RoundFactory(number=1)
    return CompletionPolicyFactory(programme=round_.programme, round=round_)  # no conditions


def test_concurrent_issuers_never_share_a_number(policy):
    users = UserFactory.create_batch(8)
    for user in users:
        enrol(user, policy.round)

    results = run_in_threads(
        [lambda u=u: issue_certificate(policy=policy, user=u, render=False) for u in users]
    )

    numbers = sorted(result.certificate.number for result in results)
    assert numbers == [f"ESC-{numbers[0][4:8]}-{n:06d}" for n in range(1, 9)]


def test_one_participant_issued_from_many_places_gets_one_certificate(policy):
    user = UserFactory()
    enrol(user, policy.round)

    results = run_in_threads(
        [lambda: issue_certificate(policy=policy, user=user, render=False) for _ in range(6)]
    )

    assert Certificate.objects.filter(user=user).count() == 1
    assert len({result.certificate.pk for result in results}) == 1
    assert sum(result.created for result in results) == 1
    # The losers took no number: the next certificate is number 2.
    other = UserFactory()
    enrol(other, policy.round)
    assert issue_certificate(policy=policy, user=other, render=False).certificate.number.endswith(
        "-000002"
    )


def worker(pdf_root: Path) -> subprocess.Popen:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.certificates.worker_settings",
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        ),
        "CERTIFICATE_PDF_ROOT": str(pdf_root),
        "PYTHONUNBUFFERED": "1",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--backend",
            "db",
            "--queue-name",
            "certificates",
            "--batch",
            "--no-startup-delay",
            "--no-reload",
            "--interval",
            "0",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_lines(process, marker: str, count: int, timeout: float = 120) -> int:
    """Read the worker's log as it is written until ``count`` lines contain ``marker``.

    Raw reads of the pipe: a buffered ``readline()`` takes in every line already written
    (a batch logs 50 at once) but returns one, and the selector then waits for more,
    which only comes with the next batch.
    """
    seen, partial = 0, b""
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as selector:
        selector.register(process.stderr, selectors.EVENT_READ)
        while seen < count:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"the worker logged only {seen} × {marker!r}"
            if not selector.select(remaining):
                continue
            chunk = os.read(process.stderr.fileno(), 65536)
            assert chunk, f"the worker exited after {seen} × {marker!r}"
            *lines, partial = (partial + chunk).split(b"\n")
            seen += sum(marker.encode() in line for line in lines)
    return seen


def test_a_worker_killed_halfway_then_run_again_issues_exactly_one_each(
    policy, settings, certificate_files
):
    settings.TASKS = {
        **django_settings.TASKS,
        "db": {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "QUEUES": ["default", "certificates", "mail"],
        },
    }
    users = UserFactory.create_batch(RENDER_BATCH + 10)  # a batch is issued in one transaction
    for user in users:
        enrol(user, policy.round)
    job = start_bulk_issuance(policy=policy, requested_by=None)  # queued for the worker

    first = worker(certificate_files)
    try:
        wait_for_lines(first, "issued ESC-", 5)
    finally:
        first.send_signal(signal.SIGKILL)  # no clean shutdown: mid-transaction, mid-PDF
        first.wait()
    issued_before = Certificate.objects.count()
    assert 5 <= issued_before < len(users)
    assert IssuanceJob.objects.get(pk=job.pk).status == "running"

    resume_issuance_job(job=job, requested_by=None)
    second = worker(certificate_files)
    _out, log = second.communicate(timeout=300)
    assert second.returncode == 0, log

    certificates = Certificate.objects.filter(round=policy.round)
    assert sorted(certificates.values_list("user_id", flat=True)) == sorted(u.pk for u in users)
    numbers = sorted(int(number[-6:]) for number in certificates.values_list("number", flat=True))
    assert numbers == list(range(1, len(users) + 1))  # no duplicates, no gaps
    assert not certificates.filter(pdf="").exists()  # every PDF stored, also the interrupted one
    job = IssuanceJob.objects.with_progress().get(pk=job.pk)
    assert (job.status, job.done_count, job.error_count) == ("finished", len(users), 0)
