"""Object access for rounds and enrolments, written once and checked on the server."""

from django.shortcuts import get_object_or_404

from accounts.access import is_dla_admin

from .models import Enrolment, Round


def rounds_managed_by(user):
    """Rounds a user may run: all for DLA administrators, their own for trainers."""
    if is_dla_admin(user):
        return Round.objects.all()
    if not user.is_authenticated:
        return Round.objects.none()
    return Round.objects.trained_by(user)


def can_manage_round(user, round_: Round) -> bool:
    return rounds_managed_by(user).filter(pk=round_.pk).exists()


def get_enrolment_for_user(user, pk) -> Enrolment:
    """The participant's own enrolment, or 404 (never another participant's)."""
    return get_object_or_404(Enrolment.objects.select_related("round"), pk=pk, user=user)
