"""The certificate line on each card of "การอบรมของฉัน" (registered in wagtail_hooks).

The page calls the round hook once for all rounds, then the programme hook once per
programme. The round hook reads the policies of the rounds *and* of their programmes
in one query and keeps the programme lines on the user object for the rest of the
request, so the programme hooks cost no query and a page with nothing to show costs one.
"""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from courses.progress import ProgressItem

from .eligibility import Eligibility, evaluate_policies
from .models import Certificate, CompletionPolicy

_MEMO = "_certificate_programme_items"


def certificate_item(
    *,
    policy: CompletionPolicy,
    certificate: Certificate | None,
    eligibility: Eligibility | None,
    revoked: Certificate | None = None,
) -> ProgressItem:
    """``revoked``: the participant's revoked certificate under the policy, when they hold
    no valid one (it is said so, with DLA's reason, instead of "issued soon")."""
    label = _("Certificate")
    if certificate is None and revoked is not None:
        return ProgressItem(
            label=label,
            status=_("Certificate revoked: %(reason)s") % {"reason": revoked.revocation_reason},
            tone="missing",
            url=reverse("certificates:mine"),
            action=_("Details"),
            order=90,
        )
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


def _items(user, *, round_ids, programme_ids) -> tuple[dict, dict]:
    """Certificate lines by round id and by programme id, in a bounded number of queries."""
    policies = list(
        CompletionPolicy.objects.active()
        .filter(Q(round_id__in=round_ids) | Q(round__isnull=True, programme_id__in=programme_ids))
        .prefetch_related("conditions")
    )
    if not policies:
        return {}, {}
    certificates, revoked = {}, {}
    for certificate in (
        Certificate.objects.for_user(user).filter(policy__in=policies).order_by("issued_at", "pk")
    ):
        key = (certificate.programme_id, certificate.round_id)
        if certificate.is_valid:
            certificates[key] = certificate
        else:
            revoked[key] = certificate  # the latest wins
    pending = [p for p in policies if (p.programme_id, p.round_id) not in certificates]
    results = evaluate_policies(pending, [user.pk])
    by_round, by_programme = {}, {}
    for policy in policies:
        item = certificate_item(
            policy=policy,
            certificate=certificates.get((policy.programme_id, policy.round_id)),
            eligibility=results.get((policy.pk, user.pk)),
            revoked=revoked.get((policy.programme_id, policy.round_id)),
        )
        if policy.round_id:
            by_round[policy.round_id] = [item]
        else:
            by_programme[policy.programme_id] = [item]
    return by_round, by_programme


def round_progress_items(user, rounds) -> dict:
    programme_ids = {round_.programme_id for round_ in rounds}
    by_round, by_programme = _items(
        user, round_ids=[round_.pk for round_ in rounds], programme_ids=programme_ids
    )
    setattr(user, _MEMO, (programme_ids, by_programme))
    return by_round


def programme_progress_items(user, programme) -> list:
    answered, by_programme = getattr(user, _MEMO, (set(), {}))
    if programme.pk not in answered:
        _by_round, by_programme = _items(user, round_ids=[], programme_ids=[programme.pk])
    return by_programme.get(programme.pk, [])
