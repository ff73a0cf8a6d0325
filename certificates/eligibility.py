"""Who has earned a certificate, and why or why not, in Thai.

The evidence lives in other apps; each provides its kinds of condition through
``courses.completion`` (attendance from sessions, the post-test from assessments, the
sandbox exercise from sar). Here the conditions of a policy are put together:

- a round policy: enrolled in the round and every condition met for that round;
- a programme policy: a round counts when every "each round" condition is met in it;
  ``min_rounds`` rounds must count (all rounds when empty), and every "any round"
  condition must be met in at least one round.

``evaluate_policies`` answers for many policies and participants at once: one query for
the rounds, one for the enrolments and one ``evaluate`` call per distinct condition,
whatever the number of participants.
"""

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from courses.completion import ConditionOutcome, completion_conditions
from courses.models import Enrolment, EnrolmentStatus, Round

from .models import CompletionPolicy, ConditionScope, PolicyCondition


@dataclass(frozen=True)
class ConditionCheck:
    """One line of the explanation: a rule, whether it is met, and what was found."""

    label: str
    met: bool
    detail: str = ""
    round_number: int | None = None
    available: bool = True  # False when no part of the platform provides the kind


@dataclass(frozen=True)
class Eligibility:
    user_id: int
    policy_id: int
    enrolled: bool
    eligible: bool
    checks: tuple[ConditionCheck, ...] = ()
    rounds_completed: int | None = None
    rounds_required: int | None = None

    @property
    def missing(self) -> list[ConditionCheck]:
        return [check for check in self.checks if not check.met]

    @property
    def unavailable(self) -> list[ConditionCheck]:
        return [check for check in self.checks if not check.available]

    def summary(self) -> str:
        """One Thai sentence for a card: eligible, or what is still missing."""
        if not self.enrolled:
            return _("Not enrolled in this training.")
        if self.eligible:
            return _("All conditions are met.")
        labels = list(dict.fromkeys(check.label for check in self.missing))
        return _("Still missing: %(conditions)s") % {"conditions": "; ".join(labels)}


@dataclass
class _Plan:
    policy: CompletionPolicy
    rounds: list = field(default_factory=list)
    conditions: list[PolicyCondition] = field(default_factory=list)


def _condition_label(condition: PolicyCondition, provider) -> str:
    return condition.describe(provider) if provider is not None else condition.kind


def _params_key(condition: PolicyCondition) -> tuple:
    return (condition.kind, json.dumps(condition.params or {}, sort_keys=True))


def evaluate_policies(
    policies: Sequence[CompletionPolicy], user_ids: Iterable[int]
) -> dict[tuple[int, int], Eligibility]:
    """Eligibility for every (policy_id, user_id) pair, in a bounded number of queries.

    Pass policies with ``conditions`` prefetched to save one query per policy.
    """
    user_ids = sorted(set(user_ids))
    if not policies or not user_ids:
        return {}
    programme_ids = {p.programme_id for p in policies if p.is_programme_policy}
    round_ids = {p.round_id for p in policies if not p.is_programme_policy}
    rounds = list(
        Round.objects.filter(Q(pk__in=round_ids) | Q(programme_id__in=programme_ids)).order_by(
            "programme_id", "number"
        )
    )
    rounds_by_id = {r.pk: r for r in rounds}
    plans = []
    for policy in policies:
        if policy.is_programme_policy:
            policy_rounds = [r for r in rounds if r.programme_id == policy.programme_id]
        else:
            policy_rounds = [rounds_by_id[policy.round_id]]
        plans.append(_Plan(policy, policy_rounds, list(policy.conditions.all())))

    enrolled: dict[int, set[int]] = defaultdict(set)
    for user_id, round_id in Enrolment.objects.filter(
        user_id__in=user_ids, round_id__in=rounds_by_id, status=EnrolmentStatus.ENROLLED
    ).values_list("user_id", "round_id"):
        enrolled[user_id].add(round_id)

    # One evaluate() per distinct (kind, params), over every round that needs it.
    providers = completion_conditions()
    wanted: dict[tuple, dict[int, Round]] = defaultdict(dict)
    for plan in plans:
        for condition in plan.conditions:
            if condition.kind in providers:
                wanted[_params_key(condition)].update({r.pk: r for r in plan.rounds})
    candidates = [uid for uid in user_ids if enrolled.get(uid)]
    outcomes: dict[tuple, dict[tuple[int, int], ConditionOutcome]] = {}
    for key, needed_rounds in wanted.items():
        kind, params = key[0], json.loads(key[1])
        outcomes[key] = (
            providers[kind].evaluate(
                user_ids=candidates, rounds=list(needed_rounds.values()), params=params
            )
            if candidates
            else {}
        )

    results = {}
    for plan in plans:
        for user_id in user_ids:
            results[(plan.policy.pk, user_id)] = _judge(
                plan, user_id, enrolled.get(user_id, set()), outcomes, providers
            )
    return results


def _judge(plan: _Plan, user_id: int, enrolled_round_ids, outcomes, providers) -> Eligibility:
    policy = plan.policy
    my_rounds = [r for r in plan.rounds if r.pk in enrolled_round_ids]
    if not my_rounds:
        return Eligibility(user_id=user_id, policy_id=policy.pk, enrolled=False, eligible=False)

    def outcome(condition, round_) -> ConditionOutcome:
        answers = outcomes.get(_params_key(condition), {})
        return answers.get((user_id, round_.pk)) or ConditionOutcome(met=False, detail="")

    unavailable = []
    for condition in plan.conditions:
        if condition.kind not in providers:
            unavailable.append(
                ConditionCheck(
                    label=_condition_label(condition, None),
                    met=False,
                    detail=_(
                        "This condition cannot be checked yet: no part of the platform "
                        "provides “%(kind)s”. Please contact the administrator."
                    )
                    % {"kind": condition.kind},
                    available=False,
                )
            )

    def round_checks(conditions, round_) -> tuple[list[ConditionCheck], bool]:
        """The checks of these conditions in one round, and whether all are met there (a
        condition no app provides is never met)."""
        found, all_met = [], True
        for condition in conditions:
            provider = providers.get(condition.kind)
            if provider is None:
                all_met = False
                continue
            result = outcome(condition, round_)
            all_met = all_met and result.met
            found.append(
                ConditionCheck(
                    label=_condition_label(condition, provider),
                    met=result.met,
                    detail=result.detail,
                    round_number=round_.number,
                )
            )
        return found, all_met

    if policy.is_programme_policy:
        checks, completed, required = _programme_checks(
            plan, my_rounds, round_checks, outcome, providers
        )
        checks.extend(unavailable)
        eligible = all(check.met for check in checks if check.round_number is None)
    else:
        completed = required = None
        checks, _all_met = round_checks(plan.conditions, my_rounds[0])
        checks.extend(unavailable)
        eligible = all(check.met for check in checks)
    return Eligibility(
        user_id=user_id,
        policy_id=policy.pk,
        enrolled=True,
        eligible=eligible,
        checks=tuple(checks),
        rounds_completed=completed,
        rounds_required=required,
    )


def _programme_checks(plan: _Plan, my_rounds, round_checks, outcome, providers):
    """A programme policy: each round's "each round" checks, the "any round" checks and
    the count of completed rounds; returns (checks, completed, required)."""
    checks: list[ConditionCheck] = []
    each_round = [c for c in plan.conditions if c.scope != ConditionScope.ANY_ROUND]
    any_round = [c for c in plan.conditions if c.scope == ConditionScope.ANY_ROUND]
    completed = 0
    for round_ in my_rounds:
        found, round_met = round_checks(each_round, round_)
        checks.extend(found)
        completed += round_met
    for condition in any_round:
        provider = providers.get(condition.kind)
        if provider is None:
            continue
        results = [outcome(condition, round_) for round_ in my_rounds]
        met = [r for r in results if r.met]
        shown = met[0] if met else results[-1]
        checks.append(
            ConditionCheck(
                label=_condition_label(condition, provider), met=bool(met), detail=shown.detail
            )
        )
    required = plan.policy.min_rounds or len(plan.rounds)
    checks.append(
        ConditionCheck(
            label=_("Complete at least %(required)s rounds") % {"required": required},
            met=completed >= required,
            detail=_("%(completed)s of %(required)s rounds completed")
            % {"completed": completed, "required": required},
        )
    )
    return checks, completed, required


def explain_eligibility(*, policy: CompletionPolicy, user) -> Eligibility:
    """For one participant: which conditions are met and which are missing."""
    return evaluate_policies([policy], [user.pk])[(policy.pk, user.pk)]


def candidate_user_ids(policy: CompletionPolicy) -> list[int]:
    """Everyone enrolled (not wait-listed or cancelled) in the policy's round(s), except
    deleted accounts (their enrolments stay for the counts)."""
    enrolments = Enrolment.objects.filter(
        status=EnrolmentStatus.ENROLLED, user__erased_at__isnull=True
    )
    if policy.is_programme_policy:
        enrolments = enrolments.filter(round__programme_id=policy.programme_id)
    else:
        enrolments = enrolments.filter(round_id=policy.round_id)
    return sorted(set(enrolments.values_list("user_id", flat=True)))


def eligible_user_ids(policy: CompletionPolicy, *, chunk_size: int = 2000) -> list[int]:
    """Everyone who meets the policy now, evaluated in chunks of participants."""
    candidates = candidate_user_ids(policy)
    eligible = []
    for start in range(0, len(candidates), chunk_size):
        chunk = candidates[start : start + chunk_size]
        results = evaluate_policies([policy], chunk)
        eligible.extend(uid for uid in chunk if results[(policy.pk, uid)].eligible)
    return eligible
