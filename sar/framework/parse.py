"""Building a ``Framework`` from the decoded file: one function per top-level section.

Every function reports what is wrong with its part to the shared ``Checker``, so that
``manage.py check`` lists every fault at once; ``parse_framework`` raises at the end.
"""

import dataclasses
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from .checker import Checker, FrameworkError
from .factors import Ghg, parse_ghg
from .indicators import build_components, parse_components, parse_indicators
from .model import (
    BASE_YEAR_PREFIX,
    SECTION_FIGURES,
    SECTION_INVENTORY,
    SECTION_KINDS,
    SECTION_PROFILE,
    Exercise,
    Field,
    Framework,
    Indicator,
    Level,
    Section,
)

TOP_KEYS = (
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
FIELD_TYPES = {"integer", "decimal", "boolean", "choice"}
RULE_KINDS = {"part_of_whole"}
WARNING_KINDS = {"indicator_above", "population_vs_base"}
# ``prefill`` sources (implemented in ``sar.prefill``) and the field types each fits.
PREFILL_SOURCES = {
    "lao_directory": ("choice",),
    "trained_members": ("integer", "decimal"),
}
# The profile figure the engine divides by for "per person" (sar.md's profile).
POPULATION_KEY = "population"
BASE_YEAR_KEYS = {"year_be", "total_tco2e", "population"}
# A section's code is part of its page's address.
SECTION_CODE = re.compile(r"^[A-Za-z0-9_-]+$")


@dataclass(frozen=True)
class Limits:
    max_value: Decimal = Decimal("1e15")
    max_decimal_places: int = 10
    year_be_min: int = 2500
    year_be_max: int = 2700


@dataclass(frozen=True)
class Fields:
    profile: tuple[Field, ...]
    inputs: tuple[Field, ...]
    base_year: tuple[Field, ...]
    by_key: dict[str, Field]


def parse_framework(data, path="<data>") -> Framework:
    """Build a Framework from the decoded JSON, or raise FrameworkError with every fault."""
    check = Checker()
    if not check.require(data, TOP_KEYS, "framework file"):
        raise FrameworkError(path, check.problems)
    limits = parse_limits(check, data["limits"])
    components_raw = parse_components(check, data["components"])
    component_codes = {item["code"] for item in components_raw}
    sections = parse_sections(check, data["sections"], component_codes)
    fields = parse_fields(check, data, sections)
    indicators = parse_indicators(
        check, data["indicators"], component_codes, fields.by_key, fields.base_year
    )
    components = build_components(check, components_raw, indicators)
    levels, insufficient, min_completeness = parse_levels(check, data["levels"])
    check_rules(check, data["rules"], fields.by_key)
    check_warnings(check, data["warnings"], indicators)
    ghg = parse_ghg(check, data["ghg"])
    exercises = parse_exercises(check, data["exercises"], indicators, ghg, sections)
    sections = place_fields(check, sections, fields, ghg)
    if check.problems:
        raise FrameworkError(path, check.problems)
    return Framework(
        code=data["framework"],
        revision=str(data["revision"]),
        official=bool(data["official"]),
        raw=data,
        profile_fields=fields.profile,
        input_fields=fields.inputs,
        base_year_fields=fields.base_year,
        indicators=indicators,
        components=components,
        levels=levels,
        insufficient_level=insufficient,
        min_completeness=min_completeness,
        rules=tuple(data["rules"]),
        warnings=tuple(data["warnings"]),
        factors=ghg.factors,
        sectors=ghg.sectors,
        scopes=ghg.scopes,
        exercises=exercises,
        sections=sections,
        groups=_groups(data),
        max_value=limits.max_value,
        max_decimal_places=limits.max_decimal_places,
        year_be_min=limits.year_be_min,
        year_be_max=limits.year_be_max,
        fields_by_key=fields.by_key,
        sample_city_path=(
            Path(path).parent / data["sample_city"] if data.get("sample_city") else None
        ),
    )


def parse_limits(check: Checker, limits) -> Limits:
    keys = ("max_value", "max_decimal_places", "year_be_min", "year_be_max")
    if not check.require(limits, keys, "limits"):
        return Limits()
    return Limits(
        max_value=check.decimal(limits["max_value"], "limits.max_value") or Limits.max_value,
        max_decimal_places=int(limits["max_decimal_places"]),
        year_be_min=int(limits["year_be_min"]),
        year_be_max=int(limits["year_be_max"]),
    )


def parse_sections(check: Checker, raw, component_codes: set[str]) -> tuple[Section, ...]:
    """The data-entry pages in order; their fields are placed by ``place_fields``."""
    sections: list[Section] = []
    for i, item in enumerate(check.items(raw, "sections")):
        where = f"sections[{i}]"
        if not check.require(item, ("code", "name_th", "name_en"), where):
            continue
        code = item["code"]
        if not isinstance(code, str) or not SECTION_CODE.match(code):
            check.fail(f"{where}: the code {code!r} may hold only letters, digits, - and _")
            continue
        where = f"section {code}"
        if any(section.code == code for section in sections):
            check.fail(f"{where}: the code is used twice")
        kind = item.get("kind", SECTION_FIGURES)
        if kind not in SECTION_KINDS:
            known = ", ".join(SECTION_KINDS)
            check.fail(f"{where}: unknown kind {kind!r} (known kinds: {known})")
        component = item.get("component")
        if component is not None and component not in component_codes:
            check.fail(f"{where}: unknown component {component!r}")
        sections.append(Section(code=code, kind=kind, component=component, raw=item))
    profile = [s.code for s in sections if s.kind == SECTION_PROFILE]
    if len(profile) != 1:
        check.fail(
            f"sections: exactly one section must be of kind 'profile' (it holds the city "
            f"profile); found {len(profile)}"
        )
    inventory = [s.code for s in sections if s.kind == SECTION_INVENTORY]
    if len(inventory) > 1:
        check.fail(
            f"sections: at most one section may be of kind 'inventory' (it holds the GHG "
            f"activities and the base year); found {', '.join(inventory)}"
        )
    return tuple(sections)


@dataclass(frozen=True)
class FieldContext:
    """What a field is checked against: the pages, the fieldsets, the choice lists."""

    section_codes: frozenset[str]
    groups: dict[str, dict]
    choice_lists: dict[str, list]

    @classmethod
    def of(cls, data: dict, sections: tuple[Section, ...]) -> "FieldContext":
        return cls(
            section_codes=frozenset(s.code for s in sections),
            groups=_groups(data),
            choice_lists={
                "lao_types": data.get("lao_types", []),
                "ghg_inventory_statuses": data.get("ghg_inventory_statuses", []),
            },
        )


def parse_fields(check: Checker, data: dict, sections: tuple[Section, ...]) -> Fields:
    """The profile, input and base-year figures (one function each), indexed by key."""
    context = FieldContext.of(data, sections)
    profile = parse_profile(check, data["profile"], context, _code_of(sections, SECTION_PROFILE))
    inputs = parse_inputs(check, data["inputs"], context)
    base_year = parse_base_year(
        check, data["base_year"], context, _code_of(sections, SECTION_INVENTORY)
    )
    by_key: dict[str, Field] = {}
    for f in profile + inputs:
        if f.key in by_key:
            check.fail(f"field {f.key!r} is defined twice")
        by_key[f.key] = f
    return Fields(profile=profile, inputs=inputs, base_year=base_year, by_key=by_key)


def _code_of(sections: tuple[Section, ...], kind: str) -> str | None:
    return next((s.code for s in sections if s.kind == kind), None)


def parse_profile(check: Checker, raw, context: FieldContext, page: str | None) -> tuple:
    """The city profile: required figures, on the profile page unless they say otherwise."""
    profile = tuple(
        f
        for i, item in enumerate(check.items(raw, "profile"))
        if (f := parse_field(check, item, f"profile[{i}]", context, section=page, required=True))
    )
    population = next((f for f in profile if f.key == POPULATION_KEY), None)
    if population is None or population.type not in {"integer", "decimal"}:
        check.fail(f"profile: a number field {POPULATION_KEY!r} is required by the engine")
    return profile


def parse_inputs(check: Checker, raw, context: FieldContext) -> tuple:
    """The indicators' inputs; each names its page (``section``)."""
    return tuple(
        f
        for i, item in enumerate(check.items(raw, "inputs"))
        if (f := parse_field(check, item, f"inputs[{i}]", context, section=""))
    )


def parse_base_year(check: Checker, raw, context: FieldContext, page: str | None) -> tuple:
    """The base year (for ``ghg_change_vs_base``): entered on the inventory page, or none."""
    if not raw:
        return ()
    if page is None:
        check.fail("base_year: the base-year figures need a section of kind 'inventory'")
        return ()
    base_year = tuple(
        dataclasses.replace(f, section=page)
        for i, item in enumerate(check.items(raw, "base_year"))
        if (f := parse_field(check, item, f"base_year[{i}]", context, section=page))
    )
    if {f.key for f in base_year} != BASE_YEAR_KEYS:
        check.fail("base_year: the fields must be year_be, total_tco2e and population")
    return base_year


def parse_field(
    check: Checker,
    item,
    where: str,
    context: FieldContext,
    *,
    section: str | None,
    required: bool = False,
) -> Field | None:
    """One figure; ``section`` is its page unless the item names another."""
    if not check.require(item, ("key", "type", "name_th", "name_en"), where):
        return None
    if item["type"] not in FIELD_TYPES:
        check.fail(f"{where}: unknown type {item['type']!r}")
        return None
    choices: tuple = ()
    if item["type"] == "choice":
        options = context.choice_lists.get(item.get("choices"))
        if not options:
            check.fail(f"{where}: choice list {item.get('choices')!r} is missing or empty")
            return None
        choices = tuple((option["code"], option) for option in options)
    section = item.get("section", section)
    if section not in context.section_codes:
        check.fail(f"{where}: unknown section {section!r}")
    group = item.get("group", "")
    if group and group not in context.groups:
        check.fail(f"{where}: unknown group {group!r}")
    bounds = {}
    for name, key in (
        ("minimum", "min"),
        ("minimum_exclusive", "min_exclusive"),
        ("maximum", "max"),
    ):
        if key in item:
            bounds[name] = check.decimal(item[key], f"{where}.{key}")
    prefill = item.get("prefill")
    if prefill is not None:
        _check_prefill(check, prefill, item["type"], where)
    return Field(
        key=item["key"],
        type=item["type"],
        section=section,
        group=group,
        raw=item,
        choices=choices,
        required=required,
        prefill=prefill,
        **bounds,
    )


def _check_prefill(check: Checker, prefill, field_type: str, where: str) -> None:
    if prefill not in PREFILL_SOURCES:
        known = ", ".join(PREFILL_SOURCES)
        check.fail(f"{where}: unknown prefill {prefill!r} (known: {known})")
    elif field_type not in PREFILL_SOURCES[prefill]:
        types = " or ".join(PREFILL_SOURCES[prefill])
        check.fail(f"{where}: prefill {prefill!r} only fits a field of type {types}")


def _groups(data: dict) -> dict[str, dict]:
    return {g["code"]: g for g in data.get("groups", []) if isinstance(g, dict) and "code" in g}


def parse_levels(check: Checker, raw) -> tuple[tuple[Level, ...], Level, Decimal]:
    levels: list[Level] = []
    insufficient = Level(code="insufficient_data", below=None, raw={})
    min_completeness = Decimal("0.8")
    if not check.require(raw, ("min_completeness", "insufficient", "bands"), "levels"):
        return (), insufficient, min_completeness
    min_completeness = (
        check.decimal(raw["min_completeness"], "levels.min_completeness") or min_completeness
    )
    insufficient = Level(
        code=raw["insufficient"].get("code", "insufficient_data"),
        below=None,
        raw=raw["insufficient"],
    )
    previous = None
    bands = check.items(raw["bands"], "levels.bands")
    for i, band in enumerate(bands):
        where = f"levels.bands[{i}]"
        if not check.require(band, ("code", "below", "name_th", "name_en"), where):
            continue
        below = None if band["below"] is None else check.decimal(band["below"], where)
        if below is not None and previous is not None and below <= previous:
            check.fail(f"{where}: the bands must be in increasing order")
        if below is None and i != len(bands) - 1:
            check.fail(f"{where}: only the last band may be open-ended")
        previous = below
        levels.append(Level(code=band["code"], below=below, raw=band))
    if not levels or levels[-1].below is not None:
        check.fail("levels.bands: the last band must be open-ended (below: null)")
    return tuple(levels), insufficient, min_completeness


def check_rules(check: Checker, raw, fields: dict[str, Field]) -> None:
    for i, rule in enumerate(check.items(raw, "rules")):
        where = f"rules[{i}]"
        if not check.require(rule, ("kind",), where):
            continue
        if rule["kind"] not in RULE_KINDS:
            check.fail(f"{where}: unknown kind {rule['kind']!r}")
            continue
        if check.require(rule, ("parts", "whole"), where):
            for key in [*rule["parts"], rule["whole"]]:
                if key not in fields:
                    check.fail(f"{where}: unknown field {key!r}")
            for factor_key in ("part_multiply", "whole_multiply"):
                if factor_key in rule:
                    check.decimal(rule[factor_key], f"{where}.{factor_key}")


def check_warnings(check: Checker, raw, indicators: tuple[Indicator, ...]) -> None:
    indicator_codes = {i.code for i in indicators}
    for i, warning in enumerate(check.items(raw, "warnings")):
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


def parse_exercises(
    check: Checker,
    raw,
    indicators: tuple[Indicator, ...],
    ghg: Ghg,
    sections: tuple[Section, ...],
) -> tuple[Exercise, ...]:
    indicator_codes = {i.code for i in indicators}
    factor_codes = {f.code for f in ghg.factors}
    sector_codes = {s.get("code") for s in ghg.sectors if isinstance(s, dict)}
    section_codes = {s.code for s in sections}
    has_inventory = any(s.kind == SECTION_INVENTORY for s in sections)
    exercises = []
    for i, item in enumerate(check.items(raw, "exercises")):
        where = f"exercises[{i}]"
        if not check.require(item, ("round", "title_th", "title_en", "requires"), where):
            continue
        requires = item["requires"]
        for code in requires.get("indicators", []):
            if code not in indicator_codes:
                check.fail(f"{where}: unknown indicator {code!r}")
        activities = requires.get("activities", [])
        if activities and not has_inventory:
            check.fail(f"{where}: requires activities, but no section is of kind 'inventory'")
        for need in activities:
            codes = need.get("codes", [])
            if any(factor_code not in factor_codes for factor_code in codes):
                check.fail(f"{where}: unknown emission factor in {codes!r}")
            if "sector" in need and need["sector"] not in sector_codes:
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
    return tuple(exercises)


def place_fields(
    check: Checker, sections: tuple[Section, ...], fields: Fields, ghg: Ghg
) -> tuple[Section, ...]:
    """Each section with its figures in file order; the inventory page with the base year."""
    placed = []
    for section in sections:
        own = tuple(f for f in fields.profile + fields.inputs if f.section == section.code)
        if section.holds_inventory:
            own += tuple(
                dataclasses.replace(f, key=BASE_YEAR_PREFIX + f.key, group="base_year")
                for f in fields.base_year
            )
            if not ghg.factors:
                check.fail(
                    f"section {section.code}: it holds the GHG activities, but ghg.factors is empty"
                )
        elif not own:
            check.fail(f"section {section.code}: no figure is on this page")
        placed.append(dataclasses.replace(section, fields=own))
    return tuple(placed)
