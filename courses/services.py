"""Enrolment: seats allocated without races, a wait list served in order."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Enrolment, EnrolmentStatus, Programme, Round
from .signals import enrolment_changed


class EnrolmentError(Exception):
    """A refused enrolment; ``code`` is stable for tests and views, ``message`` is Thai."""

    MESSAGES = {
        "registration_not_open": _("Registration for this round has not opened yet."),
        "registration_closed": _("Registration for this round has closed."),
        "already_enrolled": _("You are already enrolled in this round."),
        "already_waitlisted": _("You are already on the waiting list for this round."),
        "not_enrolled": _("You are not enrolled in this round."),
    }

    def __init__(self, code: str):
        self.code = code
        self.message = self.MESSAGES[code]
        super().__init__(code)


def _check_registration_window(round_: Round, now: datetime.datetime) -> None:
    if now < round_.registration_opens_at:
        raise EnrolmentError("registration_not_open")
    if now > round_.registration_closes_at:
        raise EnrolmentError("registration_closed")


def enrol_participant(
    *, user, round_: Round, src: str = "", now: datetime.datetime | None = None
) -> Enrolment:
    """Give the participant a seat, or a place at the end of the wait list.

    The round's row is locked first, so concurrent enrolments in one round are counted one
    after another (PostgreSQL row lock; SQLite serialises writers anyway). A participant
    who cancelled earlier may enrol again and joins the queue anew.
    """
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=round_.pk)
        # Taken after the lock, so queue order is the order seats were decided in.
        now = now or timezone.now()
        _check_registration_window(round_, now)
        enrolment = Enrolment.objects.filter(user=user, round=round_).first()
        if enrolment is not None and enrolment.status == EnrolmentStatus.ENROLLED:
            raise EnrolmentError("already_enrolled")
        if enrolment is not None and enrolment.status == EnrolmentStatus.WAITLISTED:
            raise EnrolmentError("already_waitlisted")

        seats_taken = Enrolment.objects.for_round(round_).enrolled().count()
        status = (
            EnrolmentStatus.ENROLLED
            if seats_taken < round_.capacity
            else EnrolmentStatus.WAITLISTED
        )
        if enrolment is None:
            enrolment = Enrolment.objects.create(
                user=user,
                round=round_,
                status=status,
                src=src[:64],
                queued_at=now,
                status_changed_at=now,
            )
        else:
            enrolment.status = status
            enrolment.queued_at = now
            enrolment.status_changed_at = now
            enrolment.save(update_fields=["status", "queued_at", "status_changed_at"])
        _announce(enrolment, previous=None)
    return enrolment


def enrol_in_programme(
    *, user, programme: Programme, src: str = "", now: datetime.datetime | None = None
) -> list[Enrolment]:
    """Enrol in every round of the programme still open; rounds already held are kept."""
    now = now or timezone.now()
    enrolments = []
    with transaction.atomic():
        for round_ in programme.rounds.order_by("number"):
            try:
                enrolments.append(enrol_participant(user=user, round_=round_, src=src, now=now))
            except EnrolmentError as error:
                if error.code not in {
                    "already_enrolled",
                    "already_waitlisted",
                    "registration_closed",
                    "registration_not_open",
                }:
                    raise
    return enrolments


def cancel_enrolment(*, enrolment: Enrolment, now: datetime.datetime | None = None) -> Enrolment:
    """Cancel a seat or a place in the queue; a freed seat goes to the next in line."""
    now = now or timezone.now()
    with transaction.atomic():
        Round.objects.select_for_update().get(pk=enrolment.round_id)
        enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        if enrolment.status == EnrolmentStatus.CANCELLED:
            raise EnrolmentError("not_enrolled")
        previous = enrolment.status
        enrolment.status = EnrolmentStatus.CANCELLED
        enrolment.status_changed_at = now
        enrolment.save(update_fields=["status", "status_changed_at"])
        _announce(enrolment, previous=previous)
        if previous == EnrolmentStatus.ENROLLED:
            promote_from_waitlist(round_=enrolment.round, now=now)
    return enrolment


def promote_from_waitlist(
    *, round_: Round, now: datetime.datetime | None = None
) -> list[Enrolment]:
    """Fill free seats from the wait list, first come first served. Idempotent."""
    now = now or timezone.now()
    promoted = []
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=round_.pk)
        free = round_.capacity - Enrolment.objects.for_round(round_).enrolled().count()
        if free <= 0:
            return promoted
        queue = Enrolment.objects.for_round(round_).waitlisted().in_queue_order()[:free]
        for enrolment in queue:
            enrolment.status = EnrolmentStatus.ENROLLED
            enrolment.status_changed_at = now
            enrolment.save(update_fields=["status", "status_changed_at"])
            _announce(enrolment, previous=EnrolmentStatus.WAITLISTED)
            promoted.append(enrolment)
    return promoted


def _announce(enrolment: Enrolment, *, previous: str | None) -> None:
    """Tell listeners (e-mails, other apps) once the transaction has committed."""
    transaction.on_commit(
        lambda: enrolment_changed.send(
            sender=Enrolment, enrolment_id=enrolment.pk, previous_status=previous
        )
    )
