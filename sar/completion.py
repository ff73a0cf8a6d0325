"""What the sandbox tells other apps: exercise completion and my-training lines."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from courses.completion import CompletionCondition, ConditionOutcome
from courses.progress import ProgressItem

from .exercises import exercise_checks


class SandboxExerciseCondition(CompletionCondition):
    """``sandbox_exercise``: the round's exercise is done in one of the participant's
    own-data workspaces. A round whose number has no exercise counts as met."""

    kind = "sandbox_exercise"
    label = gettext_lazy("SAR sandbox exercise")

    def evaluate(self, *, user_ids, rounds, params):
        rounds = list(rounds)
        checks = exercise_checks(user_ids, [round_.number for round_ in rounds])
        outcomes = {}
        for user_id in user_ids:
            for round_ in rounds:
                check = checks.get((user_id, round_.number))
                if check is None:
                    outcome = ConditionOutcome(True, _("This round has no sandbox exercise."))
                else:
                    outcome = ConditionOutcome(
                        check.done, f"{check.exercise.title}: {check.summary}"
                    )
                outcomes[(user_id, round_.pk)] = outcome
        return outcomes

    def describe(self, params):
        return _("The round's exercise is done in the SAR sandbox with the LAO's own figures.")


def my_training_items(user, rounds) -> dict[int, list[ProgressItem]]:
    rounds = list(rounds)
    checks = exercise_checks([user.pk], [round_.number for round_ in rounds])
    items = {}
    for round_ in rounds:
        check = checks.get((user.pk, round_.number))
        if check is None:
            continue
        items[round_.pk] = [
            ProgressItem(
                label=_("SAR sandbox exercise: %(title)s") % {"title": check.exercise.title},
                status=check.summary,
                tone="done" if check.done else "due",
                url=reverse("sar:exercise", args=[round_.pk]),
                action=_("Open the sandbox"),
                order=60,
            )
        ]
    return items
