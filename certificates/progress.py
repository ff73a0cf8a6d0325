"""The certificate line on each card of "การอบรมของฉัน" (registered in wagtail_hooks).

The page calls the round hook once for all rounds, then the programme hook once per
programme. The round hook reads the policies of the rounds *and* of their programmes
in one query and keeps the programme lines on the user object for the rest of the
request, so the programme hooks cost no query and a page with nothing to show costs one.
"""

from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import Round
from courses.progress import ProgressItem

from .eligibility import Eligibility, evaluate_policies
from .models import Certificate, CompletionPolicy

_MEMO = "_certificate_programme_items"


def condition_lines(eligibility: Eligibility | None) -> tuple[tuple[bool, str], ...]:
    """One line per condition: the rule when met (ticked), else the rule and what is left."""
    if eligibility is None:
        return ()
    lines = []
    for check in eligibility.checks:
        text = check.label
        if check.round_number:
            text = _("Round %(number)s: %(rule)s") % {"number": check.round_number, "rule": text}
        if not check.met and check.detail:
            text = f"{text} ({check.detail})"
        lines.append((check.met, text))
    return tuple(lines)


def certificate_item(
    *,
    policy: CompletionPolicy,
    certificate: Certificate | None,
    eligibility: Eligibility | None,
    revoked: Certificate | None = None,
    training_over: bool = True,
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
    enrolled = bool(eligibility and eligibility.enrolled)
    if not enrolled:
        status = _("Not enrolled in this training.")
    elif training_over:
        status = eligibility.summary()
    else:
        status = _("Conditions for the certificate:")
    return ProgressItem(
        label=label,
        status=status,
        # Neutral until the training is over: nothing is "missing" before it has happened.
        tone="missing" if enrolled and training_over else "info",
        url=details_url,
        action=_("Details"),
        order=90,
        lines=condition_lines(eligibility),
    )


def programme_last_ends(policies) -> dict:
    """When each programme policy's programme ends (its last round), one query at most."""
    return dict(
        Round.objects.filter(programme_id__in={p.programme_id for p in policies if not p.round_id})
        .values("programme_id")
        .annotate(ends=Max("ends_at"))
        .values_list("programme_id", "ends")
    )


def training_over(policy: CompletionPolicy, last_end: dict, now) -> bool:
    """The round has ended; for a programme policy, its last round has."""
    if policy.round_id:
        return now >= policy.round.ends_at
    ends = last_end.get(policy.programme_id)
    return ends is not None and now >= ends


def _items(user, *, round_ids, programme_ids, last_end=None) -> tuple[dict, dict]:
    """Certificate lines by round id and by programme id, in a bounded number of queries.
    ``last_end``: when each programme ends for this participant (else asked)."""
    policies = list(
        CompletionPolicy.objects.active()
        .covering(round_ids=round_ids, programme_ids=programme_ids)
        .select_related("round")
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
    now = timezone.now()
    if last_end is None:
        last_end = programme_last_ends(policies)
    by_round, by_programme = {}, {}
    for policy in policies:
        item = certificate_item(
            policy=policy,
            certificate=certificates.get((policy.programme_id, policy.round_id)),
            eligibility=results.get((policy.pk, user.pk)),
            revoked=revoked.get((policy.programme_id, policy.round_id)),
            training_over=training_over(policy, last_end, now),
        )
        if policy.round_id:
            by_round[policy.round_id] = [item]
        else:
            by_programme[policy.programme_id] = [item]
    return by_round, by_programme


def round_progress_items(user, rounds) -> dict:
    programme_ids = {round_.programme_id for round_ in rounds}
    # A programme's training is over for the participant once their last round has ended.
    last_end = {}
    for round_ in rounds:
        current = last_end.get(round_.programme_id)
        if current is None or round_.ends_at > current:
            last_end[round_.programme_id] = round_.ends_at
    by_round, by_programme = _items(
        user,
        round_ids=[round_.pk for round_ in rounds],
        programme_ids=programme_ids,
        last_end=last_end,
    )
    setattr(user, _MEMO, (programme_ids, by_programme))
    return by_round


def programme_progress_items(user, programme) -> list:
    answered, by_programme = getattr(user, _MEMO, (set(), {}))
    if programme.pk not in answered:
        _by_round, by_programme = _items(user, round_ids=[], programme_ids=[programme.pk])
    return by_programme.get(programme.pk, [])
