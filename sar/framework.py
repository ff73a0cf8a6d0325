"""The indicator framework: a versioned JSON data file, loaded and checked once.

The file (``settings.SAR_FRAMEWORK_FILE``, by default ``sar/frameworks/sandbox-v1.json``)
holds everything that is a matter of definition rather than of code: the profile fields,
the inputs with their Thai help, the 18 indicators (formula kind, inputs, bands), the four
components and their weights, the levels, the validation rules, the emission factors with
their validity dates, and the exercises per round. Replacing the file replaces the
framework; `python manage.py check` refuses a broken file with a message naming the fault
(see ``sar.checks``).
"""

import datetime
import itertools
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import get_language

FORMULA_KINDS = {"ratio", "input", "choice", "count_true", "ghg_change_vs_base"}
BAND_KINDS = {"thresholds", "target_by_lao_type", "choice", "value"}
BAND_OPERATORS = {">=", ">", "<=", "<", "=="}
FIELD_TYPES = {"integer", "decimal", "boolean", "choice"}
RULE_KINDS = {"part_of_whole"}
WARNING_KINDS = {"indicator_above", "population_vs_base"}


class FrameworkError(Exception):
    """The framework file is missing, not JSON, or inconsistent; ``problems`` says where."""

    def __init__(self, path, problems: list[str]):
        self.path = path
        self.problems = problems
        super().__init__(f"{path}: " + "; ".join(problems))


def localized(item: dict, name: str) -> str:
    """``item[name_th]`` in Thai, ``item[name_en]`` in English (falling back to Thai)."""
    language = (get_language() or "th").split("-")[0]
    if language == "en":
        return item.get(f"{name}_en") or item.get(f"{name}_th", "")
    return item.get(f"{name}_th", "")


class Localized:
    """Mixin for framework items that carry ``*_th`` / ``*_en`` texts in ``raw``."""

    raw: dict

    @property
    def name(self) -> str:
        return localized(self.raw, "name")

    @property
    def help(self) -> str:
        return localized(self.raw, "help")

    @property
    def unit_label(self) -> str:
        return localized(self.raw, "unit")


@dataclass(frozen=True, eq=False)
class Field(Localized):
    """A figure a city enters: a profile field, an input, or a base-year field."""

    key: str
    type: str
    section: str
    group: str
    raw: dict
    choices: tuple[tuple[str, dict], ...] = ()
    minimum: Decimal | None = None
    minimum_exclusive: Decimal | None = None
    maximum: Decimal | None = None

    @property
    def choice_codes(self) -> tuple[str, ...]:
        return tuple(code for code, _ in self.choices)

    def choice_label(self, code: str) -> str:
        for choice_code, item in self.choices:
            if choice_code == code:
                return localized(item, "name")
        return code


@dataclass(frozen=True, eq=False)
class Indicator(Localized):
    code: str
    component: str
    unit: str
    decimals: int
    formula: dict
    bands: dict
    raw: dict

    @property
    def unit_label(self) -> str:
        return self.raw.get("unit_th", self.unit) if _thai() else self.unit

    @property
    def inputs(self) -> tuple[str, ...]:
        formula = self.formula
        kind = formula["kind"]
        if kind == "ratio":
            return tuple(formula["numerator"]) + tuple(formula["denominator"])
        if kind in {"input", "choice"}:
            return (formula["input"],)
        if kind == "count_true":
            return tuple(formula["inputs"])
        return ()


@dataclass(frozen=True, eq=False)
class Component(Localized):
    code: str
    weight: Decimal
    indicators: tuple[Indicator, ...]
    raw: dict

    @property
    def short_name(self) -> str:
        """For charts on a phone; the full name when the file gives no short one."""
        return localized(self.raw, "short") or self.name


@dataclass(frozen=True, eq=False)
class FactorVersion:
    version: str
    valid_from: datetime.date | None
    valid_until: datetime.date | None
    kgco2e_per_unit: Decimal
    basis: str

    def is_valid_on(self, day: datetime.date) -> bool:
        after_start = self.valid_from is None or self.valid_from <= day
        before_end = self.valid_until is None or day <= self.valid_until
        return after_start and before_end


@dataclass(frozen=True, eq=False)
class EmissionFactor(Localized):
    code: str
    sector: str
    scope: str
    unit: str
    versions: tuple[FactorVersion, ...]
    raw: dict

    @property
    def unit_label(self) -> str:
        return self.unit

    def version_on(self, day: datetime.date) -> FactorVersion | None:
        for version in self.versions:
            if version.is_valid_on(day):
                return version
        return None

    def version_named(self, name: str) -> FactorVersion | None:
        for version in self.versions:
            if version.version == name:
                return version
        return None


@dataclass(frozen=True, eq=False)
class Level(Localized):
    code: str
    below: Decimal | None
    raw: dict


@dataclass(frozen=True, eq=False)
class Exercise(Localized):
    round_number: int
    requires: dict
    sections: tuple[str, ...]
    raw: dict

    @property
    def title(self) -> str:
        return localized(self.raw, "title")

    @property
    def instructions(self) -> str:
        return localized(self.raw, "instructions")


@dataclass(frozen=True, eq=False)
class Framework:
    code: str
    revision: str
    official: bool
    raw: dict
    profile_fields: tuple[Field, ...]
    input_fields: tuple[Field, ...]
    base_year_fields: tuple[Field, ...]
    indicators: tuple[Indicator, ...]
    components: tuple[Component, ...]
    levels: tuple[Level, ...]
    insufficient_level: Level
    min_completeness: Decimal
    rules: tuple[dict, ...]
    warnings: tuple[dict, ...]
    factors: tuple[EmissionFactor, ...]
    sectors: tuple[dict, ...]
    scopes: tuple[str, ...]
    exercises: tuple[Exercise, ...]
    sections: tuple[dict, ...]
    groups: dict[str, dict]
    max_value: Decimal
    max_decimal_places: int
    year_be_min: int
    year_be_max: int
    fields_by_key: dict[str, Field] = field(default_factory=dict)
    sample_city_path: Path | None = None

    @property
    def title(self) -> str:
        return localized(self.raw, "title")

    @property
    def notice(self) -> str:
        return localized(self.raw, "notice")

    def indicator(self, code: str) -> Indicator:
        return next(indicator for indicator in self.indicators if indicator.code == code)

    def factor(self, code: str) -> EmissionFactor | None:
        return next((factor for factor in self.factors if factor.code == code), None)

    def exercise_for_round(self, number: int) -> Exercise | None:
        return next((e for e in self.exercises if e.round_number == number), None)

    def section_fields(self, section: str) -> tuple[Field, ...]:
        if section == "profile":
            return self.profile_fields
        return tuple(f for f in self.input_fields if f.section == section)

    def section(self, code: str) -> dict | None:
        return next((s for s in self.sections if s["code"] == code), None)

    def sector_name(self, code: str) -> str:
        sector = next((s for s in self.sectors if s["code"] == code), None)
        return localized(sector, "name") if sector else code

    def level(self, code: str) -> Level:
        if code == self.insufficient_level.code:
            return self.insufficient_level
        return next(level for level in self.levels if level.code == code)


def _thai() -> bool:
    return (get_language() or "th").split("-")[0] != "en"


class _Checker:
    """Collects every problem in the file instead of stopping at the first."""

    def __init__(self):
        self.problems: list[str] = []

    def fail(self, message: str) -> None:
        self.problems.append(message)

    def decimal(self, value, where: str) -> Decimal | None:
        if isinstance(value, bool) or not isinstance(value, str | int):
            self.fail(f"{where}: expected a number written as a string, got {value!r}")
            return None
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            self.fail(f"{where}: {value!r} is not a number")
            return None
        if not number.is_finite():
            self.fail(f"{where}: {value!r} is not a finite number")
            return None
        return number

    def date(self, value, where: str) -> datetime.date | None:
        if value is None:
            return None
        try:
            return datetime.date.fromisoformat(value)
        except (TypeError, ValueError):
            self.fail(f"{where}: {value!r} is not a date (YYYY-MM-DD)")
            return None

    def require(self, item, keys: tuple[str, ...], where: str) -> bool:
        if not isinstance(item, dict):
            self.fail(f"{where}: expected an object")
            return False
        missing = [key for key in keys if key not in item]
        if missing:
            self.fail(f"{where}: missing {', '.join(missing)}")
            return False
        return True


def parse_framework(data, path="<data>") -> Framework:
    """Build a Framework from the decoded JSON, or raise FrameworkError with every fault."""
    check = _Checker()
    top_keys = (
        "framework",
        "revision",
        "official",
        "sections",
        "profile",
        "inputs",
        "base_year",
        "components",
        "indicators",
        "levels",
        "rules",
        "warnings",
        "ghg",
        "exercises",
        "limits",
    )
    if not check.require(data, top_keys, "framework file"):
        raise FrameworkError(path, check.problems)

    limits = data["limits"]
    max_value = Decimal("1e15")
    max_places, year_min, year_max = 10, 2500, 2700
    if check.require(
        limits,
        ("max_value", "max_decimal_places", "year_be_min", "year_be_max"),
        "limits",
    ):
        max_value = check.decimal(limits["max_value"], "limits.max_value") or max_value
        max_places = int(limits["max_decimal_places"])
        year_min, year_max = int(limits["year_be_min"]), int(limits["year_be_max"])

    sections = tuple(data["sections"])
    section_codes = {s.get("code") for s in sections if isinstance(s, dict)}
    groups = {g["code"]: g for g in data.get("groups", []) if isinstance(g, dict) and "code" in g}
    choice_lists = {
        "lao_types": data.get("lao_types", []),
        "ghg_inventory_statuses": data.get("ghg_inventory_statuses", []),
    }

    def build_field(item, where, section) -> Field | None:
        if not check.require(item, ("key", "type", "name_th", "name_en"), where):
            return None
        if item["type"] not in FIELD_TYPES:
            check.fail(f"{where}: unknown type {item['type']!r}")
            return None
        choices: tuple = ()
        if item["type"] == "choice":
            options = choice_lists.get(item.get("choices"))
            if not options:
                check.fail(f"{where}: choice list {item.get('choices')!r} is missing or empty")
                return None
            choices = tuple((option["code"], option) for option in options)
        section = item.get("section", section)
        if section not in section_codes and section != "base_year":
            check.fail(f"{where}: unknown section {section!r}")
        group = item.get("group", "")
        if group and group not in groups:
            check.fail(f"{where}: unknown group {group!r}")
        bounds = {}
        for name, key in (
            ("minimum", "min"),
            ("minimum_exclusive", "min_exclusive"),
            ("maximum", "max"),
        ):
            if key in item:
                bounds[name] = check.decimal(item[key], f"{where}.{key}")
        return Field(
            key=item["key"],
            type=item["type"],
            section=section,
            group=group,
            raw=item,
            choices=choices,
            **bounds,
        )

    profile_fields = tuple(
        f
        for i, item in enumerate(data["profile"])
        if (f := build_field(item, f"profile[{i}]", "profile"))
    )
    input_fields = tuple(
        f for i, item in enumerate(data["inputs"]) if (f := build_field(item, f"inputs[{i}]", ""))
    )
    base_year_fields = tuple(
        f
        for i, item in enumerate(data["base_year"])
        if (f := build_field(item, f"base_year[{i}]", "base_year"))
    )
    for required in ("lao_type", "population", "households", "area_km2", "communities"):
        if required not in {f.key for f in profile_fields}:
            check.fail(f"profile: the field {required!r} is required by the engine")
    if {f.key for f in base_year_fields} != {"year_be", "total_tco2e", "population"}:
        check.fail("base_year: the fields must be year_be, total_tco2e and population")
    fields_by_key: dict[str, Field] = {}
    for f in profile_fields + input_fields:
        if f.key in fields_by_key:
            check.fail(f"field {f.key!r} is defined twice")
        fields_by_key[f.key] = f

    # Components and indicators.
    components_raw = [
        c
        for i, c in enumerate(data["components"])
        if check.require(c, ("code", "weight", "name_th", "name_en"), f"components[{i}]")
    ]
    component_codes = [c["code"] for c in components_raw]
    if len(set(component_codes)) != len(component_codes):
        check.fail("components: a code is used twice")
    indicators: list[Indicator] = []
    seen_codes: set[str] = set()
    for i, item in enumerate(data["indicators"]):
        where = f"indicators[{i}]"
        if not check.require(
            item,
            ("code", "component", "name_th", "name_en", "unit", "formula", "bands"),
            where,
        ):
            continue
        where = f"indicator {item['code']}"
        if item["code"] in seen_codes:
            check.fail(f"{where}: the code is used twice")
        seen_codes.add(item["code"])
        if item["component"] not in component_codes:
            check.fail(f"{where}: unknown component {item['component']!r}")
        indicator = Indicator(
            code=item["code"],
            component=item["component"],
            unit=item["unit"],
            decimals=int(item.get("decimals", 2)),
            formula=item["formula"],
            bands=item["bands"],
            raw=item,
        )
        _check_formula(check, indicator, fields_by_key, where)
        _check_bands(check, indicator, fields_by_key, where)
        indicators.append(indicator)

    components = []
    for item in components_raw:
        members = tuple(i for i in indicators if i.component == item["code"])
        if not members:
            check.fail(f"component {item['code']}: has no indicator")
        weight = check.decimal(item["weight"], f"component {item['code']}.weight")
        if weight is not None and weight <= 0:
            check.fail(f"component {item['code']}: the weight must be positive")
        components.append(
            Component(code=item["code"], weight=weight or Decimal(1), indicators=members, raw=item)
        )

    # Levels.
    levels_raw = data["levels"]
    levels: list[Level] = []
    insufficient = Level(code="insufficient_data", below=None, raw={})
    min_completeness = Decimal("0.8")
    if check.require(levels_raw, ("min_completeness", "insufficient", "bands"), "levels"):
        min_completeness = (
            check.decimal(levels_raw["min_completeness"], "levels.min_completeness")
            or min_completeness
        )
        insufficient = Level(
            code=levels_raw["insufficient"].get("code", "insufficient_data"),
            below=None,
            raw=levels_raw["insufficient"],
        )
        previous = None
        for i, band in enumerate(levels_raw["bands"]):
            where = f"levels.bands[{i}]"
            if not check.require(band, ("code", "below", "name_th", "name_en"), where):
                continue
            below = None if band["below"] is None else check.decimal(band["below"], where)
            if below is not None and previous is not None and below <= previous:
                check.fail(f"{where}: the bands must be in increasing order")
            if below is None and i != len(levels_raw["bands"]) - 1:
                check.fail(f"{where}: only the last band may be open-ended")
            previous = below
            levels.append(Level(code=band["code"], below=below, raw=band))
        if not levels or levels[-1].below is not None:
            check.fail("levels.bands: the last band must be open-ended (below: null)")

    # Validation rules and warnings.
    for i, rule in enumerate(data["rules"]):
        where = f"rules[{i}]"
        if not check.require(rule, ("kind",), where):
            continue
        if rule["kind"] not in RULE_KINDS:
            check.fail(f"{where}: unknown kind {rule['kind']!r}")
            continue
        if check.require(rule, ("parts", "whole"), where):
            for key in [*rule["parts"], rule["whole"]]:
                if key not in fields_by_key:
                    check.fail(f"{where}: unknown field {key!r}")
            for factor_key in ("part_multiply", "whole_multiply"):
                if factor_key in rule:
                    check.decimal(rule[factor_key], f"{where}.{factor_key}")
    indicator_codes = {i.code for i in indicators}
    for i, warning in enumerate(data["warnings"]):
        where = f"warnings[{i}]"
        if not check.require(warning, ("kind", "field"), where):
            continue
        if warning["kind"] not in WARNING_KINDS:
            check.fail(f"{where}: unknown kind {warning['kind']!r}")
        elif warning["kind"] == "indicator_above":
            if warning.get("indicator") not in indicator_codes:
                check.fail(f"{where}: unknown indicator {warning.get('indicator')!r}")
            check.decimal(warning.get("limit"), f"{where}.limit")
        else:
            check.decimal(warning.get("max_change_percent"), f"{where}.max_change_percent")

    # Emission factors.
    factors, sectors, scopes = _parse_factors(check, data["ghg"])

    # Exercises.
    exercises = []
    for i, item in enumerate(data["exercises"]):
        where = f"exercises[{i}]"
        if not check.require(item, ("round", "title_th", "title_en", "requires"), where):
            continue
        requires = item["requires"]
        for code in requires.get("indicators", []):
            if code not in indicator_codes:
                check.fail(f"{where}: unknown indicator {code!r}")
        for need in requires.get("activities", []):
            codes = need.get("codes", [])
            if any(factor_code not in {f.code for f in factors} for factor_code in codes):
                check.fail(f"{where}: unknown emission factor in {codes!r}")
            if "sector" in need and need["sector"] not in {s["code"] for s in sectors}:
                check.fail(f"{where}: unknown sector {need['sector']!r}")
        if "min_completeness" in requires:
            check.decimal(requires["min_completeness"], f"{where}.min_completeness")
        for section in item.get("sections", []):
            if section not in section_codes:
                check.fail(f"{where}: unknown section {section!r}")
        exercises.append(
            Exercise(
                round_number=int(item["round"]),
                requires=requires,
                sections=tuple(item.get("sections", [])),
                raw=item,
            )
        )

    if check.problems:
        raise FrameworkError(path, check.problems)
    return Framework(
        code=data["framework"],
        revision=str(data["revision"]),
        official=bool(data["official"]),
        raw=data,
        profile_fields=profile_fields,
        input_fields=input_fields,
        base_year_fields=base_year_fields,
        indicators=tuple(indicators),
        components=tuple(components),
        levels=tuple(levels),
        insufficient_level=insufficient,
        min_completeness=min_completeness,
        rules=tuple(data["rules"]),
        warnings=tuple(data["warnings"]),
        factors=factors,
        sectors=sectors,
        scopes=scopes,
        exercises=tuple(exercises),
        sections=sections,
        groups=groups,
        max_value=max_value,
        max_decimal_places=max_places,
        year_be_min=year_min,
        year_be_max=year_max,
        fields_by_key=fields_by_key,
        sample_city_path=(
            Path(path).parent / data["sample_city"] if data.get("sample_city") else None
        ),
    )


def _check_formula(check: _Checker, indicator: Indicator, fields: dict, where: str) -> None:
    formula = indicator.formula
    kind = formula.get("kind") if isinstance(formula, dict) else None
    if kind not in FORMULA_KINDS:
        check.fail(f"{where}: unknown formula kind {kind!r}")
        return
    if kind == "ratio":
        if not check.require(formula, ("numerator", "denominator"), f"{where}.formula"):
            return
        if not formula["numerator"] or not formula["denominator"]:
            check.fail(f"{where}: a ratio needs a numerator and a denominator")
        for constant in [*formula.get("multiply", []), *formula.get("divide", [])]:
            number = check.decimal(constant, f"{where}.formula")
            if number is not None and number <= 0:
                check.fail(f"{where}: multiply/divide constants must be positive")
        if "cap" in formula:
            check.decimal(formula["cap"], f"{where}.formula.cap")
    elif kind in {"input", "choice"} and not check.require(formula, ("input",), f"{where}.formula"):
        return
    elif kind == "count_true" and not check.require(formula, ("inputs",), f"{where}.formula"):
        return
    for key in indicator.inputs:
        if key not in fields:
            check.fail(f"{where}: unknown input {key!r}")
    if kind == "count_true":
        for key in indicator.inputs:
            if key in fields and fields[key].type != "boolean":
                check.fail(f"{where}: {key!r} must be a boolean input")
    if kind == "choice" and formula["input"] in fields:
        if fields[formula["input"]].type != "choice":
            check.fail(f"{where}: {formula['input']!r} must be a choice input")


def _check_bands(check: _Checker, indicator: Indicator, fields: dict, where: str) -> None:
    bands = indicator.bands
    kind = bands.get("kind") if isinstance(bands, dict) else None
    if kind not in BAND_KINDS:
        check.fail(f"{where}: unknown bands kind {kind!r}")
        return
    if kind == "thresholds":
        rules = bands.get("rules")
        if not isinstance(rules, list) or not rules:
            check.fail(f"{where}: thresholds need a non-empty list of rules")
            return
        for j, rule in enumerate(rules):
            if not (isinstance(rule, list) and len(rule) == 3 and rule[0] in BAND_OPERATORS):
                check.fail(f"{where}.bands.rules[{j}]: expected [operator, number, score]")
                continue
            check.decimal(rule[1], f"{where}.bands.rules[{j}]")
            _check_score(check, rule[2], f"{where}.bands.rules[{j}]")
        _check_score(check, bands.get("otherwise"), f"{where}.bands.otherwise")
    elif kind == "target_by_lao_type":
        targets = bands.get("targets", {})
        lao_type = fields.get("lao_type")
        wanted = set(lao_type.choice_codes) if lao_type else set()
        if set(targets) != wanted:
            check.fail(f"{where}: targets must name every LAO type exactly once")
        for code, target in targets.items():
            number = check.decimal(target, f"{where}.bands.targets.{code}")
            if number is not None and number <= 0:
                check.fail(f"{where}: the target for {code} must be positive")
        steps = bands.get("steps")
        if not isinstance(steps, int) or not 1 <= steps <= 4:
            check.fail(f"{where}: steps must be a whole number from 1 to 4")
    elif kind == "choice":
        key = indicator.formula.get("input")
        scores = bands.get("scores", {})
        if key in fields and set(scores) != set(fields[key].choice_codes):
            check.fail(f"{where}: a score is needed for every choice of {key!r}")
        for code, score in scores.items():
            _check_score(check, score, f"{where}.bands.scores.{code}")
    elif kind == "value" and indicator.formula.get("kind") != "count_true":
        check.fail(f"{where}: bands of kind 'value' only fit a count_true formula")
    elif kind == "value" and len(indicator.inputs) > 4:
        check.fail(f"{where}: a count used as the score may not exceed 4")


def _check_score(check: _Checker, score, where: str) -> None:
    if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 4:
        check.fail(f"{where}: a score must be a whole number from 0 to 4, got {score!r}")


def _parse_factors(check: _Checker, ghg) -> tuple[tuple, tuple, tuple]:
    if not check.require(ghg, ("sectors", "scopes", "factors"), "ghg"):
        return (), (), ()
    sectors = tuple(ghg["sectors"])
    sector_codes = {s.get("code") for s in sectors if isinstance(s, dict)}
    scopes = tuple(str(s) for s in ghg["scopes"])
    factors = []
    seen = set()
    for i, item in enumerate(ghg["factors"]):
        where = f"ghg.factors[{i}]"
        if not check.require(
            item, ("code", "sector", "scope", "unit", "name_th", "name_en", "versions"), where
        ):
            continue
        where = f"emission factor {item['code']}"
        if item["code"] in seen:
            check.fail(f"{where}: the code is used twice")
        seen.add(item["code"])
        if item["sector"] not in sector_codes:
            check.fail(f"{where}: unknown sector {item['sector']!r}")
        if str(item["scope"]) not in scopes:
            check.fail(f"{where}: unknown scope {item['scope']!r}")
        versions = []
        for j, version in enumerate(item["versions"]):
            vwhere = f"{where}.versions[{j}]"
            if not check.require(
                version, ("version", "valid_from", "valid_until", "kgco2e_per_unit"), vwhere
            ):
                continue
            factor = check.decimal(version["kgco2e_per_unit"], f"{vwhere}.kgco2e_per_unit")
            if factor is not None and factor < 0:
                check.fail(f"{vwhere}: the factor may not be negative")
            valid_from = check.date(version["valid_from"], f"{vwhere}.valid_from")
            valid_until = check.date(version["valid_until"], f"{vwhere}.valid_until")
            if valid_from and valid_until and valid_until < valid_from:
                check.fail(f"{vwhere}: valid_until is before valid_from")
            versions.append(
                FactorVersion(
                    version=str(version["version"]),
                    valid_from=valid_from,
                    valid_until=valid_until,
                    kgco2e_per_unit=factor if factor is not None else Decimal(0),
                    basis=version.get("basis", ""),
                )
            )
        if not versions:
            check.fail(f"{where}: has no version")
        _check_versions_do_not_overlap(check, versions, where)
        factors.append(
            EmissionFactor(
                code=item["code"],
                sector=item["sector"],
                scope=str(item["scope"]),
                unit=item["unit"],
                versions=tuple(versions),
                raw=item,
            )
        )
    return tuple(factors), sectors, scopes


def _check_versions_do_not_overlap(check: _Checker, versions: list, where: str) -> None:
    """Exactly one version may be valid on any day, with no gap between versions."""
    if len({v.version for v in versions}) != len(versions):
        check.fail(f"{where}: a version name is used twice")
    ordered = sorted(versions, key=lambda v: v.valid_from or datetime.date.min)
    for earlier, later in itertools.pairwise(ordered):
        if earlier.valid_until is None or later.valid_from is None:
            check.fail(f"{where}: versions {earlier.version} and {later.version} overlap")
        elif later.valid_from <= earlier.valid_until:
            check.fail(f"{where}: versions {earlier.version} and {later.version} overlap")
        elif later.valid_from != earlier.valid_until + datetime.timedelta(days=1):
            check.fail(f"{where}: a gap between versions {earlier.version} and {later.version}")


def read_framework_file(path) -> Framework:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise FrameworkError(path, [f"cannot read the file: {error.strerror or error}"]) from None
    try:
        data = json.loads(text)
    except ValueError as error:
        raise FrameworkError(path, [f"not valid JSON: {error}"]) from None
    return parse_framework(data, path)


@lru_cache(maxsize=8)
def _cached_framework(path: str, modified: float) -> Framework:
    return read_framework_file(path)


def get_framework() -> Framework:
    """The active framework (settings.SAR_FRAMEWORK_FILE), parsed once per file version."""
    path = Path(settings.SAR_FRAMEWORK_FILE)
    try:
        modified = path.stat().st_mtime
    except OSError:
        modified = 0.0
    return _cached_framework(str(path), modified)
