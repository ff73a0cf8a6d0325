"""BBB sent a browser back with ``?errors=[{"key": …}]`` after a failed join: read it.

Every page we give BigBlueButton as a place to send people (the join page as
``errorRedirectUrl``, the live-session page as ``logoutURL``) uses ``read_bbb_errors``, so
servers that honour ``errorRedirectUrl`` and those that do not (unpatched 2.7, 2.6) end on
the same Thai message.
"""

import json
import logging

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext_lazy

from . import bbb, services
from .models import LiveSessionStatus

logger = logging.getLogger(__name__)

# BBB sends everyone holding a stale link back at once (ended, restarted): the first of them
# asks getMeetingInfo, the others within these seconds read what it stored.
JOIN_REFRESH_SECONDS = 10
# BBB's ?errors= is a short JSON list ([{"key": ..., "message": ...}]): anything much longer
# or deeper is not from BBB and is not parsed.
MAX_ERRORS_LENGTH = 2000
MAX_ERRORS_SHOWN = 5

# BBB's join error keys (errorRedirectUrl ?errors=[...]) in Thai.
BBB_JOIN_ERRORS = {
    "meetingForciblyEnded": gettext_lazy("The meeting has already ended."),
    "mismatchCreateTimeParam": gettext_lazy("The meeting was restarted. Please press Join again."),
    "invalidMeetingIdentifier": gettext_lazy(
        "The meeting is not open yet. Please press Join again."
    ),
    "maxParticipantsReached": gettext_lazy("The meeting is full."),
}
JOIN_FAILED = gettext_lazy("The meeting could not be joined. Please try again.")


def bbb_join_errors(raw: str, *, ended: bool = False) -> list[str]:
    """BBB's join errors (``?errors=[{"key": ...}]``) as Thai messages, each once.

    ``invalidMeetingIdentifier`` is what a 3.0 server answers for a meeting that ended (it is
    removed at once): when our session has ended, it says so. Whatever else arrives (not
    JSON, too long, too deep, not a list) is one generic message."""
    if not raw:
        return []
    if len(raw) > MAX_ERRORS_LENGTH:
        return [str(JOIN_FAILED)]
    try:
        items = json.loads(raw)
    except (ValueError, RecursionError):
        return [str(JOIN_FAILED)]
    if not isinstance(items, list):
        return [str(JOIN_FAILED)]
    messages = []
    for item in items:
        if not isinstance(item, dict):
            continue
        key = item.get("key", "")
        if ended and key == "invalidMeetingIdentifier":
            key = "meetingForciblyEnded"
        message = str(
            BBB_JOIN_ERRORS.get(key, JOIN_FAILED) if isinstance(key, str) else JOIN_FAILED
        )
        if message not in messages:
            messages.append(message)
    return messages[:MAX_ERRORS_SHOWN] or [str(JOIN_FAILED)]


def read_bbb_errors(request, session) -> list[str]:
    """BBB sent the browser back with ``?errors=`` (ended, restarted...): the Thai messages,
    after asking BBB once more at once. Every page BBB may send people to reads this: the join
    page (our ``errorRedirectUrl``) and the live-session page (our ``logoutURL``, where
    servers before BBB PR #22167/#21654 send validation errors, and 2.6 all of them)."""
    raw = request.GET.get("errors", "")
    if not raw:
        return []
    refresh_key = f"training_sessions:join-refresh:{session.meeting_id}"
    if cache.add(refresh_key, True, JOIN_REFRESH_SECONDS):
        try:
            services.meeting_is_running(session=session, now=timezone.now(), force=True)
        except bbb.BBBError as error:
            logger.warning("Status refresh failed for round %s: %s", session.round_id, error)
    else:
        session.refresh_from_db(fields=["status", "status_checked_at"])
    return bbb_join_errors(raw, ended=session.status == LiveSessionStatus.ENDED)
