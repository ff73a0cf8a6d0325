import geothai
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.log_actions import LogFormatter

from .admin_views import OrganisationExportView, OrganisationImportView
from .models import Organisation, Role
from .personal_data import (
    ACCOUNT_ERASURE_HOOK,
    PERSONAL_DATA_EXPORT_HOOK,
    SHARED_RECORDS_ORDER,
    email_personal_data,
    erase_shared_records,
)


class OrganisationIndexView(IndexView):
    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        user = self.request.user
        if user.has_perm("accounts.add_organisation") and user.has_perm(
            "accounts.change_organisation"
        ):
            buttons.append(
                HeaderButton(
                    _("Import (CSV/XLSX)"), url=reverse("organisations:import"), icon_name="upload"
                )
            )
        buttons.append(
            HeaderButton(
                _("Export CSV"),
                url=reverse("organisations:export", args=["csv"]),
                icon_name="download",
            )
        )
        buttons.append(
            HeaderButton(
                _("Export XLSX"),
                url=reverse("organisations:export", args=["xlsx"]),
                icon_name="download",
            )
        )
        return buttons


class OrganisationViewSet(ModelViewSet):
    model = Organisation
    icon = "group"
    menu_label = _("LAO directory")
    menu_order = 300
    add_to_admin_menu = True
    index_view_class = OrganisationIndexView
    list_display = [
        "name_th",
        "dla_code",
        "lao_type",
        Column("province_name_th", label=_("Province")),
        Column("district_name_th", label=_("District")),
    ]
    list_filter = ["lao_type", "province_code"]
    search_fields = ["name_th", "name_en", "dla_code"]
    panels = [
        FieldRowPanel([FieldPanel("dla_code"), FieldPanel("lao_type")]),
        FieldPanel("name_th"),
        FieldPanel("name_en"),
        FieldRowPanel([FieldPanel("province_code"), FieldPanel("district_code")]),
        MultiFieldPanel([FieldPanel("phone"), FieldPanel("email")], heading=_("Contact")),
    ]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("import/", OrganisationImportView.as_view(), name="import"),
            path("export/<str:fmt>/", OrganisationExportView.as_view(), name="export"),
        ]


@hooks.register("register_admin_viewset")
def register_organisation_viewset():
    return OrganisationViewSet("organisations")


@hooks.register("register_log_actions")
def register_account_log_actions(actions):
    actions.register_action("esc.accounts.consent_given", _("Consent given"), _("Consent given"))
    actions.register_action(
        "esc.accounts.consent_withdrawn", _("Consent withdrawn"), _("Consent withdrawn")
    )
    actions.register_action(
        "esc.accounts.erased", _("Account deleted (PDPA)"), _("Account deleted (PDPA)")
    )
    actions.register_action(
        "esc.accounts.invited",
        _("Nominated participant invited"),
        _("Nominated participant invited"),
    )
    actions.register_action(
        "esc.accounts.reinvited",
        _("Nominated participant invited again"),
        _("Nominated participant invited again"),
    )
    actions.register_action(
        "esc.accounts.lao_directory_imported",
        _("LAO directory imported"),
        _("LAO directory imported"),
    )
    actions.register_action(
        "esc.accounts.participants_imported",
        _("Nominated participants imported"),
        _("Nominated participants imported"),
    )


@hooks.register("register_log_actions")
def register_role_change_log_action(actions):
    @actions.register_action("esc.accounts.role_changed")
    class RoleChanged(LogFormatter):
        label = _("Role changed")

        def format_message(self, log_entry):
            data = log_entry.data or {}
            return _("Role changed from %(before)s to %(after)s") % {
                "before": _role_text(data.get("role_before"), data.get("province_before")),
                "after": _role_text(data.get("role"), data.get("province")),
            }


def _role_text(role: str | None, province_code: str | None) -> str:
    label = str(Role(role).label) if role in Role.values else (role or "—")
    province = geothai.province(province_code or "")
    return f"{label} ({province.name_th})" if province else label


# PDPA (docs/pdpa.md): the e-mails sent to the person; audit logs, revisions, task results
# and the avatar, after every other app has erased its part.
hooks.register(PERSONAL_DATA_EXPORT_HOOK, email_personal_data)
hooks.register(ACCOUNT_ERASURE_HOOK, erase_shared_records, order=SHARED_RECORDS_ORDER)
