"""The certificate line on each card of "การอบรมของฉัน" (registered in wagtail_hooks)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from courses.progress import ProgressItem

from .eligibility import Eligibility, evaluate_policies
from .models import Certificate, CompletionPolicy


def certificate_item(
    *, policy: CompletionPolicy, certificate: Certificate | None, eligibility: Eligibility | None
) -> ProgressItem:
    label = _("Certificate")
    if certificate is not None:
        return ProgressItem(
            label=label,
            status=_("Issued, number %(number)s") % {"number": certificate.number},
            tone="done",
            url=reverse("certificates:download", kwargs={"pk": certificate.pk}),
            action=_("Download (PDF)"),
            order=90,
        )
    details_url = reverse("certificates:mine")
    if eligibility is not None and eligibility.eligible:
        return ProgressItem(
            label=label,
            status=_("All conditions are met; the certificate will be issued soon."),
            tone="info",
            url=details_url,
            action=_("Details"),
            order=90,
        )
    return ProgressItem(
        label=label,
        status=eligibility.summary() if eligibility else _("Not enrolled in this training."),
        tone="missing" if eligibility and eligibility.enrolled else "info",
        url=details_url,
        action=_("What is missing"),
        order=90,
    )


def round_progress_items(user, rounds) -> dict:
    """One query for the policies (plus their conditions), one for the certificates."""
    round_ids = [round_.pk for round_ in rounds]
    policies = list(
        CompletionPolicy.objects.active().for_rounds(round_ids).prefetch_related("conditions")
    )
    if not policies:
        return {}
    certificates = {
        c.round_id: c
        for c in Certificate.objects.valid().for_user(user).filter(round_id__in=round_ids)
    }
    pending = [p for p in policies if p.round_id not in certificates]
    results = evaluate_policies(pending, [user.pk])
    return {
        policy.round_id: [
            certificate_item(
                policy=policy,
                certificate=certificates.get(policy.round_id),
                eligibility=results.get((policy.pk, user.pk)),
            )
        ]
        for policy in policies
    }


def programme_progress_items(user, programme) -> list:
    policy = (
        CompletionPolicy.objects.active()
        .for_programme_scope([programme.pk])
        .prefetch_related("conditions")
        .first()
    )
    if policy is None:
        return []
    certificate = (
        Certificate.objects.valid()
        .for_user(user)
        .programme_certificates()
        .filter(programme=programme)
        .first()
    )
    eligibility = None
    if certificate is None:
        eligibility = evaluate_policies([policy], [user.pk])[(policy.pk, user.pk)]
    return [certificate_item(policy=policy, certificate=certificate, eligibility=eligibility)]
