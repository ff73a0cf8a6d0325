"""Notices over LINE: multicast within the quota, e-mail for the rest, each once; retries
with the same retry key; the participant's choice of channels."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from courses.models import EnrolmentNotice
from courses.services import enrol_participant
from line import delivery
from line.models import BatchStatus, Channels, LineBatch, LineLink, LineNotice, QuotaReading
from line.notify import send_round_reminder
from tests.accounts.factories import ReadyParticipantFactory

from .conftest import linked_participant

pytestmark = pytest.mark.django_db


def enrol_linked(emulator, round_, count, *, channels=Channels.LINE):
    people = []
    for index in range(count):
        user, line_user_id = linked_participant(
            emulator, f"ผู้เข้าอบรม {index}", channels=channels, email=f"p{index}@example.com"
        )
        enrol_participant(user=user, round_=round_)
        people.append((user, line_user_id))
    return people


def remind(round_, **kwargs):
    return send_round_reminder(
        round_id=round_.pk, kind="reminder_day", starts_at=round_.starts_at.isoformat(), **kwargs
    )


def test_a_bulk_reminder_beyond_the_quota_goes_by_multicast_then_email_and_never_twice(
    line_emulator, upcoming_round, monkeypatch
):
    monkeypatch.setattr(delivery, "MULTICAST_MAX", 4)
    people = enrol_linked(line_emulator, upcoming_round, 10)
    line_emulator.set_quota(7)
    mail.outbox.clear()

    result = remind(upcoming_round)

    assert (result.line, result.email, result.quota_remaining) == (7, 3, 7)
    multicasts = line_emulator.calls("multicast")
    assert [c["recipients"] for c in multicasts] == [4, 3]
    reached = [uid for _user, uid in people if line_emulator.messages(uid)]
    assert len(reached) == 7
    assert "พรุ่งนี้" in line_emulator.messages(reached[0])[0]["altText"]
    assert sorted(m.to[0] for m in mail.outbox) == [
        "p7@example.com",
        "p8@example.com",
        "p9@example.com",
    ]
    assert EnrolmentNotice.objects.filter(kind="reminder_day").count() == 3
    assert QuotaReading.objects.get().remaining == 7

    # The task again (a retry, a second worker): nothing is sent twice.
    again = remind(upcoming_round)
    assert (again.line, again.email) == (0, 0)
    assert len(line_emulator.calls("multicast")) == 2
    assert len(mail.outbox) == 3
    # And the per-enrolment e-mail reminders leave LINE-only people alone.
    from courses.notices import deliver_reminder

    for user, _uid in people:
        enrolment = user.enrolments.get()
        deliver_reminder(
            enrolment_id=enrolment.pk,
            kind="reminder_day",
            starts_at=upcoming_round.starts_at.isoformat(),
        )
    assert len(mail.outbox) == 3


def test_429_and_5xx_are_retried_with_the_same_retry_key(line_emulator, upcoming_round):
    (_user, _line_user_id), *_ = enrol_linked(line_emulator, upcoming_round, 2)
    line_emulator.fault("multicast", status=503)
    line_emulator.fault("multicast", status=429)
    slept = []

    result = remind(upcoming_round, sleep=slept.append)

    assert result.line == 2
    calls = line_emulator.calls("multicast")
    assert [c["status"] for c in calls] == [503, 429, 200]
    assert calls[2]["retryKey"] == str(LineBatch.objects.get().retry_key)
    assert slept == [0, 0]  # LINE_RETRY_BASE_SECONDS is 0 in the tests: 1, 2, 4 s otherwise


def test_a_lost_answer_is_retried_and_line_says_409_instead_of_sending_again(
    line_emulator, upcoming_round
):
    (_user, line_user_id), *_ = enrol_linked(line_emulator, upcoming_round, 2)
    line_emulator.fault("multicast", mode="lost_response")

    result = remind(upcoming_round, sleep=lambda s: None)

    assert result.line == 2
    assert [c["status"] for c in line_emulator.calls("multicast")] == [200, 409]
    assert len(line_emulator.messages(line_user_id)) == 1
    assert LineBatch.objects.get().status == BatchStatus.SENT


def test_a_batch_still_failing_stays_pending_and_the_next_run_sends_it_once(
    line_emulator, upcoming_round, settings
):
    (_user, line_user_id), *_ = enrol_linked(line_emulator, upcoming_round, 2)
    line_emulator.fault("multicast", status=500, times=settings.LINE_RETRY_ATTEMPTS)

    first = remind(upcoming_round, sleep=lambda s: None)
    assert (first.line, first.pending, first.email) == (0, 2, 0)
    assert line_emulator.messages(line_user_id) == []

    second = remind(upcoming_round)
    assert second.line == 2
    assert len(line_emulator.messages(line_user_id)) == 1
    assert len({c["retryKey"] for c in line_emulator.calls("multicast")}) == 1


def test_quota_spent_meanwhile_sends_the_batch_by_email(line_emulator, upcoming_round):
    enrol_linked(line_emulator, upcoming_round, 3)
    line_emulator.fault("multicast", status=429, message="You have reached your monthly limit.")
    mail.outbox.clear()

    result = remind(upcoming_round)

    assert (result.line, result.email) == (0, 3)
    assert LineBatch.objects.get().status == BatchStatus.FAILED
    assert set(LineNotice.objects.values_list("channel", flat=True)) == {"email"}
    assert len(mail.outbox) == 3


def test_line_only_gets_no_confirmation_email_both_gets_both_and_unfollow_brings_email_back(
    line_emulator, upcoming_round, client, django_capture_on_commit_callbacks
):
    line_only, line_only_id = linked_participant(
        line_emulator, "ไลน์อย่างเดียว", email="l@example.com"
    )
    both, both_id = linked_participant(
        line_emulator, "ทั้งสองทาง", channels=Channels.BOTH, email="b@example.com"
    )
    plain = ReadyParticipantFactory(email="e@example.com")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        for user in (line_only, both, plain):
            enrol_participant(user=user, round_=upcoming_round)

    assert sorted(m.to[0] for m in mail.outbox) == ["b@example.com", "e@example.com"]
    for line_user_id in (line_only_id, both_id):
        (message,) = line_emulator.messages(line_user_id)
        assert message["type"] == "flex"
        assert "ยืนยัน" in message["altText"]
        footer = message["contents"]["footer"]["contents"]
        assert footer[0]["action"]["uri"].endswith(f"/line/calendar/{upcoming_round.pk}.ics")
    calendar = client.get(f"/line/calendar/{upcoming_round.pk}.ics")
    assert calendar["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in calendar.content

    # She blocks the account: her next notices come by e-mail.
    LineLink.objects.filter(user=line_only).update(following=False)
    from courses.notices import deliver_reminder

    mail.outbox.clear()
    deliver_reminder(
        enrolment_id=line_only.enrolments.get().pk,
        kind="reminder_day",
        starts_at=upcoming_round.starts_at.isoformat(),
    )
    assert [m.to[0] for m in mail.outbox] == ["l@example.com"]


def test_nothing_goes_to_line_when_the_channel_is_off(line_emulator, upcoming_round, settings):
    enrol_linked(line_emulator, upcoming_round, 2)
    settings.LINE_CHANNEL_ACCESS_TOKEN = ""
    mail.outbox.clear()
    assert remind(upcoming_round).line == 0
    assert line_emulator.calls("multicast") == []


def test_a_reminder_for_a_moved_round_sends_nothing(line_emulator, upcoming_round):
    enrol_linked(line_emulator, upcoming_round, 1)
    old = upcoming_round.starts_at.isoformat()
    upcoming_round.starts_at += datetime.timedelta(days=1)
    upcoming_round.ends_at += datetime.timedelta(days=1)
    upcoming_round.save()
    assert (
        send_round_reminder(round_id=upcoming_round.pk, kind="reminder_day", starts_at=old) is None
    )
    assert timezone.now() < upcoming_round.starts_at
