"""Oversight dashboards on real volume: about 7,850 LAOs and 20,000 participants.

    .venv/bin/python bench/reports.py [--laos 7850] [--participants 20000] [--repeat 5]
        [--database-url postgres://postgres@127.0.0.1:5432/esc_reports_bench] [--reuse]

Creates the PostgreSQL database (its name must end in ``_bench``; it is dropped and made
again), migrates it and loads with bulk_create: LAOs in every district of the 77 provinces
(types in DLA's proportions), participants in about 60 % of the LAOs, 4 rounds, enrolments
(some wait-listed or cancelled), attendance records, pre/post-test attempts and round
certificates (some revoked). Then, through Django's test client in this process, each
dashboard is timed against the trivial view /healthz/ in alternating pairs: the median of
``--repeat`` pairs is printed with the ratio and the page's SQL query count. Asserts nothing.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/esc_reports_bench"


def prepare(url: str, reuse: bool) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    if not name.endswith("_bench"):
        sys.exit("The benchmark database name must end in _bench (it is dropped).")
    if not reuse:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ["DATABASE_URL"] = url
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# Roughly DLA's mix: 76 PAOs, 30 city, 195 town, about 2,250 subdistrict municipalities,
# the rest subdistrict administrative organisations.
TYPE_WEIGHTS = [
    ("city_municipality", 30),
    ("town_municipality", 195),
    ("subdistrict_municipality", 2250),
    ("sao", 5300),
]


def load(laos: int, participants: int, rng: random.Random) -> dict:
    import geothai
    from django.utils import timezone

    from accounts.models import LaoType, Organisation, Role, User
    from assessments.models import Attempt, AttemptStatus, Quiz, QuizKind
    from certificates.models import Certificate, CertificateTemplate, CompletionPolicy
    from courses.models import Enrolment, EnrolmentStatus, Programme, Round
    from sessions.models import AttendanceRecord, LiveSession

    started = time.perf_counter()
    provinces = list(geothai.provinces())
    districts = [d for p in provinces for d in geothai.districts(p.code)]
    organisations = [
        Organisation(
            dla_code=f"P{p.code}",
            lao_type=LaoType.PAO,
            name_th=f"องค์การบริหารส่วนจังหวัด{p.name_th}",
            province_code=p.code,
            district_code=geothai.districts(p.code)[0].code,
            phone="0-0000-0000",
        )
        for p in provinces
    ]
    types = [t for t, _w in TYPE_WEIGHTS]
    weights = [w for _t, w in TYPE_WEIGHTS]
    for number in range(laos - len(organisations)):
        district = districts[number % len(districts)]
        organisations.append(
            Organisation(
                dla_code=f"{number:07d}",
                lao_type=rng.choices(types, weights)[0],
                name_th=f"อปท. ทดสอบ {number} {district.name_th}",
                province_code=district.code[:2],
                district_code=district.code,
                phone=f"0-{number:04d}-0000" if number % 3 else "",
                email=f"lao{number}@example.go.th" if number % 2 else "",
            )
        )
    organisations = Organisation.objects.bulk_create(organisations, batch_size=2000)
    reached = rng.sample(organisations, int(len(organisations) * 0.6))

    users = User.objects.bulk_create(
        [
            User(
                email=f"p{n}@example.com",
                password="!",  # noqa: S106 (unusable password: no login)
                first_name=f"ผู้เข้าอบรม{n}",
                last_name="ทดสอบ",
                organisation=reached[n % len(reached)],
            )
            for n in range(participants)
        ],
        batch_size=5000,
    )
    now = timezone.now()
    programme = Programme.objects.create(title="โครงการทดสอบ", code="bench")
    rounds = [
        Round.objects.create(
            programme=programme,
            number=n,
            title=f"ครั้งที่ {n}",
            starts_at=now - datetime.timedelta(days=40 - 10 * n),
            ends_at=now - datetime.timedelta(days=40 - 10 * n, hours=-3),
            registration_opens_at=now - datetime.timedelta(days=60),
            registration_closes_at=now - datetime.timedelta(days=41 - 10 * n),
            capacity=20000,
        )
        for n in (1, 2, 3, 4)
    ]
    sessions = {r.pk: LiveSession.objects.create(round=r) for r in rounds}
    enrolments, records = [], []
    statuses = ["present"] * 6 + ["partial"] * 2 + ["absent", "excused"]
    for user in users:
        for round_ in rng.sample(rounds, rng.randint(1, 4)):
            status = rng.choices(
                [EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITLISTED, EnrolmentStatus.CANCELLED],
                [90, 6, 4],
            )[0]
            enrolments.append(Enrolment(user=user, round=round_, status=status))
            if status == EnrolmentStatus.ENROLLED and rng.random() < 0.85:
                records.append(
                    AttendanceRecord(
                        session=sessions[round_.pk],
                        user=user,
                        status=rng.choice(statuses),
                        scheduled_minutes=180,
                    )
                )
    Enrolment.objects.bulk_create(enrolments, batch_size=5000)
    AttendanceRecord.objects.bulk_create(records, batch_size=5000)

    quizzes = {
        (r.pk, kind): Quiz.objects.create(
            title=f"{kind} {r.number}", kind=kind, programme=programme, round=r
        )
        for r in rounds
        for kind in (QuizKind.PRE_TEST, QuizKind.POST_TEST)
    }
    attempts = []
    for record in records:
        round_id = record.session.round_id
        if record.status not in ("present", "partial"):
            continue
        pre = Decimal(rng.randint(20, 70))
        post = min(Decimal(100), pre + rng.randint(0, 40))
        for kind, percent in ((QuizKind.PRE_TEST, pre), (QuizKind.POST_TEST, post)):
            attempts.append(
                Attempt(
                    quiz=quizzes[round_id, kind],
                    user_id=record.user_id,
                    status=AttemptStatus.SUBMITTED,
                    submitted_at=now,
                    score=percent,
                    max_score=Decimal(100),
                    percent=percent,
                    passed=percent >= 60,
                )
            )
    Attempt.objects.bulk_create(attempts, batch_size=5000)

    template = CertificateTemplate.objects.create(
        name="bench", title="วุฒิบัตร", body="{name}", issuer="DLA"
    )
    revision = template.save_revision(log_action=False)
    policies = {
        r.pk: CompletionPolicy.objects.create(
            title=f"round {r.number}", programme=programme, round=r, template=template
        )
        for r in rounds
    }
    organisation_of = {u.pk: u.organisation for u in users}
    certificates = []
    for index, record in enumerate(records):
        if record.status != "present" or rng.random() > 0.7:
            continue
        round_id = record.session.round_id
        revoked = index % 50 == 0
        organisation = organisation_of[record.user_id]
        certificates.append(
            Certificate(
                user_id=record.user_id,
                programme=programme,
                round_id=round_id,
                policy=policies[round_id],
                template=template,
                template_revision=revision,
                number=f"B{index:08d}",
                verification_code=f"C{index:08d}",
                recipient_first_name="ทดสอบ",
                organisation=organisation,
                organisation_name=organisation.name_th,
                province_code=organisation.province_code,
                programme_title=programme.title,
                programme_title_en="bench",
                issued_at=now,
                status="revoked" if revoked else "valid",
                revoked_at=now if revoked else None,
                revocation_reason="bench" if revoked else "",
            )
        )
    Certificate.objects.bulk_create(certificates, batch_size=5000)

    admin = User.objects.create_user(
        "admin@bench.th", "bench-2569", role=Role.DLA_ADMIN, is_staff=True
    )
    busiest = max(
        provinces, key=lambda p: sum(1 for o in organisations if o.province_code == p.code)
    )
    coordinator = User.objects.create_user(
        "coordinator@bench.th",
        "bench-2569",
        role=Role.PROVINCIAL_COORDINATOR,
        coordinated_province_code=busiest.code,
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"loaded {len(organisations)} LAOs, {len(users)} participants, {len(enrolments)} "
        f"enrolments, {len(records)} attendance records, {len(attempts)} test attempts, "
        f"{len(certificates)} certificates in {time.perf_counter() - started:.1f} s"
    )
    return {"admin": admin, "coordinator": coordinator, "rounds": rounds, "province": busiest}


def loaded() -> dict:
    """The world an earlier run loaded (``--reuse``)."""
    import geothai

    from accounts.models import User
    from courses.models import Round

    coordinator = User.objects.get(email="coordinator@bench.th")
    return {
        "admin": User.objects.get(email="admin@bench.th"),
        "coordinator": coordinator,
        "rounds": list(Round.objects.order_by("number")),
        "province": geothai.province(coordinator.coordinated_province_code),
    }


def recount() -> float:
    """The background recount of the DLA page's summary rows, timed (median of 3)."""
    from reports.services import refresh_round_summary

    times = []
    for _ in range(3):
        started = time.perf_counter()
        refresh_round_summary()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def timed(client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, (url, response.status_code)
    return elapsed


def query_count(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        client.get(url)
    return len(context.captured_queries)


def measure(client, url: str, repeat: int) -> tuple[float, float, int]:
    """Median of ``repeat`` alternating pairs: /healthz/ (20 calls), then the page."""
    timed(client, url)  # warm up
    pages, baselines = [], []
    for _ in range(repeat):
        baselines.append(statistics.median(timed(client, "/healthz/") for _ in range(20)))
        pages.append(timed(client, url))
    return statistics.median(pages), statistics.median(baselines), query_count(client, url)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--laos", type=int, default=7850)
    parser.add_argument("--participants", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--seed", type=int, default=2569)
    parser.add_argument(
        "--reuse", action="store_true", help="keep the data an earlier run loaded (no reload)"
    )
    args = parser.parse_args()
    prepare(args.database_url, args.reuse)
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    if args.reuse:
        world = loaded()
    else:
        world = load(args.laos, args.participants, random.Random(args.seed))
    print(f"DLA round summary recount (background task): {recount() * 1000:.0f} ms")
    round_1 = world["rounds"][0].pk
    province = world["province"]
    admin, coordinator = Client(), Client()
    admin.force_login(world["admin"])
    coordinator.force_login(world["coordinator"])
    pages = [
        ("DLA", admin, "/reports/"),
        ("DLA", admin, f"/reports/?round={round_1}&lao_type=sao"),
        ("DLA", admin, "/reports/coverage/"),
        ("DLA", admin, f"/reports/coverage/?province={province.code}"),
        ("DLA", admin, f"/reports/coverage/?round={round_1}"),
        ("DLA", admin, "/reports/coverage/missing/"),
        ("DLA", admin, "/reports/export/rounds_by_province.xlsx"),
        ("DLA", admin, "/reports/coverage/export/coverage.xlsx"),
        ("DLA", admin, "/reports/coverage/missing/export/missing.xlsx"),
        ("DLA", admin, "/reports/coverage/missing/export/missing.csv"),
        ("coordinator", coordinator, "/reports/"),
        ("coordinator", coordinator, "/reports/coverage/"),
        ("coordinator", coordinator, "/reports/coverage/missing/"),
        ("coordinator", coordinator, "/reports/coverage/missing/export/missing.xlsx"),
    ]
    print(f"coordinator's province: {province.name_th} ({province.code})")
    print(f"{'who':<12}{'page':<58}{'median':>10}{'/healthz/':>11}{'ratio':>8}{'queries':>9}")
    for who, client, url in pages:
        page, baseline, queries = measure(client, url, args.repeat)
        print(
            f"{who:<12}{url:<58}{page * 1000:8.1f}ms{baseline * 1000:9.2f}ms"
            f"{page / baseline:8.0f}{queries:9d}"
        )


if __name__ == "__main__":
    main()
