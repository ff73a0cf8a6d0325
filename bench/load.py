"""The 09:00 rush against the production profile: registrations and Join within one minute.

What runs, all on 127.0.0.1 (bounded; nothing leaves the machine):

* the production profile as `make prod` runs it: gunicorn (``--workers``, default 4) with
  ``config.settings.production`` (DEBUG off, PostgreSQL, Redis for cache and sessions,
  WhiteNoise with collected static files, Argon2 passwords, allauth's rate limits on),
  the task worker (``db_worker``) and the BigBlueButton emulator standing in for BBB;
* a throw-away PostgreSQL database (``esc_bench_load``, dropped afterwards) with the demo
  data, a round in progress with ``--joins`` enrolled participants already logged in, and
  the trainer already in the meeting (started through our own Join, as on the day);
* within ``--seconds`` (default 60), on an open-loop schedule spread evenly over the minute:
  ``--signups`` participants registering (GET the sign-up form, POST it: account, profile,
  LAO, PDPA consent, verification e-mail queued), ``--joins`` participants pressing Join
  (POST, 302 to BigBlueButton), and one ``/healthz/`` probe every 100 ms, the trivial view
  measured under the same load in the same run.

Each participant comes from its own address (``X-Forwarded-For`` behind one trusted proxy,
``TRUSTED_PROXY_COUNT=1``, as production sits behind a load balancer), so the per-address
rate limits apply as they would. Latency is counted from the moment a request was due, so
a server that falls behind shows it. Before the rush the script also measures the closed-
loop capacity of ``/healthz/`` and of Join (``--capacity-seconds``) for the ratio.

    .venv/bin/python bench/load.py
    .venv/bin/python bench/load.py --workers 4 --joins 2000 --signups 500 --seconds 60
"""

import argparse
import http.client
import json
import os
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

from registration import _errors, free_port, recreate_database  # bench/registration.py

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
CSRF_TOKEN = secrets.token_hex(16)  # 32 characters: accepted as cookie and form token
BBB_SECRET = "load-bbb-secret-" + secrets.token_hex(24)

PREPARE = """
import datetime, json
from importlib import import_module
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.utils import timezone
from accounts.models import Organisation, User
from courses.models import Enrolment, EnrolmentStatus, Programme

count = int(COUNT)
now = timezone.now()
programme = Programme.objects.get(code="esc-2569")
# Round 1 of the demo programme, moved to now: the 09:00 of the day.
round_ = programme.rounds.get(number=1)
round_.starts_at = now - datetime.timedelta(minutes=1)
round_.ends_at = now + datetime.timedelta(hours=3)
round_.capacity = count + 10
round_.save()
round_.enrolments.all().delete()
organisation = Organisation.objects.get(dla_code="5010101")
users = User.objects.bulk_create(
    User(email=f"load{i}@example.com", password="!", prefix="นาย", first_name=f"ทดสอบ{i}",
         last_name="ภาระ", organisation=organisation)
    for i in range(count)
)
Enrolment.objects.bulk_create(
    Enrolment(user=u, round=round_, status=EnrolmentStatus.ENROLLED) for u in users)
trainer = User.objects.get(email="trainer@example.com")
round_.trainers.add(trainer)
store = import_module(settings.SESSION_ENGINE).SessionStore

def session_for(user):
    session = store()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key

print(json.dumps({
    "round": round_.pk, "organisation": organisation.pk,
    "trainer": session_for(trainer), "sessions": [session_for(u) for u in users],
}))
"""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="esc_bench_load")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/12")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=96, help="client threads")
    parser.add_argument("--joins", type=int, default=2000)
    parser.add_argument("--signups", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--capacity-seconds", type=float, default=8)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    return parser.parse_args()


def manage(env, *args, capture=False):
    return subprocess.run(
        [str(PYTHON), "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=capture,
        text=True,
    )


def wait_for(port: int, path: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", path, headers={"Host": "127.0.0.1"})
            if connection.getresponse().status < 500:
                return
        except OSError:
            pass
        threading.Event().wait(0.2)
    raise SystemExit(f"nothing answered on port {port}")


def address(number: int) -> str:
    """A distinct client address per simulated participant (10.x.y.z)."""
    return f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}"


def headers_for(number: int, cookies: dict | None = None, form: bool = False) -> dict:
    headers = {"Host": "127.0.0.1", "X-Forwarded-For": address(number)}
    if cookies is not None:
        headers["Cookie"] = "; ".join(
            f"{k}={v}" for k, v in {**cookies, "csrftoken": CSRF_TOKEN}.items()
        )
    if form:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    return headers


class Outcome:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = {}
        self.errors: dict[str, list[str]] = {}
        self.first_due = None
        self.last_done = 0.0

    def add(self, kind, latency, error, done):
        with self.lock:
            self.latencies.setdefault(kind, []).append(latency)
            if error:
                self.errors.setdefault(kind, []).append(error)
            self.last_done = max(self.last_done, done)


def send(connection, method, path, headers, body=None):
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    return response.status, response.getheader("Location", ""), response.read()


def run_schedule(port, schedule, threads, outcome):
    """Each (due, kind, steps) is sent when due by the next free thread; a step is
    (method, path, headers, body, expected status)."""
    queue = iter(sorted(schedule, key=lambda item: item[0]))
    lock = threading.Lock()
    start = time.perf_counter()

    def worker():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while True:
            with lock:
                item = next(queue, None)
            if item is None:
                break
            due, kind, steps = item
            wait = start + due - time.perf_counter()
            if wait > 0:
                threading.Event().wait(wait)  # the client's schedule, not a test
            error = ""
            for method, path, headers, body, expected in steps:
                try:
                    status, location, content = send(connection, method, path, headers, body)
                except (OSError, http.client.HTTPException) as failure:
                    error = f"{path}: {type(failure).__name__}"
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                    break
                if status != expected:
                    why = _errors(content) or repr(content[:120])
                    error = f"{method} {path}: {status} {location} {why}"
                    break
            done = time.perf_counter()
            outcome.add(kind, done - (start + due), error, done - start)
        connection.close()

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return time.perf_counter() - start


def capacity(port, make_steps, threads, seconds):
    """Closed loop: requests per second that ``threads`` keep-alive clients get through."""
    deadline = time.perf_counter() + seconds
    counts, lock, sample = [0, 0], threading.Lock(), []

    def worker(index):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        done = failed = n = 0
        while time.perf_counter() < deadline:
            method, path, headers, body, expected = make_steps(index, n)
            n += 1
            status, location, content = send(connection, method, path, headers, body)
            done += 1
            if status != expected:
                failed += 1
                sample.append(f"{method} {path}: {status} {location} {content[:200]!r}")
        with lock:
            counts[0] += done
            counts[1] += failed

    started = time.perf_counter()
    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    if counts[1]:
        raise SystemExit(
            f"{counts[1]} unexpected responses while measuring capacity, e.g. {sample[:2]}"
        )
    return counts[0] / (time.perf_counter() - started)


def percentile(values, share):
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * share + 0.5) - 1)]


def main():
    args = parse_args()
    port, emulator_port = free_port(), free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DATABASE_URL": f"{args.pg}/{args.database}",
        "REDIS_URL": args.redis,
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "127.0.0.1",
        "ESC_LOCAL_ONLY": "1",  # plain http on 127.0.0.1
        "SITE_URL": f"http://127.0.0.1:{port}",
        "BBB_URL": f"http://127.0.0.1:{emulator_port}/bigbluebutton/api/",
        "BBB_SECRET": BBB_SECRET,
        "TRUSTED_PROXY_COUNT": "1",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "PYTHONPATH": str(ROOT),
    }
    print(f"Preparing {args.database}: migrate, collectstatic, seed_demo, {args.joins} logged-in")
    recreate_database(args.pg, args.database)
    subprocess.run(
        [
            str(PYTHON),
            "-c",
            "import redis,sys; redis.Redis.from_url(sys.argv[1]).flushdb()",
            args.redis,
        ],
        check=True,
    )
    processes = []
    try:
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        manage(env, "seed_demo", capture=True)
        prepare = PREPARE.replace("COUNT", str(args.joins))
        output = manage(env, "shell", "-c", prepare, capture=True).stdout
        prepared = json.loads(output.strip().splitlines()[-1])

        def start(command):
            process = subprocess.Popen(
                command, cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL
            )
            processes.append(process)

        start(
            [
                str(PYTHON),
                "manage.py",
                "run_bbb_emulator",
                "--port",
                str(emulator_port),
                "--secret",
                BBB_SECRET,
            ]
        )
        start(
            [
                str(GUNICORN),
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(args.workers),
                "--log-level",
                "warning",
                "--keep-alive",
                "30",
            ]
        )
        start(
            [
                str(PYTHON),
                "manage.py",
                "db_worker",
                "--backend",
                "db",
                "--queue-name",
                "*",
                "--no-reload",
            ]
        )
        wait_for(emulator_port, "/bigbluebutton/api/")
        wait_for(port, "/healthz/")

        round_id = prepared["round"]
        join_path = f"/live/{round_id}/join/"

        # The trainer starts the meeting through our Join and enters the (emulated) room.
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        status, location, _ = send(
            connection,
            "POST",
            join_path,
            {**headers_for(0, {"sessionid": prepared["trainer"]}), "X-CSRFToken": CSRF_TOKEN},
        )
        assert status == 302 and f":{emulator_port}/" in location, (status, location)
        emulator = http.client.HTTPConnection("127.0.0.1", emulator_port, timeout=30)
        while location:  # the join URL, then the room page, which enters the meeting
            room = urllib.parse.urlsplit(location)
            status, location, content = send(emulator, "GET", f"{room.path}?{room.query}", {})
        assert "คุณอยู่ในห้องประชุมแล้ว" in content.decode(), content[:300]

        def join_step(number):
            cookies = {"sessionid": prepared["sessions"][number % len(prepared["sessions"])]}
            headers = {**headers_for(number, cookies), "X-CSRFToken": CSRF_TOKEN}
            return ("POST", join_path, {**headers, "Content-Length": "0"}, b"", 302)

        def healthz_step(_number):
            return ("GET", "/healthz/", {"Host": "127.0.0.1"}, None, 200)

        # Warm every worker, then the closed-loop capacities for the ratio.
        capacity(port, lambda i, n: healthz_step(n), 8, 2)
        capacity(port, lambda i, n: join_step(i * 10007 + n), 8, 2)
        healthz_rps = capacity(port, lambda i, n: healthz_step(n), 16, args.capacity_seconds)
        join_rps = capacity(port, lambda i, n: join_step(i * 10007 + n), 16, args.capacity_seconds)

        signup_path = "/accounts/signup/?src=circular-1114"

        def signup_steps(number):
            ip_number = 100_000 + number
            fields = {
                "province": "50",
                "district": "5001",
                "organisation": prepared["organisation"],
                "prefix": "นางสาว",
                "first_name": "สมัคร",
                "last_name": "ทดสอบ" + "".join("กขคงจฉชซฌญ"[int(d)] for d in str(number)),
                "position": "นักวิชาการสิ่งแวดล้อม",
                "phone": "0812345678",
                "email": f"signup{number}@example.com",
                "password1": "Ch1angMai-2569!",
                "password2": "Ch1angMai-2569!",
                "consent_training": "on",
                "src": "circular-1114",
                "csrfmiddlewaretoken": CSRF_TOKEN,
            }
            body = urllib.parse.urlencode(fields)
            return [
                ("GET", signup_path, headers_for(ip_number), None, 200),
                ("POST", signup_path, headers_for(ip_number, {}, form=True), body, 302),
            ]

        schedule = []
        for number in range(args.joins):
            schedule.append((args.seconds * number / args.joins, "join", [join_step(number)]))
        for number in range(args.signups):
            due = args.seconds * (number + 0.5) / args.signups
            schedule.append((due, "sign-up", signup_steps(number)))
        probes = int(args.seconds * 10)
        for number in range(probes):
            schedule.append((number / 10, "healthz", [healthz_step(number)]))

        print(
            f"Rush: {args.signups} sign-ups, {args.joins} joins, {probes} /healthz/ probes "
            f"over {args.seconds:.0f} s, {args.threads} client threads..."
        )
        outcome = Outcome()
        wall = run_schedule(port, schedule, args.threads, outcome)
        check = (
            manage(
                env,
                "shell",
                "-c",
                "from accounts.models import User; from sessions.models import AttendanceEvent; "
                # Clicks the worker has not written yet (sessions.join_clicks) count too.
                "from sessions.join_clicks import flush_join_clicks; flush_join_clicks(); "
                "print(User.objects.filter(email__startswith='signup').count(), "
                f"AttendanceEvent.objects.filter(session__round_id={round_id}, "
                "kind='join_click').count())",
                capture=True,
            )
            .stdout.strip()
            .splitlines()[-1]
            .split()
        )
    finally:
        for process in reversed(processes):
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
        if not args.keep:
            recreate_database(args.pg, args.database, drop_only=True)

    print(
        f"\nProduction profile: gunicorn {args.workers} workers, PostgreSQL, Redis, db_worker, "
        f"BBB emulator; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}\n"
    )
    print(f"{'what':<10}{'requests':>9}{'errors':>8}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}")
    for kind in ("sign-up", "join", "healthz"):
        latencies = outcome.latencies.get(kind, [])
        errors = outcome.errors.get(kind, [])
        print(
            f"{kind:<10}{len(latencies):>9}{len(errors):>8}{len(latencies) / wall:>8.1f}"
            f"{statistics.median(latencies) * 1000:>9.1f}"
            f"{percentile(latencies, 0.95) * 1000:>9.1f}"
        )
    total = sum(len(v) for v in outcome.latencies.values())
    errors = sum(len(v) for v in outcome.errors.values())
    join_p95 = percentile(outcome.latencies["join"], 0.95)
    healthz_p95 = percentile(outcome.latencies["healthz"], 0.95)
    print(
        f"\nAll {total} scheduled requests done in {wall:.1f} s ({total / wall:.1f} req/s), "
        f"{errors} errors; a sign-up counts as one request here (GET form + POST)."
    )
    print(f"Stored: {check[0]} new accounts, {check[1]} join clicks recorded.")
    print(
        f"Join p95 {join_p95 * 1000:.0f} ms against /healthz/ p95 {healthz_p95 * 1000:.0f} ms "
        f"under the same load (ratio {healthz_p95 / join_p95:.2f})."
    )
    print(
        f"Capacity, closed loop, 16 clients: Join {join_rps:.1f} req/s, /healthz/ "
        f"{healthz_rps:.1f} req/s (ratio {join_rps / healthz_rps:.2f})."
    )
    for kind, failures in outcome.errors.items():
        print(f"{kind} errors, e.g.: {failures[:3]}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
