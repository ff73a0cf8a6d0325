"""The trainer's import of BBB's Learning Dashboard CSV: upload, preview, apply.

A line is matched to an enrolled participant on the attendee's external ID first (our user
id, which we send BBB as ``userID``): from an ID column when the file has one, else from what
BBB itself reported during the meeting, the name it showed for each userID (polls, webhooks,
the analytics report). Only then on the names in the participants' profiles, which anyone
can copy. A line several participants could be is not an error that loses the file: the
trainer chooses who it is, or skips it, in the preview.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from courses.access import can_manage_round
from courses.models import Enrolment, EnrolmentStatus

from ..evidence import DashboardRow, our_user_id, parse_learning_dashboard
from ..models import (
    AttendanceEvent,
    AttendanceEventKind,
    AttendanceImport,
    AttendanceSource,
    LiveSession,
)
from .attendance import reconcile_attendance
from .common import SessionError, display_name

SKIP = "skip"  # the trainer's choice for a line they do not want imported
# Evidence that a participant was in the meeting (a trainer's mark or an import is not).
SEEN_IN_MEETING = [
    AttendanceSource.JOIN_REDIRECT,
    AttendanceSource.POLL,
    AttendanceSource.WEBHOOK,
    AttendanceSource.ANALYTICS,
]


@dataclass
class ImportRow:
    line: int
    name: str
    minutes: int | None
    user: object = None
    error: str = ""
    skipped: bool = False  # moderators, and lines the trainer chose to skip
    # A line several participants could be: who they are, and the trainer's choice.
    candidates: list = field(default_factory=list)
    choice: str = ""
    matched_by: str = ""  # id | bbb | name | trainer

    @property
    def to_resolve(self) -> bool:
        """The trainer's choice settles this line's error (no new file needed)."""
        return bool(self.error) and bool(self.candidates)


IMPORT_ERRORS = {
    "missing_name": _("The name is empty."),
    "bad_duration": _("The duration is not in the form hours:minutes:seconds."),
    "unknown_name": _("No enrolled participant has this name."),
    "ambiguous_name": _("Several enrolled participants have this name."),
    "duplicate_name": _("This name appears on more than one line."),
}


def _normal(name: str) -> str:
    return " ".join(name.split())


def _names_bbb_reported(session: LiveSession, enrolled: set[int]) -> dict[str, set[int]]:
    """The name BBB showed for each of our userIDs in this session: a poll's fullName, a
    webhook's user name, the analytics report's attendee name (one query)."""
    reported: dict[str, set[int]] = defaultdict(set)
    rows = AttendanceEvent.objects.filter(
        session=session,
        user_id__in=enrolled,
        source__in=[AttendanceSource.POLL, AttendanceSource.WEBHOOK, AttendanceSource.ANALYTICS],
    ).values_list("user_id", "source", "payload")
    for user_id, source, payload in rows:
        payload = payload if isinstance(payload, dict) else {}
        if source == AttendanceSource.POLL:
            name = payload.get("fullName")
        elif source == AttendanceSource.ANALYTICS:
            name = (payload.get("attendee") or {}).get("name")
        else:
            attributes = (payload.get("data") or {}).get("attributes") or {}
            name = (attributes.get("user") or {}).get("name")
        if isinstance(name, str) and name.strip():
            reported[_normal(name)].add(user_id)
    return reported


def preview_dashboard_import(
    *, session: LiveSession, content: str, choices: Mapping[int, str] | None = None
) -> list[ImportRow]:
    """Match every line to an enrolled participant (see the module's docstring).

    ``choices`` are the trainer's answers for lines several participants could be, by line
    number: a candidate's user id, or ``SKIP``.
    """
    choices = choices or {}
    enrolled_users = {
        enrolment.user_id: enrolment.user
        for enrolment in Enrolment.objects.filter(
            round_id=session.round_id, status=EnrolmentStatus.ENROLLED
        ).select_related("user__organisation")
    }
    by_name: dict[str, set[int]] = defaultdict(set)
    for user in enrolled_users.values():
        for name in {display_name(user), user.full_name_th}:
            if name:
                by_name[_normal(name)].add(user.pk)
    reported = _names_bbb_reported(session, set(enrolled_users))
    in_meeting = set(
        AttendanceEvent.objects.filter(
            session=session, user_id__in=enrolled_users, source__in=SEEN_IN_MEETING
        )
        .values_list("user_id", flat=True)
        .distinct()
    )
    rows: list[ImportRow] = []
    seen: set[int] = set()
    parsed: list[DashboardRow] = parse_learning_dashboard(content)
    for item in parsed:
        row = ImportRow(line=item.line, name=item.name, minutes=item.minutes, error=item.error)
        if item.moderator:
            row.skipped = True
        elif not row.error:
            _match(row, item, enrolled_users, by_name, reported, in_meeting)
            if row.candidates:
                _apply_choice(row, choices.get(row.line, ""))
            if row.user is not None:
                if row.user.pk in seen:
                    row.error = "duplicate_name"
                seen.add(row.user.pk)
        rows.append(row)
    return rows


def _match(row, item, enrolled_users, by_name, reported, in_meeting) -> None:
    user_id = our_user_id(item.external_id)
    if user_id in enrolled_users:
        row.user, row.matched_by = enrolled_users[user_id], "id"
        return
    name = _normal(item.name)
    candidates = by_name.get(name, set()) | reported.get(name, set())
    if not candidates:
        row.error = "unknown_name"
        return
    # Several share the name: prefer whom BBB itself showed under it (by their userID), then
    # whoever was in this meeting at all; a copied profile name alone decides nothing.
    shown_by_bbb = reported.get(name, set())
    for narrowed in (candidates, candidates & shown_by_bbb, candidates & in_meeting):
        if len(narrowed) == 1:
            (user_id,) = narrowed
            row.user = enrolled_users[user_id]
            row.matched_by = "name" if narrowed is candidates and not shown_by_bbb else "bbb"
            return
    row.error = "ambiguous_name"
    row.candidates = sorted(
        (enrolled_users[pk] for pk in candidates),
        key=lambda user: (user.full_name_th, user.email, user.pk),
    )


def _apply_choice(row: ImportRow, choice: str) -> None:
    row.choice = choice
    if choice == SKIP:
        row.error, row.skipped, row.matched_by = "", True, "trainer"
        return
    chosen = next((u for u in row.candidates if str(u.pk) == choice), None)
    if chosen is not None:
        row.error, row.user, row.matched_by = "", chosen, "trainer"


def apply_dashboard_import(
    *, attendance_import: AttendanceImport, by, choices: Mapping[int, str] | None = None
) -> int:
    """Save every line at once, or nothing when any line has an error or still waits for the
    trainer's choice."""
    session = attendance_import.session
    if not can_manage_round(by, session.round):
        raise SessionError("not_manager")
    with transaction.atomic():
        locked = AttendanceImport.objects.select_for_update().get(pk=attendance_import.pk)
        if locked.applied_at is not None:
            raise SessionError("import_already_applied")
        rows = preview_dashboard_import(session=session, content=locked.content, choices=choices)
        if any(row.error for row in rows):
            if all(row.to_resolve for row in rows if row.error):
                raise SessionError("import_unresolved")
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
                payload={
                    "line": row.line,
                    "name": row.name,
                    "import": locked.pk,
                    "matched_by": row.matched_by,
                },
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
        decided = {
            str(row.line): (SKIP if row.skipped else row.user.pk)
            for row in rows
            if row.matched_by == "trainer"
        }
        log(
            instance=locked,
            action="esc.training_sessions.import",
            user=by,
            data={"rows": len(events), "filename": locked.filename, "chosen": decided},
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
