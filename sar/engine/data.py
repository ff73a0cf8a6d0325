"""The data the engine works on: one city-year (profile, inputs, activities, base year)."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from core.thai import year_ce


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


def january_first(year_be: int) -> datetime.date:
    """Factor versions are chosen on 1 January of the reporting year (CE = BE - 543)."""
    return datetime.date(year_ce(year_be), 1, 1)
