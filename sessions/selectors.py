"""Reads of sessions that views and other code use: the trainer console's roster."""

from django.db.models import Count, F, Q

from courses.selectors import seat_holders

from . import bbb
from .models import AttendanceEvent, AttendanceRecord, AttendanceSource, AttendanceStatus

# The order in which the console names the evidence a participant's attendance rests on.
EVIDENCE_ORDER = [
    AttendanceSource.ANALYTICS,
    AttendanceSource.WEBHOOK,
    AttendanceSource.POLL,
    AttendanceSource.JOIN_REDIRECT,
    AttendanceSource.IMPORT,
    AttendanceSource.MANUAL,
]


def evidence_by_user(session) -> dict[int, list[str]]:
    """Which sources saw each participant (one query): the console shows what their
    attendance rests on, e.g. "BBB meeting poll, Join button" when no report came."""
    found: dict[int, set[str]] = {}
    rows = (
        AttendanceEvent.objects.filter(session=session, user__isnull=False)
        .values_list("user_id", "source")
        .distinct()
    )
    for user_id, source in rows:
        found.setdefault(user_id, set()).add(source)
    return {
        user_id: [str(AttendanceSource(s).label) for s in EVIDENCE_ORDER if s in sources]
        for user_id, sources in found.items()
    }


def roster(session, *, info: bbb.MeetingInfo | None) -> dict:
    """Enrolled participants against who is in the meeting now (bounded queries)."""
    enrolments = seat_holders(session.round_id)
    records = {r.user_id: r for r in AttendanceRecord.objects.filter(session=session)}
    evidence = evidence_by_user(session)
    inside = {a.user_id for a in info.attendees} if info else set()
    participants = []
    for enrolment in enrolments:
        user = enrolment.user
        record = records.get(user.pk)
        participants.append(
            {
                "id": user.pk,
                "name": user.full_name_th or user.email,
                "email": user.email,
                "lao": user.organisation.name_th if user.organisation_id else "",
                "in_meeting": str(user.pk) in inside,
                "status": record.status if record else "",
                "status_label": record.get_status_display() if record else "",
                "minutes": record.measured_minutes if record else None,
                "overridden": record.overridden if record else False,
                "evidence": evidence.get(user.pk, []),
            }
        )
    enrolled_ids = {str(p["id"]) for p in participants}
    others = [
        {"name": a.full_name, "role": a.role, "user_id": a.user_id}
        for a in (info.attendees if info else [])
        if a.user_id not in enrolled_ids
    ]
    return {
        "status": session.status,
        "enrolled": len(participants),
        "in_meeting": sum(1 for p in participants if p["in_meeting"]),
        "participants": participants,
        "others": others,
    }


# --- For the dashboards (reports) ---------------------------------------------------------

ATTENDED = [AttendanceStatus.PRESENT, AttendanceStatus.PARTIAL]


def attendance_cells(narrow):
    """Attendance records per status and (round id, province code, LAO type): one query.
    ``narrow(queryset, lao=..., round=...)`` limits the records (the reports' scope)."""
    records = narrow(
        AttendanceRecord.objects.all(), lao="user__organisation", round="session__round"
    )
    return (
        records.order_by()
        .values(
            round_id=F("session__round_id"),
            province=F("user__organisation__province_code"),
            lao_type=F("user__organisation__lao_type"),
        )
        .annotate(
            **{status: Count("pk", filter=Q(status=status)) for status in AttendanceStatus.values}
        )
    )


def attendance_statuses() -> list[str]:
    return list(AttendanceStatus.values)


def attended_records():
    """Records of people who attended (present or partly)."""
    return AttendanceRecord.objects.filter(status__in=ATTENDED)
