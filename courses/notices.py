"""The e-mails about enrolments: what they say, and sending each one once.

Called by the tasks in ``courses.tasks`` (ids in, nothing returned). Each e-mail is
recorded as an ``EnrolmentNotice`` in the same transaction as it is sent, so a task that
runs twice sends nothing the second time, and a failed send leaves no record.

A participant who chose another channel (LINE only) gets no e-mail here
(``accounts.channels.email_wanted``); that channel calls back with ``fallback=True`` for
the notices it could not deliver.
"""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.channels import email_wanted
from core.mail import render_templated_mail
from core.thai import format_thai_date, format_thai_time

from .ics import round_calendar
from .links import round_url
from .models import Enrolment, EnrolmentNotice, EnrolmentStatus, NoticeKind


def _claim(enrolment: Enrolment, kind: str, key: str) -> bool:
    """Record the notice; False when it was already sent."""
    try:
        with transaction.atomic():
            EnrolmentNotice.objects.create(enrolment=enrolment, kind=kind, key=key)
    except IntegrityError:
        return False
    return True


def waitlist_position(enrolment: Enrolment) -> int:
    ahead = (
        Enrolment.objects.for_round(enrolment.round_id)
        .waitlisted()
        .filter(
            Q(queued_at__lt=enrolment.queued_at)
            | Q(queued_at=enrolment.queued_at, pk__lt=enrolment.pk)
        )
        .count()
    )
    return ahead + 1


def _round_context(enrolment: Enrolment) -> dict:
    round_ = enrolment.round
    return {
        "number": round_.number,
        "display_title": round_.display_title,
        "date": format_thai_date(round_.starts_at, "long", language="th"),
        "starts": format_thai_time(round_.starts_at),
        "starts_clock": timezone.localtime(round_.starts_at).strftime("%H:%M"),
        "ends": format_thai_time(round_.ends_at),
        "join_opens": format_thai_time(round_.join_opens_at),
        "url": round_url(round_),
        "status": enrolment.status,
    }


def _calendar(enrolment: Enrolment) -> tuple[str, bytes, str]:
    round_ = enrolment.round
    programme = round_.programme
    url = round_url(round_)
    description = _(
        "Online training, round %(number)s. Join from “My training” from %(time)s: %(url)s"
    ) % {"number": round_.number, "time": format_thai_time(round_.join_opens_at), "url": url}
    content = round_calendar(
        uid=f"esc-round-{round_.pk}-enrolment-{enrolment.pk}",
        title=round_.numbered_title,
        starts_at=round_.starts_at,
        ends_at=round_.ends_at,
        url=url,
        description=f"{description}\n{programme.title}",
        location=_("Online"),
    )
    return (
        f"esc-round-{round_.number}.ics",
        content.encode("utf-8"),
        "text/calendar; charset=utf-8; method=PUBLISH",
    )


def deliver_registration_notice(*, enrolment_ids: list[int], fallback: bool = False) -> int:
    """One e-mail for the rounds just enrolled in: a confirmation with an .ics per round
    holding a seat, or a wait-list notice when every round is full. Returns mails sent."""
    enrolments = list(
        Enrolment.objects.filter(pk__in=enrolment_ids)
        .active()
        .select_related("user", "round__programme")
        .order_by("round__number")
    )
    if not enrolments:
        return 0
    user = enrolments[0].user
    if not fallback and not email_wanted(user):
        return 0
    with translation.override("th"), transaction.atomic():
        claimed = []
        for enrolment in enrolments:
            kind = (
                NoticeKind.CONFIRMATION
                if enrolment.status == EnrolmentStatus.ENROLLED
                else NoticeKind.WAITLISTED
            )
            if _claim(enrolment, kind, enrolment.queued_at.isoformat()):
                claimed.append(enrolment)
        if not claimed:
            return 0
        enrolled = [e for e in claimed if e.status == EnrolmentStatus.ENROLLED]
        waiting = [e for e in claimed if e.status == EnrolmentStatus.WAITLISTED]
        context = {
            "name": user.full_name_th or user.email,
            "programme": claimed[0].round.programme.title,
            "enrolled": [_round_context(e) for e in enrolled],
            "waiting": [{**_round_context(e), "position": waitlist_position(e)} for e in waiting],
        }
        template = (
            "courses/email/enrolment_confirmed"
            if enrolled
            else "courses/email/enrolment_waitlisted"
        )
        message = render_templated_mail(
            template=template,
            context=context,
            to=[user.email],
            attachments=[_calendar(e) for e in enrolled],
        )
        message.send()
    return 1


def deliver_promotion_notice(*, enrolment_id: int, fallback: bool = False) -> int:
    enrolment = (
        Enrolment.objects.filter(pk=enrolment_id)
        .enrolled()
        .select_related("user", "round__programme")
        .first()
    )
    if enrolment is None or (not fallback and not email_wanted(enrolment.user)):
        return 0
    with translation.override("th"), transaction.atomic():
        if not _claim(enrolment, NoticeKind.PROMOTED, enrolment.status_changed_at.isoformat()):
            return 0
        user = enrolment.user
        render_templated_mail(
            template="courses/email/enrolment_promoted",
            context={
                "name": user.full_name_th or user.email,
                "programme": enrolment.round.programme.title,
                "round": _round_context(enrolment),
            },
            to=[user.email],
            attachments=[_calendar(enrolment)],
        ).send()
    return 1


def deliver_reminder(
    *,
    enrolment_id: int,
    kind: str,
    starts_at: str,
    now: datetime.datetime | None = None,
    fallback: bool = False,
) -> int:
    """A reminder, if the person still holds the seat and the round has not moved."""
    now = now or timezone.now()
    expected = datetime.datetime.fromisoformat(starts_at)
    enrolment = (
        Enrolment.objects.filter(pk=enrolment_id)
        .enrolled()
        .select_related("user", "round__programme")
        .first()
    )
    if enrolment is None or not enrolment.user.is_active:
        return 0
    if not fallback and not email_wanted(enrolment.user):
        return 0
    round_ = enrolment.round
    if round_.starts_at != expected or now >= round_.starts_at:
        return 0
    with translation.override("th"), transaction.atomic():
        if not _claim(enrolment, kind, expected.astimezone(datetime.UTC).isoformat()):
            return 0
        user = enrolment.user
        render_templated_mail(
            template=f"courses/email/{kind}",
            context={
                "name": user.full_name_th or user.email,
                "programme": round_.programme.title,
                "round": _round_context(enrolment),
            },
            to=[user.email],
        ).send()
    return 1
