from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .scope import report_scope


class ReportsMenuItem(MenuItem):
    def is_shown(self, request):
        return report_scope(request.user).sees_anything


@hooks.register("register_admin_menu_item")
def register_reports_menu_item():
    return ReportsMenuItem(
        _("Oversight dashboards"), reverse("reports:rounds"), icon_name="table", order=250
    )
