"""The 09:00 rush through the load balancer of ops/multihost.sh, with one host killed.

Run by ops/multihost.sh, not by hand. Two steps, each a Django program with the cluster's
production settings (the environment comes from the script):

* ``prepare`` (on an application host, after migrate and seed_demo): bench/load.py's
  preparation — round 1 in progress now, ``--joins`` participants enrolled and logged in,
  the trainer — plus ``--certificates`` participants of round 2 waiting for a certificate
  (a round policy without conditions), and the load balancer's 503 page;
* ``rush`` (on the client host): starts the bulk issuance, waits for a worker to take it,
  runs the rush (bench/load.py's shape: sign-ups, Joins and ``/healthz/`` probes spread over
  ``--seconds``, each participant from its own address), kills the application host whose
  worker runs the issuance at half time (every process in its network namespace, SIGKILL),
  measures how long the load balancer takes to drop it, then waits for the issuance to
  finish on the surviving worker and reports failed requests, lost writes and duplicates.
  Exit status 1 when a write answered 2xx/3xx is missing, a certificate is duplicated or
  missing, or a request failed that was not in flight on the killed host.
"""

import argparse
import contextlib
import http.client
import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# Last: bench/ holds scripts named like our apps (certificates.py, assessments.py).
sys.path.append(str(ROOT / "bench"))

import load  # noqa: E402 - bench/load.py: the rush's preparation and its participants


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("step", choices=["prepare", "rush"])
    parser.add_argument("--state", required=True, help="JSON file between the two steps")
    parser.add_argument("--balancer", default="198.18.19.10")
    parser.add_argument("--haproxy-socket")
    parser.add_argument("--haproxy-log")
    parser.add_argument("--namespace-prefix", help="application hosts are <prefix>-app1, -app2")
    parser.add_argument("--joins", type=int, default=600)
    parser.add_argument("--signups", type=int, default=150)
    parser.add_argument("--certificates", type=int, default=150)
    parser.add_argument("--seconds", type=float, default=40)
    parser.add_argument("--threads", type=int, default=48)
    parser.add_argument("--errorfile", help="prepare: where to write haproxy's 503 page")
    return parser.parse_args()


def setup_django():
    import django

    os.chdir(ROOT)
    django.setup()


# --- prepare ----------------------------------------------------------------------------------


BULK = """
from accounts.models import Organisation, User
from certificates.models import CompletionPolicy
from courses.models import Enrolment, EnrolmentStatus, Programme

programme = Programme.objects.get(code="esc-2569")
round_2 = programme.rounds.get(number=2)
round_2.capacity = max(round_2.capacity, CERTIFICATES + 10)
round_2.save()
organisation = Organisation.objects.get(dla_code="5010101")
users = User.objects.bulk_create(
    User(email=f"certificate{i}@example.com", password="!", prefix="นาง",
         first_name=f"วุฒิบัตร{i}", last_name="ทดสอบ", organisation=organisation)
    for i in range(CERTIFICATES)
)
Enrolment.objects.bulk_create(
    Enrolment(user=u, round=round_2, status=EnrolmentStatus.ENROLLED) for u in users)
template = CompletionPolicy.objects.filter(programme=programme).exclude(template=None).first()
policy = CompletionPolicy.objects.create(
    title="วุฒิบัตรทดสอบหลายเครื่อง", programme=programme, round=round_2,
    template=template.template, number_prefix="MH")
print(policy.pk)
"""


def prepare(args):
    setup_django()
    from django.template.loader import render_to_string

    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        exec(load.PREPARE.replace("COUNT", str(args.joins)), {})  # noqa: S102 - bench's own code
    prepared = json.loads(output.getvalue().strip().splitlines()[-1])
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        exec(BULK.replace("CERTIFICATES", str(args.certificates)), {})  # noqa: S102
    prepared["policy"] = int(output.getvalue().strip().splitlines()[-1])
    Path(args.state).write_text(json.dumps(prepared))
    if args.errorfile:
        # When no application host is ready, haproxy answers with our own Thai page.
        body = render_to_string("503.html", {"retry_after": 30}).encode()
        head = (
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/html; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\nRetry-After: 30\r\nCache-Control: no-store\r\n"
            "Connection: close\r\n\r\n"
        )
        Path(args.errorfile).write_bytes(head.encode() + body)
    print(f"Prepared {args.joins} logged-in participants, {args.certificates} certificates")


# --- the balancer ----------------------------------------------------------------------------


def haproxy(socket_path: str, command: str) -> str:
    with socket.socket(socket.AF_UNIX) as connection:
        connection.connect(socket_path)
        connection.sendall(command.encode() + b"\n")
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks).decode()


def backend_stats(socket_path: str) -> dict[str, dict]:
    """haproxy's counters for the application backend, its servers and the frontend."""
    lines = haproxy(socket_path, "show stat").splitlines()
    header = lines[0].lstrip("# ").split(",")
    rows = {}
    for line in lines[1:]:
        row = dict(zip(header, line.split(","), strict=False))
        if row.get("pxname") in ("app", "web"):
            rows[row["svname"]] = row
    return rows


def server_states(socket_path: str) -> dict[str, str]:
    """{server name: UP / DOWN / "UP 1/2" ...} of the application backend."""
    return {
        name: row["status"]
        for name, row in backend_stats(socket_path).items()
        if name not in ("FRONTEND", "BACKEND")
    }


# --- the rush ---------------------------------------------------------------------------------


class Results:
    def __init__(self):
        self.lock = threading.Lock()
        self.rows: list[dict] = []

    def add(self, **row):
        with self.lock:
            self.rows.append(row)


def request(connection, method, path, headers, body=None):
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    return response.status, response.read()


def run_rush(host: str, schedule: list, threads: int, results: Results, started: float):
    """Each (due, kind, key, steps) is sent when due by the next free thread; a step is
    (method, path, headers, body, expected status). One row per item in ``results``."""
    queue = iter(sorted(schedule, key=lambda item: item[0]))
    lock = threading.Lock()

    def worker():
        connection = http.client.HTTPConnection(host, 80, timeout=60)
        while True:
            with lock:
                item = next(queue, None)
            if item is None:
                break
            due, kind, key, steps = item
            wait = started + due - time.monotonic()
            if wait > 0:
                threading.Event().wait(wait)  # the client's schedule
            sent = time.time()
            error, status = "", None
            for method, path, headers, body, expected in steps:
                try:
                    status, content = request(connection, method, path, headers, body)
                except (OSError, http.client.HTTPException) as failure:
                    error = f"{method} {path}: {type(failure).__name__}"
                    connection.close()
                    connection = http.client.HTTPConnection(host, 80, timeout=60)
                    break
                if status != expected:
                    error = f"{method} {path}: {status} {load._errors(content)}"
                    break
            results.add(kind=kind, key=key, sent=sent, done=time.time(), status=status, error=error)
        connection.close()

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()


def kill_host(namespace: str) -> list[int]:
    """Every process of the host: gunicorn's master and workers, the task worker."""
    pids = [int(pid) for pid in subprocess.run(
        ["ip", "netns", "pids", namespace], capture_output=True, text=True, check=True
    ).stdout.split()]  # fmt: skip
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return pids


def haproxy_log_failures(path: str, victim: str, down_at: float) -> tuple[list, list]:
    """Failed requests in haproxy's log (format set by ops/multihost.sh): those the killed
    server had before haproxy took it out, and any other."""
    on_victim, other = [], []
    pattern = re.compile(r"^esc (\d+)\.(\d+) (\S+)/(\S+) (-?\d+) (\S+) (\S+) (\S+)")
    for line in Path(path).read_text(errors="replace").splitlines():
        found = pattern.match(line)
        if not found:
            continue
        accepted = int(found.group(1)) + int(found.group(2)) / 1000
        server, status, flags = found.group(4), int(found.group(5)), found.group(6)
        if 0 < status < 500 and flags.startswith("-"):
            continue
        row = {"server": server, "status": status, "flags": flags, "path": found.group(8)}
        (on_victim if server == victim and accepted <= down_at else other).append(row)
    return on_victim, other


def rush(args):
    setup_django()
    from django.conf import settings
    from django_tasks_db.models import DBTaskResult

    from accounts.models import User
    from certificates.models import Certificate, CompletionPolicy, IssuanceJob
    from certificates.services import start_bulk_issuance
    from sessions.models import AttendanceEvent

    prepared = json.loads(Path(args.state).read_text())
    host = args.balancer
    load_headers = load.headers_for

    def headers_for(number, cookies=None, form=False):
        return {**load_headers(number, cookies, form), "Host": host}

    # Both application hosts in the pool before anything starts.
    deadline = time.monotonic() + 120
    while set(server_states(args.haproxy_socket).values()) != {"UP"}:
        assert time.monotonic() < deadline, server_states(args.haproxy_socket)
        threading.Event().wait(0.2)

    round_id = prepared["round"]
    join_path = f"/live/{round_id}/join/"
    connection = http.client.HTTPConnection(host, 80, timeout=30)
    connection.request(
        "POST",
        join_path,
        headers={
            **headers_for(0, {"sessionid": prepared["trainer"]}),
            "X-CSRFToken": load.CSRF_TOKEN,
        },
    )
    response = connection.getresponse()
    response.read()
    location = response.getheader("Location", "")
    assert response.status == 302 and ":8090/" in location, (response.status, location)
    while location:  # the join URL, then the room page, which enters the meeting
        room = urllib.parse.urlsplit(location)
        emulator = http.client.HTTPConnection(room.hostname, room.port, timeout=30)
        emulator.request("GET", f"{room.path}?{room.query}")
        answer = emulator.getresponse()
        location = answer.getheader("Location", "")
        content = answer.read()
    assert "คุณอยู่ในห้องประชุมแล้ว" in content.decode(), content[:300]

    # The bulk issuance starts before the rush; the host whose worker takes it is killed.
    policy = CompletionPolicy.objects.get(pk=prepared["policy"])
    job = start_bulk_issuance(policy=policy, requested_by=None)
    tasks = DBTaskResult.objects.filter(task_path__endswith="run_issuance_job_task")
    deadline = time.monotonic() + 120
    while not (claimed := tasks.filter(status="RUNNING").first()):
        assert time.monotonic() < deadline, "no worker took the bulk issuance"
        threading.Event().wait(0.1)
    victim = claimed.worker_ids[-1].split("-")[0]  # worker ids are "<host>-<run>"
    survivor = "app2" if victim == "app1" else "app1"

    def join_step(number):
        cookies = {"sessionid": prepared["sessions"][number % len(prepared["sessions"])]}
        headers = {**headers_for(number, cookies), "X-CSRFToken": load.CSRF_TOKEN}
        return ("POST", join_path, {**headers, "Content-Length": "0"}, b"", 302)

    signup_path = "/accounts/signup/?src=circular-1114"

    def signup_steps(number):
        ip_number = 100_000 + number
        fields = {
            "province": "50", "district": "5001", "organisation": prepared["organisation"],
            "prefix": "นางสาว", "first_name": "หลายเครื่อง",
            "last_name": "ทดสอบ" + "".join("กขคงจฉชซฌญ"[int(d)] for d in str(number)),
            "position": "นักวิชาการสิ่งแวดล้อม", "phone": "0812345678",
            "email": f"multihost{number}@example.com",
            "password1": "Ch1angMai-2569!", "password2": "Ch1angMai-2569!",
            "consent_training": "on", "src": "circular-1114",
            "csrfmiddlewaretoken": load.CSRF_TOKEN,
        }  # fmt: skip
        body = urllib.parse.urlencode(fields)
        return [
            ("GET", signup_path, headers_for(ip_number), None, 200),
            ("POST", signup_path, headers_for(ip_number, {}, form=True), body, 302),
        ]

    schedule = []
    for number in range(args.joins):
        due = args.seconds * number / args.joins
        schedule.append((due, "join", number, [join_step(number)]))
    for number in range(args.signups):
        due = args.seconds * (number + 0.5) / args.signups
        schedule.append((due, "sign-up", number, signup_steps(number)))
    for number in range(int(args.seconds * 10)):
        step = ("GET", "/healthz/", {"Host": host}, None, 200)
        schedule.append((number / 10, "healthz", number, [step]))

    print(
        f"Rush through haproxy: {args.signups} sign-ups, {args.joins} Joins, "
        f"{int(args.seconds * 10)} /healthz/ probes over {args.seconds:.0f} s; bulk issuance "
        f"of {args.certificates} certificates running on {victim}, which dies at half time.",
        flush=True,
    )
    results = Results()
    started = time.monotonic()
    runner = threading.Thread(
        target=run_rush, args=(host, schedule, args.threads, results, started)
    )
    runner.start()
    threading.Event().wait(max(0.0, started + args.seconds / 2 - time.monotonic()))
    killed_at = time.time()
    killed_pids = kill_host(f"{args.namespace_prefix}-{victim}")
    killed_monotonic = time.monotonic()
    while not server_states(args.haproxy_socket)[victim].startswith("DOWN"):
        threading.Event().wait(0.05)
    failover = time.monotonic() - killed_monotonic
    down_at = time.time()
    runner.join()
    rush_seconds = time.monotonic() - started
    issued_at_kill = Certificate.objects.filter(policy=policy).count()

    # The surviving worker finishes the bulk issuance.
    deadline = time.monotonic() + 600
    while IssuanceJob.objects.get(pk=job.pk).status != "finished":
        assert time.monotonic() < deadline, "the bulk issuance did not finish"
        threading.Event().wait(0.5)
    bulk_seconds = time.monotonic() - killed_monotonic
    finished_by = [w.split("-")[0] for w in tasks.get(pk=claimed.pk).worker_ids]

    # --- the figures ----------------------------------------------------------------------
    rows = results.rows
    failed = [row for row in rows if row["error"]]
    answered = {
        kind: {row["key"] for row in rows if row["kind"] == kind and not row["error"]}
        for kind in ("sign-up", "join")
    }
    stored_signups = {
        int(email.removeprefix("multihost").split("@")[0])
        for email in User.objects.filter(email__startswith="multihost").values_list(
            "email", flat=True
        )
    }
    # Join number n is participant load<n> (bench/load.py's preparation), one Join each.
    join_user_ids = {
        int(email.removeprefix("load").split("@")[0]): pk
        for email, pk in User.objects.filter(email__startswith="load").values_list("email", "pk")
    }
    clicked = set(
        AttendanceEvent.objects.filter(session__round_id=round_id, kind="join_click")
        .exclude(user__email="trainer@example.com")
        .values_list("user_id", flat=True)
    )
    stored_joins = {n for n, user_id in join_user_ids.items() if user_id in clicked}
    lost_signups = answered["sign-up"] - stored_signups
    lost_joins = answered["join"] - stored_joins
    certificates = Certificate.objects.filter(policy=policy)
    numbers = list(certificates.values_list("number", flat=True))
    pdf_root = Path(settings.CERTIFICATE_PDF_ROOT)
    missing_pdfs = [
        name for name in certificates.values_list("pdf", flat=True)
        if not name or not (pdf_root / name).is_file()
    ]  # fmt: skip
    per_user = certificates.values_list("user_id", flat=True)
    # A request can only have met the dead host if it was sent before haproxy took the host
    # out (and at most a server time-out before the kill); any other failure is a fault.
    in_flight = [row for row in failed if killed_at - 60 <= row["sent"] <= down_at]
    unexplained = [row for row in failed if row not in in_flight]
    log_on_victim, log_other = haproxy_log_failures(args.haproxy_log, victim, down_at)

    total = len(rows)
    stats = backend_stats(args.haproxy_socket)
    print(
        f"\nRequests: {total} in {rush_seconds:.1f} s (a sign-up counts once: GET the form, "
        f"POST it); failed: {len(failed)}, of which "
        f"{len(in_flight)} sent between the kill and haproxy taking {victim} out (in flight "
        f"on the dead host), {len(unexplained)} other"
    )
    print(
        f"Failover: haproxy took {victim} out {failover:.1f} s after it was killed "
        f"({len(killed_pids)} processes; health check /readyz/ every 1 s); "
        f"{stats[victim].get('wredis')} requests that met the dead host redispatched to "
        f"{survivor}"
    )
    print(
        f"haproxy: {stats[victim].get('srv_abrt')} request(s) cut off by {victim}'s death "
        f"(srv_abrt), {stats['BACKEND'].get('hrsp_5xx')} 5xx answers; its log shows "
        f"{len(log_on_victim) + len(log_other)} failed request(s) "
        f"({len(log_other)} not on {victim} before it was out)"
    )
    for row in failed[:10]:
        print(
            f"  failed {row['kind']} #{row['key']} sent {row['sent'] - killed_at:+.2f} s "
            f"from the kill: {row['error']}"
        )
    print(
        f"Sign-ups: {len(answered['sign-up'])} answered 302, {len(stored_signups)} stored, "
        f"{len(lost_signups)} lost, {len(stored_signups - answered['sign-up'])} stored "
        "without an answer (in flight)"
    )
    print(
        f"Join clicks: {len(answered['join'])} answered 302, {len(stored_joins)} stored, "
        f"{len(lost_joins)} lost, {len(stored_joins - answered['join'])} stored without an "
        "answer (in flight)"
    )
    duplicates = len(numbers) - len(set(numbers))
    duplicate_people = len(per_user) - len(set(per_user))
    print(
        f"Bulk issuance: {issued_at_kill} of {args.certificates} issued when {victim} died; "
        f"finished {bulk_seconds:.0f} s after the kill by {' → '.join(finished_by)}; "
        f"{len(numbers)} certificates, {duplicates} duplicate numbers, {duplicate_people} "
        f"people with two, {len(missing_pdfs)} missing PDFs"
    )
    summary = {
        "requests": total,
        "failed": len(failed),
        "failed_in_flight_on_killed_host": len(in_flight),
        "failed_other": len(unexplained) + len(log_other),
        "redispatched": int(stats[victim].get("wredis") or 0),
        "failover_seconds": round(failover, 2),
        "lost_signups": len(lost_signups),
        "lost_joins": len(lost_joins),
        "certificates": len(numbers),
        "duplicate_numbers": duplicates,
        "missing_pdfs": len(missing_pdfs),
        "survivor": survivor,
    }
    print("SUMMARY " + json.dumps(summary))
    bad = (
        lost_signups
        or lost_joins
        or duplicates
        or duplicate_people
        or missing_pdfs
        or len(numbers) != args.certificates
        or unexplained
        or log_other
    )
    return 1 if bad else 0


def main():
    args = parse_args()
    if args.step == "prepare":
        prepare(args)
        return 0
    return rush(args)


if __name__ == "__main__":
    sys.exit(main())
