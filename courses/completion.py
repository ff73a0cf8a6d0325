"""Completion conditions: how each app tells `certificates` whether a rule is met.

A completion policy (owned by `certificates`) is a list of conditions, each with a ``kind``
and its parameters, a JSON object that only the providing app reads. The apps that hold the
evidence provide the conditions, registered as Wagtail hooks in their ``wagtail_hooks.py``:

    @hooks.register(COMPLETION_CONDITION_HOOK)
    def attendance_condition():
        return AttendanceCondition()          # a CompletionCondition (sessions.completion)

The provider owns everything about its parameters: the form fields the policy's admin form
shows (``param_fields``), their check (``clean_params``, Thai errors) and the rule in Thai
words (``describe``, e.g. "เข้าร่วมอย่างน้อยร้อยละ 80 ..."). `certificates` stores the JSON
and passes it back; it knows no kind and no parameter by name.

``evaluate`` answers for many participants and rounds at once, in a bounded number of
queries, so bulk issuance for thousands stays fast.

``TRAINED_MEMBERS_HOOK``: how many members of an LAO completed the programme. `certificates`
knows (it issues the programme certificates) and answers; the SAR sandbox asks, to pre-fill
its GOV-2 figure (``sar.hooks``)::

    @hooks.register(TRAINED_MEMBERS_HOOK)
    def trained_members(organisation) -> int: ...
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django import forms
from wagtail import hooks

COMPLETION_CONDITION_HOOK = "register_completion_condition"
TRAINED_MEMBERS_HOOK = "trained_members"


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

    def param_fields(self) -> dict[str, forms.Field]:
        """The form fields of the parameters, by parameter name (none by default)."""
        return {}

    def clean_params(self, params: dict) -> dict:
        """The parameters checked and normalised, to store as JSON (empty values left
        out); raises ``ValidationError`` with a Thai message. No parameters by default."""
        return {}

    def describe(self, params: dict) -> str:
        """The rule in Thai for administrators and participants."""
        return str(self.label)


def completion_conditions() -> dict[str, CompletionCondition]:
    """Every registered condition, by kind."""
    conditions = (hook() for hook in hooks.get_hooks(COMPLETION_CONDITION_HOOK))
    return {condition.kind: condition for condition in conditions}
