"""Building engine inputs for the tests: payloads in the sar_assess format, numbers as Decimal."""

import copy
from decimal import Decimal

from sar.engine import assess, assessment_to_json, parse_payload
from sar.framework import get_framework

D = Decimal


def decimalise(value):
    """Ints stay as they are in JSON (Decimal); "1.5" strings become Decimal numbers."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, dict):
        return {key: decimalise(item) for key, item in value.items()}
    if isinstance(value, list):
        return [decimalise(item) for item in value]
    return value


PROFILE = {
    "lao_type": "city_municipality",
    "population": 1000,
    "households": 100,
    "area_km2": D("1.6"),
    "year_be": 2569,
    "communities": 100,
}


def payload(inputs=None, *, profile=None, activities=None, base_year=None) -> dict:
    document = {"profile": {**PROFILE, **(profile or {})}, "inputs": dict(inputs or {})}
    if activities is not None:
        document["activities"] = activities
    if base_year is not None:
        document["base_year"] = base_year
    return decimalise(document)


def run(document):
    framework = get_framework()
    data, errors = parse_payload(copy.deepcopy(document), framework)
    assert errors == {}, errors
    return assess(data, framework)


def run_json(document):
    return assessment_to_json(run(document))


def errors_of(document) -> dict:
    data, errors = parse_payload(copy.deepcopy(document), get_framework())
    assert data is None
    return errors


# Inputs that give each indicator a chosen score with the fixed PROFILE above (population
# 1000, households 100, communities 100, area 1.6 km², city municipality: ENV-7 target 15%).
# Values sit exactly on the lower edge of their band. ENV-2, ENV-3 and ENV-5 depend on the
# ENV-1 and ENV-6 figures and are filled in by ``inputs_for_scores``.
SCORE_VALUES = {
    "LIV-1": {4: 80, 3: 60, 2: 40, 1: 20, 0: 0},
    "LIV-2": {4: 30, 3: 20, 2: 10, 1: D("0.01"), 0: 0},
    "LIV-3": {4: 95, 3: 90, 2: 80, 1: 60, 0: 0},
    "HAP-1": {4: 80, 3: 60, 2: 40, 1: 20, 0: 0},
    "HAP-2": {4: 16, 3: 9, 2: 6, 1: 3, 0: 0},
    "HAP-3": {4: 0, 3: 7, 2: 30, 1: 60, 0: 61},
    "ENV-1": {4: D("0.80"), 3: D("1.00"), 2: D("1.14"), 1: D("1.50"), 0: 2},
    "ENV-2": {4: 50, 3: 40, 2: 34, 1: 20, 0: 0},
    "ENV-3": {4: 95, 3: 85, 2: 73, 1: 50, 0: 0},
    "ENV-4": {4: 80, 3: 60, 2: 40, 1: 20, 0: 0},
    "ENV-5": {4: 80, 3: 60, 2: 40, 1: 20, 0: 0},
    "ENV-6": {4: 179, 2: 200, 0: 201},
    "ENV-7": {4: 15, 3: D("11.25"), 2: D("7.5"), 1: D("3.75"), 0: 0},
    # ENV-8 by the base year's total (landfill 57,000 t = 67,032 tCO2e; both populations 1000)
    "ENV-8": {4: 74480, 3: 70560, 2: 67032, 1: 63840, 0: 50000},
    "ENV-9": {4: "both", 3: "tgo_certified_cfo", 2: "self_calculated", 0: "none"},
    "GOV-1": {4: 4, 3: 3, 2: 2, 1: 1, 0: 0},
    "GOV-2": {4: 2, 3: 1, 2: D("0.5"), 1: D("0.001"), 0: 0},
    "GOV-3": {4: 5, 3: 3, 2: 2, 1: 1, 0: 0},
}

GOV_1_KEYS = [
    "gov_policy_statement",
    "gov_projects_in_local_plan",
    "gov_budgeted_and_implemented",
    "gov_progress_report_published",
]


def inputs_for_scores(scores: dict[str, int]) -> dict:
    """A payload where each listed indicator gets its score; the others are missing.

    ENV-2/ENV-3 need ENV-1's waste total, and ENV-5 needs ENV-6's water (defaults are
    used when those are not listed).
    """
    values = {code: SCORE_VALUES[code][score] for code, score in scores.items()}
    inputs: dict = {}
    activities = None
    base_year = None
    if "LIV-1" in values:
        inputs.update(all_streetlights=100, led_streetlights=values["LIV-1"])
    if "LIV-2" in values:
        inputs.update(lao_electricity_kwh=100, lao_renewable_kwh=values["LIV-2"])
    if "LIV-3" in values:
        inputs["piped_water_households"] = values["LIV-3"]
    if "HAP-1" in values:
        inputs["eco_active_communities"] = values["HAP-1"]
    if "HAP-2" in values:
        inputs["public_green_area_rai"] = D(values["HAP-2"]) / D("1.6")
    if "HAP-3" in values:
        inputs["pm25_exceedance_days"] = values["HAP-3"]
    waste = {"ENV-1", "ENV-2", "ENV-3"} & values.keys()
    if waste:
        per_person_day = D(values.get("ENV-1", 1))
        generated = per_person_day * 365
        inputs["msw_generated_t"] = generated
        recovered = D(values.get("ENV-2", 0)) * generated / 100
        managed = D(values.get("ENV-3", values.get("ENV-2", 0))) * generated / 100
        if "ENV-2" in values or "ENV-3" in values:
            inputs.update(
                msw_recycled_t=recovered,
                msw_composted_t=0,
                msw_sanitary_landfill_t=managed - recovered,
                msw_incinerated_t=0,
            )
    if "ENV-4" in values:
        inputs["separating_households"] = values["ENV-4"]
    if {"ENV-5", "ENV-6"} & values.keys():
        water = D(values.get("ENV-6", 150)) * 365
        inputs["water_supplied_m3_year"] = water
        if "ENV-5" in values:
            inputs["wastewater_treated_m3_day"] = D(values["ENV-5"]) * water * D("0.8") / 36500
    if "ENV-7" in values:
        inputs["green_area_rai"] = D(values["ENV-7"]) * 10
    if "ENV-8" in values:
        activities = [{"ef": "msw_sanitary_landfill", "quantity": 57000}]
        base_year = {"year_be": 2565, "total_tco2e": values["ENV-8"], "population": 1000}
    if "ENV-9" in values:
        inputs["ghg_inventory_status"] = values["ENV-9"]
    if "GOV-1" in values:
        inputs.update({key: index < values["GOV-1"] for index, key in enumerate(GOV_1_KEYS)})
    if "GOV-2" in values:
        inputs["trained_members"] = values["GOV-2"]
    if "GOV-3" in values:
        inputs.update(total_budget_thb=100, environment_budget_thb=values["GOV-3"])
    return payload(inputs, activities=activities, base_year=base_year)
