"""Certificates: bulk issuance against a bare WeasyPrint render of the same HTML.

    .venv/bin/python bench/certificates.py [--count 200] [--end-to-end 1000] [--workers 1]
        [--database-url postgres://postgres@127.0.0.1:5432/esc_certificates_bench]

1. Platform vs bare, in the same run: participants are issued their certificates in
   bulk (``run_issuance_job`` in this process: eligibility snapshot, number, code,
   snapshot, audit log, e-mail queued, HTML, QR, PDF, file stored) in batches; after each
   batch, the very HTML those certificates were printed from is rendered again by
   WeasyPrint alone (``HTML(string=...).write_pdf()`` with one FontConfiguration).
   Batches alternate so both see the same machine load. Overhead = platform / bare - 1.
2. End to end: ``--end-to-end`` participants, ``start_bulk_issuance`` as the admin button
   does, and ``--workers`` real ``db_worker`` processes until the job is finished.

The database is a fresh temporary SQLite file unless --database-url names a PostgreSQL
database ending in ``_bench``, which is dropped and created again.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def prepare_environment(args) -> Path:
    scratch = Path(tempfile.mkdtemp(prefix="esc-bench-certificates-"))
    url = args.database_url or f"sqlite:///{scratch / 'bench.sqlite3'}"
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
        for round_ in rounds[:2]
    ]
    return policies


def bare_render(htmls: list[str]) -> float:
    from weasyprint import HTML

    from certificates.pdf import _shared

    fetcher = _shared()["fetcher"]  # only to read the logos from storage (media: URLs)
    started = time.perf_counter()
    for html in htmls:
        HTML(string=html, url_fetcher=fetcher, base_url="file:///").write_pdf(
            font_config=BARE_FONT_CONFIG
        )
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

    platform_times, bare_times = [], []
    for start in range(0, len(users), batch):
        elapsed, certificates = issue(users[start : start + batch])
        platform_times.append(elapsed)
        bare_times.append(bare_render(htmls_of(certificates)))
    platform, bare = sum(platform_times), sum(bare_times)
    return {
        "certificates": len(users),
        "platform_s": platform,
        "bare_s": bare,
        "platform_per_s": len(users) / platform,
        "bare_per_s": len(users) / bare,
        "overhead": platform / bare - 1,
        "batch_overheads": [p / b - 1 for p, b in zip(platform_times, bare_times, strict=True)],
    }


def end_to_end(policy, count: int, workers: int) -> dict:
    from certificates.models import Certificate, IssuanceJob
    from certificates.services import start_bulk_issuance

    participants(policy.round, count, start=100_000)
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
    started = time.perf_counter()
    job = start_bulk_issuance(policy=policy, requested_by=None, parallel=workers)
    processes = [
        subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        for _ in range(workers)
    ]
    for process in processes:
        process.wait()
    elapsed = time.perf_counter() - started
    job = IssuanceJob.objects.with_progress().get(pk=job.pk)
    issued = Certificate.objects.filter(round=policy.round).exclude(pdf="").count()
    return {
        "participants": count,
        "workers": workers,
        "seconds": elapsed,
        "per_s": count / elapsed,
        "done": job.done_count,
        "errors": job.error_count,
        "with_pdf": issued,
        "status": job.status,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200, help="certificates, platform vs bare")
    parser.add_argument("--batch", type=int, default=20)
    parser.add_argument("--end-to-end", type=int, default=1000, help="0 to skip")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--database-url", default="")
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

    result = platform_vs_bare(policies[0], args.count, args.batch)
    print(
        f"bulk issuance, {result['certificates']} certificates: "
        f"{result['platform_per_s']:.1f}/s ({result['platform_s']:.1f} s)"
    )
    print(
        f"bare WeasyPrint, same HTML:        {result['bare_per_s']:.1f}/s "
        f"({result['bare_s']:.1f} s)"
    )
    spread = (
        statistics.quantiles(result["batch_overheads"], n=4)
        if len(result["batch_overheads"]) > 3
        else []
    )
    print(
        f"platform overhead: {100 * result['overhead']:+.1f} %"
        + (
            f" (batches: quartiles {', '.join(f'{100 * q:+.0f} %' for q in spread)})"
            if spread
            else ""
        )
    )

    if args.end_to_end:
        e2e = end_to_end(policies[1], args.end_to_end, args.workers)
        print(
            f"end to end with {e2e['workers']} worker(s): {e2e['participants']} certificates in "
            f"{e2e['seconds']:.1f} s ({e2e['per_s']:.1f}/s); job {e2e['status']}, "
            f"{e2e['done']} issued, {e2e['errors']} errors, {e2e['with_pdf']} PDFs stored"
        )
    print(f"load average after: {os.getloadavg()[0]:.2f}")


BARE_FONT_CONFIG = None

if __name__ == "__main__":
    main()
