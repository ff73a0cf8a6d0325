"""What `sessions` contributes to other apps: the attendance completion condition, the
Join button and attendance lines on "my training", audit-log actions and the admin menu."""

import math

from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet

from accounts.personal_data import ACCOUNT_ERASURE_HOOK, PERSONAL_DATA_EXPORT_HOOK
from core.thai import format_thai_datetime
from courses.completion import COMPLETION_CONDITION_HOOK, CompletionCondition, ConditionOutcome
from courses.models import Enrolment, EnrolmentStatus
from courses.progress import MY_TRAINING_ROUND_ITEMS_HOOK, ProgressItem

from .models import AttendanceRecord, AttendanceStatus, LiveSession, LiveSessionStatus, Recording
from .personal_data import attendance_personal_data, erase_attendance

CHUNK = 2000


class AttendanceCondition(CompletionCondition):
    """Attended enough of the round's live session.

    Params: ``{"min_percent": 80}`` (of the round's scheduled time, the default) or
    ``{"min_minutes": 150}``. Excused absences count as met; a trainer's override to
    "present" counts as met, to "absent" or "partial" as not met.
    """

    kind = "attendance"
    label = gettext_lazy("Attendance at the live session")

    def _required(self, round_, params: dict) -> int:
        if params.get("min_minutes") is not None:
            return int(params["min_minutes"])
        percent = float(params.get("min_percent", 80))
        return math.ceil(round_.duration_minutes * percent / 100)

    def evaluate(self, *, user_ids, rounds, params):
        rounds = list(rounds)
        user_ids = list(user_ids)
        found = {}
        for start in range(0, len(user_ids), CHUNK):
            rows = AttendanceRecord.objects.filter(
                session__round_id__in=[r.pk for r in rounds],
                user_id__in=user_ids[start : start + CHUNK],
            ).values("user_id", "session__round_id", "minutes_present", "status", "overridden")
            for row in rows:
                found[(row["user_id"], row["session__round_id"])] = row
        outcomes = {}
        for round_ in rounds:
            required = self._required(round_, params)
            scheduled = round_.duration_minutes
            for user_id in user_ids:
                row = found.get((user_id, round_.pk))
                outcomes[(user_id, round_.pk)] = self._outcome(row, required, scheduled)
        return outcomes

    def _outcome(self, row, required: int, scheduled: int) -> ConditionOutcome:
        if row is None:
            return ConditionOutcome(False, _("No attendance recorded yet"))
        if row["status"] == AttendanceStatus.EXCUSED:
            return ConditionOutcome(True, _("Excused by the trainer"))
        if row["overridden"]:
            met = row["status"] == AttendanceStatus.PRESENT
            detail = (
                _("Confirmed present by the trainer") if met else _("Marked by the trainer: %(s)s")
            )
            return ConditionOutcome(met, detail % {"s": AttendanceStatus(row["status"]).label})
        minutes = row["minutes_present"]
        percent = min(100, minutes * 100 // scheduled) if scheduled else 0
        detail = _("Attended %(minutes)s of %(scheduled)s minutes (%(percent)s%%)") % {
            "minutes": minutes,
            "scheduled": scheduled,
            "percent": percent,
        }
        return ConditionOutcome(minutes >= required, detail)

    def describe(self, params: dict) -> str:
        if params.get("min_minutes") is not None:
            rule = _("At least %(minutes)s minutes in the live session") % {
                "minutes": params["min_minutes"]
            }
        else:
            rule = _("At least %(percent)s%% of the scheduled time in the live session") % {
                "percent": params.get("min_percent", 80)
            }
        return rule + " " + _("(an absence excused by the trainer counts as attended)")


@hooks.register(COMPLETION_CONDITION_HOOK)
def attendance_condition():
    return AttendanceCondition()


@hooks.register(MY_TRAINING_ROUND_ITEMS_HOOK)
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
    enrolments = Enrolment.objects.filter(
        user=user, round_id__in=current, status=EnrolmentStatus.ENROLLED
    ).select_related("round__live_session")
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


@hooks.register("register_log_actions")
def register_live_session_log_actions(actions):
    actions.register_action(
        "esc.training_sessions.override",
        gettext_lazy("Override attendance"),
        gettext_lazy("Attendance overridden by a trainer"),
    )
    actions.register_action(
        "esc.training_sessions.co_viewer",
        gettext_lazy("Mark a co-viewer"),
        gettext_lazy("Marked as watching on another participant's screen"),
    )
    actions.register_action(
        "esc.training_sessions.end",
        gettext_lazy("End the live session"),
        gettext_lazy("Live session ended by a trainer"),
    )
    actions.register_action(
        "esc.training_sessions.import",
        gettext_lazy("Import attendance"),
        gettext_lazy("Learning Dashboard attendance imported"),
    )


def _console_link(session) -> str:
    url = reverse("training_sessions:console", kwargs={"round_id": session.round_id})
    return format_html(
        '<a class="button button-small" href="{}">{}</a>', url, _("Start / enter the room")
    )


class LiveSessionViewSet(ModelViewSet):
    model = LiveSession
    icon = "media"
    menu_label = gettext_lazy("Live sessions")
    menu_order = 210
    add_to_admin_menu = True
    list_display = [
        "round",
        "status",
        "started_at",
        "ended_at",
        "present_min_percent",
        Column("console", label=gettext_lazy("Trainer console"), accessor=_console_link),
    ]
    list_filter = ["status"]
    form_fields = ["round", "present_min_percent", "record"]
    panels = [FieldPanel("round"), FieldPanel("present_min_percent"), FieldPanel("record")]


@hooks.register("register_admin_viewset")
def register_live_session_viewset():
    return LiveSessionViewSet("live_sessions")


@hooks.register("register_admin_viewset")
def register_callback_viewset():
    from wagtail.permissions import register_permission_policy

    from .admin_views import CallbackDeliveryViewSet, DLAViewOnlyPolicy  # read-only, DLA
    from .models import CallbackDelivery

    register_permission_policy(CallbackDelivery, DLAViewOnlyPolicy(CallbackDelivery))
    return CallbackDeliveryViewSet("bbb_callback_log")


# PDPA (docs/pdpa.md): attendance in "download my data"; names out of it on deletion.
hooks.register(PERSONAL_DATA_EXPORT_HOOK, attendance_personal_data)
hooks.register(ACCOUNT_ERASURE_HOOK, erase_attendance)
