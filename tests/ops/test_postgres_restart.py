"""PostgreSQL restarts under a running site (issue 19): a Thai 503, then back by itself.

A throwaway cluster holds a copy of the test database; gunicorn (one worker, kept-alive
database connections as in production) and a ``db_worker`` run on it while the test stops
the cluster (a fast shutdown cuts every connection) and starts it again.
"""

import json
import subprocess
import uuid

import psycopg
import pytest
import requests
from django_tasks_db.models import DBTaskResult
from psycopg import sql

from .processes import WebServer, database_url, start_worker

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

THAI_503 = "ระบบขัดข้องชั่วคราว กรุณาลองใหม่อีกครั้ง"


def copy_test_database(cluster, name: str) -> str:
    """The migrated test database, copied into the cluster (faster than migrating)."""
    target = cluster.url(name)
    subprocess.run(  # noqa: S603
        ["createdb", "-h", "127.0.0.1", "-p", str(cluster.port), "-U", "postgres", name],  # noqa: S607
        check=True,
    )  # fmt: skip
    dump = subprocess.run(  # noqa: S603
        ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", database_url()],  # noqa: S607
        check=True, capture_output=True,
    ).stdout  # fmt: skip
    subprocess.run(  # noqa: S603
        ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--dbname", target],  # noqa: S607
        input=dump, check=True,
    )  # fmt: skip
    return target


def enqueue_mark(database: str, path) -> None:
    """Queue ``tests.ops.tasks.leave_a_mark`` straight into the cluster's task table."""
    with psycopg.connect(database.replace("postgres://", "postgresql://"), autocommit=True) as db:
        db.execute(
            sql.SQL(
                "INSERT INTO {} (id, status, enqueued_at, args_kwargs, priority, task_path,"
                " worker_ids, queue_name, backend_name, run_after, return_value,"
                " exception_class_path, traceback) VALUES (%s, 'READY', now(), %s, 0,"
                " 'tests.ops.tasks.leave_a_mark', '[]', 'default', 'db', now(), 'null',"
                " '', '')"
            ).format(sql.Identifier(DBTaskResult._meta.db_table)),
            (uuid.uuid4(), json.dumps({"args": [], "kwargs": {"path": str(path)}})),
        )


def test_during_a_postgresql_restart_people_get_the_thai_503_then_the_site_by_itself(
    postgres_cluster,
    tmp_path,
):
    database = copy_test_database(postgres_cluster, "esc")
    web = WebServer(database)
    worker = start_worker(database)
    try:
        page = f"{web.url}/accounts/login/"
        browser = requests.Session()
        assert browser.get(page, timeout=60).status_code == 200
        form = {"login": "officer@example.com", "password": "x"}
        form["csrfmiddlewaretoken"] = browser.cookies["csrftoken"]
        worker.wait_for_line("Starting worker")
        assert requests.get(f"{web.url}/readyz/", timeout=30).json()["checks"]["database"] == "ok"

        postgres_cluster.stop()
        for method, url in [("GET", page), ("POST", page), ("GET", f"{web.url}/programme/")]:
            response = browser.request(method, url, timeout=30, data=form)
            assert response.status_code == 503, (method, url, response.text[:300])
            assert THAI_503 in response.text
            assert int(response.headers["Retry-After"]) > 0
            assert "Traceback" not in response.text
        ready = requests.get(f"{web.url}/readyz/", timeout=30)
        assert ready.status_code == 503
        assert ready.json()["checks"]["database"] == "unavailable"
        assert worker.running  # waiting for the database, not dead

        postgres_cluster.start()
        assert browser.get(page, timeout=30).status_code == 200  # the very first request
        mark = tmp_path / "after-restart"
        enqueue_mark(database, mark)
        worker.read_until(mark.exists, "the task queued after the restart")
        assert worker.running

        # A restart between two requests: the kept-alive connection is dead, yet the next
        # request must not be the one that finds out.
        postgres_cluster.stop()
        postgres_cluster.start()
        assert browser.get(page, timeout=30).status_code == 200
    finally:
        web.stop()
        worker.stop()
    log = "".join(web.log)
    assert "Traceback" not in log
    # Logged when the outage began and when it was over, not once per failed request.
    assert log.count("Database unavailable, answering 503: OperationalError") == 1, log
    assert "Database unavailable, answering 503: over after" in log
