"""Join at 09:00 against Django's authenticated floor, and reconciling 2,000 participants.

Usage (PostgreSQL on 127.0.0.1 with trust auth; the database is created if missing; a
redis-server of its own is started on a free port):

    .venv/bin/python bench/join.py [--workers 4] [--threads 16] [--seconds 15] [--rounds 2]
        [--database-url postgres://postgres@127.0.0.1:5432/esc_bench_join]

What it does, all on 127.0.0.1, with production settings (``bench/join_settings.py``:
PostgreSQL, Redis cache, ``cached_db`` sessions, the ``db`` task backend):
1. migrates the bench database; makes a round in progress with enrolled participants;
   starts the BBB emulator and a meeting with the trainer in it (so it is running);
2. starts gunicorn (several workers) and the task worker (``db_worker``, which writes the
   queued join clicks) and measures, in the same run: ``/healthz/``, then alternately the
   **authenticated floor** (``/bench/floor/``, ``bench/join_urls.py``: a POST that only
   requires a logged-in user, through the same middleware and sessions, answered with a
   302) and the Join POST of logged-in participants (302 to BBB); prints Join / floor;
3. counts, in process, the SQL queries and Redis round trips of a floor request and of a
   Join; checks that every Join answered with a 302 left its click in the database;
4. ingests an analytics callback for 2,000 participants and reconciles it, timed.
Prints the figures; docs/performance.md keeps them.
"""

import argparse
import http.client
import json
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BBB_SECRET = "bench-bbb-secret-" + "0123456789abcdef" * 3


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


class RedisServer:
    """A redis-server of the bench's own (no persistence, as a cache runs): the counts of
    Redis round trips are ours alone, and nobody else's keys are touched."""

    def __init__(self):
        import shutil

        self.port = free_port()
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--port", str(self.port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no",
            ],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        for line in self.process.stdout:
            if "Ready to accept connections" in line:
                break
        else:
            raise SystemExit("redis-server did not start")

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def bench_environment(database_url: str, bbb_url: str, redis_url: str, site_url: str) -> dict:
    return {
        "DATABASE_URL": database_url,
        "BBB_URL": bbb_url,
        "BBB_SECRET": BBB_SECRET,
        "REDIS_URL": redis_url,
        "SECRET_KEY": "bench-join-" + "0123456789abcdef" * 4,
        "ALLOWED_HOSTS": "127.0.0.1",
        "ESC_LOCAL_ONLY": "1",
        "SITE_URL": site_url,
        "DJANGO_SETTINGS_MODULE": "bench.join_settings",
        "PYTHONPATH": str(ROOT),
    }


def setup_django(environment: dict) -> None:
    os.environ.update(environment)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


class RedisTrips:
    """Counts the round trips to Redis of this process (a pipeline is one)."""

    def __init__(self):
        from redis.connection import AbstractConnection

        self.count = 0
        original = AbstractConnection.send_packed_command

        def counting(connection, command, check_health=True):
            self.count += 1
            return original(connection, command, check_health)

        AbstractConnection.send_packed_command = counting


def make_round(participants: int):
    import datetime

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from accounts.models import Organisation
    from courses.models import Enrolment, EnrolmentStatus, Programme, Round

    user_model = get_user_model()
    now = timezone.now()
    tag = secrets.token_hex(3)
    programme = Programme.objects.create(title="โครงการทดสอบความเร็ว", code=f"bench-{tag}")
    round_ = Round.objects.create(
        programme=programme,
        number=1,
        title="การอบรมครั้งที่ ๑ (bench)",
        starts_at=now - datetime.timedelta(minutes=5),
        ends_at=now + datetime.timedelta(hours=3),
        capacity=participants + 10,
        registration_opens_at=now - datetime.timedelta(days=7),
        registration_closes_at=now + datetime.timedelta(hours=1),
    )
    organisation, _ = Organisation.objects.get_or_create(
        dla_code="BENCH01",
        defaults={
            "lao_type": "sao",
            "name_th": "อบต.ทดสอบความเร็ว",
            "province_code": "50",
            "district_code": "5001",
        },
    )
    users = user_model.objects.bulk_create(
        [
            user_model(
                email=f"bench-{tag}-{i}@example.com",
                prefix="นาย",
                first_name=f"ทดสอบ{i}",
                last_name="ความเร็ว",
                organisation=organisation,
                password="!",  # noqa: S106 - an unusable password
            )
            for i in range(participants)
        ]
    )
    Enrolment.objects.bulk_create(
        [Enrolment(user=u, round=round_, status=EnrolmentStatus.ENROLLED) for u in users]
    )
    trainer = user_model.objects.create(
        email=f"bench-{tag}-trainer@example.com", role="trainer", first_name="วิทยากร"
    )
    round_.trainers.add(trainer)
    return round_, users, trainer


def session_cookie(user) -> str:
    """A logged-in session as the log-in page makes it (``cached_db``: database and Redis)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def hammer(port: int, requests_for, threads: int, seconds: float) -> tuple[float, dict]:
    """Keep-alive HTTP/1.1 clients in threads; returns (requests per second, statuses)."""
    deadline = time.perf_counter() + seconds
    counts: dict[int, int] = {}
    lock = threading.Lock()

    def worker(index: int):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        local: dict[int, int] = {}
        n = 0
        while time.perf_counter() < deadline:
            method, path, headers, body = requests_for(index, n)
            n += 1
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                local[response.status] = local.get(response.status, 0) + 1
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            except (OSError, http.client.HTTPException):
                local[0] = local.get(0, 0) + 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        with lock:
            for status, count in local.items():
                counts[status] = counts.get(status, 0) + count

    started = time.perf_counter()
    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - started
    return sum(counts.values()) / elapsed, counts


def wait_for(port: int, path: str = "/healthz/", attempts: int = 200) -> None:
    for _ in range(attempts):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        threading.Event().wait(0.1)
    raise SystemExit("gunicorn did not start")


def bench_reconcile(participants: int = 2000) -> dict:
    import datetime

    from django.utils import timezone

    from sessions import services
    from sessions.evidence import parse_analytics
    from sessions.models import AttendanceRecord

    round_, users, _trainer = make_round(participants)
    session = services.get_or_create_live_session(round_=round_)
    session.meeting_id = f"bench-{secrets.token_hex(6)}"
    session.internal_meeting_id = f"{secrets.token_hex(20)}-1"
    session.save()
    # As start_meeting would have: only instances we created are believed.
    services.note_meeting_instances(seen=[(session.pk, session.internal_meeting_id, 1)])
    start = timezone.now() - datetime.timedelta(hours=3)

    def iso(minutes):
        moment = start + datetime.timedelta(minutes=minutes)
        return moment.strftime("%Y-%m-%dT%H:%M:%S.000+00:00")

    attendees = []
    for i, user in enumerate(users):
        # Everyone drops out once and comes back; some on two devices.
        joins = [iso(0 + i % 7), iso(60 + i % 5)]
        leaves = [iso(50), iso(170 - i % 40)]
        if i % 10 == 0:
            joins.append(iso(20))
            leaves.append(iso(80))
        attendees.append(
            {
                "ext_user_id": user.pk,
                "name": user.full_name_th,
                "moderator": False,
                "joins": joins,
                "leaves": leaves,
                "duration": 9000,
                "engagement": {
                    "chats": 0,
                    "talks": 0,
                    "raisehand": 0,
                    "emojis": 0,
                    "poll_votes": 0,
                    "talk_time": 0,
                },
            }
        )
    body = json.dumps(
        {
            "version": "1.0",
            "meeting_id": session.meeting_id,
            "internal_meeting_id": session.internal_meeting_id,
            "data": {
                "start": iso(0),
                "finish": iso(180),
                "duration": 10800,
                "attendees": attendees,
            },
        }
    ).encode()
    # What the callback view and the reconcile task it enqueues do, one after the other.
    t0 = time.perf_counter()
    report = parse_analytics(body)
    t1 = time.perf_counter()
    services.ingest_analytics(report=report, raw=body.decode())
    services.reconcile_attendance(session=session)
    t2 = time.perf_counter()
    present = AttendanceRecord.objects.filter(session=session, status="present").count()
    # The reconciliation alone, from scratch (every record rebuilt).
    AttendanceRecord.objects.filter(session=session).delete()
    t3 = time.perf_counter()
    written = services.reconcile_attendance(session=session)
    t4 = time.perf_counter()
    return {
        "participants": participants,
        "body_kb": len(body) // 1024,
        "parse_s": t1 - t0,
        "ingest_s": t2 - t1,
        "total_s": t2 - t0,
        "reconcile_s": t4 - t3,
        "records": written,
        "present": present,
    }


def count_requests(client, method: str, path: str, times: int) -> tuple[float, float, set]:
    """SQL queries and Redis round trips per request, averaged over ``times`` requests."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    statuses = set()
    trips_before = TRIPS.count
    with CaptureQueriesContext(connection) as queries:
        for _ in range(times):
            statuses.add(getattr(client, method)(path).status_code)
    return len(queries) / times, (TRIPS.count - trips_before) / times, statuses


def main():
    global TRIPS
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/esc_bench_join"
    )
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--rounds", type=int, default=2, help="floor/Join pairs, alternating")
    parser.add_argument("--participants", type=int, default=500)
    args = parser.parse_args()

    from bbb_emulator import start_emulator

    emulator = start_emulator(secret=BBB_SECRET, callback_mode="capture")
    redis_server = RedisServer()
    ensure_database(args.database_url)
    port = free_port()
    environment = bench_environment(
        args.database_url, emulator.url, redis_server.url, f"http://127.0.0.1:{port}"
    )
    setup_django(environment)
    TRIPS = RedisTrips()

    from django.test import Client

    from sessions import services
    from sessions.join_clicks import flush_join_clicks
    from sessions.models import AttendanceEvent, AttendanceEventKind

    round_, users, trainer = make_round(args.participants)
    session = services.get_or_create_live_session(round_=round_)
    services.start_meeting(session=session)
    emulator.app.emulator.lock.acquire()
    try:
        meeting = emulator.emulator.find_meeting(session.meeting_id)
        moderator = emulator.emulator.add_session(
            meeting, external_user_id=str(trainer.pk), full_name="วิทยากร", role="MODERATOR"
        )
        emulator.emulator.enter(meeting, moderator)
    finally:
        emulator.app.emulator.lock.release()
    join_path = f"/live/{round_.pk}/join/"

    # Each participant has opened the join page (which keeps Join's facts in Redis).
    client = Client(HTTP_HOST="127.0.0.1")
    for user in users:
        client.force_login(user)
        assert client.get(join_path).status_code == 200
    client.force_login(users[0])
    client.post(join_path)  # learns that the meeting runs (and keeps that)

    def clicks():
        return AttendanceEvent.objects.filter(session=session, kind=AttendanceEventKind.JOIN_CLICK)

    flush_join_clicks()
    clicks_before = clicks().count()

    cookies = [session_cookie(user) for user in users]
    csrf = secrets.token_hex(16)  # a 32-character CSRF secret, sent as cookie and header
    env = {**os.environ, **environment}
    gunicorn = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "config.wsgi",
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--keep-alive",
            "30",
        ],
        cwd=ROOT,
        env=env,
    )
    worker = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/python"),
            "manage.py",
            "db_worker",
            "--backend",
            "db",
            "--queue-name",
            "*",
            "--no-reload",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    floors, joins = [], []
    joined = 0
    try:
        wait_for(port)
        # Warm every worker up (imports, first connection).
        hammer(port, lambda i, n: ("GET", "/healthz/", {}, None), args.threads, 2)

        def health(i, n):
            return "GET", "/healthz/", {}, None

        def post(path):
            def request(i, n):
                cookie = cookies[(i * 7919 + n) % len(cookies)]
                return (
                    "POST",
                    path,
                    {
                        "Cookie": f"sessionid={cookie}; csrftoken={csrf}",
                        "X-CSRFToken": csrf,
                        "Content-Length": "0",
                    },
                    b"",
                )

            return request

        _rps, warm_codes = hammer(port, post(join_path), args.threads, 2)  # warm Join too
        joined += warm_codes.get(302, 0)
        hammer(port, post("/bench/floor/"), args.threads, 2)
        health_rps, health_codes = hammer(port, health, args.threads, args.seconds)
        for _ in range(args.rounds):
            floors.append(hammer(port, post("/bench/floor/"), args.threads, args.seconds))
            joins.append(hammer(port, post(join_path), args.threads, args.seconds))
            joined += joins[-1][1].get(302, 0)
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=20)
        worker.terminate()
        worker.wait(timeout=20)

    # Counted after the load, when a change of the meeting's state (a tombstone lasts
    # join_facts.TOMBSTONE_SECONDS) is long past.
    floor_sql, floor_redis, floor_codes = count_requests(client, "post", "/bench/floor/", 20)
    join_sql, join_redis, join_codes = count_requests(client, "post", join_path, 20)
    assert floor_codes == {302} and join_codes == {302}, (floor_codes, join_codes)
    joined += 20
    flushed_at_end = flush_join_clicks()  # what the worker had not written yet
    clicks_written = clicks().count() - clicks_before

    reconcile = bench_reconcile(2000)
    emulator.stop()
    redis_server.stop()

    print(
        f"gunicorn workers: {args.workers}, client threads: {args.threads}, "
        f"{args.seconds:.0f} s per phase, production settings, PostgreSQL, Redis, db_worker, "
        f"CPUs: {os.cpu_count()}"
    )
    print(f"/healthz/ (baseline):    {health_rps:8.1f} req/s  statuses {health_codes}")
    for index, ((floor_rps, floor_codes), (join_rps, join_codes)) in enumerate(
        zip(floors, joins, strict=True), start=1
    ):
        print(f"[{index}] floor (POST, login): {floor_rps:8.1f} req/s  statuses {floor_codes}")
        print(f"[{index}] Join POST (running): {join_rps:8.1f} req/s  statuses {join_codes}")
        print(f"[{index}] Join / floor: {join_rps / floor_rps:.2f}")
    floor_best = max(rps for rps, _codes in floors)
    join_best = max(rps for rps, _codes in joins)
    print(
        f"best of {args.rounds}: Join {join_best:.1f} / floor {floor_best:.1f} = "
        f"{join_best / floor_best:.2f}; floor / healthz {floor_best / health_rps:.2f}"
    )
    print(
        f"per request (in process, 20 each): floor {floor_sql:.1f} SQL, {floor_redis:.1f} Redis "
        f"round trips; Join {join_sql:.2f} SQL, {join_redis:.2f} Redis round trips"
    )
    print(
        f"join clicks written: {clicks_written} for {joined} Joins answered 302 "
        f"({flushed_at_end} still queued when the worker stopped, written by the final flush)"
    )
    print(
        "analytics callback for {participants} participants ({body_kb} KB): parse "
        "{parse_s:.2f} s + store events and reconcile {ingest_s:.2f} s = {total_s:.2f} s "
        "({present} present); reconciliation alone from scratch {reconcile_s:.2f} s "
        "({records} records)".format(**reconcile)
    )


TRIPS: RedisTrips


if __name__ == "__main__":
    main()
