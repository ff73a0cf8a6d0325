"""The `sar_assess` JSON contract (sar.md): reading an input document, writing the output.

data, errors = parse_payload(payload, framework)     # {"field": ["Thai message"]}
document = assessment_to_json(assess(data, framework))
dumps_exact(document)                                  # numbers digit for digit
"""

import json
from decimal import Decimal
from fractions import Fraction

from sar.framework import Field, Framework

from .compute import Assessment
from .data import Activity, BaseYear, CityData
from .messages import add_error, message
from .numbers import coerce_value, round_half_up
from .validation import validate_city_data

PAYLOAD_KEYS = {"profile", "inputs", "activities", "base_year"}
ACTIVITY_KEYS = {"ef", "quantity", "month"}


# --- Input -------------------------------------------------------------------------------


def parse_payload(payload, framework: Framework) -> tuple[CityData | None, dict]:
    """Check a decoded JSON document (numbers as Decimal) against the contract.

    Returns ``(data, {})`` or ``(None, {"field": ["Thai message", ...]})``.
    """
    errors: dict[str, list[str]] = {}
    if not isinstance(payload, dict):
        return None, {"input": [message("not_an_object")]}
    for key in payload:
        if key not in PAYLOAD_KEYS:
            add_error(errors, key, message("unknown_field"))
    profile = _parse_profile(payload.get("profile"), framework, errors)
    inputs = _parse_inputs(payload.get("inputs", {}), framework, errors)
    activities = _parse_activities(payload.get("activities"), framework, errors)
    base_year = _parse_base_year(payload.get("base_year"), framework, errors)

    data = CityData(profile=profile, inputs=inputs, activities=activities, base_year=base_year)
    for key, messages in validate_city_data(data, framework).items():
        if key not in errors:  # a field that failed on its own is not compared again
            errors[key] = messages
    if errors:
        return None, errors
    return data, {}


def _parse_profile(raw_profile, framework: Framework, errors: dict) -> dict:
    profile: dict = {}
    profile_given = isinstance(raw_profile, dict)
    if not profile_given:
        add_error(
            errors, "profile", message("required" if raw_profile is None else "not_an_object")
        )
        raw_profile = {}
    for key in raw_profile:
        if key != "year_be" and key not in {f.key for f in framework.profile_fields}:
            add_error(errors, key, message("unknown_field"))
    for field_def in framework.profile_fields:
        value, error = coerce_value(field_def, raw_profile.get(field_def.key), framework)
        if error:
            add_error(errors, field_def.key, error)
        elif value is None and profile_given:
            add_error(errors, field_def.key, message("required"))
        profile[field_def.key] = value
    year, error = coerce_value(year_field(framework), raw_profile.get("year_be"), framework)
    if error:
        add_error(errors, "year_be", error)
    elif year is None and profile_given:
        add_error(errors, "year_be", message("required"))
    profile["year_be"] = int(year) if year is not None else None
    return profile


def _parse_inputs(raw_inputs, framework: Framework, errors: dict) -> dict:
    inputs: dict = {}
    if raw_inputs is None:
        return inputs
    if not isinstance(raw_inputs, dict):
        add_error(errors, "inputs", message("not_an_object"))
        return inputs
    input_keys = {f.key for f in framework.input_fields}
    for key, raw in raw_inputs.items():
        if key not in input_keys:
            add_error(errors, key, message("unknown_field"))
            continue
        value, error = coerce_value(framework.fields_by_key[key], raw, framework)
        if error:
            add_error(errors, key, error)
        elif value is not None:
            inputs[key] = value
    return inputs


def year_field(framework: Framework) -> Field:
    """The profile's reporting year: every framework has it (factors are chosen by it)."""
    return Field(
        key="year_be",
        type="integer",
        section=framework.profile_section.code,
        group="",
        raw={"name_th": "ปีที่รายงาน (พ.ศ.)", "name_en": "Reporting year (BE)"},
        minimum=Decimal(framework.year_be_min),
        maximum=Decimal(framework.year_be_max),
    )


def quantity_field() -> Field:
    """An activity's quantity: a decimal >= 0, like any figure."""
    return Field(key="quantity", type="decimal", section="", group="", raw={})


def _parse_activities(raw, framework: Framework, errors: dict) -> list[Activity]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        add_error(errors, "activities", message("not_a_list"))
        return []
    activities = []
    for index, item in enumerate(raw):
        where = f"activities[{index}]"
        if not isinstance(item, dict):
            add_error(errors, where, message("not_an_object"))
            continue
        for key in item:
            if key not in ACTIVITY_KEYS:
                add_error(errors, f"{where}.{key}", message("unknown_field"))
        code = item.get("ef")
        if code is None:
            add_error(errors, f"{where}.ef", message("required"))
        elif not isinstance(code, str) or framework.factor(code) is None:
            add_error(errors, f"{where}.ef", message("unknown_factor", code=str(code)[:40]))
        quantity, error = coerce_value(quantity_field(), item.get("quantity"), framework)
        if error:
            add_error(errors, f"{where}.quantity", error)
        elif quantity is None:
            add_error(errors, f"{where}.quantity", message("required"))
        month, month_error = parse_month(item.get("month"))
        if month_error:
            add_error(errors, f"{where}.month", month_error)
        if not any(key.startswith(where) for key in errors):
            activities.append(Activity(ef=code, quantity=quantity, month=month))
    return activities


def parse_month(raw) -> tuple[int | None, str | None]:
    if raw is None:
        return None, None
    if isinstance(raw, bool) or not isinstance(raw, int | Decimal):
        return None, message("bad_month")
    number = Decimal(raw)
    if not number.is_finite() or not 1 <= number <= 12 or number != number.to_integral_value():
        return None, message("bad_month")
    return int(number), None


def _parse_base_year(raw, framework: Framework, errors: dict) -> BaseYear | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        add_error(errors, "base_year", message("not_an_object"))
        return None
    known = {f.key for f in framework.base_year_fields}
    for key in raw:
        if key not in known:
            add_error(errors, f"base_year.{key}", message("unknown_field"))
    values = {}
    for field_def in framework.base_year_fields:
        value, error = coerce_value(field_def, raw.get(field_def.key), framework)
        if error:
            add_error(errors, f"base_year.{field_def.key}", error)
        elif value is None:
            add_error(errors, f"base_year.{field_def.key}", message("required"))
        values[field_def.key] = value
    return BaseYear(
        year_be=int(values["year_be"]) if values.get("year_be") is not None else None,
        total_tco2e=values.get("total_tco2e"),
        population=values.get("population"),
    )


# --- Output ------------------------------------------------------------------------------


def assessment_to_json(assessment: Assessment) -> dict:
    """The contract's output document; numbers are Decimal (see ``dumps_exact``)."""
    indicators = {}
    for result in assessment.indicators:
        if result.value is None:
            value = None
        elif isinstance(result.value, str):
            value = result.value
        elif result.indicator.decimals == 0:
            value = int(round_half_up(result.value, 0))
        else:
            value = round_half_up(result.value, 2)
        indicators[result.indicator.code] = {
            "value": value,
            "unit": result.indicator.unit,
            "score": result.score,
        }
    ghg = assessment.ghg
    per_capita = ghg.per_capita_tco2e
    return {
        "framework": assessment.framework.code,
        "indicators": indicators,
        "components": {
            code: round_half_up(value, 2) for code, value in assessment.components.items()
        },
        "overall": round_half_up(assessment.overall, 2),
        "level": assessment.level.code,
        "completeness": round_half_up(assessment.completeness, 2),
        "warnings": [warning.message for warning in assessment.warnings],
        "ghg": {
            "total_tco2e": round_half_up(ghg.total_tco2e, 3),
            "per_capita_tco2e": None if per_capita is None else round_half_up(per_capita, 3),
            "by_sector": {
                code: round_half_up(value, 3) for code, value in ghg.by_sector_tco2e().items()
            },
            "by_scope": {
                code: round_half_up(value, 3) for code, value in ghg.by_scope_tco2e().items()
            },
            "factor_versions": {
                code: version.version for code, version in sorted(ghg.factor_versions.items())
            },
        },
    }


def _json_number(value: Decimal) -> str:
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0")
        if text.endswith("."):
            text += "0"
    return text


def dumps_exact(value, indent: int = 2, level: int = 0) -> str:
    """JSON text with Decimals written digit for digit (the json module would need floats)."""
    pad = " " * (indent * (level + 1))
    end = " " * (indent * level)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [
            f"{pad}{json.dumps(str(key), ensure_ascii=False)}: "
            f"{dumps_exact(item, indent, level + 1)}"
            for key, item in value.items()
        ]
        return "{\n" + ",\n".join(items) + "\n" + end + "}"
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        items = [f"{pad}{dumps_exact(item, indent, level + 1)}" for item in value]
        return "[\n" + ",\n".join(items) + "\n" + end + "]"
    if isinstance(value, Decimal):
        return _json_number(value)
    if isinstance(value, Fraction):
        raise TypeError("round a Fraction before writing it")
    return json.dumps(value, ensure_ascii=False)
