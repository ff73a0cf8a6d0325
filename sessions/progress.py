"""The live session's lines on a participant's "การอบรมของฉัน" (``courses.progress``'s
protocol): when the room opens, the Join button, the attendance result, recordings."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.thai import format_thai_datetime
from courses.progress import ProgressItem
from courses.selectors import enrolled_rounds_with_live_session

from .models import AttendanceRecord, LiveSession, LiveSessionStatus, Recording


def live_session_items(user, rounds):
    """Join (inside the window), when it opens, the attendance result, recordings.

    No query while every round is still ahead (the usual case for weeks); then one query
    for the enrolled rounds with their sessions, and two more once a session is over."""
    now = timezone.now()
    rounds = list(rounds)
    items = {r.pk: [_opens_item(r)] for r in rounds if now < r.join_opens_at}
    current = [r.pk for r in rounds if now >= r.join_opens_at]
    if not current:
        return items
    enrolments = enrolled_rounds_with_live_session(user, current)
    sessions = {}
    for enrolment in enrolments:
        try:
            sessions[enrolment.round_id] = enrolment.round.live_session
        except LiveSession.DoesNotExist:
            sessions[enrolment.round_id] = None
    over = [
        s.pk
        for round_id, s in sessions.items()
        if s is not None and (s.status == LiveSessionStatus.ENDED or now > s.round.ends_at)
    ]
    records, recordings = {}, {}
    if over:
        records = {
            r.session_id: r for r in AttendanceRecord.objects.filter(user=user, session_id__in=over)
        }
        for recording in Recording.objects.published().filter(session_id__in=over):
            recordings.setdefault(recording.session_id, []).append(recording)
    by_id = {r.pk: r for r in rounds}
    for round_id, session in sessions.items():
        round_ = by_id[round_id]
        record = records.get(session.pk) if session is not None else None
        found = recordings.get(session.pk, []) if session is not None else []
        items[round_id] = _items_for(round_, session, record, found, now)
    return items


def _opens_item(round_) -> ProgressItem:
    return ProgressItem(
        label=_("Live session"),
        status=_("The room opens %(when)s") % {"when": format_thai_datetime(round_.join_opens_at)},
        tone="info",
        order=10,
    )


def _items_for(round_, session, record, recordings, now) -> list[ProgressItem]:
    label = _("Live session")
    ended = session is not None and session.status == LiveSessionStatus.ENDED
    join_url = reverse("training_sessions:join", kwargs={"round_id": round_.pk})
    items = []
    if not ended and now <= round_.ends_at:
        items.append(
            ProgressItem(
                label=label,
                status=_("The room is open"),
                tone="due",
                url=join_url,
                action=_("Join the live session"),
                method="post",
                order=10,
            )
        )
    elif record is not None:
        tone = "done" if record.status in ("present", "excused") else "missing"
        items.append(
            ProgressItem(
                label=label,
                status=(
                    _("%(minutes)s minutes · %(status)s")
                    % {"minutes": record.minutes_present, "status": record.get_status_display()}
                    if record.measured_minutes is not None
                    else record.get_status_display()
                ),
                tone=tone,
                url=reverse("training_sessions:detail", kwargs={"round_id": round_.pk}),
                action=_("Details"),
                order=10,
            )
        )
    else:
        items.append(
            ProgressItem(
                label=label, status=_("Attendance is being summarised"), tone="info", order=10
            )
        )
    for recording in recordings:
        if recording.playback_url:
            items.append(
                ProgressItem(
                    label=_("Recording of the session"),
                    status=_("%(minutes)s minutes") % {"minutes": recording.length_minutes},
                    tone="info",
                    url=recording.playback_url,
                    action=_("Watch"),
                    order=15,
                )
            )
    return items
