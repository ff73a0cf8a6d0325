"""The rules that compare figures (refusals) and the plausibility warnings (accepted).

Field-level checks (type, sign, range) are done when each value is read
(``numbers.coerce_value``); here: parts larger than their whole, activities without a
factor version for the year, and the warnings of the framework file.
"""

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from sar.framework import Framework
from sar.framework.model import thai

from .data import CityData, january_first
from .messages import WARNING_MESSAGES, add_error, join_names, message
from .numbers import constant, format_number


@dataclass(frozen=True)
class AssessmentWarning:
    code: str
    field: str
    message: str


def validate_city_data(
    data: CityData, framework: Framework, *, focus: set[str] | None = None
) -> dict[str, list[str]]:
    """Every cross-field refusal, as ``{"field": ["Thai message"]}``.

    An error is keyed by the part (or by the whole when several parts are summed); with
    ``focus`` (the fields of the form being saved) it goes to the first involved field in
    the form.
    """
    errors: dict[str, list[str]] = {}
    for rule in framework.rules:
        key, text = _part_of_whole(rule, data, framework)
        if text is None:
            continue
        if focus is not None and key not in focus:
            key = next((k for k in [rule["whole"], *rule["parts"]] if k in focus), key)
        add_error(errors, key, text)

    year_be = data.profile.get("year_be")
    if year_be is not None:
        day = january_first(year_be)
        for index, activity in enumerate(data.activities):
            factor = framework.factor(activity.ef)
            if factor is not None and factor.version_on(day) is None:
                add_error(
                    errors,
                    f"activities[{index}].ef",
                    message("no_factor_version", code=activity.ef, year=year_be),
                )
    return errors


def _part_of_whole(rule: dict, data: CityData, framework: Framework):
    """(the field the refusal belongs to, its message), or (None, None) when it holds."""
    parts = rule["parts"]
    whole_key = rule["whole"]
    part_values = [data.value(key) for key in parts]
    whole_value = data.value(whole_key)
    if whole_value is None or all(value is None for value in part_values):
        return None, None
    part_sum = sum((v for v in part_values if v is not None), Decimal(0))
    part_scaled = part_sum * Decimal(rule.get("part_multiply", "1"))
    whole_scaled = whole_value * Decimal(rule.get("whole_multiply", "1"))
    if part_scaled <= whole_scaled:
        return None, None
    part_names = [framework.fields_by_key[key].name for key in parts]
    whole_name = framework.fields_by_key[whole_key].name
    if "part_multiply" in rule or "whole_multiply" in rule:
        unit = rule.get("compare_unit_th", "") if thai() else rule.get("compare_unit_en", "")
        text = message(
            "part_larger_converted",
            part=part_names[0],
            part_value=format_number(part_scaled),
            whole=whole_name,
            whole_value=format_number(whole_scaled),
            compare_unit=unit,
        )
    else:
        text = message(
            "parts_larger" if len(parts) > 1 else "part_larger",
            part=join_names(part_names),
            part_value=format_number(part_sum),
            whole=whole_name,
            whole_value=format_number(whole_value),
        )
    return (parts[0] if len(parts) == 1 else whole_key), text


def assessment_warnings(framework: Framework, data: CityData, by_code: dict) -> tuple:
    """The framework's ``warnings`` that apply: figures accepted but unusual."""
    warnings = []
    for rule in framework.warnings:
        if rule["kind"] == "indicator_above":
            result = by_code[rule["indicator"]]
            limit = constant(rule["limit"])
            if result.value is not None and result.value > limit:
                text = str(WARNING_MESSAGES["indicator_above"]) % {
                    "indicator": f"{result.indicator.code} {result.indicator.name}",
                    "value": format_number(result.value),
                    "unit": result.indicator.unit_label,
                    "limit": format_number(Decimal(rule["limit"])),
                }
                warnings.append(AssessmentWarning("indicator_above", rule["field"], text))
        elif rule["kind"] == "population_vs_base":
            population = data.profile.get("population")
            base = data.base_year
            if not population or base is None or not base.population:
                continue
            change = abs(Fraction(population) - Fraction(base.population)) / Fraction(
                base.population
            )
            limit = constant(rule["max_change_percent"])
            if change * 100 > limit:
                text = str(WARNING_MESSAGES["population_vs_base"]) % {
                    "population": format_number(population),
                    "base_population": format_number(base.population),
                    "change": format_number(change * 100, 1),
                    "limit": format_number(Decimal(rule["max_change_percent"])),
                }
                warnings.append(AssessmentWarning("population_vs_base", rule["field"], text))
    return tuple(warnings)
