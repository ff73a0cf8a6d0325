"""The computation: indicator values and scores, components, level, the GHG inventory.

Every quotient is an exact rational (``fractions.Fraction`` built from the input decimals),
so bands compare the exact, unrounded value: an overall score of exactly 50 is 50, not
49.999...
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from sar.framework import EmissionFactor, FactorVersion, Framework, Indicator, Level
from sar.framework.indicators import LAO_TYPE_KEY

from .data import Activity, CityData, january_first
from .numbers import constant, round_half_up
from .validation import AssessmentWarning, assessment_warnings


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
        _score(indicator, indicator_value(indicator, data, ghg), data)
        for indicator in framework.indicators
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
    return Assessment(
        framework=framework,
        indicators=results,
        components=components,
        overall=overall,
        completeness=completeness,
        level=_level(framework, overall, completeness),
        warnings=assessment_warnings(framework, data, by_code),
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


def indicator_value(indicator: Indicator, data: CityData, ghg: GhgInventory):
    """The exact value of an indicator's formula, or None when data is missing."""
    formula = indicator.formula
    kind = formula["kind"]
    if kind == "ratio":
        return _ratio(formula, data)
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


def _ratio(formula: dict, data: CityData) -> Fraction | None:
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


_OPERATORS = {
    ">=": lambda value, limit: value >= limit,
    ">": lambda value, limit: value > limit,
    "<=": lambda value, limit: value <= limit,
    "<": lambda value, limit: value < limit,
    "==": lambda value, limit: value == limit,
}


def _score(indicator: Indicator, value, data: CityData) -> IndicatorResult:
    lao_type = data.profile.get(LAO_TYPE_KEY)
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
