"""Wiring: what `sessions` contributes to other apps (the attendance completion condition in
``completion.py``, the "my training" lines in ``progress.py``, personal data), audit-log
actions and the admin menu."""

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet

from accounts.personal_data import ACCOUNT_ERASURE_HOOK, PERSONAL_DATA_EXPORT_HOOK
from courses.completion import COMPLETION_CONDITION_HOOK
from courses.progress import MY_TRAINING_ROUND_ITEMS_HOOK

from .completion import AttendanceCondition
from .models import LiveSession
from .personal_data import attendance_personal_data, erase_attendance
from .progress import live_session_items


@hooks.register(COMPLETION_CONDITION_HOOK)
def attendance_condition():
    return AttendanceCondition()


hooks.register(MY_TRAINING_ROUND_ITEMS_HOOK, live_session_items)


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
