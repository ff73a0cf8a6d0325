"""The engine against hand-computed cases (sar.md, framework sandbox-v1)."""

from decimal import Decimal
from fractions import Fraction

import pytest

from sar.engine import band_score, dumps_exact, round_half_up
from sar.framework import get_framework
from sar.sample import load_sample_city

from .helpers import SCORE_VALUES, D, errors_of, inputs_for_scores, payload, run, run_json


def sample_payload(year_be):
    sample = load_sample_city(get_framework())
    document = {key: sample[key] for key in ("profile", "inputs", "activities", "base_year")}
    document["profile"] = {**document["profile"], "year_be": D(year_be)}
    return document


# --- Every indicator on the sample city, computed by hand --------------------------------
#
# Sample city: town municipality, 25,000 people, 9,000 households, 12.5 km², 20 communities.
HAND_COMPUTED_2569 = {
    "LIV-1": (D("60.00"), 3),  # 1,200 / 2,000 LED lamps
    "LIV-2": (D("8.00"), 1),  # 148,000 / 1,850,000 kWh: above 0, below 10
    "LIV-3": (D("92.00"), 3),  # 8,280 / 9,000 households
    "HAP-1": (D("55.00"), 2),  # 11 / 20 communities
    "HAP-2": (D("6.08"), 2),  # 95 rai x 1,600 / 25,000 people
    "HAP-3": (18, 2),  # 18 days: <= 30
    "ENV-1": (D("1.15"), 1),  # 10,500 t x 1,000 / 25,000 / 365 = 1.1507 kg: > 1.14
    "ENV-2": (D("30.48"), 1),  # (2,300 + 900) / 10,500 = 30.476 %
    "ENV-3": (D("83.81"), 2),  # (3,200 + 5,600 + 0) / 10,500 = 83.810 %
    "ENV-4": (D("45.56"), 2),  # 4,100 / 9,000 = 45.556 %
    "ENV-5": (D("69.78"), 3),  # 2,600 / (1,700,000 x 0.8 / 365) = 69.779 %
    "ENV-6": (D("186.30"), 2),  # 1,700,000 m³ x 1,000 / 25,000 / 365 = 186.301 L
    "ENV-7": (D("18.56"), 3),  # 1,450 rai x 1,600 / 12,500,000 m²; floor(18.56/20 x 4) = 3
    "ENV-8": (D("-5.17"), 3),  # 64,127.36 t / 25,000 vs 66,000 / 24,400 per person
    "ENV-9": ("self_calculated", 2),
    "GOV-1": (3, 3),  # policy, plan, budget: yes; report: no
    "GOV-2": (D("0.48"), 1),  # 12 / 25,000 x 1,000
    "GOV-3": (D("3.44"), 3),  # 6.2 M / 180 M THB
}


def test_every_indicator_of_the_sample_city_matches_the_hand_computation():
    result = run_json(sample_payload(2569))
    got = {code: (item["value"], item["score"]) for code, item in result["indicators"].items()}
    assert got == HAND_COMPUTED_2569
    # LIV 3+1+3 of 12, HAP 2+2+2 of 12, ENV 19 of 36, GOV 3+1+3 of 12
    assert result["components"] == {
        "LIV": D("58.33"),
        "HAP": D("50.00"),
        "ENV": D("52.78"),
        "GOV": D("58.33"),
    }
    assert result["overall"] == D("54.86")  # 79/144 x 100
    assert result["level"] == "basic"
    assert result["completeness"] == D("1.00")


def test_the_sample_city_inventory_by_sector_and_scope_in_2569():
    ghg = run_json(sample_payload(2569))["ghg"]
    # grid 52,000,000 kWh x 0.4750 = 24,700 t; LPG 1,100,000 kg x 3.1134 = 3,424.74 t
    # gasoline 6,500,000 L x 2.2394 = 14,556.1 t; diesel 4,200,000 L x 2.7406 = 11,510.52 t
    # landfill 5,600 t x 1,176 = 6,585.6 t; compost 900 x 176 = 158.4 t;
    # septic 380,000 kg BOD x 8.4 = 3,192 t
    assert ghg["by_sector"] == {
        "stationary_energy": D("28124.740"),
        "transport": D("26066.620"),
        "waste": D("9936.000"),
    }
    assert ghg["by_scope"] == {"1": D("39427.360"), "2": D("24700.000")}
    assert ghg["total_tco2e"] == D("64127.360")
    assert ghg["per_capita_tco2e"] == D("2.565")  # 2.5650944
    assert ghg["factor_versions"]["grid_electricity"] == "2026-01-01"


def test_the_grid_factor_switches_between_2568_and_2569():
    before = run_json(sample_payload(2568))
    after = run_json(sample_payload(2569))
    # 2568 -> 1 Jan 2025: 0.4999; 2569 -> 1 Jan 2026: 0.4750
    assert before["ghg"]["factor_versions"]["grid_electricity"] == "tgo-grid-2016-2018"
    assert after["ghg"]["factor_versions"]["grid_electricity"] == "2026-01-01"
    assert before["ghg"]["by_scope"]["2"] == D("25994.800")  # 52,000,000 x 0.4999
    assert after["ghg"]["by_scope"]["2"] == D("24700.000")  # 52,000,000 x 0.4750
    assert before["ghg"]["total_tco2e"] == D("65422.160")
    # The change moves ENV-8 across a band: -3.25 % scores 2, -5.17 % scores 3.
    assert before["indicators"]["ENV-8"] == {"value": D("-3.25"), "unit": "%", "score": 2}
    assert after["indicators"]["ENV-8"]["score"] == 3
    assert before["overall"] == D("54.17")  # 78/144


@pytest.mark.parametrize(
    ("year_be", "factor"),
    [(2567, "0.4999"), (2568, "0.4999"), (2569, "0.4750"), (2570, "0.4750")],
)
def test_the_grid_factor_is_the_one_valid_on_1_january_of_the_reporting_year(year_be, factor):
    result = run(
        payload(
            profile={"year_be": year_be}, activities=[{"ef": "grid_electricity", "quantity": 1000}]
        )
    )
    assert result.ghg.total_kgco2e == Fraction(Decimal(factor)) * 1000


def test_the_what_if_forces_the_other_grid_factor_version():
    from sar.engine import assess, parse_payload

    framework = get_framework()
    data, _ = parse_payload(sample_payload(2569), framework)
    other = assess(data, framework, factor_versions={"grid_electricity": "tgo-grid-2016-2018"})
    assert round_half_up(other.ghg.total_tco2e, 3) == D("65422.160")


# --- Band edges of every indicator --------------------------------------------------------

EDGES = [
    # (indicator, value, score): on each edge and just past it
    ("LIV-1", "80", 4), ("LIV-1", "79.99", 3), ("LIV-1", "60", 3), ("LIV-1", "59.999", 2),
    ("LIV-1", "40", 2), ("LIV-1", "39.99", 1), ("LIV-1", "20", 1), ("LIV-1", "19.99", 0),
    ("LIV-2", "30", 4), ("LIV-2", "29.99", 3), ("LIV-2", "20", 3), ("LIV-2", "19.99", 2),
    ("LIV-2", "10", 2), ("LIV-2", "9.99", 1), ("LIV-2", "0.0001", 1), ("LIV-2", "0", 0),
    ("LIV-3", "95", 4), ("LIV-3", "94.99", 3), ("LIV-3", "90", 3), ("LIV-3", "89.99", 2),
    ("LIV-3", "80", 2), ("LIV-3", "79.99", 1), ("LIV-3", "60", 1), ("LIV-3", "59.99", 0),
    ("HAP-1", "80", 4), ("HAP-1", "79.99", 3), ("HAP-1", "20", 1), ("HAP-1", "19.99", 0),
    ("HAP-2", "16", 4), ("HAP-2", "15.99", 3), ("HAP-2", "9", 3), ("HAP-2", "8.99", 2),
    ("HAP-2", "6", 2), ("HAP-2", "5.99", 1), ("HAP-2", "3", 1), ("HAP-2", "2.99", 0),
    ("HAP-3", "0", 4), ("HAP-3", "1", 3), ("HAP-3", "7", 3), ("HAP-3", "8", 2),
    ("HAP-3", "30", 2), ("HAP-3", "31", 1), ("HAP-3", "60", 1), ("HAP-3", "61", 0),
    ("ENV-1", "0.80", 4), ("ENV-1", "0.8001", 3), ("ENV-1", "1.00", 3), ("ENV-1", "1.0001", 2),
    ("ENV-1", "1.14", 2), ("ENV-1", "1.1401", 1), ("ENV-1", "1.50", 1), ("ENV-1", "1.5001", 0),
    ("ENV-2", "50", 4), ("ENV-2", "49.99", 3), ("ENV-2", "40", 3), ("ENV-2", "39.99", 2),
    ("ENV-2", "34", 2), ("ENV-2", "33.99", 1), ("ENV-2", "20", 1), ("ENV-2", "19.99", 0),
    ("ENV-3", "95", 4), ("ENV-3", "94.99", 3), ("ENV-3", "85", 3), ("ENV-3", "84.99", 2),
    ("ENV-3", "73", 2), ("ENV-3", "72.99", 1), ("ENV-3", "50", 1), ("ENV-3", "49.99", 0),
    ("ENV-4", "80", 4), ("ENV-4", "79.99", 3), ("ENV-4", "20", 1), ("ENV-4", "19.99", 0),
    ("ENV-5", "80", 4), ("ENV-5", "79.99", 3), ("ENV-5", "20", 1), ("ENV-5", "19.99", 0),
    ("ENV-6", "179.99", 4), ("ENV-6", "180", 2), ("ENV-6", "200", 2), ("ENV-6", "200.01", 0),
    ("ENV-8", "-10", 4), ("ENV-8", "-9.99", 3), ("ENV-8", "-5", 3), ("ENV-8", "-4.99", 2),
    ("ENV-8", "0", 2), ("ENV-8", "0.01", 1), ("ENV-8", "5", 1), ("ENV-8", "5.01", 0),
    ("GOV-2", "2", 4), ("GOV-2", "1.99", 3), ("GOV-2", "1", 3), ("GOV-2", "0.99", 2),
    ("GOV-2", "0.5", 2), ("GOV-2", "0.49", 1), ("GOV-2", "0.0001", 1), ("GOV-2", "0", 0),
    ("GOV-3", "5", 4), ("GOV-3", "4.99", 3), ("GOV-3", "3", 3), ("GOV-3", "2.99", 2),
    ("GOV-3", "2", 2), ("GOV-3", "1.99", 1), ("GOV-3", "1", 1), ("GOV-3", "0.99", 0),
]  # fmt: skip


@pytest.mark.parametrize(("code", "value", "score"), EDGES)
def test_band_edges(code, value, score):
    indicator = get_framework().indicator(code)
    assert band_score(indicator, Fraction(Decimal(value))) == score


@pytest.mark.parametrize(
    ("lao_type", "value", "score"),
    [
        ("city_municipality", "15", 4),
        ("city_municipality", "14.99", 3),
        ("city_municipality", "11.25", 3),
        ("city_municipality", "11.24", 2),
        ("city_municipality", "7.5", 2),
        ("city_municipality", "3.75", 1),
        ("city_municipality", "3.74", 0),
        ("special", "15", 4),
        ("town_municipality", "20", 4),
        ("town_municipality", "19.99", 3),
        ("town_municipality", "5", 1),
        ("town_municipality", "4.99", 0),
        ("subdistrict_municipality", "25", 4),
        ("subdistrict_municipality", "24.99", 3),
        ("sao", "6.25", 1),
        ("sao", "6.24", 0),
        ("pao", "100", 4),  # above the target still scores 4
    ],
)
def test_env_7_scores_against_the_green_area_target_of_the_lao_type(lao_type, value, score):
    indicator = get_framework().indicator("ENV-7")
    assert band_score(indicator, Fraction(Decimal(value)), lao_type=lao_type) == score


def test_env_9_and_gov_1_scores():
    framework = get_framework()
    env_9 = framework.indicator("ENV-9")
    assert [
        band_score(env_9, status)
        for status in ("none", "self_calculated", "tgo_certified_cfo", "both")
    ] == [0, 2, 3, 4]
    assert [band_score(framework.indicator("GOV-1"), Fraction(n)) for n in range(5)] == [
        0,
        1,
        2,
        3,
        4,
    ]


@pytest.mark.parametrize("code", sorted(SCORE_VALUES))
def test_each_indicator_scores_every_band_end_to_end(code):
    for score in SCORE_VALUES[code]:
        result = run(inputs_for_scores({code: score}))
        assert result.indicator(code).score == score, (code, score)
        assert not result.indicator(code).missing


def test_band_edges_hold_end_to_end_for_computed_values():
    # ENV-1 exactly 0.80 kg: 292 t x 1,000 / 1,000 people / 365 days
    exact = run(payload({"msw_generated_t": 292}))
    assert exact.indicator("ENV-1").value == Fraction(4, 5)
    assert exact.indicator("ENV-1").score == 4
    just_above = run(payload({"msw_generated_t": D("292.001")}))
    assert just_above.indicator("ENV-1").score == 3
    # ENV-5 capped at 100 %
    capped = run(payload({"water_supplied_m3_year": 36500, "wastewater_treated_m3_day": 1000}))
    assert capped.indicator("ENV-5").value == 100
    # ENV-8 exactly -10 %: 67,032 t now vs 74,480 t in the base year, 1,000 people each
    minus_ten = run(inputs_for_scores({"ENV-8": 4}))
    assert minus_ten.indicator("ENV-8").value == -10


def test_a_value_rounding_onto_an_edge_is_scored_unrounded():
    # 79.996 % shows as 80.00 but is below 80: score 3, not 4.
    result = run_json(payload({"all_streetlights": 100000, "led_streetlights": 79996}))
    assert result["indicators"]["LIV-1"] == {"value": D("80.00"), "unit": "%", "score": 3}


# --- Missing data ----------------------------------------------------------------------


def test_an_absent_input_makes_its_indicator_missing_with_score_0():
    result = run_json(payload({"msw_generated_t": 400, "msw_recycled_t": 100}))
    # ENV-2 needs msw_composted_t too; ENV-3 needs four parts
    assert result["indicators"]["ENV-2"] == {"value": None, "unit": "%", "score": 0}
    assert result["indicators"]["ENV-3"]["value"] is None
    assert result["indicators"]["ENV-1"]["value"] is not None
    assert result["completeness"] == D("0.06")  # 1 of 18


@pytest.mark.parametrize(
    ("inputs", "code"),
    [
        ({"all_streetlights": 0, "led_streetlights": 0}, "LIV-1"),
        ({"lao_electricity_kwh": 0, "lao_renewable_kwh": 0}, "LIV-2"),
        ({"msw_generated_t": 0, "msw_recycled_t": 0, "msw_composted_t": 0}, "ENV-2"),
        ({"water_supplied_m3_year": 0, "wastewater_treated_m3_day": 0}, "ENV-5"),
        ({"total_budget_thb": 0, "environment_budget_thb": 0}, "GOV-3"),
    ],
)
def test_a_zero_denominator_makes_the_indicator_missing(inputs, code):
    result = run(payload(inputs))
    assert result.indicator(code).missing
    assert result.indicator(code).score == 0


def test_zero_communities_leave_hap_1_missing():
    result = run(payload({"eco_active_communities": 0}, profile={"communities": 0}))
    assert result.indicator("HAP-1").missing


def test_env_8_is_missing_without_a_base_year_or_without_activities():
    activities = [{"ef": "msw_composting", "quantity": 10}]
    base = {"year_be": 2565, "total_tco2e": 100, "population": 1000}
    assert run(payload(activities=activities)).indicator("ENV-8").missing
    assert run(payload(base_year=base)).indicator("ENV-8").missing
    assert run(payload(activities=[], base_year=base)).indicator("ENV-8").missing
    zero_base = {"year_be": 2565, "total_tco2e": 0, "population": 1000}
    assert run(payload(activities=activities, base_year=zero_base)).indicator("ENV-8").missing
    assert not run(payload(activities=activities, base_year=base)).indicator("ENV-8").missing


def test_gov_1_needs_all_four_answers_and_counts_the_yeses():
    three = dict.fromkeys(
        ["gov_policy_statement", "gov_projects_in_local_plan", "gov_budgeted_and_implemented"],
        True,
    )
    assert run(payload(three)).indicator("GOV-1").missing
    four = {**three, "gov_progress_report_published": False}
    assert run(payload(four)).indicator("GOV-1").value == 3
    assert run(payload(four)).indicator("GOV-1").score == 3


def test_an_explicit_null_input_is_missing_data():
    result = run(payload({"led_streetlights": None, "all_streetlights": 10}))
    assert result.indicator("LIV-1").missing


def test_no_inputs_at_all():
    result = run_json(payload())
    assert result["overall"] == D("0.00")
    assert result["completeness"] == D("0.00")
    assert result["level"] == "insufficient_data"
    assert result["ghg"]["total_tco2e"] == D("0.000")
    assert result["ghg"]["factor_versions"] == {}


# --- Components, overall, completeness and level ----------------------------------------

ALL_FOUR = dict.fromkeys(SCORE_VALUES, 0)
NON_ENV = [code for code in SCORE_VALUES if not code.startswith("ENV")]
ENV = [code for code in SCORE_VALUES if code.startswith("ENV")]


def scores(non_env_fours: int, env_scores: list[int]) -> dict[str, int]:
    """Every indicator with a value: ``non_env_fours`` LIV/HAP/GOV at 4, ENV as given."""
    chosen = dict(ALL_FOUR)
    for code in NON_ENV[:non_env_fours]:
        chosen[code] = 4
    for code, score in zip(["ENV-3", "ENV-4", "ENV-7", "ENV-8", "ENV-1"], env_scores, strict=False):
        chosen[code] = score
    chosen["ENV-6"] = 0
    return chosen


@pytest.mark.parametrize(
    ("non_env_fours", "env_scores", "overall", "level"),
    [
        # overall = (3 x (LIV + HAP + GOV) + ENV) / 144 x 100
        (5, [4, 4, 3], D("49.31"), "starter"),  # 3x20 + 11 = 71
        (5, [4, 4, 4], D("50.00"), "basic"),  # 72: exactly 50 is basic
        (7, [4, 4, 4, 4], D("69.44"), "basic"),  # 100
        (7, [4, 4, 4, 4, 1], D("70.14"), "intermediate"),  # 101
        (9, [4, 4, 4, 2], D("84.72"), "intermediate"),  # 122
        (9, [4, 4, 4, 3], D("85.42"), "advanced"),  # 123
    ],
)
def test_level_boundaries(non_env_fours, env_scores, overall, level):
    chosen = scores(non_env_fours, env_scores)
    result = run(inputs_for_scores(chosen))
    assert [result.indicator(code).score for code in chosen] == list(chosen.values())
    output = assessment_output(result)
    assert output["completeness"] == D("1.00")
    assert output["overall"] == overall
    assert output["level"] == level


def assessment_output(result):
    from sar.engine import assessment_to_json

    return assessment_to_json(result)


def test_overall_exactly_50_is_computed_exactly():
    result = run(inputs_for_scores(scores(5, [4, 4, 4])))
    assert result.overall == 50  # a Fraction, not 49.999...


def test_component_percentages():
    chosen = {"LIV-1": 4, "LIV-2": 3, "LIV-3": 1, "ENV-4": 2, "GOV-3": 1}
    output = assessment_output(run(inputs_for_scores(chosen)))
    assert output["components"] == {
        "LIV": D("66.67"),  # 8 of 12
        "HAP": D("0.00"),
        "ENV": D("5.56"),  # 2 of 36
        "GOV": D("8.33"),  # 1 of 12
    }
    assert output["overall"] == D("20.14")  # (66.67 + 0 + 5.56 + 8.33) / 4 unrounded: 29/144


# The first 14 indicators are LIV, HAP and ENV-1..ENV-8; the 15th is ENV-9. All score 4, so
# LIV, HAP and ENV are at 100 % and GOV at 0: 75 % overall.
@pytest.mark.parametrize(("with_value", "level"), [(14, "insufficient_data"), (15, "intermediate")])
def test_completeness_boundary(with_value, level):
    codes = list(SCORE_VALUES)[:with_value]
    output = assessment_output(run(inputs_for_scores(dict.fromkeys(codes, 4))))
    assert output["completeness"] == round_half_up(Fraction(with_value, 18), 2)
    assert output["level"] == level


# --- Warnings and validation -------------------------------------------------------------


def test_warnings_are_given_but_the_result_is_computed():
    document = payload(
        {"msw_generated_t": 1200, "water_supplied_m3_year": 200000},
        base_year={"year_be": 2565, "total_tco2e": 10, "population": 800},
    )
    output = run_json(document)
    text = " ".join(output["warnings"])
    assert len(output["warnings"]) == 3
    assert "ENV-1" in text  # 3.29 kg per person per day > 3
    assert "ENV-6" in text  # 547.9 L per person per day > 500
    assert "25" in text  # population 1,000 is 25 % above 800
    assert output["indicators"]["ENV-1"]["value"] == D("3.29")


def test_no_population_warning_within_20_percent():
    document = payload(base_year={"year_be": 2565, "total_tco2e": 10, "population": 834})
    assert run_json(document)["warnings"] == []  # 19.9 %


def test_validation_errors_name_each_field():
    errors = errors_of(
        payload(
            {
                "led_streetlights": 120,
                "all_streetlights": 100,
                "piped_water_households": 101,
                "separating_households": -1,
                "eco_active_communities": 101,
                "lao_renewable_kwh": 11,
                "lao_electricity_kwh": 10,
                "msw_generated_t": 10,
                "msw_recycled_t": 4,
                "msw_composted_t": 4,
                "msw_sanitary_landfill_t": 2,
                "msw_incinerated_t": D("0.1"),
                "green_area_rai": 1001,  # x 1,600 m² > 1.6 km²
                "pm25_exceedance_days": 367,
                "ghg_inventory_status": "partly",
                "total_budget_thb": "lots",
            },
            activities=[{"ef": "coal", "quantity": 1}],
        )
    )
    assert set(errors) == {
        "led_streetlights",
        "piped_water_households",
        "separating_households",
        "eco_active_communities",
        "lao_renewable_kwh",
        "msw_generated_t",
        "green_area_rai",
        "pm25_exceedance_days",
        "ghg_inventory_status",
        "total_budget_thb",
        "activities[0].ef",
    }
    assert errors["separating_households"] == ["ตัวเลขต้องไม่ติดลบ"]
    assert errors["total_budget_thb"] == ["กรุณากรอกเป็นตัวเลข ไม่ใช่ข้อความ"]
    assert "coal" in errors["activities[0].ef"][0]


def test_profile_fields_out_of_range_are_refused():
    errors = errors_of(
        payload(
            profile={
                "lao_type": "city",
                "population": 0,
                "households": D("10.5"),
                "area_km2": 0,
                "year_be": 2499,
                "communities": -1,
            }
        )
    )
    assert set(errors) == {
        "lao_type",
        "population",
        "households",
        "area_km2",
        "year_be",
        "communities",
    }


def test_huge_numbers_are_refused_without_overflow():
    errors = errors_of(
        payload({"msw_generated_t": Decimal("1e400"), "msw_recycled_t": Decimal("1e-400")})
    )
    assert set(errors) == {"msw_generated_t", "msw_recycled_t"}
    largest = run(payload({"all_streetlights": Decimal("1e15"), "led_streetlights": 1}))
    assert largest.indicator("LIV-1").score == 0


def test_output_numbers_are_written_digit_for_digit():
    text = dumps_exact({"a": D("64127.360"), "b": D("0.10"), "c": D("-0.00"), "d": None, "e": 3})
    assert '"a": 64127.36' in text
    assert '"b": 0.1' in text
    assert '"d": null' in text
    assert '"e": 3' in text
    assert round_half_up(Fraction(-1, 1000), 2) == D("0.00")  # never "-0.00"
    assert str(round_half_up(Fraction(-1, 1000), 2)) == "0.00"
    assert round_half_up(Fraction(5, 1000), 2) == D("0.01")  # half up
    assert round_half_up(Fraction(-5, 1000), 2) == D("-0.01")
