"""Certificates: bulk issuance end to end, and its parts against bare WeasyPrint.

    .venv/bin/python bench/certificates.py [--count 1000] [--workers 2] [--compare 200]
        [--database-url postgres://postgres@127.0.0.1:5432/esc_certificates_bench]

1. Platform vs bare, in the same run (``--compare`` certificates, 0 to skip):
   participants are issued their certificates in bulk (``run_issuance_job`` in this
   process: eligibility snapshot, number, code, snapshot, audit log, e-mail queued, HTML,
   QR, PDFs rendered in batches and stored) in slices of ``--slice``; after each slice, the
   very HTML those certificates were printed from is rendered again by WeasyPrint alone,
   one document per certificate (``HTML(string=...).write_pdf()``, one
   FontConfiguration), and then as one batch (``certificates.pdf.render_pdfs``). Slices
   alternate so all three see the same machine load.
2. End to end: ``--count`` participants, ``start_bulk_issuance`` as the admin button does,
   and ``--workers`` real ``db_worker`` processes until the job is finished; prints the
   rate and the time 60,000 certificates would take at that rate (the aim: 45 minutes
   with two workers on two cores).

The database is PostgreSQL (a database whose name ends in ``_bench``: dropped and created
again); ``--database-url sqlite`` uses a fresh temporary SQLite file instead.
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def prepare_environment(args) -> Path:
    scratch = Path(tempfile.mkdtemp(prefix="esc-bench-certificates-"))
    url = args.database_url
    if url == "sqlite":
        url = f"sqlite:///{scratch / 'bench.sqlite3'}"
    if url.startswith("postgres"):
        recreate_postgres_database(url)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.base",  # DEBUG off, real task queue
            "DATABASE_URL": url,
            "CERTIFICATE_PDF_ROOT": str(scratch / "pdf"),
        }
    )
    sys.path.insert(0, str(ROOT))
    return scratch


def recreate_postgres_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    if not name.endswith("_bench"):
        sys.exit("The benchmark database name must end in _bench (it is dropped).")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup_django():
    import logging

    import django

    django.setup()
    logging.getLogger("certificates").setLevel(logging.WARNING)
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def participants(round_, count: int, start: int):
    from accounts.models import Organisation, User
    from courses.models import Enrolment, EnrolmentStatus

    organisations = list(Organisation.objects.all())
    users = User.objects.bulk_create(
        [
            User(
                email=f"bench{start + i}@example.com",
                prefix="นางสาว",
                first_name=f"น้ำฝน{start + i}",
                last_name="ใจดี",
                organisation=organisations[i % len(organisations)],
            )
            for i in range(count)
        ]
    )
    Enrolment.objects.bulk_create(
        [Enrolment(user=user, round=round_, status=EnrolmentStatus.ENROLLED) for user in users]
    )
    return users


def seed():
    from accounts.demo import seed_organisations
    from certificates.demo import seed_certificates
    from certificates.models import CompletionPolicy
    from courses.demo import seed_programme

    seed_organisations()
    programme = seed_programme()
    demo_policy = seed_certificates(programme)  # the demo templates: logos, signatures
    rounds = list(programme.rounds.order_by("number"))
    # Round policies without conditions: everyone enrolled is eligible (the conditions
    # of other apps are not what is measured here).
    policies = [
        CompletionPolicy.objects.create(
            title=f"bench {round_.number}",
            programme=programme,
            round=round_,
            template=demo_policy.template,
            template_en=demo_policy.template_en,
        )
        for round_ in rounds[1:3]  # round 1 has the demo policy (with conditions)
    ]
    return policies


def bare_render(htmls: list[str]) -> float:
    from django.template.loader import render_to_string
    from weasyprint import CSS, HTML

    from certificates.pdf import _shared, fonts_css

    fetcher = _shared()["fetcher"]  # only to read the logos from storage (media: URLs)
    # The same stylesheet, parsed once here too (it is not in the HTML).
    stylesheet = CSS(
        string=fonts_css() + render_to_string("certificates/pdf/certificate.css"),
        font_config=BARE_FONT_CONFIG,
    )
    started = time.perf_counter()
    for html in htmls:
        HTML(string=html, url_fetcher=fetcher, base_url="file:///").write_pdf(
            stylesheets=[stylesheet], font_config=BARE_FONT_CONFIG
        )
    return time.perf_counter() - started


def batch_render(htmls: list[str]) -> float:
    from certificates.pdf import render_pdfs

    started = time.perf_counter()
    render_pdfs(htmls)
    return time.perf_counter() - started


def platform_vs_bare(policy, count: int, batch: int) -> dict:
    from certificates.models import Certificate, IssuanceJob, IssuanceJobItem
    from certificates.pinning import pinned_image_files
    from certificates.rendering import certificate_html, facts_for, prepare_template
    from certificates.services import run_issuance_job

    users = participants(policy.round, count + batch, start=0)
    # Warm-up batch: fonts, logos, imports, caches on both sides.
    warm = users[:batch]
    users = users[batch:]

    def issue(batch_users) -> tuple[float, list]:
        job = IssuanceJob.objects.create(policy=policy, total=len(batch_users))
        IssuanceJobItem.objects.bulk_create(
            [IssuanceJobItem(job=job, user=user) for user in batch_users]
        )
        started = time.perf_counter()
        run_issuance_job(job.pk)
        elapsed = time.perf_counter() - started
        certificates = list(
            Certificate.objects.filter(user__in=batch_users).select_related("template_revision")
        )
        return elapsed, certificates

    prepared = {}

    def htmls_of(certificates):
        result = []
        for certificate in certificates:
            key = certificate.template_revision_id
            if key not in prepared:
                revision = certificate.template_revision
                prepared[key] = prepare_template(
                    revision.as_object(), pinned=pinned_image_files(revision)
                )
            result.append(certificate_html(prepared[key], facts_for(certificate)))
        return result

    _, certificates = issue(warm)
    bare_render(htmls_of(certificates))
    batch_render(htmls_of(certificates))

    platform_times, bare_times, batch_times = [], [], []
    for start in range(0, len(users), batch):
        elapsed, certificates = issue(users[start : start + batch])
        platform_times.append(elapsed)
        htmls = htmls_of(certificates)
        bare_times.append(bare_render(htmls))
        batch_times.append(batch_render(htmls))
    platform, bare, batched = sum(platform_times), sum(bare_times), sum(batch_times)
    return {
        "certificates": len(users),
        "platform_s": platform,
        "bare_s": bare,
        "batch_s": batched,
        "platform_per_s": len(users) / platform,
        "bare_per_s": len(users) / bare,
        "batch_per_s": len(users) / batched,
        "overhead": platform / bare - 1,
        "batch_overheads": [p / b - 1 for p, b in zip(platform_times, bare_times, strict=True)],
        "batch_speedups": [b / r for b, r in zip(bare_times, batch_times, strict=True)],
    }


class DatabaseCPU:
    """CPU seconds of the PostgreSQL backends serving the workers, read from /proc while
    they run (0 where /proc or the database server is not on this machine)."""

    def __init__(self, worker_pids: list[int]):
        self.worker_pids = worker_pids
        self.last: dict[int, float] = {}

    def sample(self) -> None:
        from django.db import connection

        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid()"
            )
            pids = [row[0] for row in cursor.fetchall()]
        ticks = os.sysconf("SC_CLK_TCK")
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            self.last[pid] = (int(fields[11]) + int(fields[12])) / ticks  # utime + stime

    def seconds(self) -> float:
        return sum(self.last.values())


def end_to_end(policy, count: int, workers: int) -> dict:
    from django_tasks_db.models import DBTaskResult

    from certificates.models import Certificate, IssuanceJob
    from certificates.services import start_bulk_issuance

    participants(policy.round, count, start=100_000)
    mails_before = DBTaskResult.objects.filter(queue_name="mail").count()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    command = [
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
    ]
    # A worker's fixed cost (start Django and WeasyPrint, find the queue empty, stop), to
    # tell it from the cost per certificate: over 60,000 certificates it does not count.
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, cwd=ROOT, env=env, capture_output=True, check=True)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    startup_cpu = (children.ru_utime - children_before.ru_utime) + (
        children.ru_stime - children_before.ru_stime
    )
    started = time.perf_counter()
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    job = start_bulk_issuance(policy=policy, requested_by=None, parallel=workers)
    processes = [
        subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        for _ in range(workers)
    ]
    database_cpu = DatabaseCPU([process.pid for process in processes])
    while any(process.poll() is None for process in processes):
        database_cpu.sample()
        time.sleep(0.5)
    elapsed = time.perf_counter() - started
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    worker_cpu = (children.ru_utime - children_before.ru_utime) + (
        children.ru_stime - children_before.ru_stime
    )
    job = IssuanceJob.objects.with_progress().get(pk=job.pk)
    issued = Certificate.objects.filter(round=policy.round).exclude(pdf="").count()
    mails = DBTaskResult.objects.filter(queue_name="mail").count() - mails_before
    return {
        "participants": count,
        "workers": workers,
        "seconds": elapsed,
        "per_s": count / elapsed,
        "done": job.done_count,
        "errors": job.error_count,
        "with_pdf": issued,
        "mails": mails,
        "worker_cpu": worker_cpu,
        "startup_cpu": startup_cpu,
        "database_cpu": database_cpu.seconds(),
        "status": job.status,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="certificates end to end")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--compare", type=int, default=200, help="platform vs bare; 0 skips")
    parser.add_argument("--slice", type=int, default=50, help="certificates per compared slice")
    parser.add_argument(
        "--database-url",
        default="postgres://postgres@127.0.0.1:5432/esc_certificates_bench",
        help='PostgreSQL (a name ending in _bench) or "sqlite"',
    )
    args = parser.parse_args()

    scratch = prepare_environment(args)
    setup_django()
    from django.db import connection
    from weasyprint.text.fonts import FontConfiguration

    global BARE_FONT_CONFIG
    BARE_FONT_CONFIG = FontConfiguration()

    policies = seed()
    print(f"database: {connection.vendor}; scratch folder {scratch}")
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")

    if args.compare:
        result = platform_vs_bare(policies[0], args.compare, args.slice)
        print(
            f"bulk issuance, {result['certificates']} certificates: "
            f"{result['platform_per_s']:.1f}/s ({result['platform_s']:.1f} s)"
        )
        print(
            f"bare WeasyPrint, same HTML, one by one: {result['bare_per_s']:.1f}/s "
            f"({result['bare_s']:.1f} s)"
        )
        print(
            f"same HTML in batches of {args.slice}:        {result['batch_per_s']:.1f}/s "
            f"({result['batch_s']:.1f} s)"
        )
        print(
            f"platform against bare one by one: {100 * result['overhead']:+.1f} %"
            + spread(result["batch_overheads"], lambda q: f"{100 * q:+.0f} %")
        )
        print(
            f"batch against one by one: x{result['bare_s'] / result['batch_s']:.2f}"
            + spread(result["batch_speedups"], lambda q: f"x{q:.2f}")
        )

    if args.count:
        e2e = end_to_end(policies[1], args.count, args.workers)
        print(
            f"end to end with {e2e['workers']} worker(s): {e2e['participants']} certificates in "
            f"{e2e['seconds']:.1f} s ({e2e['per_s']:.1f}/s); job {e2e['status']}, "
            f"{e2e['done']} issued, {e2e['errors']} errors, {e2e['with_pdf']} PDFs stored, "
            f"{e2e['mails']} e-mails queued"
        )
        print(
            f"projected for 60,000 certificates: {60_000 / e2e['per_s'] / 60:.1f} minutes "
            "(aim: under 45)"
        )
        workers_cpu = e2e["worker_cpu"] - e2e["workers"] * e2e["startup_cpu"]
        cpu = (workers_cpu + e2e["database_cpu"]) / e2e["participants"]
        print(
            f"CPU per certificate: {1000 * workers_cpu / e2e['participants']:.1f} ms in the "
            f"workers (besides {e2e['startup_cpu']:.1f} s to start each) + "
            f"{1000 * e2e['database_cpu'] / e2e['participants']:.1f} ms in PostgreSQL; on "
            f"{e2e['workers']} cores of its own (no other load) 60,000 would take "
            f"{60_000 * cpu / e2e['workers'] / 60:.1f} minutes"
        )
    print(f"load average after: {os.getloadavg()[0]:.2f}")


BARE_FONT_CONFIG = None


def spread(values: list[float], fmt) -> str:
    """The quartiles of per-slice figures, to show how much the machine's load moved them."""
    if len(values) < 4:
        return ""
    return f" (slices: quartiles {', '.join(fmt(q) for q in statistics.quantiles(values, n=4))})"


if __name__ == "__main__":
    main()
