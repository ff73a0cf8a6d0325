"""Enrolment: seats allocated without races, a wait list served in order.

Every change that matters to the participant is followed, after commit, by a Thai e-mail
sent by the worker (``courses.tasks``): a confirmation with one ``.ics`` per round, a
wait-list notice, a promotion notice, and reminders the day before and one hour before
the round (deferred tasks that re-check the enrolment when they run).
"""

import datetime
import logging
from collections import Counter
from collections.abc import Sequence

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.selectors import missing_for_enrolment
from core.errors import CodedError

from .models import Enrolment, EnrolmentStatus, Programme, Round
from .signals import enrolment_changed, programme_changed, round_changed, round_rescheduled

logger = logging.getLogger(__name__)

REMINDERS = (
    ("reminder_day", datetime.timedelta(days=1)),
    ("reminder_hour", datetime.timedelta(hours=1)),
)


class EnrolmentError(CodedError):
    """A refused enrolment; ``round`` is the round it is about, when there is one."""

    MESSAGES = {
        "registration_not_open": _("Registration for this round has not opened yet."),
        "registration_closed": _("Registration for this round has closed."),
        "already_enrolled": _("You are already enrolled in this round."),
        "already_waitlisted": _("You are already on the waiting list for this round."),
        "not_enrolled": _("You are not enrolled in this round."),
        "round_started": _("This round has already started: the enrolment cannot be cancelled."),
        "no_round_chosen": _("Choose at least one round."),
        "round_not_in_programme": _(
            "The round you sent is not one of this programme's rounds. Reload the page and "
            "choose again."
        ),
        "email_not_verified": _(
            "Please confirm your e-mail address first: open the e-mail we sent you and follow "
            "the link. Your enrolment is confirmed once the address is confirmed."
        ),
        "profile_incomplete": _(
            "Please complete your profile first: your Thai name and your LAO are needed."
        ),
        "consent_missing": _(
            "Please give your consent to the processing of your personal data first "
            "(My data and consent)."
        ),
    }

    def __init__(self, code: str, *, round_: Round | None = None):
        super().__init__(code)
        self.round = round_


def _check_registration_window(round_: Round, now: datetime.datetime) -> None:
    if now < round_.registration_opens_at:
        raise EnrolmentError("registration_not_open", round_=round_)
    if now > round_.registration_closes_at:
        raise EnrolmentError("registration_closed", round_=round_)


def check_participant_ready(user) -> None:
    """Refuse people who may not enrol yet: e-mail unconfirmed, profile or consent missing."""
    missing = missing_for_enrolment(user)
    if missing:
        raise EnrolmentError(missing[0])


def _has_free_seat(round_: Round, user) -> bool:
    """Called with the round's row locked."""
    enrolled = Enrolment.objects.for_round(round_).enrolled()
    if enrolled.count() >= round_.capacity:
        return False
    if round_.lao_quota and user.organisation_id:
        same_lao = enrolled.filter(user__organisation_id=user.organisation_id).count()
        if same_lao >= round_.lao_quota:
            return False
    return True


def _enrol_locked(*, user, round_: Round, src: str, now: datetime.datetime) -> Enrolment:
    """Enrol with the round's row already locked by the caller."""
    _check_registration_window(round_, now)
    enrolment = Enrolment.objects.filter(user=user, round=round_).first()
    if enrolment is not None and enrolment.status == EnrolmentStatus.ENROLLED:
        raise EnrolmentError("already_enrolled", round_=round_)
    if enrolment is not None and enrolment.status == EnrolmentStatus.WAITLISTED:
        raise EnrolmentError("already_waitlisted", round_=round_)

    status = (
        EnrolmentStatus.ENROLLED if _has_free_seat(round_, user) else EnrolmentStatus.WAITLISTED
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
        if src:
            enrolment.src = src[:64]
        enrolment.save(update_fields=["status", "queued_at", "status_changed_at", "src"])
    enrolment.round = round_
    _announce(enrolment, previous=None)
    return enrolment


def enrol_participant(
    *,
    user,
    round_: Round,
    src: str = "",
    now: datetime.datetime | None = None,
    require_ready: bool = False,
) -> Enrolment:
    """Give the participant a seat, or a place at the end of the wait list.

    The round's row is locked first, so concurrent enrolments in one round are counted one
    after another (PostgreSQL row lock; SQLite serialises writers anyway). A participant
    who cancelled earlier may enrol again and joins the queue anew. With ``require_ready``
    (the web views) the person must have a confirmed e-mail, a complete profile and the
    training consent.
    """
    if require_ready:
        check_participant_ready(user)
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=round_.pk)
        # Taken after the lock, so queue order is the order seats were decided in.
        now = now or timezone.now()
        enrolment = _enrol_locked(user=user, round_=round_, src=src, now=now)
        _notify_registered([enrolment.pk])
    return enrolment


def enrol_in_rounds(
    *,
    user,
    rounds: Sequence[Round],
    src: str = "",
    now: datetime.datetime | None = None,
    require_ready: bool = True,
) -> list[Enrolment]:
    """Enrol in every round chosen, all or nothing; one confirmation e-mail for all."""
    if not rounds:
        raise EnrolmentError("no_round_chosen")
    if require_ready:
        check_participant_ready(user)
    enrolments = []
    with transaction.atomic():
        # Locked in id order, so two people enrolling in several rounds never deadlock.
        locked = Round.objects.select_for_update().filter(pk__in=[r.pk for r in rounds])
        now = now or timezone.now()
        for round_ in sorted(locked.order_by("pk"), key=lambda r: r.number):
            enrolments.append(_enrol_locked(user=user, round_=round_, src=src, now=now))
        _notify_registered([enrolment.pk for enrolment in enrolments])
    return enrolments


def enrol_in_programme(
    *,
    user,
    programme: Programme,
    src: str = "",
    now: datetime.datetime | None = None,
    require_ready: bool = False,
) -> list[Enrolment]:
    """Enrol in every round of the programme still open; rounds already held are kept."""
    if require_ready:
        check_participant_ready(user)
    now = now or timezone.now()
    enrolments = []
    with transaction.atomic():
        rounds = list(Round.objects.select_for_update().filter(programme=programme).order_by("pk"))
        for round_ in sorted(rounds, key=lambda r: r.number):
            try:
                enrolments.append(_enrol_locked(user=user, round_=round_, src=src, now=now))
            except EnrolmentError as error:
                if error.code not in {
                    "already_enrolled",
                    "already_waitlisted",
                    "registration_closed",
                    "registration_not_open",
                }:
                    raise
        _notify_registered([enrolment.pk for enrolment in enrolments])
    return enrolments


def cancel_enrolment(*, enrolment: Enrolment, now: datetime.datetime | None = None) -> Enrolment:
    """Cancel a seat or a place in the queue; a freed seat goes to the next in line."""
    now = now or timezone.now()
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=enrolment.round_id)
        enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        if enrolment.status == EnrolmentStatus.CANCELLED:
            raise EnrolmentError("not_enrolled", round_=round_)
        if now >= round_.starts_at:
            raise EnrolmentError("round_started", round_=round_)
        previous = enrolment.status
        enrolment.status = EnrolmentStatus.CANCELLED
        enrolment.status_changed_at = now
        enrolment.save(update_fields=["status", "status_changed_at"])
        _announce(enrolment, previous=previous)
        if previous == EnrolmentStatus.ENROLLED:
            promote_from_waitlist(round_=round_, now=now)
    return enrolment


def cancel_upcoming_enrolments(*, user, now: datetime.datetime | None = None) -> list[Enrolment]:
    """Cancel the person's places in rounds not yet started (consent withdrawn, account
    deleted); freed seats go to the wait list. Past enrolments are kept."""
    now = now or timezone.now()
    cancelled = []
    upcoming = (
        Enrolment.objects.for_user(user).active().filter(round__starts_at__gt=now).order_by("pk")
    )
    for enrolment in upcoming:
        cancelled.append(cancel_enrolment(enrolment=enrolment, now=now))
    return cancelled


def promote_from_waitlist(
    *, round_: Round, now: datetime.datetime | None = None
) -> list[Enrolment]:
    """Fill free seats from the wait list, first come first served. Idempotent.

    With a quota per LAO, people whose LAO already holds its share of seats keep their
    place in the queue and the next person from another LAO moves up.
    """
    now = now or timezone.now()
    promoted = []
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=round_.pk)
        enrolled = Enrolment.objects.for_round(round_).enrolled()
        free = round_.capacity - enrolled.count()
        if free <= 0:
            return promoted
        queue = Enrolment.objects.for_round(round_).waitlisted().in_queue_order()
        if round_.lao_quota:
            per_lao = Counter(
                dict(
                    enrolled.values("user__organisation_id")
                    .annotate(n=Count("pk"))
                    .values_list("user__organisation_id", "n")
                )
            )
            chosen = []
            for enrolment in queue.select_related("user"):
                if len(chosen) == free:
                    break
                lao = enrolment.user.organisation_id
                if lao is not None and per_lao[lao] >= round_.lao_quota:
                    continue
                per_lao[lao] += 1
                chosen.append(enrolment)
        else:
            chosen = list(queue[:free])
        for enrolment in chosen:
            enrolment.status = EnrolmentStatus.ENROLLED
            enrolment.status_changed_at = now
            enrolment.save(update_fields=["status", "status_changed_at"])
            _announce(enrolment, previous=EnrolmentStatus.WAITLISTED)
            promoted.append(enrolment)
        _notify_promoted([enrolment.pk for enrolment in promoted])
    return promoted


def schedule_round_reminders(*, round_: Round) -> int:
    """(Re)schedule the reminders of everyone holding a seat, e.g. after the round moved.

    Reminders already scheduled for the old start time find it changed and do nothing.
    """
    ids = list(Enrolment.objects.for_round(round_).enrolled().values_list("pk", flat=True))
    round_id = round_.pk
    transaction.on_commit(lambda: _schedule_reminders(ids))
    transaction.on_commit(lambda: round_rescheduled.send(sender=Round, round_id=round_id))
    return len(ids)


def announce_programme_changed(*, programme: Programme) -> None:
    """Tell listeners, once committed, that the programme was edited
    (``programme_changed``)."""
    programme_id = programme.pk
    transaction.on_commit(
        lambda: programme_changed.send(sender=Programme, programme_id=programme_id)
    )


def announce_round_changed(*, round_: Round) -> None:
    """Tell listeners, once committed, that the round was edited (``round_changed``)."""
    round_id = round_.pk
    transaction.on_commit(lambda: round_changed.send(sender=Round, round_id=round_id))


def _announce(enrolment: Enrolment, *, previous: str | None) -> None:
    """Tell listeners (other apps) once the transaction has committed."""
    transaction.on_commit(
        lambda: enrolment_changed.send(
            sender=Enrolment, enrolment_id=enrolment.pk, previous_status=previous
        )
    )


def _notify_registered(enrolment_ids: list[int]) -> None:
    if not enrolment_ids:
        return
    from .tasks import send_registration_notice

    def enqueue():
        send_registration_notice.enqueue(enrolment_ids=enrolment_ids)
        _schedule_reminders(enrolment_ids)

    transaction.on_commit(enqueue)


def _notify_promoted(enrolment_ids: list[int]) -> None:
    from .tasks import send_promotion_notice

    def enqueue():
        for enrolment_id in enrolment_ids:
            send_promotion_notice.enqueue(enrolment_id=enrolment_id)
        _schedule_reminders(enrolment_ids)

    if enrolment_ids:
        transaction.on_commit(enqueue)


def _schedule_reminders(enrolment_ids: list[int]) -> None:
    """Deferred reminder tasks for the enrolments holding a seat.

    Each task carries the round's start time and re-checks the enrolment when it runs. A
    backend without deferred tasks (the immediate backend of the test settings) cannot
    hold them, so nothing is scheduled there.
    """
    from .tasks import send_enrolment_reminder

    backend = send_enrolment_reminder.get_backend()
    if not backend.supports_defer:
        return
    now = timezone.now()
    enrolments = (
        Enrolment.objects.filter(pk__in=enrolment_ids)
        .enrolled()
        .select_related("round")
        .only("pk", "status", "round__starts_at")
    )
    for enrolment in enrolments:
        starts_at = enrolment.round.starts_at
        for kind, before in REMINDERS:
            run_after = starts_at - before
            if run_after <= now:
                continue
            send_enrolment_reminder.using(run_after=run_after).enqueue(
                enrolment_id=enrolment.pk, kind=kind, starts_at=starts_at.isoformat()
            )
