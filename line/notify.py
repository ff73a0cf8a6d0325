"""Each domain event turned into a LINE notice (ids in; called by ``line.tasks``).

The e-mail fallback of the enrolment notices is the e-mail ``courses`` would have sent
(asked with ``fallback=True``, recorded as an ``EnrolmentNotice`` there, so never twice).
Events with no e-mail of their own (the room is open, the post-test is open, a certificate
revoked) fall back to a plain e-mail with the same text (``line/email/notice``).
"""

from __future__ import annotations

import datetime
import logging

from django.db import transaction
from django.utils import timezone

from assessments.models import QuizKind
from assessments.selectors import quizzes_by_round
from certificates.models import Certificate
from certificates.rendering import verification_url
from core.mail import render_templated_mail
from courses import notices as course_notices
from courses.models import Enrolment, EnrolmentStatus, Round
from sessions.models import LiveSession

from . import messages
from .delivery import DeliveryResult, deliver
from .models import LineSchedule, NoticeKind, ScheduleKind

logger = logging.getLogger(__name__)

REMINDER_BEFORE = {
    ScheduleKind.REMINDER_DAY: datetime.timedelta(days=1),
    ScheduleKind.REMINDER_HOUR: datetime.timedelta(hours=1),
}


def _utc(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).isoformat()


def _email_notice(notice: messages.Notice):
    """The fallback for notices with no e-mail of their own: the same text by e-mail."""
    from accounts.models import User

    def send(user_ids: list[int]) -> int:
        sent = 0
        for user in User.objects.filter(pk__in=user_ids, is_active=True).exclude(email=""):
            render_templated_mail(
                template="line/email/notice",
                context={
                    "name": user.full_name_th or user.email,
                    "title": notice.title,
                    "lines": notice.lines,
                    "buttons": notice.buttons,
                },
                to=[user.email],
            ).send()
            sent += 1
        return sent

    return send


def _round_user_ids(round_: Round) -> dict[int, int]:
    """user id -> enrolment id of the people holding a seat."""
    return dict(
        Enrolment.objects.for_round(round_)
        .enrolled()
        .filter(user__is_active=True)
        .values_list("user_id", "pk")
    )


# --- Enrolments ---------------------------------------------------------------------------


def notify_enrolment(*, enrolment_id: int, previous_status: str | None) -> DeliveryResult | None:
    enrolment = Enrolment.objects.filter(pk=enrolment_id).select_related("round__programme").first()
    if enrolment is None:
        return None
    round_ = enrolment.round
    if enrolment.status == EnrolmentStatus.ENROLLED:
        ensure_round_schedule(round_id=round_.pk)
    if previous_status is None and enrolment.status == EnrolmentStatus.ENROLLED:
        kind, notice = NoticeKind.CONFIRMATION, messages.enrolment_confirmed(round_)
        key = f"e{enrolment.pk}:{_utc(enrolment.queued_at)}"
    elif previous_status is None and enrolment.status == EnrolmentStatus.WAITLISTED:
        kind, notice = NoticeKind.WAITLISTED, messages.waitlisted(round_)
        key = f"e{enrolment.pk}:{_utc(enrolment.queued_at)}"
    elif (
        previous_status == EnrolmentStatus.WAITLISTED
        and enrolment.status == EnrolmentStatus.ENROLLED
    ):
        kind, notice = NoticeKind.PROMOTED, messages.promoted(round_)
        key = f"e{enrolment.pk}:{_utc(enrolment.status_changed_at)}"
    else:
        return None

    def email(user_ids: list[int]) -> int:
        if kind == NoticeKind.PROMOTED:
            return course_notices.deliver_promotion_notice(enrolment_id=enrolment.pk, fallback=True)
        return course_notices.deliver_registration_notice(
            enrolment_ids=[enrolment.pk], fallback=True
        )

    return deliver(
        kind=kind,
        key=key,
        user_ids=[enrolment.user_id],
        notice=notice,
        email_fallback=email,
        bulk=False,
    )


# --- Round-wide sends: reminders and the post-test ------------------------------------------


def post_test_for(round_: Round):
    quiz = quizzes_by_round([round_], QuizKind.POST_TEST).get(round_.pk)
    if quiz is None or not quiz.is_published:
        return None
    return quiz


def _due_times(round_: Round) -> dict[str, datetime.datetime]:
    due = {kind: round_.starts_at - before for kind, before in REMINDER_BEFORE.items()}
    quiz = post_test_for(round_)
    if quiz is not None:
        due[ScheduleKind.POST_TEST_OPEN] = max(quiz.opens_at or round_.ends_at, round_.ends_at)
    return due


def ensure_round_schedule(*, round_id: int, now: datetime.datetime | None = None) -> int:
    """Enqueue the round's reminders and post-test notice once each (deferred tasks).
    A backend without deferred tasks (the tests' immediate one) schedules nothing."""
    from .tasks import run_line_schedule

    if not run_line_schedule.get_backend().supports_defer:
        return 0
    now = now or timezone.now()
    round_ = Round.objects.filter(pk=round_id).first()
    if round_ is None:
        return 0
    enqueued = 0
    for kind, due_at in _due_times(round_).items():
        if due_at <= now:
            continue
        schedule, created = LineSchedule.objects.get_or_create(
            round=round_, kind=kind, due_at=due_at
        )
        if created:
            schedule_id = schedule.pk
            transaction.on_commit(
                lambda schedule_id=schedule_id, due_at=due_at: run_line_schedule.using(
                    run_after=due_at
                ).enqueue(schedule_id=schedule_id)
            )
            enqueued += 1
    return enqueued


def run_schedule(*, schedule_id: int, now: datetime.datetime | None = None):
    schedule = LineSchedule.objects.filter(pk=schedule_id).select_related("round").first()
    if schedule is None:
        return None
    if _due_times(schedule.round).get(schedule.kind) != schedule.due_at:
        return None  # the round or the post-test moved: a newer schedule sends it
    if schedule.kind == ScheduleKind.POST_TEST_OPEN:
        return send_post_test_open(round_id=schedule.round_id, now=now)
    return send_round_reminder(
        round_id=schedule.round_id,
        kind=schedule.kind,
        starts_at=schedule.round.starts_at.isoformat(),
        now=now,
    )


def send_round_reminder(
    *, round_id: int, kind: str, starts_at: str, now: datetime.datetime | None = None, sleep=None
) -> DeliveryResult | None:
    """The day-before or hour-before reminder to everyone holding a seat, by multicast."""
    now = now or timezone.now()
    round_ = Round.objects.filter(pk=round_id).select_related("programme").first()
    expected = datetime.datetime.fromisoformat(starts_at)
    if round_ is None or round_.starts_at != expected or now >= round_.starts_at:
        return None
    enrolments = _round_user_ids(round_)

    def email(user_ids: list[int]) -> int:
        return sum(
            course_notices.deliver_reminder(
                enrolment_id=enrolments[user_id],
                kind=kind,
                starts_at=starts_at,
                now=now,
                fallback=True,
            )
            for user_id in user_ids
            if user_id in enrolments
        )

    return deliver(
        kind=kind,
        key=f"r{round_.pk}:{_utc(round_.starts_at)}",
        user_ids=list(enrolments),
        notice=messages.reminder(round_, kind),
        email_fallback=email,
        sleep=sleep,
    )


def send_post_test_open(*, round_id: int, now: datetime.datetime | None = None):
    now = now or timezone.now()
    round_ = Round.objects.filter(pk=round_id).first()
    quiz = post_test_for(round_) if round_ else None
    if quiz is None or not quiz.is_open(now):
        return None
    notice = messages.post_test_open(round_, quiz)
    return deliver(
        kind=NoticeKind.POST_TEST_OPEN,
        key=f"q{quiz.pk}:r{round_.pk}",
        user_ids=list(_round_user_ids(round_)),
        notice=notice,
        email_fallback=_email_notice(notice),
    )


# --- Live sessions and certificates --------------------------------------------------------


def send_room_open(*, live_session_id: int) -> DeliveryResult | None:
    """The trainer has started the session: the Join link to everyone holding a seat."""
    session = LiveSession.objects.filter(pk=live_session_id).select_related("round").first()
    if session is None or session.started_at is None:
        return None
    round_ = session.round
    if timezone.now() > round_.ends_at:
        return None
    notice = messages.room_open(round_)
    return deliver(
        kind=NoticeKind.ROOM_OPEN,
        key=f"s{session.pk}:{session.create_time_ms or 0}",
        user_ids=list(_round_user_ids(round_)),
        notice=notice,
        email_fallback=_email_notice(notice),
    )


def send_certificate_notice(*, certificate_id: int, kind: str) -> DeliveryResult | None:
    certificate = Certificate.objects.filter(pk=certificate_id).first()
    if certificate is None or certificate.user_id is None:
        return None
    verify = verification_url(certificate.verification_code)
    if kind == NoticeKind.CERTIFICATE_ISSUED:
        notice = messages.certificate_issued(certificate, verify)

        # The "certificate ready" e-mail always goes (certificates sends it): nothing more.
        def email(user_ids):
            return 0
    else:
        notice = messages.certificate_revoked(certificate, verify)

        # The "certificate revoked" e-mail always goes (certificates sends it) too.
        def email(user_ids):
            return 0

    return deliver(
        kind=kind,
        key=f"c{certificate.pk}",
        user_ids=[certificate.user_id],
        notice=notice,
        email_fallback=email,
        bulk=False,
    )


def email_refused_batch(*, batch_id: int, user_ids: list[int]) -> int:
    """E-mail the people of a batch LINE refused on a later retry (quota spent meanwhile)."""
    from .models import LineBatch

    batch = LineBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        return 0
    head = batch.key.partition(":")[0]
    if batch.kind in (ScheduleKind.REMINDER_DAY, ScheduleKind.REMINDER_HOUR):
        round_ = Round.objects.filter(pk=int(head[1:])).first()
        if round_ is None:
            return 0
        enrolments = _round_user_ids(round_)
        return sum(
            course_notices.deliver_reminder(
                enrolment_id=enrolments[user_id],
                kind=batch.kind,
                starts_at=round_.starts_at.isoformat(),
                fallback=True,
            )
            for user_id in user_ids
            if user_id in enrolments
        )
    if batch.kind in (NoticeKind.CONFIRMATION, NoticeKind.WAITLISTED):
        return course_notices.deliver_registration_notice(
            enrolment_ids=[int(head[1:])], fallback=True
        )
    if batch.kind == NoticeKind.PROMOTED:
        return course_notices.deliver_promotion_notice(enrolment_id=int(head[1:]), fallback=True)
    if batch.kind == NoticeKind.CERTIFICATE_ISSUED:
        return 0
    alt_text = batch.message[0].get("altText", "") if batch.message else ""
    return _email_notice(messages.Notice(title=alt_text, lines=[], buttons=[]))(user_ids)
