"""The attendance completion condition (``courses.completion``'s protocol): attended enough
of the round's live session. `certificates` stores its parameters as JSON; only this module
reads them."""

import math

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from courses.completion import CompletionCondition, ConditionOutcome

from .models import AttendanceRecord, AttendanceStatus

CHUNK = 2000
DEFAULT_PERCENT = 80


class AttendanceCondition(CompletionCondition):
    """Attended enough of the round's live session.

    Params: ``{"min_percent": 80}`` (of the round's scheduled time, the default) or
    ``{"min_minutes": 150}``. Excused absences count as met; a trainer's override to
    "present" counts as met, to "absent" or "partial" as not met.
    """

    kind = "attendance"
    label = gettext_lazy("Attendance at the live session")

    def param_fields(self):
        return {
            "min_percent": forms.IntegerField(
                label=gettext_lazy("minimum percent"),
                required=False,
                min_value=1,
                max_value=100,
                help_text=gettext_lazy("Attendance: percent of the round's time, e.g. 80."),
            ),
            "min_minutes": forms.IntegerField(
                label=gettext_lazy("minimum minutes"),
                required=False,
                min_value=1,
                help_text=gettext_lazy("Attendance: minutes present instead of a percent."),
            ),
        }

    def clean_params(self, params: dict) -> dict:
        given = {
            name: params.get(name)
            for name in ("min_percent", "min_minutes")
            if params.get(name) not in (None, "")
        }
        if len(given) == 2:
            raise ValidationError(_("Give a percent or minutes, not both."))
        if not given:
            raise ValidationError(_("An attendance condition needs a percent or minutes."))
        fields = self.param_fields()
        # A whole number in range, also when the JSON came from elsewhere than the form.
        return {name: fields[name].clean(str(value)) for name, value in given.items()}

    def _required(self, round_, params: dict) -> int:
        if params.get("min_minutes") is not None:
            return int(params["min_minutes"])
        percent = float(params.get("min_percent", DEFAULT_PERCENT))
        return math.ceil(round_.duration_minutes * percent / 100)

    def evaluate(self, *, user_ids, rounds, params):
        rounds = list(rounds)
        user_ids = list(user_ids)
        found = {}
        for start in range(0, len(user_ids), CHUNK):
            rows = AttendanceRecord.objects.filter(
                session__round_id__in=[r.pk for r in rounds],
                user_id__in=user_ids[start : start + CHUNK],
            ).values("user_id", "session__round_id", "minutes_present", "status", "overridden")
            for row in rows:
                found[(row["user_id"], row["session__round_id"])] = row
        outcomes = {}
        for round_ in rounds:
            required = self._required(round_, params)
            scheduled = round_.duration_minutes
            for user_id in user_ids:
                row = found.get((user_id, round_.pk))
                outcomes[(user_id, round_.pk)] = self._outcome(row, required, scheduled)
        return outcomes

    def _outcome(self, row, required: int, scheduled: int) -> ConditionOutcome:
        if row is None:
            return ConditionOutcome(False, _("No attendance recorded yet"))
        if row["status"] == AttendanceStatus.EXCUSED:
            return ConditionOutcome(True, _("Excused by the trainer"))
        if row["overridden"]:
            met = row["status"] == AttendanceStatus.PRESENT
            detail = (
                _("Confirmed present by the trainer") if met else _("Marked by the trainer: %(s)s")
            )
            return ConditionOutcome(met, detail % {"s": AttendanceStatus(row["status"]).label})
        minutes = row["minutes_present"]
        percent = min(100, minutes * 100 // scheduled) if scheduled else 0
        detail = _("Attended %(minutes)s of %(scheduled)s minutes (%(percent)s%%)") % {
            "minutes": minutes,
            "scheduled": scheduled,
            "percent": percent,
        }
        return ConditionOutcome(minutes >= required, detail)

    def describe(self, params: dict) -> str:
        if params.get("min_minutes") is not None:
            rule = _("At least %(minutes)s minutes in the live session") % {
                "minutes": params["min_minutes"]
            }
        else:
            rule = _("At least %(percent)s%% of the scheduled time in the live session") % {
                "percent": params.get("min_percent", DEFAULT_PERCENT)
            }
        return rule + " " + _("(an absence excused by the trainer counts as attended)")
