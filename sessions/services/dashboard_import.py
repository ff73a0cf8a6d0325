"""The trainer's import of BBB's Learning Dashboard CSV: upload, preview, apply."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from courses.access import can_manage_round
from courses.models import Enrolment, EnrolmentStatus

from ..evidence import DashboardRow, parse_learning_dashboard
from ..models import (
    AttendanceEvent,
    AttendanceEventKind,
    AttendanceImport,
    AttendanceSource,
    LiveSession,
)
from .attendance import reconcile_attendance
from .common import SessionError, display_name


@dataclass
class ImportRow:
    line: int
    name: str
    minutes: int | None
    user: object = None
    error: str = ""
    skipped: bool = False  # moderators


IMPORT_ERRORS = {
    "missing_name": _("The name is empty."),
    "bad_duration": _("The duration is not in the form hours:minutes:seconds."),
    "unknown_name": _("No enrolled participant has this name."),
    "ambiguous_name": _("Several enrolled participants have this name."),
    "duplicate_name": _("This name appears on more than one line."),
}


def preview_dashboard_import(*, session: LiveSession, content: str) -> list[ImportRow]:
    """Match every line to an enrolled participant by the name we sent BBB (fullName)."""
    enrolments = Enrolment.objects.filter(
        round_id=session.round_id, status=EnrolmentStatus.ENROLLED
    ).select_related("user__organisation")
    by_name: dict[str, list] = defaultdict(list)
    for enrolment in enrolments:
        user = enrolment.user
        for name in {display_name(user), user.full_name_th}:
            if name:
                by_name[" ".join(name.split())].append(user)
    rows: list[ImportRow] = []
    seen: dict[int, int] = {}
    parsed: list[DashboardRow] = parse_learning_dashboard(content)
    for item in parsed:
        row = ImportRow(line=item.line, name=item.name, minutes=item.minutes, error=item.error)
        if item.moderator:
            row.skipped = True
        elif not row.error:
            matches = {u.pk: u for u in by_name.get(" ".join(item.name.split()), [])}
            if not matches:
                row.error = "unknown_name"
            elif len(matches) > 1:
                row.error = "ambiguous_name"
            else:
                row.user = next(iter(matches.values()))
                if row.user.pk in seen:
                    row.error = "duplicate_name"
                seen[row.user.pk] = item.line
        rows.append(row)
    return rows


def apply_dashboard_import(*, attendance_import: AttendanceImport, by) -> int:
    """Save every line at once, or nothing when any line has an error."""
    session = attendance_import.session
    if not can_manage_round(by, session.round):
        raise SessionError("not_manager")
    with transaction.atomic():
        locked = AttendanceImport.objects.select_for_update().get(pk=attendance_import.pk)
        if locked.applied_at is not None:
            raise SessionError("import_already_applied")
        rows = preview_dashboard_import(session=session, content=locked.content)
        if any(row.error for row in rows):
            raise SessionError("import_has_errors")
        now = timezone.now()
        events = [
            AttendanceEvent(
                session=session,
                user=row.user,
                external_user_id=str(row.user.pk),
                source=AttendanceSource.IMPORT,
                kind=AttendanceEventKind.MINUTES,
                occurred_at=now,
                minutes=row.minutes,
                payload={"line": row.line, "name": row.name, "import": locked.pk},
                recorded_by=by,
            )
            for row in rows
            if not row.skipped
        ]
        AttendanceEvent.objects.bulk_create(events)
        locked.applied_at = now
        locked.rows_applied = len(events)
        locked.save(update_fields=["applied_at", "rows_applied"])
        reconcile_attendance(session=session)
        log(
            instance=locked,
            action="esc.training_sessions.import",
            user=by,
            data={"rows": len(events), "filename": locked.filename},
        )
    attendance_import.applied_at = locked.applied_at
    attendance_import.rows_applied = locked.rows_applied
    return len(events)


def upload_dashboard_import(
    *, session: LiveSession, filename: str, content: str, by
) -> AttendanceImport:
    if not can_manage_round(by, session.round):
        raise SessionError("not_manager")
    return AttendanceImport.objects.create(
        session=session, uploaded_by=by, filename=filename[:255], content=content
    )
