import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.test import override_settings

from courses.models import Enrolment, EnrolmentNotice, Round
from courses.notices import deliver_registration_notice, deliver_reminder
from courses.services import cancel_enrolment, enrol_in_rounds, enrol_participant
from tests.accounts.factories import ReadyParticipantFactory
from tests.factories import ProgrammeFactory, RoundFactory

pytestmark = pytest.mark.django_db

BANGKOK = datetime.timezone(datetime.timedelta(hours=7))
# The rounds below start on 2 December 2026; every test enrols while registration is open.
FROZEN_NOW = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=BANGKOK)


@pytest.fixture(autouse=True)
def _registration_is_open():
    with time_machine.travel(FROZEN_NOW, tick=False):
        yield


def _round(number=1, capacity=10, **kwargs):
    starts_at = kwargs.pop("starts_at", datetime.datetime(2026, 12, 2, 9, 0, tzinfo=BANGKOK))
    return RoundFactory(
        number=number,
        capacity=capacity,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=3),
        registration_opens_at=starts_at - datetime.timedelta(days=60),
        registration_closes_at=starts_at - datetime.timedelta(hours=12),
        **kwargs,
    )


def test_confirmation_is_thai_html_and_text_with_an_ics_per_round_in_bangkok_time(
    django_capture_on_commit_callbacks,
):
    programme = ProgrammeFactory()
    rounds = [
        _round(
            n,
            programme=programme,
            starts_at=datetime.datetime(2026, 12, n + 1, 9, 0, tzinfo=BANGKOK),
        )
        for n in (1, 2)
    ]
    user = ReadyParticipantFactory(prefix="นางสาว", first_name="สมศรี", last_name="ใจดี")
    with django_capture_on_commit_callbacks(execute=True):
        enrol_in_rounds(user=user, rounds=rounds)
    [message] = mail.outbox
    assert message.to == [user.email]
    assert message.subject == "ยืนยันการลงทะเบียนอบรมออนไลน์"
    assert "เรียน นางสาวสมศรี ใจดี" in message.body
    assert "๒ ธันวาคม พ.ศ. ๒๕๖๙ ๐๙:๐๐–๑๒:๐๐ น." in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert '<a href="http://testserver/p/' in html
    names = [name for name, _content, _type in message.attachments]
    assert names == ["esc-round-1.ics", "esc-round-2.ics"]
    ics = (
        message.attachments[0][1].decode()
        if isinstance(message.attachments[0][1], bytes)
        else message.attachments[0][1]
    )
    assert "DTSTART;TZID=Asia/Bangkok:20261202T090000" in ics
    assert "DTEND;TZID=Asia/Bangkok:20261202T120000" in ics
    assert "TZOFFSETTO:+0700" in ics
    assert f"URL:http://testserver/p/{programme.code}/1/" in ics
    assert all(len(line.encode()) <= 75 for line in ics.split("\r\n"))


def test_a_full_round_sends_a_wait_list_notice_with_the_place_in_the_queue(
    django_capture_on_commit_callbacks,
):
    round_ = _round(capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        enrol_participant(user=ReadyParticipantFactory(), round_=round_)
        enrol_participant(user=ReadyParticipantFactory(), round_=round_)
        late = ReadyParticipantFactory()
        enrol_participant(user=late, round_=round_)
    message = mail.outbox[-1]
    assert message.to == [late.email]
    assert message.subject == "ท่านอยู่ในรายชื่อสำรองของการอบรมออนไลน์"
    assert "รายชื่อสำรอง ลำดับที่ ๒" in message.body
    assert not message.attachments


def test_running_a_notice_task_twice_sends_one_email(django_capture_on_commit_callbacks):
    round_ = _round()
    enrolment = enrol_participant(user=ReadyParticipantFactory(), round_=round_)
    assert deliver_registration_notice(enrolment_ids=[enrolment.pk]) == 1
    assert deliver_registration_notice(enrolment_ids=[enrolment.pk]) == 0
    assert len(mail.outbox) == 1
    assert EnrolmentNotice.objects.filter(enrolment=enrolment).count() == 1


def test_a_re_enrolment_after_cancelling_is_confirmed_again():
    round_ = _round()
    user = ReadyParticipantFactory()
    enrolment = enrol_participant(user=user, round_=round_)
    deliver_registration_notice(enrolment_ids=[enrolment.pk])
    cancel_enrolment(enrolment=enrolment)
    with time_machine.travel(FROZEN_NOW + datetime.timedelta(hours=1), tick=False):
        enrolment = enrol_participant(user=user, round_=round_)
    assert deliver_registration_notice(enrolment_ids=[enrolment.pk]) == 1
    assert len(mail.outbox) == 2


def test_reminder_is_sent_once_and_not_after_cancelling_or_when_the_round_moved():
    round_ = _round()
    user = ReadyParticipantFactory()
    enrolment = enrol_participant(user=user, round_=round_)
    key = round_.starts_at.isoformat()
    day_before = round_.starts_at - datetime.timedelta(days=1)
    assert (
        deliver_reminder(
            enrolment_id=enrolment.pk, kind="reminder_day", starts_at=key, now=day_before
        )
        == 1
    )
    assert (
        deliver_reminder(
            enrolment_id=enrolment.pk, kind="reminder_day", starts_at=key, now=day_before
        )
        == 0
    )
    assert mail.outbox[0].subject == "พรุ่งนี้: การอบรมออนไลน์ครั้งที่ ๑"
    # The round moved: the reminder scheduled for the old time does nothing.
    Round.objects.filter(pk=round_.pk).update(
        starts_at=round_.starts_at + datetime.timedelta(days=2),
        ends_at=round_.ends_at + datetime.timedelta(days=2),
    )
    assert (
        deliver_reminder(
            enrolment_id=enrolment.pk, kind="reminder_hour", starts_at=key, now=day_before
        )
        == 0
    )
    cancel_enrolment(enrolment=enrolment, now=day_before)
    new_key = Round.objects.get(pk=round_.pk).starts_at.isoformat()
    assert (
        deliver_reminder(
            enrolment_id=enrolment.pk, kind="reminder_hour", starts_at=new_key, now=day_before
        )
        == 0
    )
    assert len(mail.outbox) == 1


DB_TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "db": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "certificates", "mail"],
    },
}


def _run_worker():
    """What ``manage.py db_worker --batch`` does: run every task that is due now.

    The real worker's loop also closes "old" database connections, which would end the
    test's transaction; its task runner and the queue's ``ready()`` are used as they are.
    """
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="db",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    while task_result := DBTaskResult.objects.ready().filter(backend_name="db").get_locked():
        task_result.claim(worker.worker_id)
        worker.run_task(task_result)


@override_settings(TASKS=DB_TASKS)
def test_the_worker_sends_the_confirmation_then_reminders_a_day_and_an_hour_before(
    django_capture_on_commit_callbacks,
):
    start = datetime.datetime(2026, 12, 2, 9, 0, tzinfo=BANGKOK)
    round_ = _round(starts_at=start)
    user = ReadyParticipantFactory()
    with time_machine.travel(start - datetime.timedelta(days=10), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            enrol_participant(user=user, round_=round_)
        assert mail.outbox == []  # queued for the worker, not sent in the request
        _run_worker()
        assert [m.subject for m in mail.outbox] == ["ยืนยันการลงทะเบียนอบรมออนไลน์"]
    with time_machine.travel(start - datetime.timedelta(days=1, minutes=1), tick=False):
        _run_worker()
        assert len(mail.outbox) == 1  # not yet
    with time_machine.travel(start - datetime.timedelta(hours=23), tick=False):
        _run_worker()
        assert mail.outbox[-1].subject == "พรุ่งนี้: การอบรมออนไลน์ครั้งที่ ๑"
    with time_machine.travel(start - datetime.timedelta(minutes=50), tick=False):
        _run_worker()
        assert re.match(r"อีก ๑ ชั่วโมง: การอบรมออนไลน์ครั้งที่ ๑ เวลา ๐๙:๐๐ น.", mail.outbox[-1].subject)
        _run_worker()
    assert len(mail.outbox) == 3


@override_settings(TASKS=DB_TASKS)
def test_a_cancelled_enrolment_gets_no_reminder(django_capture_on_commit_callbacks):
    start = datetime.datetime(2026, 12, 2, 9, 0, tzinfo=BANGKOK)
    round_ = _round(starts_at=start)
    with time_machine.travel(start - datetime.timedelta(days=10), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            enrolment = enrol_participant(user=ReadyParticipantFactory(), round_=round_)
        _run_worker()
        cancel_enrolment(enrolment=enrolment)
    with time_machine.travel(start - datetime.timedelta(minutes=30), tick=False):
        _run_worker()
    assert [m.subject for m in mail.outbox] == ["ยืนยันการลงทะเบียนอบรมออนไลน์"]
    assert not Enrolment.objects.enrolled().exists()


@override_settings(TASKS=DB_TASKS)
def test_moving_a_round_in_the_admin_reschedules_the_reminders(
    client, django_capture_on_commit_callbacks
):
    from tests.factories import UserFactory

    start = datetime.datetime(2026, 12, 2, 9, 0, tzinfo=BANGKOK)
    moved = start + datetime.timedelta(days=2)
    round_ = _round(starts_at=start)
    with time_machine.travel(start - datetime.timedelta(days=10), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            enrol_participant(user=ReadyParticipantFactory(), round_=round_)
        _run_worker()  # the confirmation
        client.force_login(UserFactory(is_staff=True, is_superuser=True, organisation=None))
        local = moved.astimezone(BANGKOK)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                f"/admin/rounds/edit/{round_.pk}/",
                {
                    "programme": round_.programme_id,
                    "number": round_.number,
                    "title": round_.title,
                    "title_en": "",
                    "starts_at": local.strftime("%Y-%m-%d %H:%M"),
                    "ends_at": (local + datetime.timedelta(hours=3)).strftime("%Y-%m-%d %H:%M"),
                    "join_window_minutes": 30,
                    "capacity": round_.capacity,
                    "lao_quota": "",
                    "registration_opens_at": round_.registration_opens_at.astimezone(
                        BANGKOK
                    ).strftime("%Y-%m-%d %H:%M"),
                    "registration_closes_at": (local - datetime.timedelta(hours=12)).strftime(
                        "%Y-%m-%d %H:%M"
                    ),
                },
            )
        assert response.status_code == 302, response.content.decode()[:2000]
    assert Round.objects.get(pk=round_.pk).starts_at == moved
    # At the old time nothing is sent; a day before the new time the reminder is.
    with time_machine.travel(start - datetime.timedelta(hours=23), tick=False):
        _run_worker()
    assert len(mail.outbox) == 1
    with time_machine.travel(moved - datetime.timedelta(hours=23), tick=False):
        _run_worker()
    assert mail.outbox[-1].subject == "พรุ่งนี้: การอบรมออนไลน์ครั้งที่ ๑"
    assert len(mail.outbox) == 2


def test_an_enrolment_e_mail_sent_just_after_new_year_in_bangkok_shows_the_new_year(
    django_capture_on_commit_callbacks,
):
    # 00:30 on 1 January 2027 in Bangkok is still 31 December 2026 in UTC, and the round's
    # start at 06:00 is still 2026 in UTC too.
    starts_at = datetime.datetime(2027, 1, 1, 6, 0, tzinfo=BANGKOK)
    round_ = RoundFactory(
        number=1,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=3),
        registration_opens_at=starts_at - datetime.timedelta(days=30),
        registration_closes_at=starts_at - datetime.timedelta(hours=1),
    )
    user = ReadyParticipantFactory()
    with (
        time_machine.travel(datetime.datetime(2027, 1, 1, 0, 30, tzinfo=BANGKOK), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        enrol_participant(user=user, round_=round_)
    [message] = mail.outbox
    assert "๑ มกราคม พ.ศ. ๒๕๗๐ ๐๖:๐๐–๐๙:๐๐ น." in message.body
    assert "๒๕๖๙" not in message.body
    ics = message.attachments[0][1]
    ics = ics.decode() if isinstance(ics, bytes) else ics
    assert "DTSTART;TZID=Asia/Bangkok:20270101T060000" in ics


def test_an_email_writes_every_number_in_thai_digits_as_a_letter_does(
    django_capture_on_commit_callbacks,
):
    """docs/development.md, "Digits": e-mails are formal letters; links stay as they are."""
    round_ = _round(number=2, title="การอบรมครั้งที่ 2: บัญชีก๊าซเรือนกระจก")
    user = ReadyParticipantFactory(prefix="นาย", first_name="สมชาย", last_name="ใจดี")
    with django_capture_on_commit_callbacks(execute=True):
        enrol_participant(user=user, round_=round_)
    [message] = mail.outbox
    text = re.sub(r"https?://\S+", "", message.body)
    assert "ครั้งที่ ๒: การอบรมครั้งที่ ๒: บัญชีก๊าซเรือนกระจก" in text
    assert "๒ ธันวาคม พ.ศ. ๒๕๖๙" in text
    assert re.findall(r"[0-9]", message.subject + text) == []
