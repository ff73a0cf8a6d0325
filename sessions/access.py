"""Object access for live sessions, written once and checked on the server."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from courses.access import can_manage_round
from courses.models import Round

from .models import LiveSession
from .services import get_or_create_live_session


def get_round_for_join(round_id: int) -> Round:
    """The round with its live session in one query (the Join hot path)."""
    return get_object_or_404(Round.objects.select_related("live_session"), pk=round_id)


def get_live_session_for_user(user, round_id: int, *, manage: bool = False) -> LiveSession:
    """The round's live session; with ``manage`` only for its trainers and DLA admins."""
    round_ = get_object_or_404(
        Round.objects.select_related("live_session", "programme"), pk=round_id
    )
    if manage and not can_manage_round(user, round_):
        raise Http404
    return get_or_create_live_session(round_=round_)
