import django_filters
from django.db.models import Count
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import ListingButton
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from accounts.personal_data import ACCOUNT_ERASURE_HOOK, PERSONAL_DATA_EXPORT_HOOK
from config.admin_access import ScopedSnippetChooserViewSet, ScopedViewSetMixin
from core.admin_display import ThaiInspectView
from core.downloads import spreadsheet_response
from core.thai import format_thai_datetime
from courses.completion import TRAINED_MEMBERS_HOOK
from courses.progress import MY_TRAINING_PROGRAMME_ITEMS_HOOK, MY_TRAINING_ROUND_ITEMS_HOOK

from . import admin_views
from .models import (
    Certificate,
    CertificateStatus,
    CertificateTemplate,
    CompletionPolicy,
    IssuanceJob,
)
from .permissions import DlaAdministratorPolicy
from .personal_data import certificate_personal_data, erase_certificates
from .pinning import pin_revision_images
from .progress import programme_progress_items, round_progress_items
from .resources import CertificateResource
from .selectors import trained_members

ALL_ACTIONS = {"add", "change", "delete", "view", "choose"}
register_permission_policy(
    CertificateTemplate, DlaAdministratorPolicy(CertificateTemplate, ALL_ACTIONS)
)
register_permission_policy(CompletionPolicy, DlaAdministratorPolicy(CompletionPolicy, ALL_ACTIONS))
register_permission_policy(Certificate, DlaAdministratorPolicy(Certificate, {"view"}))
register_permission_policy(IssuanceJob, DlaAdministratorPolicy(IssuanceJob, {"view"}))


def _with_namespace(view_class, namespace, **kwargs):
    return view_class.as_view(url_namespace=namespace, **kwargs)


class ReadOnlyViewSetMixin:
    """Records that change only through the services: no add, edit or delete views."""

    form_fields: list = []

    def get_urlpatterns(self):
        return [
            pattern
            for pattern in super().get_urlpatterns()
            if pattern.name not in {"add", "edit", "delete", "copy"}
        ]


# --- Templates ------------------------------------------------------------------------


class CertificateTemplateViewSet(ScopedViewSetMixin, SnippetViewSet):
    model = CertificateTemplate
    # Wagtail's snippet chooser lists every template to anyone in the admin.
    chooser_viewset_class = ScopedSnippetChooserViewSet
    icon = "doc-full"
    menu_label = _("Certificate templates")
    list_display = ["name", "language", "title"]
    list_filter = ["language"]
    # Searched through the model's index; a viewset field list breaks SQLite's FTS search.
    # Revisions come from RevisionMixin: each save is kept, and certificates pin theirs.


# --- Completion policies -------------------------------------------------------------


class PolicyIndexView(IndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .prefetch_related("conditions")
            .annotate(programme_round_count=Count("programme__rounds"))
        )

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        buttons.append(
            ListingButton(
                _("Eligibility and issuance"),
                url=reverse("certificate_policies:eligibility", args=[instance.pk]),
                icon_name="tick-inverse",
                priority=5,
            )
        )
        return buttons


class CompletionPolicyViewSet(ModelViewSet):
    model = CompletionPolicy
    icon = "tick-inverse"
    menu_label = _("Completion policies")
    index_view_class = PolicyIndexView
    list_display = [
        "title",
        "programme",
        "round",
        # Each condition in the providing app's words, not its stored parameters.
        Column("conditions_text", label=_("Conditions")),
        Column(
            "rounds_required_text",
            label=_("Rounds to complete"),
            sort_key="min_rounds",
            classname="w-text-center",
        ),
        "is_active",
    ]
    list_filter = ["programme", "is_active"]
    search_fields = ["title"]

    def get_urlpatterns(self):
        ns = self.url_namespace
        return [
            *super().get_urlpatterns(),
            path(
                "eligibility/<int:pk>/",
                _with_namespace(admin_views.PolicyEligibilityView, ns),
                name="eligibility",
            ),
            path("issue/<int:pk>/", _with_namespace(admin_views.IssueOneView, ns), name="issue"),
            path(
                "bulk-issue/<int:pk>/",
                _with_namespace(admin_views.StartBulkIssuanceView, ns),
                name="bulk_issue",
            ),
        ]


# --- Issued certificates -------------------------------------------------------------


class CertificateIndexView(IndexView):
    """The list of issued certificates; exports go through django-import-export."""

    list_export = ["number"]  # shows the export buttons; the columns are the resource's
    export_filename = "certificates"

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("organisation", "replaces", "replaced_by", "round", "programme")
        )

    def as_spreadsheet(self, queryset, spreadsheet_format):
        dataset = CertificateResource().export(queryset=queryset)
        return spreadsheet_response(dataset, spreadsheet_format, self.get_filename(), dated=False)

    def get_list_more_buttons(self, instance):
        ns = "certificates_issued"
        buttons = [
            ListingButton(
                _("PDF"),
                url=reverse(f"{ns}:pdf", args=[instance.pk]),
                icon_name="doc-full",
                priority=5,
            ),
            *super().get_list_more_buttons(instance),
        ]
        if instance.status == CertificateStatus.VALID:
            buttons.append(
                ListingButton(
                    _("Revoke"),
                    url=reverse(f"{ns}:revoke", args=[instance.pk]),
                    icon_name="cross",
                    priority=40,
                )
            )
        if instance.user_id and not hasattr(instance, "replaced_by"):
            buttons.append(
                ListingButton(
                    _("Re-issue"),
                    url=reverse(f"{ns}:reissue", args=[instance.pk]),
                    icon_name="resubmit",
                    priority=41,
                )
            )
        return buttons


class CertificateInspectView(ThaiInspectView):
    def get_template_revision_display_value(self):
        # A revision reads "name" at 2026-12-02 07:48:04+00:00 (UTC, Christian Era).
        revision = self.object.template_revision
        if revision is None:
            return "–"
        return _("%(template)s, saved %(time)s") % {
            "template": self.object.template,
            "time": format_thai_datetime(revision.created_at),
        }


class CertificateFilterSet(WagtailFilterSet):
    # One "issued between" range in Thai; django-filter's generated labels for
    # issued_at__date__gte read "ออกเมื่อ date is greater than or equal to".
    issued_at = django_filters.DateFromToRangeFilter(
        label=_("Issued at"), widget=DateRangePickerWidget
    )

    class Meta:
        model = Certificate
        fields = ["programme", "round", "status", "province_code"]


class CertificateViewSet(ReadOnlyViewSetMixin, ModelViewSet):
    model = Certificate
    icon = "doc-full-inverse"
    menu_label = _("Issued certificates")
    index_view_class = CertificateIndexView
    inspect_view_enabled = True
    inspect_view_class = CertificateInspectView
    add_to_reference_index = False  # thousands of rows that nothing references by content
    list_display = [
        "number",
        Column("recipient_name", label=_("Name")),
        "organisation_name",
        "province_name",
        Column("round_number", label=_("Round")),
        StatusTagColumn(
            "status",
            label=_("Status"),
            accessor="get_status_display",
            primary=lambda certificate: certificate.status == CertificateStatus.VALID,
        ),
        DateColumn("issued_at", label=_("Issued at")),
    ]
    filterset_class = CertificateFilterSet
    search_fields = ["number", "recipient_first_name", "recipient_last_name", "organisation_name"]
    search_backend_name = None  # plain database lookups; certificates are not indexed
    inspect_view_fields = [
        "number",
        "status",
        "recipient_prefix",
        "recipient_first_name",
        "recipient_last_name",
        "recipient_name_en",
        "organisation_name",
        "province_name",
        "programme_title",
        "round_title",
        "issued_at",
        "issued_by",
        "revoked_at",
        "revoked_by",
        "revocation_reason",
        "replaces",
        "template",
        "template_revision",
    ]

    def get_urlpatterns(self):
        ns = self.url_namespace
        return [
            *super().get_urlpatterns(),
            path(
                "revoke/<int:pk>/",
                _with_namespace(admin_views.CertificateActionView, ns, action="revoke"),
                name="revoke",
            ),
            path(
                "reissue/<int:pk>/",
                _with_namespace(admin_views.CertificateActionView, ns, action="reissue"),
                name="reissue",
            ),
            path("pdf/<int:pk>/", admin_views.AdminCertificatePdfView.as_view(), name="pdf"),
        ]


# --- Bulk issuance jobs ---------------------------------------------------------------


class JobIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().with_progress().select_related("policy")

    def get_list_more_buttons(self, instance):
        return [
            ListingButton(
                _("Progress"),
                url=reverse("certificate_jobs:progress", args=[instance.pk]),
                icon_name="resubmit",
                priority=5,
            )
        ]


class IssuanceJobViewSet(ReadOnlyViewSetMixin, ModelViewSet):
    model = IssuanceJob
    icon = "resubmit"
    menu_label = _("Bulk issuances")
    index_view_class = JobIndexView
    add_to_reference_index = False
    list_display = [
        "policy",
        "status",
        "total",
        Column("done_count", label=_("Issued")),
        Column("error_count", label=_("Errors")),
        DateColumn("created_at", label=_("Started at")),
    ]
    list_filter = ["status", "policy"]

    def get_urlpatterns(self):
        ns = self.url_namespace
        return [
            *super().get_urlpatterns(),
            path(
                "progress/<int:pk>/",
                _with_namespace(admin_views.JobProgressView, ns),
                name="progress",
            ),
            path("resume/<int:pk>/", _with_namespace(admin_views.ResumeJobView, ns), name="resume"),
        ]


class CertificatesViewSetGroup(ViewSetGroup):
    menu_label = _("Certificates")
    menu_icon = "doc-full-inverse"
    menu_order = 250
    items = (
        CompletionPolicyViewSet("certificate_policies"),
        CertificateViewSet("certificates_issued"),
        IssuanceJobViewSet("certificate_jobs"),
        CertificateTemplateViewSet(),
    )


register_snippet(CertificatesViewSetGroup)


# Each saved revision of a template keeps the images it showed when it was saved.
@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def pin_saved_template_images(request, instance):
    if isinstance(instance, CertificateTemplate) and instance.latest_revision_id:
        pin_revision_images(instance.latest_revision)


# --- Audit log -----------------------------------------------------------------------


@hooks.register("register_log_actions")
def register_certificate_log_actions(actions):
    actions.register_action(
        "esc.certificates.issue", _("Issue certificate"), _("Certificate issued")
    )
    actions.register_action(
        "esc.certificates.revoke", _("Revoke certificate"), _("Certificate revoked")
    )
    actions.register_action(
        "esc.certificates.reissue", _("Re-issue certificate"), _("Certificate re-issued")
    )
    actions.register_action(
        "esc.certificates.bulk_issue", _("Bulk issuance"), _("Bulk issuance started")
    )
    actions.register_action(
        "esc.certificates.bulk_resume", _("Resume bulk issuance"), _("Bulk issuance resumed")
    )


# --- What other pages show -------------------------------------------------------------

hooks.register(MY_TRAINING_ROUND_ITEMS_HOOK, round_progress_items)
hooks.register(MY_TRAINING_PROGRAMME_ITEMS_HOOK, programme_progress_items)
# PDPA (docs/pdpa.md): certificates in "download my data"; masked on deletion.
hooks.register(PERSONAL_DATA_EXPORT_HOOK, certificate_personal_data)
hooks.register(ACCOUNT_ERASURE_HOOK, erase_certificates)


# The SAR sandbox's GOV-2 pre-fill: members of the LAO holding a valid programme certificate.
hooks.register(TRAINED_MEMBERS_HOOK, trained_members)
