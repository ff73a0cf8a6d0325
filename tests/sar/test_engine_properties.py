"""Property tests: valid random cities never crash the engine and scores stay 0-4."""

import json
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from core.thai import parse_decimal
from sar.engine import (
    assess,
    assessment_to_json,
    decimal_to_text,
    dumps_exact,
    parse_payload,
)
from sar.framework import get_framework

LAO_TYPES = [
    "pao",
    "city_municipality",
    "town_municipality",
    "subdistrict_municipality",
    "sao",
    "special",
]
FACTOR_CODES = [factor.code for factor in get_framework().factors]

amounts = st.decimals(
    min_value=0, max_value=Decimal("1e12"), places=4, allow_nan=False, allow_infinity=False
)
shares = st.decimals(min_value=0, max_value=1, places=4)
counts = st.integers(min_value=1, max_value=10_000_000)


def maybe(strategy):
    return st.one_of(st.none(), strategy)


@st.composite
def cities(draw):
    """A valid city: parts never exceed their wholes, everything else random or absent."""
    households = draw(counts)
    communities = draw(st.integers(min_value=0, max_value=5000))
    area = draw(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("20000"), places=2))
    profile = {
        "lao_type": draw(st.sampled_from(LAO_TYPES)),
        "population": Decimal(draw(counts)),
        "households": Decimal(households),
        "area_km2": area,
        "year_be": Decimal(draw(st.integers(min_value=2500, max_value=2700))),
        "communities": Decimal(communities),
    }
    inputs = {}

    def part_of(whole, share):
        return (
            None if whole is None or share is None else (whole * share).quantize(Decimal("0.0001"))
        )

    all_lights = draw(maybe(amounts))
    inputs["all_streetlights"] = all_lights
    inputs["led_streetlights"] = part_of(all_lights, draw(maybe(shares)))
    electricity = draw(maybe(amounts))
    inputs["lao_electricity_kwh"] = electricity
    inputs["lao_renewable_kwh"] = part_of(electricity, draw(maybe(shares)))
    inputs["piped_water_households"] = part_of(Decimal(households), draw(maybe(shares)))
    inputs["separating_households"] = part_of(Decimal(households), draw(maybe(shares)))
    inputs["eco_active_communities"] = part_of(Decimal(communities), draw(maybe(shares)))
    generated = draw(maybe(amounts))
    inputs["msw_generated_t"] = generated
    remaining = Decimal(1)
    for key in (
        "msw_recycled_t",
        "msw_composted_t",
        "msw_sanitary_landfill_t",
        "msw_incinerated_t",
    ):
        share = draw(maybe(st.decimals(min_value=0, max_value=remaining, places=4)))
        if share is not None:
            remaining -= share
        inputs[key] = part_of(generated, share)
    inputs["green_area_rai"] = part_of(area * 625, draw(maybe(shares)))  # 625 rai per km²
    inputs["public_green_area_rai"] = draw(maybe(amounts))
    inputs["pm25_exceedance_days"] = draw(maybe(st.integers(0, 366).map(Decimal)))
    inputs["water_supplied_m3_year"] = draw(maybe(amounts))
    inputs["wastewater_treated_m3_day"] = draw(maybe(amounts))
    inputs["ghg_inventory_status"] = draw(
        maybe(st.sampled_from(["none", "self_calculated", "tgo_certified_cfo", "both"]))
    )
    for key in (
        "gov_policy_statement",
        "gov_projects_in_local_plan",
        "gov_budgeted_and_implemented",
        "gov_progress_report_published",
    ):
        inputs[key] = draw(maybe(st.booleans()))
    inputs["trained_members"] = draw(maybe(amounts))
    inputs["environment_budget_thb"] = draw(maybe(amounts))
    inputs["total_budget_thb"] = draw(maybe(amounts))
    activities = draw(
        st.lists(
            st.fixed_dictionaries(
                {"ef": st.sampled_from(FACTOR_CODES), "quantity": amounts},
                optional={"month": st.integers(1, 12).map(Decimal)},
            ),
            max_size=8,
        )
    )
    base_year = draw(
        maybe(
            st.fixed_dictionaries(
                {
                    "year_be": st.integers(2500, 2700).map(Decimal),
                    "total_tco2e": amounts,
                    "population": counts.map(Decimal),
                }
            )
        )
    )
    document = {"profile": profile, "inputs": inputs, "activities": activities}
    if base_year is not None:
        document["base_year"] = base_year
    return document


@settings(max_examples=300, deadline=None)
@given(cities())
def test_valid_random_cities_never_crash_and_scores_stay_within_0_to_4(document):
    framework = get_framework()
    data, errors = parse_payload(document, framework)
    assert errors == {}
    result = assess(data, framework)
    for indicator in result.indicators:
        assert 0 <= indicator.score <= 4
        if indicator.missing:
            assert indicator.score == 0
    for percent in result.components.values():
        assert 0 <= percent <= 100
    assert 0 <= result.overall <= 100
    assert 0 <= result.completeness <= 1
    assert (result.level.code == "insufficient_data") == (result.completeness < Fraction(4, 5))
    assert result.ghg.total_kgco2e >= 0
    assert result.ghg.total_kgco2e == sum(result.ghg.by_sector_kgco2e.values())
    assert result.ghg.total_kgco2e == sum(result.ghg.by_scope_kgco2e.values())
    # The output document is valid JSON.
    decoded = json.loads(dumps_exact(assessment_to_json(result)))
    assert set(decoded["indicators"]) == {i.code for i in framework.indicators}


junk = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.text(max_size=20),
        st.integers(-(10**30), 10**30).map(Decimal),
        st.decimals(allow_nan=True, allow_infinity=True),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=25), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(
    st.fixed_dictionaries(
        {},
        optional={
            "profile": st.one_of(
                junk,
                st.dictionaries(
                    st.sampled_from(["population", "lao_type", "year_be", "area_km2"]), junk
                ),
            ),
            "inputs": st.one_of(
                junk,
                st.dictionaries(
                    st.sampled_from(
                        [
                            "led_streetlights",
                            "all_streetlights",
                            "gov_policy_statement",
                            "ghg_inventory_status",
                        ]
                    ),
                    junk,
                ),
            ),
            "activities": st.one_of(
                junk, st.lists(st.dictionaries(st.sampled_from(["ef", "quantity", "month"]), junk))
            ),
            "base_year": junk,
        },
    )
)
def test_any_document_is_either_assessed_or_refused_with_errors(document):
    framework = get_framework()
    data, errors = parse_payload(document, framework)
    if errors:
        assert data is None
        assert all(isinstance(messages, list) and messages for messages in errors.values())
        json.dumps(errors, ensure_ascii=False)
    else:
        assess(data, framework)


@given(st.decimals(min_value=0, max_value=Decimal("1e15"), places=10))
def test_stored_text_reads_back_as_the_same_number(number):
    assert parse_decimal(decimal_to_text(number)) == number
