"""What the service topics share: the error class, the round's session, the URLs BBB is
given, the name BBB shows, and scheduling reconciliation after a change."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.errors import CodedError
from courses.models import Round

from ..evidence import our_user_id
from ..models import LiveSession, MeetingInstance


class SessionError(CodedError):
    """A refused action; ``code`` is stable for tests and views, ``message`` is Thai."""

    MESSAGES = {
        "not_enrolled": _("You are not enrolled in this round."),
        "waitlisted": _(
            "You are on the waiting list for this round. You can join once you get a seat."
        ),
        "cancelled": _("Your enrolment in this round was cancelled."),
        "window_not_open": _("The live session is not open yet."),
        "session_over": _("This live session is over."),
        "not_manager": _("Only the round's trainers can do this."),
        "not_running": _("The meeting is not running."),
        "invalid_status": _("Choose a valid attendance status."),
        "reason_required": _("Give a reason for the change."),
        "not_a_participant": _("This person is not enrolled in the round."),
        "self_host": _("A participant cannot watch on their own screen."),
        "import_has_errors": _("The file has errors; nothing was saved."),
        "import_already_applied": _("This file has already been imported."),
        "import_unresolved": _("Choose who each marked line is, or skip it. Nothing was saved."),
    }
    # The join page: someone without a seat is refused; a room not open yet or over is a
    # normal state of the page, shown with 200.
    STATUSES = {
        "not_enrolled": 403,
        "waitlisted": 403,
        "cancelled": 403,
        "window_not_open": 200,
        "session_over": 200,
    }


# --- Sessions and URLs ----------------------------------------------------------------------


def get_or_create_live_session(*, round_: Round) -> LiveSession:
    """The round's session; no query when the caller used select_related("live_session")."""
    try:
        return round_.live_session
    except LiveSession.DoesNotExist:
        session, _created = LiveSession.objects.get_or_create(round=round_)
        round_.live_session = session
        return session


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def callback_urls(session: LiveSession) -> dict[str, str]:
    """The meta_* URLs BigBlueButton calls back (no language prefix, see config/urls.py)."""
    return {
        "endCallbackUrl": absolute(
            reverse("bbb_callbacks:end", kwargs={"nonce": session.callback_nonce})
        ),
        "analytics-callback-url": absolute(reverse("bbb_callbacks:analytics")),
        "bbb-recording-ready-url": absolute(reverse("bbb_callbacks:recording_ready")),
    }


def webhook_url() -> str:
    return absolute(reverse("bbb_callbacks:webhook"))


def session_page_url(round_: Round) -> str:
    return absolute(reverse("training_sessions:detail", kwargs={"round_id": round_.pk}))


def join_page_url(round_: Round) -> str:
    return absolute(reverse("training_sessions:join", kwargs={"round_id": round_.pk}))


def display_name(user) -> str:
    """fullName in BBB: the Thai name and the LAO, so the trainer knows who is who."""
    name = user.full_name_th or user.email
    organisation = user.organisation if user.organisation_id else None
    return f"{name} ({organisation.name_th})" if organisation else name


def schedule_reconciliation(*, session: LiveSession) -> None:
    """Reconcile now, and start the follow-up that fetches the recordings and reconciles
    again until the recordings and the analytics report are in (``follow_up.py``)."""
    from ..tasks import follow_up_live_session_task, reconcile_attendance_task

    session_id = session.pk
    transaction.on_commit(lambda: reconcile_attendance_task.enqueue(session_id=session_id))
    transaction.on_commit(lambda: follow_up_live_session_task.enqueue(session_id=session_id))


def known_user_ids(external_user_ids: Iterable[str]) -> set[int]:
    """Our users among the userIDs BBB reported (one query; none when no ID is ours)."""
    ids = {our_user_id(x) for x in external_user_ids} - {None}
    if not ids:
        return set()
    return set(get_user_model().objects.filter(pk__in=ids).values_list("pk", flat=True))


def note_meeting_instances(*, seen: Iterable[tuple[int, str, int | None]]) -> None:
    """Remember BBB instances (session id, internal meeting ID, createTime) we created or saw
    in a signed answer: one INSERT, those already known are left as they are."""
    instances = [
        MeetingInstance(session_id=session_id, internal_meeting_id=internal, create_time_ms=ms)
        for session_id, internal, ms in seen
        if internal
    ]
    if instances:
        MeetingInstance.objects.bulk_create(instances, ignore_conflicts=True)


def is_known_instance(*, session: LiveSession, internal_meeting_id: str) -> bool:
    return MeetingInstance.objects.filter(
        session=session, internal_meeting_id=internal_meeting_id
    ).exists()
