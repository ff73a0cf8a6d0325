"""Throughput of the registration path against the trivial view, on one server setup.

Measures, each against ``/healthz/`` in the same run with the same client concurrency:

* the anonymous QR landing page (``/programme/?src=circular-1114``, served from the cache),
* the sign-up POST (account + profile + LAO + consent; PBKDF2 password hashing),
* the enrolment POST (all four rounds, row locks, the confirmation queued for the worker).

The server is gunicorn (``--workers``, default 2) on 127.0.0.1 with the production settings
(PostgreSQL, Redis cache and sessions) from ``bench/registration_settings.py``, on a
throw-away PostgreSQL database that is dropped afterwards. Load is bounded (request counts
below) and stays on 127.0.0.1. Run from the repository root:

    .venv/bin/python bench/registration.py
    .venv/bin/python bench/registration.py --workers 4 --concurrency 8 --signups 80
"""

import argparse
import http.client
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
SETTINGS = "bench.registration_settings"
CSRF_TOKEN = secrets.token_hex(16)  # 32 characters: accepted as cookie and form token


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="esc_bench_registration")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--requests", type=int, default=2000, help="for /healthz/ and landing")
    parser.add_argument("--signups", type=int, default=60)
    parser.add_argument("--enrolments", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    return parser.parse_args()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(env, *args):
    subprocess.run([str(PYTHON), "manage.py", *args], cwd=ROOT, env=env, check=True)


def recreate_database(pg_url: str, name: str, *, drop_only=False):
    import psycopg

    with psycopg.connect(f"{pg_url}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            connection.execute(f'CREATE DATABASE "{name}"')


PREPARE = """
import json, sys
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.hashers import make_password
from importlib import import_module
from django.conf import settings
from allauth.account.models import EmailAddress
from accounts.consent import PRIVACY_NOTICE_VERSION
from accounts.models import ConsentRecord, Organisation, User
from courses.models import Programme
from django.utils import timezone

count = int(sys.argv[1])
organisation = Organisation.objects.get(dla_code="5010101")
password = make_password("bench-password-2569")
users = User.objects.bulk_create(
    User(email=f"bench{i}@example.com", password=password, prefix="นาย",
         first_name="ทดสอบ", last_name=f"ภาระ{i}", phone="0812345678",
         position="นักวิชาการ", organisation=organisation)
    for i in range(count)
)
EmailAddress.objects.bulk_create(
    EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users)
ConsentRecord.objects.bulk_create(
    ConsentRecord(user=u, purpose="training", notice_version=PRIVACY_NOTICE_VERSION,
                  given_at=timezone.now()) for u in users)
store = import_module(settings.SESSION_ENGINE).SessionStore
sessions = []
for user in users:
    session = store()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    sessions.append(session.session_key)
programme = Programme.objects.get(code="esc-2569")
rounds = list(programme.rounds.order_by("number").values_list("pk", flat=True))
print(json.dumps({"organisation": organisation.pk, "sessions": sessions, "rounds": rounds}))
"""


class Load:
    """``total`` requests from ``concurrency`` threads, each with a kept-alive connection."""

    def __init__(self, port, concurrency):
        self.port = port
        self.concurrency = concurrency

    def measure(self, total, make_request, expect_status):
        latencies, failures, lock = [], [], threading.Lock()
        counter = iter(range(total))

        def worker():
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            while True:
                with lock:
                    number = next(counter, None)
                if number is None:
                    break
                method, path, body, headers = make_request(number)
                started = time.perf_counter()
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                content = response.read()
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    if response.status != expect_status:
                        failures.append((path, response.status, _errors(content)))
            connection.close()

        threads = [threading.Thread(target=worker) for _ in range(self.concurrency)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
        if failures:
            raise SystemExit(f"{len(failures)} unexpected responses, e.g. {failures[:3]}")
        latencies.sort()
        return {
            "requests": total,
            "rps": total / wall,
            "p50_ms": statistics.median(latencies) * 1000,
            "p95_ms": latencies[int(len(latencies) * 0.95) - 1] * 1000,
        }


def _errors(content: bytes) -> str:
    """The form errors of an unexpected page, to say why a POST was refused."""
    import re

    found = re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', content.decode(errors="replace"))
    return " | ".join(re.sub(r"<[^>]+>", "", item) for item in found)[:300]


def get(path):
    return lambda _n: ("GET", path, None, {"Host": "127.0.0.1"})


def form_post(path, fields, cookies):
    body = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": CSRF_TOKEN}, doseq=True)
    cookie = "; ".join(f"{k}={v}" for k, v in {**cookies, "csrftoken": CSRF_TOKEN}.items())
    headers = {
        "Host": "127.0.0.1",
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": cookie,
    }
    return ("POST", path, body, headers)


def main():
    args = parse_args()
    port = free_port()
    database_url = f"{args.pg}/{args.database}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "DATABASE_URL": database_url,
        "REDIS_URL": args.redis,
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "127.0.0.1",
        "ESC_LOCAL_ONLY": "1",  # plain http on 127.0.0.1
        "SITE_URL": f"http://127.0.0.1:{port}",
        "PYTHONPATH": str(ROOT),
    }
    print(f"Preparing {args.database} (migrate, seed_demo, {args.enrolments} participants)...")
    recreate_database(args.pg, args.database)
    server = None
    try:
        run(env, "migrate", "--noinput", "-v0")
        run(env, "seed_demo")
        subprocess.run(
            [
                str(PYTHON),
                "-c",
                "import redis,sys; redis.Redis.from_url(sys.argv[1]).flushdb()",
                args.redis,
            ],
            check=True,
        )
        prepared = (
            subprocess.run(
                [
                    str(PYTHON),
                    "manage.py",
                    "shell",
                    "-c",
                    PREPARE.replace("sys.argv[1]", str(args.enrolments)),
                ],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        import json

        prepared = json.loads(prepared)

        server = subprocess.Popen(
            [
                str(GUNICORN),
                "config.wsgi",
                "--workers",
                str(args.workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        deadline = time.time() + 30
        while True:
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=2).request("GET", "/healthz/")
                break
            except OSError:
                if time.time() > deadline:
                    raise SystemExit("gunicorn did not start") from None
                time.sleep(0.2)

        load = Load(port, args.concurrency)
        landing = "/programme/?src=circular-1114"
        # Warm every worker: the page cache, templates, connections.
        load.measure(50, get(landing), 200)
        load.measure(50, get("/healthz/"), 200)
        check = http.client.HTTPConnection("127.0.0.1", port)
        check.request("GET", landing, headers={"Host": "127.0.0.1"})
        html = check.getresponse().read().decode()
        assert "src%3Dcircular-1114" in html, "the landing page lost its source tag"

        # Each figure is taken next to a /healthz/ block of the same size, alternating, and
        # the ratio is the median of the pairs: a busy machine slows both sides alike.
        def paired(name, total, blocks, make_request, expect_status):
            pairs = []
            for block in range(blocks):
                size = total // blocks
                base = load.measure(max(size, 200), get("/healthz/"), 200)
                start = block * size
                measured = load.measure(size, lambda n, s=start: make_request(s + n), expect_status)
                pairs.append((measured, base))
            rps = statistics.median(m["rps"] for m, _b in pairs)
            base_rps = statistics.median(b["rps"] for _m, b in pairs)
            results[name] = {
                "requests": total,
                "rps": rps,
                "baseline_rps": base_rps,
                "ratio": statistics.median(m["rps"] / b["rps"] for m, b in pairs),
                "p50_ms": statistics.median(m["p50_ms"] for m, _b in pairs),
                "p95_ms": statistics.median(m["p95_ms"] for m, _b in pairs),
            }

        results = {}
        paired("healthz (control)", args.requests, 5, lambda _n: get("/healthz/")(0), 200)
        paired("QR landing page (cached)", args.requests, 5, lambda _n: get(landing)(0), 200)

        def signup(number):
            return form_post(
                "/accounts/signup/?next=%2Fenrol%2Fesc-2569%2F",
                {
                    "province": "50",
                    "district": "5001",
                    "organisation": prepared["organisation"],
                    "prefix": "นางสาว",
                    "first_name": "สมัคร",
                    "last_name": "ทดสอบภาระ",
                    "position": "นักวิชาการ",
                    "phone": "0812345678",
                    "email": f"signup{number}-{secrets.token_hex(3)}@example.com",
                    "password1": "Ch1angMai-2569!",
                    "password2": "Ch1angMai-2569!",
                    "consent_training": "on",
                    "src": "circular-1114",
                },
                {},
            )

        paired("sign-up POST", args.signups, 3, signup, 302)

        def enrol(number):
            return form_post(
                "/enrol/esc-2569/",
                {"rounds": prepared["rounds"], "src": "circular-1114"},
                {"sessionid": prepared["sessions"][number]},
            )

        paired("enrolment POST (4 rounds)", args.enrolments, 4, enrol, 302)
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        if not args.keep:
            recreate_database(args.pg, args.database, drop_only=True)

    print(
        f"\ngunicorn {args.workers} workers, {args.concurrency} client threads, "
        f"PostgreSQL + Redis, {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.1f}; each row against /healthz/ blocks alternating with it\n"
    )
    print(
        f"{'what':<28}{'requests':>9}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'healthz':>9}{'ratio':>8}"
    )
    for name, figures in results.items():
        print(
            f"{name:<28}{figures['requests']:>9}{figures['rps']:>9.1f}{figures['p50_ms']:>9.1f}"
            f"{figures['p95_ms']:>9.1f}{figures['baseline_rps']:>9.1f}{figures['ratio']:>8.3f}"
        )
    landing_ratio = results["QR landing page (cached)"]["ratio"]
    print(f"\nLanding page at {landing_ratio:.0%} of the trivial view (target: at least 50%).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
