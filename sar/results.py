"""What the results page, the printable page and the XLSX export show for a workspace."""

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import cached_property

from .engine import Assessment, CityData, assess, format_number, round_half_up
from .framework import EmissionFactor, FactorVersion, Framework

CHART_WIDTH = 300  # SVG user units; the chart scales to the width of the screen
TRACK_WIDTH = 225  # the longest bar; the value is written after it
BAR_HEIGHT = 16
ROW_HEIGHT = 50


@dataclass(frozen=True)
class Bar:
    label: str
    value_text: str
    width: Decimal
    label_y: int
    bar_y: int
    value_x: Decimal
    value_y: int


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: tuple[Bar, ...]
    height: int
    width: int = CHART_WIDTH
    bar_height: int = BAR_HEIGHT
    track_width: int = TRACK_WIDTH


def bar_chart(title: str, rows: list[tuple[str, Fraction, str]], maximum: Fraction) -> BarChart:
    """Horizontal bars, each under its label and followed by its value: readable at 360 px.

    The SVG is 300 units wide and scales to the screen, so 14-unit text stays about 14 px
    on a phone; the bars leave room on the right for the value.
    """
    bars = []
    for index, (label, value, value_text) in enumerate(rows):
        share = Fraction(0) if maximum <= 0 else max(Fraction(0), min(Fraction(1), value / maximum))
        top = index * ROW_HEIGHT
        width = round_half_up(share * TRACK_WIDTH, 1)
        bars.append(
            Bar(
                label=label,
                value_text=value_text,
                width=width,
                label_y=top + 16,
                bar_y=top + 24,
                value_x=width + 6,
                value_y=top + 24 + BAR_HEIGHT - 3,
            )
        )
    return BarChart(title=title, bars=tuple(bars), height=max(ROW_HEIGHT, len(rows) * ROW_HEIGHT))


@dataclass(frozen=True)
class WhatIf:
    """The same city-year recomputed with another version of one emission factor."""

    factor: EmissionFactor
    used: FactorVersion
    other: FactorVersion
    base: Assessment
    assessment: Assessment

    @property
    def total_tco2e(self) -> Decimal:
        return round_half_up(self.assessment.ghg.total_tco2e, 3)

    @property
    def per_capita_tco2e(self) -> Decimal | None:
        value = self.assessment.ghg.per_capita_tco2e
        return None if value is None else round_half_up(value, 3)

    @property
    def overall(self) -> Decimal:
        return round_half_up(self.assessment.overall, 2)

    @property
    def changed_indicators(self):
        """(base result, what-if result) for the indicators the factor moves (ENV-8)."""
        return [
            (before, after)
            for before, after in zip(self.base.indicators, self.assessment.indicators, strict=True)
            if before.value != after.value
        ]


@dataclass
class Results:
    framework: Framework
    data: CityData
    assessment: Assessment
    whatifs: list[WhatIf] = field(default_factory=list)

    @cached_property
    def components(self):
        """(component, percent, its indicator results) in framework order."""
        by_code = {result.indicator.code: result for result in self.assessment.indicators}
        return [
            (
                component,
                round_half_up(self.assessment.components[component.code], 2),
                [by_code[indicator.code] for indicator in component.indicators],
            )
            for component in self.framework.components
        ]

    @cached_property
    def overall(self) -> Decimal:
        return round_half_up(self.assessment.overall, 2)

    @cached_property
    def has_level(self) -> bool:
        return self.assessment.level.code != self.framework.insufficient_level.code

    @cached_property
    def component_weights(self) -> list[tuple[str, str]]:
        """(component code, its share of the overall in %) as the file weighs them."""
        total = sum(Fraction(c.weight) for c in self.framework.components)
        return [
            (c.code, format_number(Fraction(c.weight) / total * 100, 2))
            for c in self.framework.components
        ]

    @cached_property
    def equal_weight(self) -> str | None:
        """The one weight of every component in %, or None when they differ."""
        shares = {share for _code, share in self.component_weights}
        return shares.pop() if len(shares) == 1 else None

    @cached_property
    def weights_text(self) -> str:
        return ", ".join(f"{code} {share}%" for code, share in self.component_weights)

    @cached_property
    def completeness_percent(self) -> Decimal:
        return round_half_up(self.assessment.completeness * 100, 0)

    @cached_property
    def min_completeness_percent(self) -> Decimal:
        return round_half_up(Fraction(self.framework.min_completeness) * 100, 0)

    @cached_property
    def with_value(self) -> int:
        return self.assessment.with_value_count

    @cached_property
    def indicator_count(self) -> int:
        return len(self.assessment.indicators)

    @cached_property
    def ghg_total(self) -> Decimal:
        return round_half_up(self.assessment.ghg.total_tco2e, 3)

    @cached_property
    def ghg_per_capita(self) -> Decimal | None:
        value = self.assessment.ghg.per_capita_tco2e
        return None if value is None else round_half_up(value, 3)

    @cached_property
    def ghg_sectors(self):
        total = self.assessment.ghg.total_tco2e
        return [
            (
                self.framework.sector_name(code),
                round_half_up(value, 3),
                None if total == 0 else round_half_up(value / total * 100, 1),
            )
            for code, value in self.assessment.ghg.by_sector_tco2e().items()
        ]

    @cached_property
    def ghg_scopes(self):
        return [
            (scope, round_half_up(value, 3))
            for scope, value in self.assessment.ghg.by_scope_tco2e().items()
        ]

    @cached_property
    def ghg_lines(self):
        return [(line, round_half_up(line.kgco2e / 1000, 3)) for line in self.assessment.ghg.lines]

    @cached_property
    def component_chart(self) -> BarChart:
        rows = [
            (
                f"{component.code} {component.short_name}",
                self.assessment.components[component.code],
                f"{round_half_up(self.assessment.components[component.code], 2)}%",
            )
            for component in self.framework.components
        ]
        return bar_chart("components", rows, Fraction(100))

    @cached_property
    def sector_chart(self) -> BarChart:
        sectors = self.assessment.ghg.by_sector_tco2e()
        rows = [
            (self.framework.sector_name(code), value, f"{round_half_up(value, 1):,}")
            for code, value in sectors.items()
        ]
        maximum = max(sectors.values(), default=Fraction(0))
        return bar_chart("sectors", rows, maximum)


def build_results(data: CityData, framework: Framework) -> Results:
    assessment = assess(data, framework)
    results = Results(framework=framework, data=data, assessment=assessment)
    for code, used in sorted(assessment.ghg.factor_versions.items()):
        factor = framework.factor(code)
        for other in factor.versions:
            if other.version == used.version:
                continue
            alternative = assess(data, framework, factor_versions={code: other.version})
            results.whatifs.append(WhatIf(factor, used, other, assessment, alternative))
    return results
