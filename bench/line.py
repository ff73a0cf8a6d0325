"""LINE: a bulk reminder to 5,000 participants with a monthly quota of 3,000.

    .venv/bin/python bench/line.py [--participants 5000] [--quota 3000]
        [--database-url postgres://postgres@127.0.0.1:5432/esc_line_bench]

Every participant chose "LINE only" and is a friend of the official account on the LINE
emulator (started in this process on 127.0.0.1). The day-before reminder of their round is
sent as the deferred task does (``line.notify.send_round_reminder``): the quota is read
from the emulator, 3,000 get LINE by multicast (6 calls of 500), the other 2,000 the
e-mail reminder (locmem backend: rendered, not sent anywhere). Then the same task runs
again and must send nothing. Prints the time of each run and a baseline: the same 5,000
e-mails alone (``courses.notices.deliver_reminder`` for everyone), measured in the same run.

The database is a fresh temporary SQLite file unless --database-url names a PostgreSQL
database ending in ``_bench``, which is dropped and created again.
"""

import argparse
import datetime
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def prepare(args) -> None:
    scratch = Path(tempfile.mkdtemp(prefix="esc-bench-line-"))
    url = args.database_url or f"sqlite:///{scratch / 'bench.sqlite3'}"
    if url.startswith("postgres"):
        import psycopg

        base, name = url.rsplit("/", 1)
        assert name.endswith("_bench"), "the database name must end in _bench"
        with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
    os.environ.update({"DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": url})
    sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=5000)
    parser.add_argument("--quota", type=int, default=3000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    prepare(args)

    import django

    django.setup()
    from django.conf import settings
    from django.core import mail
    from django.core.management import call_command
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from accounts.models import User
    from courses.models import Enrolment, EnrolmentNotice, EnrolmentStatus, Programme, Round
    from courses.notices import deliver_reminder
    from line.models import Channels, LineLink, LineNotice
    from line.notify import send_round_reminder
    from line_emulator import start_emulator
    from line_emulator.state import line_user_id

    setup_test_environment()  # locmem e-mail
    call_command("migrate", verbosity=0)
    token, secret = "bench-token", "bench-secret"  # the emulator on 127.0.0.1
    emulator = start_emulator(access_token=token, channel_secret=secret)
    settings.LINE_CHANNEL_ACCESS_TOKEN = token
    settings.LINE_CHANNEL_SECRET = secret
    settings.LINE_API_URL = emulator.url
    settings.LINE_RETRY_BASE_SECONDS = 0

    now = timezone.now()
    programme = Programme.objects.create(title="Bench", code="bench")
    round_ = Round.objects.create(
        programme=programme,
        number=1,
        title="ครั้งที่ 1",
        starts_at=now + datetime.timedelta(days=1, hours=1),
        ends_at=now + datetime.timedelta(days=1, hours=4),
        registration_opens_at=now - datetime.timedelta(days=30),
        registration_closes_at=now + datetime.timedelta(hours=12),
        capacity=args.participants,
    )
    users = User.objects.bulk_create(
        User(email=f"p{i}@example.com", first_name="ผู้เข้าอบรม", last_name=str(i))
        for i in range(args.participants)
    )
    Enrolment.objects.bulk_create(
        Enrolment(user=u, round=round_, status=EnrolmentStatus.ENROLLED, queued_at=now)
        for u in users
    )
    with emulator.emulator.lock:
        for user in users:
            emulator.emulator.user(display_name=f"bench {user.pk}").following = True
        emulator.emulator.quota_limit = args.quota
    LineLink.objects.bulk_create(
        LineLink(
            user=u,
            line_user_id=line_user_id(f"bench {u.pk}"),
            following=True,
            channels=Channels.LINE,
            linked_at=now,
        )
        for u in users
    )
    starts_at = round_.starts_at.isoformat()

    def run():
        mail.outbox.clear()
        started = time.perf_counter()
        result = send_round_reminder(round_id=round_.pk, kind="reminder_day", starts_at=starts_at)
        return result, time.perf_counter() - started, len(mail.outbox)

    first, first_s, first_mails = run()
    multicasts = [c for c in emulator.emulator.calls if c["call"] == "multicast"]
    second, second_s, second_mails = run()
    calls_after = len([c for c in emulator.emulator.calls if c["call"] == "multicast"])

    # Baseline: the same number of e-mail reminders alone (another reminder kind).
    mail.outbox.clear()
    started = time.perf_counter()
    for enrolment_id in Enrolment.objects.filter(round=round_).values_list("pk", flat=True):
        deliver_reminder(
            enrolment_id=enrolment_id, kind="reminder_hour", starts_at=starts_at, fallback=True
        )
    baseline_s = time.perf_counter() - started
    emulator.stop()

    delivered = sum(c["delivered"] for c in multicasts)
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"participants {args.participants}, quota {args.quota} ({engine})")
    print(
        f"first run:  {first.line} by LINE in {len(multicasts)} multicasts "
        f"({', '.join(str(c['recipients']) for c in multicasts)}), {first_mails} e-mails, "
        f"{first_s:.2f} s"
    )
    print(f"second run: {second.line} by LINE, {second_mails} e-mails, {second_s:.2f} s")
    print(f"baseline: {args.participants} e-mail reminders alone {baseline_s:.2f} s")
    print(
        f"LINE messages delivered {delivered}, quota used "
        f"{emulator.emulator.quota_used}/{args.quota}; LINE notices "
        f"{LineNotice.objects.filter(channel='line').count()}, e-mail fallbacks "
        f"{LineNotice.objects.filter(channel='email').count()}, e-mail reminder records "
        f"{EnrolmentNotice.objects.filter(kind='reminder_day').count()}"
    )
    expected_line = min(args.quota, args.participants)
    assert first.line == expected_line and delivered == expected_line
    assert first_mails == args.participants - expected_line
    assert second.line == 0 and second_mails == 0 and calls_after == len(multicasts)


if __name__ == "__main__":
    main()
