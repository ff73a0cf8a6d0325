"""Wagtail admin views for DLA/DCCE administrators: eligibility, issuance, revocation."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from accounts.access import is_dla_admin
from accounts.models import User
from core.downloads import file_response
from core.thai import whole_number_or_none

from .eligibility import candidate_user_ids, evaluate_policies
from .models import Certificate, CompletionPolicy, IssuanceJob, IssuanceJobStatus, ItemStatus
from .services import (
    CertificateError,
    certificate_pdf_bytes,
    issue_certificate,
    reissue_certificate,
    resume_issuance_job,
    revoke_certificate,
    start_bulk_issuance,
)

PAGE_SIZE = 100


class DlaAdminRequiredMixin:
    """Checked before anything is looked up, so others learn nothing, not even a 404."""

    def setup(self, request, *args, **kwargs):
        if not is_dla_admin(request.user):
            raise PermissionDenied
        super().setup(request, *args, **kwargs)


class ViewSetUrlsMixin:
    """Views registered by a viewset get its url namespace as ``url_namespace``."""

    url_namespace = ""

    def url(self, name, *args):
        return reverse(f"{self.url_namespace}:{name}", args=args)


class PolicyEligibilityView(
    DlaAdminRequiredMixin, ViewSetUrlsMixin, WagtailAdminTemplateMixin, TemplateView
):
    """Everyone enrolled under a policy: eligible or not, why, and the issue buttons."""

    template_name = "certificates/admin/policy_eligibility.html"
    header_icon = "tick-inverse"
    page_title = _("Eligibility and issuance")

    def get_page_subtitle(self):
        return str(self.policy)

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {"url": self.url("index"), "label": CompletionPolicy._meta.verbose_name_plural},
            {"url": "", "label": str(self.policy)},
        ]

    def dispatch(self, request, *args, **kwargs):
        self.policy = get_object_or_404(
            CompletionPolicy.objects.select_related("programme", "round").prefetch_related(
                "conditions"
            ),
            pk=kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        policy = self.policy
        candidates = candidate_user_ids(policy)
        results = evaluate_policies([policy], candidates)
        holders = Certificate.objects.for_policy(policy).filter(user_id__in=candidates)
        certificates = {c.user_id: c for c in holders.only("pk", "number", "user_id")}
        show = self.request.GET.get("show", "")
        eligible_ids = [uid for uid in candidates if results[(policy.pk, uid)].eligible]
        waiting = [uid for uid in eligible_ids if uid not in certificates]
        listed = {
            "eligible": waiting,
            "missing": [uid for uid in candidates if not results[(policy.pk, uid)].eligible],
            "issued": [uid for uid in candidates if uid in certificates],
        }.get(show, candidates)
        page = Paginator(listed, PAGE_SIZE).get_page(self.request.GET.get("p"))
        users = User.objects.filter(pk__in=list(page.object_list)).select_related("organisation")
        users = {user.pk: user for user in users}
        context.update(
            {
                "policy": policy,
                # Each condition in the providing app's words, never its stored parameters.
                "conditions": [
                    (condition, condition.describe()) for condition in policy.conditions.all()
                ],
                "show": show,
                "page": page,
                "rows": [
                    {
                        "user": users[uid],
                        "eligibility": results[(policy.pk, uid)],
                        "certificate": certificates.get(uid),
                    }
                    for uid in page.object_list
                ],
                "counts": {
                    "candidates": len(candidates),
                    "eligible": len(eligible_ids),
                    "issued": len(certificates),
                    "waiting": len(waiting),
                },
                "issue_url": self.url("issue", policy.pk),
                "bulk_url": self.url("bulk_issue", policy.pk),
                "jobs": policy.issuance_jobs.with_progress()[:5],
                "jobs_url_namespace": "certificate_jobs",
            }
        )
        return context


class IssueOneView(DlaAdminRequiredMixin, ViewSetUrlsMixin, View):
    """POST: issue one participant's certificate from the eligibility list."""

    def post(self, request, pk):
        policy = get_object_or_404(
            CompletionPolicy.objects.select_related("programme", "round"), pk=pk
        )
        user = get_object_or_404(
            User.objects.select_related("organisation"),
            pk=whole_number_or_none(request.POST.get("user", "")) or 0,
        )
        try:
            result = issue_certificate(policy=policy, user=user, issued_by=request.user)
        except CertificateError as error:
            messages.error(request, error.message)
        else:
            if result.created:
                messages.success(
                    request,
                    _("Certificate %(number)s issued to %(name)s.")
                    % {"number": result.certificate.number, "name": user.full_name_th},
                )
            else:
                messages.info(
                    request,
                    _("%(name)s already holds certificate %(number)s.")
                    % {"number": result.certificate.number, "name": user.full_name_th},
                )
        return HttpResponseRedirect(self.url("eligibility", policy.pk))


class StartBulkIssuanceView(DlaAdminRequiredMixin, ViewSetUrlsMixin, View):
    """POST: queue certificates for everyone eligible; then watch the job's progress."""

    def post(self, request, pk):
        policy = get_object_or_404(CompletionPolicy, pk=pk)
        try:
            job = start_bulk_issuance(policy=policy, requested_by=request.user)
        except CertificateError as error:
            messages.error(request, error.message)
            return HttpResponseRedirect(self.url("eligibility", policy.pk))
        messages.success(
            request,
            _("Issuing %(count)s certificates in the background.") % {"count": job.total},
        )
        return HttpResponseRedirect(reverse("certificate_jobs:progress", args=[job.pk]))


class JobProgressView(
    DlaAdminRequiredMixin, ViewSetUrlsMixin, WagtailAdminTemplateMixin, TemplateView
):
    """Done / total / errors of a bulk issuance; refreshes itself while it runs."""

    template_name = "certificates/admin/job_progress.html"
    header_icon = "resubmit"
    page_title = _("Bulk issuance")

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {"url": self.url("index"), "label": IssuanceJob._meta.verbose_name_plural},
            {"url": "", "label": str(self.job)},
        ]

    def dispatch(self, request, *args, **kwargs):
        self.job = get_object_or_404(
            IssuanceJob.objects.with_progress().select_related("policy", "requested_by"),
            pk=kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = self.job
        processed = job.done_count + job.error_count
        context.update(
            {
                "job": job,
                "percent": int(100 * processed / job.total) if job.total else 100,
                "running": job.status in (IssuanceJobStatus.QUEUED, IssuanceJobStatus.RUNNING),
                "failed_items": job.items.filter(status=ItemStatus.FAILED).select_related("user")[
                    :PAGE_SIZE
                ],
                "resume_url": self.url("resume", job.pk),
                "eligibility_url": reverse(
                    "certificate_policies:eligibility", args=[job.policy_id]
                ),
            }
        )
        return context


class ResumeJobView(DlaAdminRequiredMixin, ViewSetUrlsMixin, View):
    def post(self, request, pk):
        job = get_object_or_404(IssuanceJob, pk=pk)
        try:
            resume_issuance_job(job=job, requested_by=request.user)
        except CertificateError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The bulk issuance continues in the background."))
        return HttpResponseRedirect(self.url("progress", job.pk))


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text=_("Kept in the audit log; never shown on the public verify page."),
    )


class CertificateActionView(
    DlaAdminRequiredMixin, ViewSetUrlsMixin, WagtailAdminTemplateMixin, FormView
):
    """Revoke or re-issue a certificate, with a reason."""

    template_name = "certificates/admin/certificate_action.html"
    form_class = ReasonForm
    header_icon = "warning"
    action = "revoke"

    def get_page_title(self):
        return _("Re-issue certificate") if self.action == "reissue" else _("Revoke certificate")

    def get_page_subtitle(self):
        return self.certificate.number

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {"url": self.url("index"), "label": Certificate._meta.verbose_name_plural},
            {"url": "", "label": self.certificate.number},
        ]

    def dispatch(self, request, *args, **kwargs):
        self.certificate = get_object_or_404(Certificate, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(certificate=self.certificate, action=self.action, **kwargs)

    def form_valid(self, form):
        reason = form.cleaned_data["reason"]
        try:
            if self.action == "reissue":
                replacement = reissue_certificate(
                    certificate=self.certificate, reason=reason, issued_by=self.request.user
                )
                messages.success(
                    self.request,
                    _("Certificate %(old)s revoked and replaced by %(new)s.")
                    % {"old": self.certificate.number, "new": replacement.number},
                )
            else:
                revoke_certificate(
                    certificate=self.certificate, reason=reason, revoked_by=self.request.user
                )
                messages.success(
                    self.request,
                    _("Certificate %(number)s revoked.") % {"number": self.certificate.number},
                )
        except CertificateError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        return HttpResponseRedirect(self.url("index"))


class AdminCertificatePdfView(DlaAdminRequiredMixin, View):
    def get(self, request, pk):
        certificate = get_object_or_404(
            Certificate.objects.select_related("template_revision", "template_en_revision"), pk=pk
        )
        language = "en" if request.GET.get("lang") == "en" and certificate.has_english else "th"
        data = certificate_pdf_bytes(certificate=certificate, language=language)
        return file_response(
            data, filename=f"{certificate.number}.pdf", content_type="application/pdf", inline=True
        )
