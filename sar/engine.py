"""The one computation of the SAR sandbox, shared by the web pages and `sar_assess`.

Numbers arrive as ``Decimal`` (parsed from JSON or from the forms, never through a binary
float). Every quotient is then computed as an exact rational (``fractions.Fraction`` built
from those decimals), so bands compare the exact, unrounded value: an overall score of
exactly 50 is 50, not 49.999...; only the output is rounded, half up, to 2 decimals
(tCO2e to 3).

    data, errors = parse_payload(payload, framework)     # the sar_assess JSON contract
    result = assess(data, framework)
    assessment_to_json(result)                             # the contract's output

The web sandbox builds the same ``CityData`` from a workspace (``sar.services``).
"""

import datetime
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

from django.utils.translation import gettext_lazy as _

from core.thai import NumberTextError, parse_decimal, year_ce

from .framework import EmissionFactor, FactorVersion, Field, Framework, Indicator, Level

MESSAGES = {
    "required": _("Required."),
    "not_a_number": _("Enter a number, not text."),
    "negative": _("The number may not be negative."),
    "not_whole": _("Enter a whole number."),
    "too_large": _("The number is too large (at most %(max)s)."),
    "too_many_places": _("Use at most %(places)s decimal places."),
    "below_minimum": _("Must be at least %(min)s."),
    "not_above_minimum": _("Must be greater than %(min)s."),
    "above_maximum": _("Must be at most %(max)s."),
    "not_boolean": _("Choose yes or no (true or false)."),
    "unknown_choice": _("Unknown choice %(value)s; choose one of: %(choices)s."),
    "unknown_field": _("Unknown field; check its spelling."),
    "not_an_object": _("Expected an object ({...})."),
    "not_a_list": _("Expected a list ([...])."),
    "unknown_factor": _("Unknown emission factor code %(code)s."),
    "no_factor_version": _(
        "No version of emission factor %(code)s is valid on 1 January %(year)s."
    ),
    "bad_month": _("The month must be a whole number from 1 to 12."),
    "part_larger": _("%(part)s (%(part_value)s) is larger than %(whole)s (%(whole_value)s)."),
    "parts_larger": _(
        "The sum of %(part)s (%(part_value)s) is larger than %(whole)s (%(whole_value)s)."
    ),
    "part_larger_converted": _(
        "%(part)s (%(part_value)s %(compare_unit)s) is larger than %(whole)s "
        "(%(whole_value)s %(compare_unit)s)."
    ),
}

WARNING_MESSAGES = {
    "indicator_above": _(
        "%(indicator)s is %(value)s %(unit)s, above %(limit)s %(unit)s: unusually high, "
        "check the figures."
    ),
    "population_vs_base": _(
        "The population (%(population)s) differs from the base-year population "
        "(%(base_population)s) by %(change)s%%, more than %(limit)s%%: check both figures."
    ),
}


# --- The data the engine works on ----------------------------------------------------


@dataclass(frozen=True)
class Activity:
    ef: str
    quantity: Decimal
    month: int | None = None


@dataclass(frozen=True)
class BaseYear:
    year_be: int | None
    total_tco2e: Decimal | None
    population: Decimal | None


@dataclass
class CityData:
    """One city-year: profile (with ``year_be``), inputs, GHG activities, base year.

    A value that is absent (None or not in the dict) is missing data.
    """

    profile: dict = field(default_factory=dict)
    inputs: dict = field(default_factory=dict)
    activities: list[Activity] = field(default_factory=list)
    base_year: BaseYear | None = None

    def value(self, key: str):
        if key in self.profile:
            return self.profile[key]
        return self.inputs.get(key)


# --- Reading numbers -------------------------------------------------------------------


def _message(message_code: str, /, **params) -> str:
    message = MESSAGES[message_code]
    return str(message) % params if params else str(message)


def format_number(value, places: int | None = None) -> str:
    """1234567.5 -> "1,234,567.5" (for messages; no exponent, no float)."""
    if isinstance(value, Fraction):
        value = round_half_up(value, places if places is not None else 2)
    elif places is not None:
        value = round_half_up(Fraction(value), places)
    text = format(value, ",f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def coerce_value(field_def: Field, raw, framework: Framework, *, from_text: bool = False):
    """Turn one raw value into the field's type: ``(value, error)``; (None, None) if absent.

    ``from_text`` is the web form's mode (strings typed by a person); otherwise ``raw`` comes
    from JSON: numbers must be JSON numbers, booleans JSON booleans.
    """
    if raw is None or (from_text and isinstance(raw, str) and not raw.strip()):
        return None, None
    if field_def.type == "boolean":
        if isinstance(raw, bool):
            return raw, None
        if from_text and isinstance(raw, str) and raw.strip().lower() in {"true", "false"}:
            return raw.strip().lower() == "true", None
        return None, _message("not_boolean")
    if field_def.type == "choice":
        if isinstance(raw, str) and raw.strip() in field_def.choice_codes:
            return raw.strip(), None
        return None, _message(
            "unknown_choice", value=str(raw)[:40], choices=", ".join(field_def.choice_codes)
        )
    # integer or decimal
    if isinstance(raw, bool):
        return None, _message("not_a_number")
    if isinstance(raw, Decimal | int):
        number = Decimal(raw)
        if not number.is_finite():
            return None, _message("not_a_number")
    elif from_text and isinstance(raw, str):
        # core.thai's parser: Thai or Arabic digits, no exponent, length checked first.
        try:
            number = parse_decimal(raw)
        except NumberTextError as error:
            if error.code == "too_long":
                return None, _message("too_large", max=format_number(framework.max_value))
            return None, _message("not_a_number")
    else:
        return None, _message("not_a_number")
    return check_number(field_def, number, framework)


def check_number(field_def: Field, number: Decimal, framework: Framework):
    if number < 0:
        return None, _message("negative")
    if number > framework.max_value:
        return None, _message("too_large", max=format_number(framework.max_value))
    if field_def.type == "integer":
        if number != number.to_integral_value():
            return None, _message("not_whole")
        number = Decimal(int(number))
    else:
        if decimal_places(number) > framework.max_decimal_places:
            return None, _message("too_many_places", places=framework.max_decimal_places)
        number = canonical_decimal(number)
    if field_def.minimum is not None and number < field_def.minimum:
        return None, _message("below_minimum", min=format_number(field_def.minimum))
    if field_def.minimum_exclusive is not None and number <= field_def.minimum_exclusive:
        return None, _message("not_above_minimum", min=format_number(field_def.minimum_exclusive))
    if field_def.maximum is not None and number > field_def.maximum:
        return None, _message("above_maximum", max=format_number(field_def.maximum))
    return number, None


def decimal_places(number: Decimal) -> int:
    """Digits after the point, trailing zeros not counted (no context rounding involved)."""
    _sign, digits, exponent = number.as_tuple()
    trailing_zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    if trailing_zeros == len(digits):
        return 0  # zero
    return max(0, -(exponent + trailing_zeros))


def canonical_decimal(number: Decimal) -> Decimal:
    """The same number without trailing zeros or exponent: 1.50 -> 1.5, 1E+3 -> 1000."""
    if number == 0:
        return Decimal(0)
    normal = number.normalize()
    exponent = normal.as_tuple().exponent
    if isinstance(exponent, int) and exponent > 0:
        return normal.quantize(Decimal(1))
    return normal


def decimal_to_text(value) -> str:
    """How a value is stored: "1234.5", "true", or a choice code."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(canonical_decimal(value), "f")
    return str(value)


def _add_error(errors: dict, key: str, message: str) -> None:
    errors.setdefault(key, []).append(message)


# --- The sar_assess JSON contract: input ---------------------------------------------


def parse_payload(payload, framework: Framework) -> tuple[CityData | None, dict]:
    """Check a decoded JSON document (numbers as Decimal) against the contract.

    Returns ``(data, {})`` or ``(None, {"field": ["Thai message", ...]})``.
    """
    errors: dict[str, list[str]] = {}
    if not isinstance(payload, dict):
        return None, {"input": [_message("not_an_object")]}
    for key in payload:
        if key not in {"profile", "inputs", "activities", "base_year"}:
            _add_error(errors, key, _message("unknown_field"))

    profile: dict = {}
    raw_profile = payload.get("profile")
    profile_given = isinstance(raw_profile, dict)
    if not profile_given:
        _add_error(
            errors, "profile", _message("required" if raw_profile is None else "not_an_object")
        )
        raw_profile = {}
    for key in raw_profile:
        if key != "year_be" and key not in {f.key for f in framework.profile_fields}:
            _add_error(errors, key, _message("unknown_field"))
    for field_def in framework.profile_fields:
        value, error = coerce_value(field_def, raw_profile.get(field_def.key), framework)
        if error:
            _add_error(errors, field_def.key, error)
        elif value is None and profile_given:
            _add_error(errors, field_def.key, _message("required"))
        profile[field_def.key] = value
    year, error = coerce_value(year_field(framework), raw_profile.get("year_be"), framework)
    if error:
        _add_error(errors, "year_be", error)
    elif year is None and profile_given:
        _add_error(errors, "year_be", _message("required"))
    profile["year_be"] = int(year) if year is not None else None

    inputs: dict = {}
    raw_inputs = payload.get("inputs", {})
    if raw_inputs is None:
        raw_inputs = {}
    if not isinstance(raw_inputs, dict):
        _add_error(errors, "inputs", _message("not_an_object"))
        raw_inputs = {}
    input_keys = {f.key for f in framework.input_fields}
    for key, raw in raw_inputs.items():
        if key not in input_keys:
            _add_error(errors, key, _message("unknown_field"))
            continue
        value, error = coerce_value(framework.fields_by_key[key], raw, framework)
        if error:
            _add_error(errors, key, error)
        elif value is not None:
            inputs[key] = value

    activities = _parse_activities(payload.get("activities"), framework, errors)
    base_year = _parse_base_year(payload.get("base_year"), framework, errors)

    data = CityData(profile=profile, inputs=inputs, activities=activities, base_year=base_year)
    for key, messages in validate_city_data(data, framework).items():
        if key not in errors:  # a field that failed on its own is not compared again
            errors[key] = messages
    if errors:
        return None, errors
    return data, {}


def year_field(framework: Framework) -> Field:
    return Field(
        key="year_be",
        type="integer",
        section="profile",
        group="",
        raw={"name_th": "ปีที่รายงาน (พ.ศ.)", "name_en": "Reporting year (BE)"},
        minimum=Decimal(framework.year_be_min),
        maximum=Decimal(framework.year_be_max),
    )


def _parse_activities(raw, framework: Framework, errors: dict) -> list[Activity]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        _add_error(errors, "activities", _message("not_a_list"))
        return []
    quantity_field = Field(key="quantity", type="decimal", section="GHG", group="", raw={})
    activities = []
    for index, item in enumerate(raw):
        where = f"activities[{index}]"
        if not isinstance(item, dict):
            _add_error(errors, where, _message("not_an_object"))
            continue
        for key in item:
            if key not in {"ef", "quantity", "month"}:
                _add_error(errors, f"{where}.{key}", _message("unknown_field"))
        code = item.get("ef")
        if code is None:
            _add_error(errors, f"{where}.ef", _message("required"))
        elif not isinstance(code, str) or framework.factor(code) is None:
            _add_error(errors, f"{where}.ef", _message("unknown_factor", code=str(code)[:40]))
        quantity, error = coerce_value(quantity_field, item.get("quantity"), framework)
        if error:
            _add_error(errors, f"{where}.quantity", error)
        elif quantity is None:
            _add_error(errors, f"{where}.quantity", _message("required"))
        month, month_error = parse_month(item.get("month"))
        if month_error:
            _add_error(errors, f"{where}.month", month_error)
        if not any(key.startswith(where) for key in errors):
            activities.append(Activity(ef=code, quantity=quantity, month=month))
    return activities


def parse_month(raw) -> tuple[int | None, str | None]:
    if raw is None:
        return None, None
    if isinstance(raw, bool) or not isinstance(raw, int | Decimal):
        return None, _message("bad_month")
    number = Decimal(raw)
    if not number.is_finite() or not 1 <= number <= 12 or number != number.to_integral_value():
        return None, _message("bad_month")
    return int(number), None


def _parse_base_year(raw, framework: Framework, errors: dict) -> BaseYear | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        _add_error(errors, "base_year", _message("not_an_object"))
        return None
    known = {f.key for f in framework.base_year_fields}
    for key in raw:
        if key not in known:
            _add_error(errors, f"base_year.{key}", _message("unknown_field"))
    values = {}
    for field_def in framework.base_year_fields:
        value, error = coerce_value(field_def, raw.get(field_def.key), framework)
        if error:
            _add_error(errors, f"base_year.{field_def.key}", error)
        elif value is None:
            _add_error(errors, f"base_year.{field_def.key}", _message("required"))
        values[field_def.key] = value
    return BaseYear(
        year_be=int(values["year_be"]) if values.get("year_be") is not None else None,
        total_tco2e=values.get("total_tco2e"),
        population=values.get("population"),
    )


# --- Cross-field validation ------------------------------------------------------------


def validate_city_data(
    data: CityData, framework: Framework, *, focus: set[str] | None = None
) -> dict[str, list[str]]:
    """The rules that compare figures: parts larger than their whole; factor versions.

    Field-level checks (type, sign, range) are done when each value is read. An error is
    keyed by the part (or by the whole when several parts are summed); with ``focus`` (the
    fields of the form being saved) it goes to the first involved field in the form.
    """
    errors: dict[str, list[str]] = {}
    for rule in framework.rules:
        parts = rule["parts"]
        whole_key = rule["whole"]
        part_values = [data.value(key) for key in parts]
        whole_value = data.value(whole_key)
        if whole_value is None or all(value is None for value in part_values):
            continue
        part_sum = sum((v for v in part_values if v is not None), Decimal(0))
        part_scaled = part_sum * Decimal(rule.get("part_multiply", "1"))
        whole_scaled = whole_value * Decimal(rule.get("whole_multiply", "1"))
        if part_scaled <= whole_scaled:
            continue
        part_names = [framework.fields_by_key[key].name for key in parts]
        whole_name = framework.fields_by_key[whole_key].name
        if "part_multiply" in rule or "whole_multiply" in rule:
            unit = rule.get("compare_unit_th", "") if _thai() else rule.get("compare_unit_en", "")
            message = _message(
                "part_larger_converted",
                part=part_names[0],
                part_value=format_number(part_scaled),
                whole=whole_name,
                whole_value=format_number(whole_scaled),
                compare_unit=unit,
            )
        else:
            message = _message(
                "parts_larger" if len(parts) > 1 else "part_larger",
                part=_join_names(part_names),
                part_value=format_number(part_sum),
                whole=whole_name,
                whole_value=format_number(whole_value),
            )
        key = parts[0] if len(parts) == 1 else whole_key
        if focus is not None and key not in focus:
            key = next((k for k in [whole_key, *parts] if k in focus), key)
        _add_error(errors, key, message)

    year_be = data.profile.get("year_be")
    if year_be is not None:
        day = january_first(year_be)
        for index, activity in enumerate(data.activities):
            factor = framework.factor(activity.ef)
            if factor is not None and factor.version_on(day) is None:
                _add_error(
                    errors,
                    f"activities[{index}].ef",
                    _message("no_factor_version", code=activity.ef, year=year_be),
                )
    return errors


def _join_names(names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    conjunction = " และ " if _thai() else " and "
    return ", ".join(names[:-1]) + conjunction + names[-1]


def _thai() -> bool:
    from django.utils.translation import get_language

    return (get_language() or "th").split("-")[0] != "en"


def january_first(year_be: int) -> datetime.date:
    """Factor versions are chosen on 1 January of the reporting year (CE = BE - 543)."""
    return datetime.date(year_ce(year_be), 1, 1)


# --- The computation ---------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorResult:
    indicator: Indicator
    value: Fraction | str | None  # a status code for choice indicators
    score: int

    @property
    def missing(self) -> bool:
        return self.value is None

    @property
    def rounded(self):
        """The value as shown and exported: Decimal rounded half up, or the status code."""
        if self.value is None or isinstance(self.value, str):
            return self.value
        return round_half_up(self.value, self.indicator.decimals)


@dataclass(frozen=True)
class AssessmentWarning:
    code: str
    field: str
    message: str


@dataclass(frozen=True)
class GhgLine:
    activity: Activity
    factor: EmissionFactor
    version: FactorVersion
    kgco2e: Fraction


@dataclass(frozen=True)
class GhgInventory:
    lines: tuple[GhgLine, ...]
    total_kgco2e: Fraction
    by_sector_kgco2e: dict[str, Fraction]
    by_scope_kgco2e: dict[str, Fraction]
    factor_versions: dict[str, FactorVersion]
    population: Decimal | None

    @property
    def total_tco2e(self) -> Fraction:
        return self.total_kgco2e / 1000

    @property
    def per_capita_tco2e(self) -> Fraction | None:
        if not self.population:
            return None
        return self.total_tco2e / Fraction(self.population)

    def by_sector_tco2e(self) -> dict[str, Fraction]:
        return {code: kg / 1000 for code, kg in self.by_sector_kgco2e.items()}

    def by_scope_tco2e(self) -> dict[str, Fraction]:
        return {code: kg / 1000 for code, kg in self.by_scope_kgco2e.items()}


@dataclass(frozen=True)
class Assessment:
    framework: Framework
    indicators: tuple[IndicatorResult, ...]
    components: dict[str, Fraction]
    overall: Fraction
    completeness: Fraction
    level: Level
    warnings: tuple[AssessmentWarning, ...]
    ghg: GhgInventory

    def indicator(self, code: str) -> IndicatorResult:
        return next(result for result in self.indicators if result.indicator.code == code)

    @property
    def with_value_count(self) -> int:
        return sum(1 for result in self.indicators if not result.missing)


def assess(
    data: CityData, framework: Framework, *, factor_versions: Mapping[str, str] | None = None
) -> Assessment:
    """Score a city-year. ``factor_versions`` forces a version per factor code (the what-if)."""
    ghg = compute_ghg(data, framework, factor_versions=factor_versions)
    results = tuple(
        _score(indicator, _value(indicator, data, ghg), data) for indicator in framework.indicators
    )
    by_code = {result.indicator.code: result for result in results}

    components: dict[str, Fraction] = {}
    for component in framework.components:
        scores = sum(by_code[i.code].score for i in component.indicators)
        components[component.code] = Fraction(scores * 100, 4 * len(component.indicators))
    total_weight = sum(Fraction(c.weight) for c in framework.components)
    overall = (
        sum(Fraction(c.weight) * components[c.code] for c in framework.components) / total_weight
    )
    with_value = sum(1 for result in results if not result.missing)
    completeness = Fraction(with_value, len(results))
    level = _level(framework, overall, completeness)
    warnings = _warnings(framework, data, by_code)
    return Assessment(
        framework=framework,
        indicators=results,
        components=components,
        overall=overall,
        completeness=completeness,
        level=level,
        warnings=warnings,
        ghg=ghg,
    )


def _level(framework: Framework, overall: Fraction, completeness: Fraction) -> Level:
    if completeness < Fraction(framework.min_completeness):
        return framework.insufficient_level
    for level in framework.levels:
        if level.below is None or overall < Fraction(level.below):
            return level
    return framework.levels[-1]


def compute_ghg(
    data: CityData, framework: Framework, *, factor_versions: Mapping[str, str] | None = None
) -> GhgInventory:
    by_sector = {sector["code"]: Fraction(0) for sector in framework.sectors}
    by_scope = {scope: Fraction(0) for scope in framework.scopes}
    used: dict[str, FactorVersion] = {}
    lines = []
    year_be = data.profile.get("year_be")
    day = january_first(year_be) if year_be else None
    for activity in data.activities:
        factor = framework.factor(activity.ef)
        if factor is None:
            continue
        forced = (factor_versions or {}).get(factor.code)
        version = factor.version_named(forced) if forced else None
        if version is None and day is not None:
            version = factor.version_on(day)
        if version is None:
            continue
        kg = Fraction(activity.quantity) * constant(version.kgco2e_per_unit)
        by_sector[factor.sector] = by_sector.get(factor.sector, Fraction(0)) + kg
        by_scope[factor.scope] = by_scope.get(factor.scope, Fraction(0)) + kg
        used[factor.code] = version
        lines.append(GhgLine(activity=activity, factor=factor, version=version, kgco2e=kg))
    return GhgInventory(
        lines=tuple(lines),
        total_kgco2e=sum((line.kgco2e for line in lines), Fraction(0)),
        by_sector_kgco2e=by_sector,
        by_scope_kgco2e=by_scope,
        factor_versions=used,
        population=data.profile.get("population"),
    )


def _value(indicator: Indicator, data: CityData, ghg: GhgInventory):
    formula = indicator.formula
    kind = formula["kind"]
    if kind == "ratio":
        numerator = [data.value(key) for key in formula["numerator"]]
        denominator = [data.value(key) for key in formula["denominator"]]
        if any(value is None for value in numerator + denominator):
            return None
        top = sum((Fraction(v) for v in numerator), Fraction(0))
        bottom = sum((Fraction(v) for v in denominator), Fraction(0))
        for factor in formula.get("multiply", []):
            top *= constant(factor)
        for factor in formula.get("divide", []):
            bottom *= constant(factor)
        if bottom == 0:
            return None
        value = top / bottom
        if "cap" in formula:
            value = min(value, constant(formula["cap"]))
        return value
    if kind == "input":
        value = data.value(formula["input"])
        return None if value is None else Fraction(value)
    if kind == "choice":
        return data.value(formula["input"])
    if kind == "count_true":
        answers = [data.value(key) for key in formula["inputs"]]
        if any(answer is None for answer in answers):
            return None
        return Fraction(sum(1 for answer in answers if answer is True))
    if kind == "ghg_change_vs_base":
        return _ghg_change(data, ghg)
    raise ValueError(kind)  # the framework check refuses unknown kinds


def _ghg_change(data: CityData, ghg: GhgInventory) -> Fraction | None:
    base = data.base_year
    population = data.profile.get("population")
    if base is None or not data.activities or not population:
        return None
    if base.total_tco2e is None or not base.population:
        return None
    base_per_person = Fraction(base.total_tco2e) / Fraction(base.population)
    if base_per_person == 0:
        return None
    now_per_person = ghg.total_tco2e / Fraction(population)
    return (now_per_person - base_per_person) / base_per_person * 100


@lru_cache(maxsize=1024)
def constant(text) -> Fraction:
    """A framework constant ("0.80", "1600", a factor) as an exact fraction, once."""
    return Fraction(Decimal(text))


_OPERATORS = {
    ">=": lambda value, limit: value >= limit,
    ">": lambda value, limit: value > limit,
    "<=": lambda value, limit: value <= limit,
    "<": lambda value, limit: value < limit,
    "==": lambda value, limit: value == limit,
}


def _score(indicator: Indicator, value, data: CityData) -> IndicatorResult:
    lao_type = data.profile.get("lao_type")
    if indicator.bands["kind"] == "target_by_lao_type" and lao_type is None:
        value = None  # the target depends on the LAO type: without it, no score
    if value is None:
        return IndicatorResult(indicator=indicator, value=None, score=0)
    return IndicatorResult(
        indicator=indicator, value=value, score=band_score(indicator, value, lao_type=lao_type)
    )


def band_score(indicator: Indicator, value, *, lao_type: str | None = None) -> int:
    """The 0-4 score of an exact (unrounded) value under the indicator's bands."""
    bands = indicator.bands
    kind = bands["kind"]
    if kind == "thresholds":
        score = bands["otherwise"]
        for operator, limit, rule_score in bands["rules"]:
            if _OPERATORS[operator](value, constant(limit)):
                score = rule_score
                break
    elif kind == "target_by_lao_type":
        target = constant(bands["targets"][lao_type])
        score = math.floor(min(Fraction(1), value / target) * bands["steps"])
    elif kind == "choice":
        score = bands["scores"][value]
    else:  # "value": the count is the score
        score = int(value)
    return max(0, min(4, int(score)))


def _warnings(framework: Framework, data: CityData, by_code: dict) -> tuple:
    warnings = []
    for rule in framework.warnings:
        if rule["kind"] == "indicator_above":
            result = by_code[rule["indicator"]]
            limit = constant(rule["limit"])
            if result.value is not None and result.value > limit:
                message = str(WARNING_MESSAGES["indicator_above"]) % {
                    "indicator": f"{result.indicator.code} {result.indicator.name}",
                    "value": format_number(result.value),
                    "unit": result.indicator.unit_label,
                    "limit": format_number(Decimal(rule["limit"])),
                }
                warnings.append(AssessmentWarning("indicator_above", rule["field"], message))
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
                message = str(WARNING_MESSAGES["population_vs_base"]) % {
                    "population": format_number(population),
                    "base_population": format_number(base.population),
                    "change": format_number(change * 100, 1),
                    "limit": format_number(Decimal(rule["max_change_percent"])),
                }
                warnings.append(AssessmentWarning("population_vs_base", rule["field"], message))
    return tuple(warnings)


# --- Output ----------------------------------------------------------------------------


def round_half_up(value: Fraction | Decimal | int, places: int) -> Decimal:
    """Round an exact value to ``places`` decimals, halves away from zero; never "-0"."""
    scaled = Fraction(value) * 10**places
    magnitude = math.floor(abs(scaled) + Fraction(1, 2))
    if magnitude == 0:
        return Decimal(0).scaleb(-places)
    return Decimal(-magnitude if scaled < 0 else magnitude).scaleb(-places)


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
    import json

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
