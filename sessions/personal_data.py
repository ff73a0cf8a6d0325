"""PDPA for live sessions: what "download my data" shows of attendance, and what deleting
an account leaves of it (docs/pdpa.md).

Kept after deletion: the reconciled minutes and status (``AttendanceRecord``) and the
evidence rows with their times, minutes and intervals, so the counts per round, province
and LAO do not change and a later reconciliation gives the same minutes. Removed: every
name and e-mail address BigBlueButton or a trainer wrote into them (raw payloads, raw
callback bodies, trainers' reasons, uploaded Learning Dashboard files, the audit log),
and the cached live roster of the person's sessions.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db.models import Q
from django.utils.translation import gettext as _
from wagtail.models import ModelLogEntry

from accounts.personal_data import (
    PersonalDataSection,
    identifiers_of,
    scrub_log_entries,
    scrub_rows,
)

from .models import (
    AttendanceEvent,
    AttendanceImport,
    AttendanceRecord,
    AttendanceSource,
    CallbackDelivery,
    LiveSession,
)

# The trainer console caches BigBlueButton's attendee list (names) under this key for a
# few seconds (sessions.views.RosterView).
ROSTER_CACHE_KEY = "training_sessions:roster-info:{meeting_id}"


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def attendance_personal_data(user) -> list[PersonalDataSection]:
    records = (
        AttendanceRecord.objects.filter(user=user)
        .select_related("session__round")
        .order_by("session__round__starts_at", "pk")
    )
    record_rows = [
        {
            "round": record.session.round.number,
            "round_title": record.session.round.title,
            "minutes_present": record.minutes_present,
            "scheduled_minutes": record.scheduled_minutes,
            "percent": record.percent,
            "status": record.status,
            "decided_by": record.decided_by,
            "first_seen_at": _iso(record.first_seen_at),
            "last_seen_at": _iso(record.last_seen_at),
            "overridden": record.overridden,
            "override_reason": record.override_reason,
            # Whose screen they watched is another person's data: only that they did.
            "watched_on_another_screen": record.co_viewer_of_id is not None,
        }
        for record in records
    ]
    events = (
        AttendanceEvent.objects.filter(user=user)
        .select_related("session__round")
        .order_by("occurred_at", "pk")
    )
    event_rows = [
        {
            "round": event.session.round.number,
            "source": event.source,
            "kind": event.kind,
            "occurred_at": _iso(event.occurred_at),
            "started_at": _iso(event.started_at),
            "ended_at": _iso(event.ended_at),
            "intervals_ms": event.intervals,
            "minutes": event.minutes,
            "status": event.status,
            "reason": event.reason,
            "watched_on_another_screen": event.host_user_id is not None,
            "payload": event.payload,
        }
        for event in events
    ]
    return [
        PersonalDataSection(key="attendance", title=_("Attendance"), rows=record_rows),
        PersonalDataSection(
            key="attendance_events", title=_("Attendance evidence"), rows=event_rows
        ),
    ]


def _reported_names(events) -> set[str]:
    """The names BigBlueButton (or a Learning Dashboard file) gave the person: they may be
    older than the profile, and they end in " (<LAO>)"."""
    names: set[str] = set()
    for source, payload in events.values_list("source", "payload"):
        payload = payload if isinstance(payload, dict) else {}
        if source == AttendanceSource.POLL:
            found = payload.get("fullName")
        elif source == AttendanceSource.ANALYTICS:
            found = (payload.get("attendee") or {}).get("name")
        elif source == AttendanceSource.WEBHOOK:
            data = payload.get("data") or {}
            found = ((data.get("attributes") or {}).get("user") or {}).get("name")
        elif source == AttendanceSource.IMPORT:
            found = payload.get("name")
        else:
            found = None
        if isinstance(found, str) and found.strip():
            names.add(found)
            if found.rstrip().endswith(")") and " (" in found:
                names.add(found[: found.rindex(" (")])
    return names


def erase_attendance(user, now) -> None:
    own_events = AttendanceEvent.objects.filter(user=user)
    identifiers = identifiers_of(user, extra_names=_reported_names(own_events))
    session_ids = set(own_events.values_list("session_id", flat=True))
    session_ids |= set(
        AttendanceRecord.objects.filter(user=user).values_list("session_id", flat=True)
    )
    session_ids |= set(
        LiveSession.objects.filter(round__enrolments__user=user).values_list("pk", flat=True)
    )
    # Rows about the person, theirs or a co-viewer mark naming them as the host: single
    # first and last names too (a trainer's reason may say just "Somsri").
    about_events = AttendanceEvent.objects.filter(Q(user=user) | Q(host_user=user))
    about_records = AttendanceRecord.objects.filter(user=user)
    scrub_rows(about_events, ["payload", "reason"], identifiers.every)
    scrub_rows(about_records, ["override_reason"], identifiers.every)
    scrub_log_entries(about_records, identifiers.every)
    co_viewer_marks = ModelLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(AttendanceRecord),
        action="esc.training_sessions.co_viewer",
        data__host=user.pk,
    )
    scrub_rows(co_viewer_marks, ["data"], identifiers.every)  # the label is the co-viewer's
    # Other rows of the same sessions (an unmatched attendee, a reason that mentions them)
    # and raw callbacks, which list everyone: whole names and contacts only.
    in_sessions = Q(session_id__in=session_ids)
    others = AttendanceEvent.objects.filter(in_sessions).exclude(pk__in=about_events)
    scrub_rows(others, ["payload", "reason"], identifiers.whole)
    other_records = AttendanceRecord.objects.filter(in_sessions).exclude(pk__in=about_records)
    scrub_rows(other_records, ["override_reason"], identifiers.whole)
    scrub_log_entries(other_records, identifiers.whole)
    # Bodies as BBB sent them: JSON with escapes, form-encoded webhooks.
    scrub_rows(
        CallbackDelivery.objects.filter(in_sessions | Q(session__isnull=True)),
        ["body", "detail"],
        identifiers.whole,
        raw=True,
    )
    imports = AttendanceImport.objects.filter(in_sessions)
    scrub_rows(imports, ["content", "filename"], identifiers.whole, raw=True)
    scrub_log_entries(imports, identifiers.whole)
    meeting_ids = LiveSession.objects.filter(pk__in=session_ids).values_list(
        "meeting_id", flat=True
    )
    cache.delete_many([ROSTER_CACHE_KEY.format(meeting_id=m) for m in meeting_ids])
