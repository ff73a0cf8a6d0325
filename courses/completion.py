"""Completion conditions: how each app tells `certificates` whether a rule is met.

A completion policy (owned by `certificates`) is a list of conditions, each with a ``kind``
and parameters. The apps that hold the evidence provide the conditions, registered as Wagtail
hooks in their ``wagtail_hooks.py``:

    @hooks.register(COMPLETION_CONDITION_HOOK)
    def attendance_condition():
        return AttendanceCondition()          # a CompletionCondition

Kinds in use: ``attendance`` (sessions; params ``{"min_percent": 80}`` or
``{"min_minutes": 150}``), ``post_test_passed`` (assessments; the round's post-test, or the
programme's when the round has none), ``sandbox_exercise`` (sar; the round's exercise).

``evaluate`` answers for many participants and rounds at once, in a bounded number of
queries, so bulk issuance for thousands stays fast.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from wagtail import hooks

COMPLETION_CONDITION_HOOK = "register_completion_condition"


@dataclass(frozen=True)
class ConditionOutcome:
    met: bool
    detail: str  # Thai, for the participant, e.g. "เข้าร่วม 170 จาก 180 นาที (94%)"


class CompletionCondition:
    kind: str = ""
    label: str = ""  # Thai, e.g. "เข้าร่วมการอบรม"

    def evaluate(
        self, *, user_ids: Sequence[int], rounds: Sequence, params: dict
    ) -> dict[tuple[int, int], ConditionOutcome]:
        """The outcome for every (user_id, round_id) pair asked about."""
        raise NotImplementedError

    def describe(self, params: dict) -> str:
        """The rule in Thai for administrators and participants."""
        return str(self.label)


def completion_conditions() -> dict[str, CompletionCondition]:
    """Every registered condition, by kind."""
    conditions = (hook() for hook in hooks.get_hooks(COMPLETION_CONDITION_HOOK))
    return {condition.kind: condition for condition in conditions}
