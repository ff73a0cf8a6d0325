from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from core.downloads import file_response
from courses.selectors import seat_round_and_programme_ids

from .access import get_certificate_for_user
from .codes import format_code, normalise_code
from .eligibility import evaluate_policies
from .forms import VerifyForm
from .models import Certificate, CompletionPolicy
from .progress import programme_last_ends, training_over
from .ratelimit import allow
from .services import certificate_pdf_bytes


def _verify_allowed(request) -> bool:
    return allow(
        request,
        scope="certificate-verify",
        limit=settings.CERTIFICATE_VERIFY_RATE_LIMIT,
        window_seconds=settings.CERTIFICATE_VERIFY_RATE_WINDOW_SECONDS,
    )


@method_decorator(never_cache, name="dispatch")
class VerifyView(TemplateView):
    """Public: anyone checks a certificate by its code (the QR leads here).

    Shows valid or revoked, the masked name, LAO, round or programme, issue date and
    issuer; nothing else, and nothing about a replacement. Rate-limited per client IP.
    """

    template_name = "certificates/verify.html"

    def get(self, request, code=None):
        if code is None and "code" not in request.GET:
            return self.render_to_response(self.get_context_data(form=VerifyForm()))
        if not _verify_allowed(request):
            return self.render_to_response(self.get_context_data(limited=True), status=429)
        if code is None:
            form = VerifyForm(request.GET)
            if not form.is_valid():
                return self.render_to_response(self.get_context_data(form=form))
            return self._redirect(form.cleaned_data["code"])
        normalised = normalise_code(code)
        if normalised is not None and format_code(normalised) != code:
            return self._redirect(normalised)
        certificate = (
            Certificate.objects.filter(verification_code=normalised).first() if normalised else None
        )
        context = self.get_context_data(
            form=VerifyForm(initial={"code": code}),
            code=code,
            certificate=certificate,
            not_found=certificate is None,
        )
        return self.render_to_response(context, status=404 if certificate is None else 200)

    def _redirect(self, normalised: str):
        return HttpResponseRedirect(
            reverse("certificates:verify", kwargs={"code": format_code(normalised)})
        )

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        response["X-Robots-Tag"] = "noindex"
        response["Referrer-Policy"] = "no-referrer"
        return response


class MyCertificatesView(LoginRequiredMixin, TemplateView):
    """The participant's certificates, and for each policy what is met and what is missing."""

    template_name = "certificates/my_certificates.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        enrolled = seat_round_and_programme_ids(user)
        round_ids = {round_id for round_id, _ in enrolled}
        programme_ids = {programme_id for _, programme_id in enrolled}
        policies = list(
            CompletionPolicy.objects.active()
            .covering(round_ids=round_ids, programme_ids=programme_ids)
            .select_related("programme", "round")
            .prefetch_related("conditions")
        )
        certificates = list(
            Certificate.objects.for_user(user).select_related("replaces").order_by("-issued_at")
        )
        valid_by_policy = {c.policy_id: c for c in certificates if c.is_valid}
        # The latest revoked one per policy (certificates come newest first).
        revoked_by_policy = {}
        for certificate in certificates:
            if not certificate.is_valid:
                revoked_by_policy.setdefault(certificate.policy_id, certificate)
        pending = [p for p in policies if p.pk not in valid_by_policy]
        results = evaluate_policies(pending, [user.pk])
        last_end = programme_last_ends(policies)
        now = timezone.now()
        context["policies"] = [
            {
                "policy": policy,
                "certificate": valid_by_policy.get(policy.pk),
                "revoked": revoked_by_policy.get(policy.pk),
                "eligibility": results.get((policy.pk, user.pk)),
                "over": training_over(policy, last_end, now),
            }
            # Issued certificates first, then the rest in their order.
            for policy in sorted(policies, key=lambda p: p.pk not in valid_by_policy)
        ]
        context["certificates"] = certificates
        return context


class DownloadCertificateView(LoginRequiredMixin, View):
    """The participant's own PDF; anyone else's certificate answers 404."""

    def get(self, request, pk):
        certificate = get_certificate_for_user(request.user, pk)
        language = "en" if request.GET.get("lang") == "en" else "th"
        if language == "en" and not certificate.has_english:
            raise Http404
        data = certificate_pdf_bytes(certificate=certificate, language=language)
        suffix = "-en" if language == "en" else ""
        return file_response(
            data,
            filename=f"certificate-{certificate.number}{suffix}.pdf",
            content_type="application/pdf",
        )
