"""What a parsed framework file is made of: fields, sections, indicators, factors, exercises.

These are read-only values built by ``sar.framework.parse`` from the JSON file; everything
section-specific (which page holds the profile, which holds the GHG inventory, which figures
start pre-filled) is carried here as data, so that no other code names a section code.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.utils.translation import get_language

# A base-year figure is stored under this prefix (``base_year.population``), beside the
# profile's own ``population``.
BASE_YEAR_PREFIX = "base_year."

# The kinds of data-entry page (``sections[].kind``).
SECTION_PROFILE = "profile"  # the city profile: every figure on it is required
SECTION_FIGURES = "figures"  # a component's figures (the default kind)
SECTION_INVENTORY = "inventory"  # the GHG activities and the base year
SECTION_KINDS = (SECTION_PROFILE, SECTION_FIGURES, SECTION_INVENTORY)


def thai() -> bool:
    return (get_language() or "th").split("-")[0] != "en"


def localized(item: dict, name: str) -> str:
    """``item[name_th]`` in Thai, ``item[name_en]`` in English (falling back to Thai)."""
    if thai():
        return item.get(f"{name}_th", "")
    return item.get(f"{name}_en") or item.get(f"{name}_th", "")


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
    # Profile figures are required (sar.md: "Profile of the city (all required)").
    required: bool = False
    # Where the data-entry page takes a starting value from (``sar.prefill``), or None.
    prefill: str | None = None

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
        return self.raw.get("unit_th", self.unit) if thai() else self.unit

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

    @property
    def reads_inventory(self) -> bool:
        """Computed from the GHG activities and the base year, not from input figures."""
        return self.formula["kind"] == "ghg_change_vs_base"


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
class Section(Localized):
    """One data-entry page, in the order of the file's ``sections``."""

    code: str
    kind: str
    component: str | None
    raw: dict
    fields: tuple[Field, ...] = ()

    @property
    def is_profile(self) -> bool:
        return self.kind == SECTION_PROFILE

    @property
    def holds_inventory(self) -> bool:
        """The page with the GHG activity list and the base-year figures."""
        return self.kind == SECTION_INVENTORY

    @property
    def base_year_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.key.startswith(BASE_YEAR_PREFIX))


@dataclass(frozen=True, eq=False)
class FactorVersion:
    version: str
    valid_from: datetime.date | None
    valid_until: datetime.date | None
    kgco2e_per_unit: Decimal
    basis_en: str
    basis_th: str = ""

    @property
    def basis(self) -> str:
        """Where the factor comes from, in Thai on Thai pages (``basis_th`` in the file)."""
        return (self.basis_th or self.basis_en) if thai() else self.basis_en

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
    sections: tuple[Section, ...]
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

    def section(self, code: str) -> Section | None:
        return next((s for s in self.sections if s.code == code), None)

    def section_fields(self, code: str) -> tuple[Field, ...]:
        """Every figure of one data-entry page (the inventory page: with the base year)."""
        section = self.section(code)
        return section.fields if section else ()

    @property
    def profile_section(self) -> Section:
        return next(s for s in self.sections if s.is_profile)

    @property
    def inventory_section(self) -> Section | None:
        """The page with the GHG activities; None when the file declares none."""
        return next((s for s in self.sections if s.holds_inventory), None)

    @property
    def base_year_entry_fields(self) -> tuple[Field, ...]:
        """The base-year figures as the inventory page holds them (``base_year.<key>``)."""
        section = self.inventory_section
        return section.base_year_fields if section else ()

    @property
    def entry_fields(self) -> tuple[Field, ...]:
        """Every figure a workspace stores: the profile, the inputs, then the base year."""
        return self.profile_fields + self.input_fields + self.base_year_entry_fields

    def sector_name(self, code: str) -> str:
        sector = next((s for s in self.sectors if s["code"] == code), None)
        return localized(sector, "name") if sector else code

    def level(self, code: str) -> Level:
        if code == self.insufficient_level.code:
            return self.insufficient_level
        return next(level for level in self.levels if level.code == code)
