"""Round exercises, checked from the figures in a participant's workspace.

An exercise (from the framework file) lists what must be there: a complete profile,
indicators that have a value, GHG activities (a factor code or any factor of a sector), a
minimum completeness, a level. Workspaces filled from the sample city do not count.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext as _

from .engine import Assessment, CityData, assess, format_number
from .framework import Exercise, Framework, get_framework
from .models import Workspace
from .selectors import workspace_city_data


@dataclass(frozen=True)
class ExerciseCheck:
    exercise: Exercise
    done: bool
    missing: tuple[str, ...] = ()
    workspace: Workspace | None = None

    @property
    def summary(self) -> str:
        if self.done:
            return _("Done (workspace %(year)s)") % {"year": self.workspace.year_be}
        if self.workspace is None:
            return _("Not started: open a workspace with your own LAO's figures.")
        return _("Still missing: %(items)s") % {"items": "; ".join(self.missing)}


def check_exercise(
    exercise: Exercise, data: CityData, assessment: Assessment, framework: Framework
) -> tuple[bool, tuple[str, ...]]:
    """(done, what is still missing, in Thai) for one workspace."""
    requires = exercise.requires
    missing: list[str] = []
    if requires.get("profile_complete"):
        empty = [f.name for f in framework.profile_fields if data.profile.get(f.key) is None]
        if empty:
            missing.append(_("city profile: %(fields)s") % {"fields": ", ".join(empty)})
    without_value = [
        code for code in requires.get("indicators", []) if assessment.indicator(code).missing
    ]
    if without_value:
        missing.append(
            _("indicators without a value: %(codes)s") % {"codes": ", ".join(without_value)}
        )
    for need in requires.get("activities", []):
        if not _has_activity(need, data, framework):
            missing.append(_describe_activity(need, framework))
    minimum = requires.get("min_completeness")
    if minimum is not None and assessment.completeness < Fraction(Decimal(minimum)):
        missing.append(
            _("completeness %(have)s%% (at least %(need)s%% needed)")
            % {
                "have": format_number(assessment.completeness * 100, 0),
                "need": format_number(Decimal(minimum) * 100, 0),
            }
        )
    if requires.get("level") and assessment.level.code == framework.insufficient_level.code:
        if minimum is None:
            missing.append(_("a level (more indicators with a value)"))
    return not missing, tuple(missing)


def _has_activity(need: dict, data: CityData, framework: Framework) -> bool:
    for activity in data.activities:
        factor = framework.factor(activity.ef)
        if factor is None:
            continue
        if activity.ef in need.get("codes", []) or factor.sector == need.get("sector"):
            return True
    return False


def _describe_activity(need: dict, framework: Framework) -> str:
    if need.get("codes"):
        names = [framework.factor(code).name for code in need["codes"]]
        return _("a GHG activity: %(names)s") % {"names": " / ".join(names)}
    return _("a GHG activity in the sector %(sector)s") % {
        "sector": framework.sector_name(need["sector"])
    }


def exercise_checks(
    user_ids: Iterable[int], round_numbers: Sequence[int]
) -> dict[tuple[int, int], ExerciseCheck]:
    """The check of each round number's exercise for each user, in three queries.

    A user's exercise is done when any of their own-data workspaces satisfies it; when
    none does, the workspace closest to it is reported with what is missing.
    """
    framework = get_framework()
    user_ids = list(set(user_ids))
    exercises = {
        number: exercise
        for number in set(round_numbers)
        if (exercise := framework.exercise_for_round(number)) is not None
    }
    workspaces_by_user: dict[int, list[Workspace]] = defaultdict(list)
    if exercises and user_ids:
        queryset = (
            Workspace.objects.for_users(user_ids)
            .counting_for_exercises()
            .prefetch_related("entries", "activities")
            .order_by("-updated_at", "-pk")
        )
        for workspace in queryset:
            workspaces_by_user[workspace.owner_id].append(workspace)
    evaluated = {}
    for workspaces in workspaces_by_user.values():
        for workspace in workspaces:
            data = workspace_city_data(workspace, framework)
            evaluated[workspace.pk] = (data, assess(data, framework))

    checks: dict[tuple[int, int], ExerciseCheck] = {}
    for user_id in user_ids:
        for number, exercise in exercises.items():
            best = None
            for workspace in workspaces_by_user.get(user_id, []):
                data, assessment = evaluated[workspace.pk]
                done, missing = check_exercise(exercise, data, assessment, framework)
                candidate = ExerciseCheck(exercise, done, missing, workspace)
                if done:
                    best = candidate
                    break
                if best is None or len(missing) < len(best.missing):
                    best = candidate
            checks[(user_id, number)] = best or ExerciseCheck(exercise, False, (), None)
    return checks


def workspace_exercises(
    workspace: Workspace, data: CityData, assessment: Assessment, framework: Framework
) -> list[tuple[Exercise, bool, tuple[str, ...]]]:
    return [
        (exercise, *check_exercise(exercise, data, assessment, framework))
        for exercise in framework.exercises
    ]


def done_in_workspace(workspace: Workspace, framework: Framework) -> set[int]:
    """The round numbers whose exercise this workspace satisfies (none for a sample city)."""
    if workspace.contains_sample or not framework.exercises:
        return set()
    data = workspace_city_data(workspace, framework)
    assessment = assess(data, framework)
    return {
        exercise.round_number
        for exercise in framework.exercises
        if check_exercise(exercise, data, assessment, framework)[0]
    }
