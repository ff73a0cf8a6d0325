"""Wagtail admin: import and export the LAO directory (upload → preview → confirm)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.log_actions import log

from core.downloads import spreadsheet_response
from core.import_views import PreviewedImportMixin

from .models import Organisation
from .resources import OrganisationResource


def check_can_import_organisations(user) -> None:
    if not (
        user.has_perm("accounts.add_organisation") and user.has_perm("accounts.change_organisation")
    ):
        raise PermissionDenied


def organisation_dataset(name: str, content: bytes):
    return OrganisationResource.read_file(name, content)


class OrganisationImportView(PreviewedImportMixin, WagtailAdminTemplateMixin, FormView):
    """Upload a file and see the dry run; confirming posts the stashed file back."""

    template_name = "accounts/admin/organisation_import.html"
    page_title = gettext_lazy("Import the LAO directory")
    header_icon = "upload"
    stash_kind = "lao-directory"

    def dispatch(self, request, *args, **kwargs):
        check_can_import_organisations(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("organisations:index"), "label": _("LAO directory")},
            {"url": "", "label": self.get_page_title()},
        ]

    def make_resource(self):
        return OrganisationResource()

    def read_dataset(self, resource, name, content):
        return organisation_dataset(name, content)

    def imported(self, report, name):
        log(
            instance=self.request.user,
            action="esc.accounts.lao_directory_imported",
            user=self.request.user,
            title=self.request.user.email,
            data={"file": name, "new": report.new, "updated": report.updated},
        )
        messages.success(
            self.request,
            _("LAO directory imported: %(new)s new, %(updated)s updated.")
            % {"new": report.new, "updated": report.updated},
        )
        return redirect("organisations:index")


class OrganisationExportView(View):
    def get(self, request, fmt):
        if not request.user.has_perm("accounts.view_organisation") and not request.user.has_perm(
            "accounts.change_organisation"
        ):
            raise PermissionDenied
        dataset = OrganisationResource().export(Organisation.objects.order_by("dla_code"))
        return spreadsheet_response(dataset, fmt, "lao-directory")
