"""Reads of courses that views and other apps use: seats, a person's places, the
enrolment lists of trainers and DLA."""

from django.db.models import Count, F, Q

from .models import Enrolment, EnrolmentStatus, Round


def seats_taken(programme) -> dict[int, int]:
    """{round_id: seats held (enrolled, not wait-listed)} for the programme's rounds."""
    return dict(
        Enrolment.objects.filter(round__programme=programme)
        .enrolled()
        .values("round")
        .annotate(n=Count("pk"))
        .values_list("round", "n")
    )


def enrolments_by_round(user, programme) -> dict[int, Enrolment]:
    """{round_id: the person's enrolment, whatever its status} in the programme."""
    return {
        enrolment.round_id: enrolment
        for enrolment in Enrolment.objects.for_user(user).filter(round__programme=programme)
    }


def with_enrolment_counts(rounds):
    """The rounds with ``enrolled_count`` and ``waitlisted_count``."""
    return rounds.annotate(
        enrolled_count=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ENROLLED)),
        waitlisted_count=Count(
            "enrolments", filter=Q(enrolments__status=EnrolmentStatus.WAITLISTED)
        ),
    )


def status_counts(round_) -> dict[str, int]:
    """{status: enrolments} of one round."""
    return dict(
        Enrolment.objects.for_round(round_)
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )


def round_enrolments(round_, filters: dict | None = None):
    """A round's enrolments for its list, in status and queue order, narrowed by the list's
    filters (province, LAO type, status, source, words of a name or e-mail)."""
    enrolments = (
        Enrolment.objects.for_round(round_)
        .select_related("user__organisation", "round")
        .order_by("status", "queued_at", "pk")
    )
    data = filters or {}
    if data.get("province"):
        enrolments = enrolments.filter(user__organisation__province_code=data["province"])
    if data.get("lao_type"):
        enrolments = enrolments.filter(user__organisation__lao_type=data["lao_type"])
    if data.get("status"):
        enrolments = enrolments.filter(status=data["status"])
    if data.get("src"):
        enrolments = enrolments.filter(src=data["src"])
    for word in (data.get("q") or "").split():
        enrolments = enrolments.filter(
            Q(user__first_name__icontains=word)
            | Q(user__last_name__icontains=word)
            | Q(user__email__icontains=word)
        )
    return enrolments


def enrolled_rounds_with_live_session(user, round_ids):
    """The person's seats (enrolled) in these rounds, with each round's live session."""
    return Enrolment.objects.filter(
        user=user, round_id__in=round_ids, status=EnrolmentStatus.ENROLLED
    ).select_related("round__live_session")


def seat_holders(round_id):
    """The round's enrolled participants' enrolments, with their LAO, by name."""
    return (
        Enrolment.objects.filter(round_id=round_id, status=EnrolmentStatus.ENROLLED)
        .select_related("user__organisation")
        .order_by("user__first_name", "user__last_name", "pk")
    )


# --- For the dashboards (reports): counts grouped by round and the person's LAO ----------


def rounds():
    return Round.objects.all()


def rounds_trained_by(user_id):
    """The ids of the rounds the person runs, as a subquery."""
    return Round.objects.filter(trainers=user_id).values("pk")


def enrolment_cells(narrow):
    """Seats and wait-list places per (round id, province code, LAO type): one query.
    ``narrow(queryset, lao=..., round=...)`` limits the enrolments (the reports' scope)."""
    enrolments = narrow(Enrolment.objects.all(), lao="user__organisation", round="round")
    return (
        enrolments.order_by()
        .values(
            "round_id",
            province=F("user__organisation__province_code"),
            lao_type=F("user__organisation__lao_type"),
        )
        .annotate(
            enrolled=Count("pk", filter=Q(status=EnrolmentStatus.ENROLLED)),
            waitlisted=Count("pk", filter=Q(status=EnrolmentStatus.WAITLISTED)),
        )
    )


def seat_holder_ids(round_ids, narrow):
    """The ids of the people holding a seat in these rounds, as a subquery, narrowed."""
    enrolments = narrow(
        Enrolment.objects.filter(round_id__in=round_ids, status=EnrolmentStatus.ENROLLED),
        lao="user__organisation",
        round="round",
    )
    return enrolments.order_by().values("user_id")


def active_enrolments():
    """Holding a seat or a place in the queue."""
    return Enrolment.objects.active()


def seats_in_ended_rounds(now):
    """Enrolments holding a seat in a round that had ended by ``now``."""
    return Enrolment.objects.enrolled().filter(round__ends_at__lte=now)


def seat_round_and_programme_ids(user) -> list[tuple[int, int]]:
    """(round id, programme id) of every round the person holds a seat in."""
    return list(
        Enrolment.objects.for_user(user).enrolled().values_list("round_id", "round__programme_id")
    )
