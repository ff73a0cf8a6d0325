from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from accounts.access import is_dla_admin
from accounts.channels import EMAIL_REPLACED_HOOK
from accounts.personal_data import (
    ACCOUNT_ERASURE_HOOK,
    CONSENT_WITHDRAWN_HOOK,
    PERSONAL_DATA_EXPORT_HOOK,
)

from .personal_data import erase_line, line_consent_withdrawn, line_personal_data
from .services import line_wanted_instead_of_email


@hooks.register(PERSONAL_DATA_EXPORT_HOOK)
def line_sections(user):
    return line_personal_data(user)


@hooks.register(ACCOUNT_ERASURE_HOOK)
def forget_line_link(user, now):
    erase_line(user, now)


@hooks.register(CONSENT_WITHDRAWN_HOOK)
def stop_line(user, purpose, now):
    line_consent_withdrawn(user, purpose, now)


@hooks.register(EMAIL_REPLACED_HOOK)
def line_instead_of_email(user):
    return line_wanted_instead_of_email(user)


class LineMenuItem(MenuItem):
    def is_shown(self, request):
        return is_dla_admin(request.user)


@hooks.register("register_admin_menu_item")
def register_line_menu_item():
    return LineMenuItem(_("LINE quota"), reverse("line:quota"), icon_name="mail", order=260)


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def reschedule_post_test(request, instance):
    """A post-test saved in the admin: its "post-test open" message follows its opening."""
    from assessments.models import Quiz, QuizKind
    from courses.models import Round

    from . import client
    from .tasks import ensure_line_round_schedule

    if not isinstance(instance, Quiz) or instance.kind != QuizKind.POST_TEST:
        return
    if not client.is_enabled():
        return
    rounds = (
        [instance.round_id]
        if instance.round_id
        else Round.objects.filter(programme_id=instance.programme_id).values_list("pk", flat=True)
    )
    for round_id in rounds:
        ensure_line_round_schedule.enqueue(round_id=round_id)
