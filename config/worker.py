"""The task worker (``manage.py db_worker``), made to survive what production does to it.

django-tasks-db's worker claims a task by marking it RUNNING, and nothing ever looks at
it again: a worker killed with SIGKILL (or lost with its host) leaves its task RUNNING for
ever — a bulk issuance half done, an e-mail never sent — and a worker whose database
restarts dies of the first error. This worker adds three things:

* a **heartbeat**: a ``WorkerHeartbeat`` row refreshed every ``WORKER_HEARTBEAT_SECONDS``
  by a thread (so a long task does not look like a dead worker); ``/readyz/`` reads it;
* **orphaned tasks go back to the queue**: every beat, a task RUNNING for longer than
  ``WORKER_STALE_SECONDS`` whose worker has not beaten for as long is made READY again, and
  any worker runs it from the start. Our tasks are written to run twice safely
  (CONVENTIONS: ids in, idempotent), so "at least once" is what they need;
* **reconnecting**: a database error in the loop (PostgreSQL restarted, failed over)
  closes the connections, waits (0.5 s, doubling up to 5 s) and carries on; a task
  interrupted by the lost database goes back to the queue instead of being marked failed.

E-mail a task sends gets a Message-ID made from the task's id (config.mail), so a message
sent again by the task's second run is the same message.
"""

import datetime
import logging
import os
import socket
import threading
import time

from django.conf import settings
from django.db import connection, connections
from django.db.models.functions import Now
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from .faults import DATABASE_ERRORS, ThrottledReport, database_lost
from .mail import sending_for_task
from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 5.0


class DatabaseLost(Exception):
    """The database went away while a task ran; the task is queued again, not failed."""


class Heartbeat:
    def __init__(self, *, worker_id: str, queues: str, backend_name: str):
        self.worker_id = worker_id
        self.queues = queues[:255]
        self.backend_name = backend_name
        self.interval = settings.WORKER_HEARTBEAT_SECONDS
        self.stale = datetime.timedelta(seconds=settings.WORKER_STALE_SECONDS)
        self.started_at = timezone.now()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._report = ThrottledReport(
            f"Worker {worker_id} heartbeat: database unavailable", logger
        )

    def beat(self) -> None:
        """Record that this worker is alive (the database's clock)."""
        WorkerHeartbeat.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={"last_seen": Now()},
            create_defaults={
                "hostname": socket.gethostname()[:255],
                "pid": os.getpid(),
                "queues": self.queues,
                "started_at": self.started_at,
                "last_seen": Now(),
            },
        )

    def requeue_orphans(self) -> int:
        """Queue again the tasks left RUNNING by workers that stopped beating."""
        alive = set(
            WorkerHeartbeat.objects.filter(last_seen__gte=Now() - self.stale).values_list(
                "worker_id", flat=True
            )
        )
        running = DBTaskResult.objects.filter(
            status=TaskResultStatus.RUNNING,
            backend_name=self.backend_name,
            started_at__lt=timezone.now() - self.stale,
        ).values_list("id", "worker_ids", "task_path")
        orphans = [
            (task_id, worker_ids[-1] if worker_ids else "?", path)
            for task_id, worker_ids, path in running
            if not worker_ids or worker_ids[-1] not in alive
        ]
        if not orphans:
            return 0
        requeued = DBTaskResult.objects.filter(
            id__in=[task_id for task_id, _worker, _path in orphans],
            status=TaskResultStatus.RUNNING,
        ).update(status=TaskResultStatus.READY)
        if requeued:  # (another worker may have been quicker)
            for task_id, worker, path in orphans:
                logger.warning(
                    "Task %s (%s) was left running by worker %s, which stopped: queued again",
                    task_id,
                    path,
                    worker,
                )
        return requeued

    def tick(self) -> None:
        try:
            self.beat()
            self.requeue_orphans()
        except DATABASE_ERRORS as error:
            self._report.failed(error)
            connection.close()
        else:
            self._report.succeeded()

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="heartbeat", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        try:
            while not self._stop.wait(self.interval):
                self.tick()
        finally:
            connection.close()

    def stop(self) -> None:
        """A worker that stops cleanly says so at once (no wait for it to go stale)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.interval + 5)
        try:
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
        except DATABASE_ERRORS:
            pass  # it goes stale by itself


class Worker(db_worker.Worker):
    def run(self) -> None:
        heartbeat = Heartbeat(
            worker_id=self.worker_id,
            queues=",".join(self.queue_names),
            backend_name=self.backend_name,
        )
        report = ThrottledReport(f"Worker {self.worker_id}: database unavailable", logger)
        failures = 0
        try:
            while True:
                try:
                    # Beat before claiming anything: a claimed task always has a live worker.
                    heartbeat.beat()
                    self.requeue_own_tasks()
                    heartbeat.start()
                    report.succeeded()
                    failures = 0
                    super().run()
                    return
                except (*DATABASE_ERRORS, DatabaseLost) as error:
                    if not self.running:
                        return
                    report.failed(error)
                    connections.close_all()
                    time.sleep(min(MAX_BACKOFF_SECONDS, 0.5 * 2**failures))
                    failures += 1
        finally:
            heartbeat.stop()

    def requeue_own_tasks(self) -> None:
        """Tasks this worker was running when the database went away: queue them again.
        (Also forget workers gone for a day: their rows tell nothing any more.)"""
        WorkerHeartbeat.objects.filter(last_seen__lt=Now() - datetime.timedelta(days=1)).delete()
        mine = [
            task_id
            for task_id, worker_ids in DBTaskResult.objects.filter(
                status=TaskResultStatus.RUNNING, backend_name=self.backend_name
            ).values_list("id", "worker_ids")
            if worker_ids and worker_ids[-1] == self.worker_id
        ]
        if mine:
            DBTaskResult.objects.filter(id__in=mine, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.READY
            )
            logger.warning(
                "Worker %s: %d interrupted task(s) queued again", self.worker_id, len(mine)
            )

    def run_task(self, db_task_result: DBTaskResult) -> None:
        mark_failed = db_task_result.set_failed

        def set_failed_unless_database_lost(error: BaseException) -> None:
            if database_lost(error):
                raise DatabaseLost from error
            mark_failed(error)

        db_task_result.set_failed = set_failed_unless_database_lost
        with sending_for_task(str(db_task_result.id)):
            super().run_task(db_task_result)
