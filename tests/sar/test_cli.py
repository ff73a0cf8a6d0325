"""`python manage.py sar_assess FILE.json`: the contract in sar.md."""

import io
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

ROOT = Path(settings.BASE_DIR)

EXAMPLE = {
    "profile": {
        "lao_type": "town_municipality",
        "population": 25000,
        "households": 9000,
        "area_km2": 12.5,
        "year_be": 2569,
        "communities": 20,
    },
    "inputs": {
        "led_streetlights": 1200,
        "all_streetlights": 2000,
        "ghg_inventory_status": "self_calculated",
        "gov_policy_statement": True,
    },
    "activities": [
        {"ef": "grid_electricity", "quantity": 30000000},
        {"ef": "msw_sanitary_landfill", "quantity": 5000},
    ],
    "base_year": {"year_be": 2565, "total_tco2e": 30000, "population": 24000},
}


def run_command(tmp_path, document, *, raw_text=None):
    path = tmp_path / "input.json"
    path.write_text(raw_text if raw_text is not None else json.dumps(document), encoding="utf-8")
    out = io.StringIO()
    try:
        call_command("sar_assess", str(path), stdout=out)
        status = 0
    except SystemExit as exit_:
        status = exit_.code
    return status, out.getvalue()


def test_the_example_of_the_contract(tmp_path):
    status, text = run_command(tmp_path, EXAMPLE)
    assert status == 0
    output = json.loads(text, parse_float=Decimal)
    assert output["framework"] == "sandbox-v1"
    assert output["indicators"]["LIV-1"] == {"value": Decimal("60.0"), "unit": "%", "score": 3}
    assert output["indicators"]["LIV-2"] == {"value": None, "unit": "%", "score": 0}
    assert output["indicators"]["ENV-9"] == {
        "value": "self_calculated",
        "unit": "status",
        "score": 2,
    }
    assert set(output["indicators"]) == {
        *(f"LIV-{n}" for n in (1, 2, 3)),
        *(f"HAP-{n}" for n in (1, 2, 3)),
        *(f"ENV-{n}" for n in range(1, 10)),
        *(f"GOV-{n}" for n in (1, 2, 3)),
    }
    assert set(output) == {
        "framework",
        "indicators",
        "components",
        "overall",
        "level",
        "completeness",
        "warnings",
        "ghg",
    }
    # 30,000,000 kWh x 0.4750 = 14,250 t (scope 2); 5,000 t x 1,176 kg = 5,880 t (scope 1)
    assert output["ghg"] == {
        "total_tco2e": Decimal("20130.0"),
        "per_capita_tco2e": Decimal("0.805"),
        "by_sector": {
            "stationary_energy": Decimal("14250.0"),
            "transport": Decimal("0.0"),
            "waste": Decimal("5880.0"),
        },
        "by_scope": {"1": Decimal("5880.0"), "2": Decimal("14250.0")},
        "factor_versions": {
            "grid_electricity": "2026-01-01",
            "msw_sanitary_landfill": "ipcc-teaching-1",
        },
    }
    # ENV-8: (20,130 / 25,000 - 30,000 / 24,000) / 1.25 = -35.58 %
    assert output["indicators"]["ENV-8"] == {"value": Decimal("-35.58"), "unit": "%", "score": 4}
    # LIV 3 of 12; ENV 4 + 2 of 36
    assert output["components"] == {
        "LIV": Decimal("25.0"),
        "HAP": Decimal("0.0"),
        "ENV": Decimal("16.67"),
        "GOV": Decimal("0.0"),
    }
    assert output["overall"] == Decimal("10.42")
    assert output["level"] == "insufficient_data"
    assert output["completeness"] == Decimal("0.17")  # 3 of 18
    assert output["warnings"] == []


def test_numbers_are_rounded_to_two_decimals_and_tonnes_to_three(tmp_path):
    document = {**EXAMPLE, "activities": [{"ef": "lpg_stationary", "quantity": 1}]}
    document["inputs"] = {"led_streetlights": 1, "all_streetlights": 3}
    status, text = run_command(tmp_path, document)
    assert status == 0
    output = json.loads(text, parse_float=Decimal)
    assert output["indicators"]["LIV-1"]["value"] == Decimal("33.33")
    assert output["ghg"]["total_tco2e"] == Decimal("0.003")  # 3.1134 kg


def test_decimals_in_the_file_are_read_exactly(tmp_path):
    # 0.1 + 0.2 style inputs: with floats 30.000000000000004 % would not be 30.
    document = {**EXAMPLE, "activities": []}
    document["inputs"] = {"lao_electricity_kwh": 1, "lao_renewable_kwh": 0.3}
    status, text = run_command(tmp_path, document)
    assert status == 0
    assert json.loads(text)["indicators"]["LIV-2"]["score"] == 4  # exactly 30 %


def test_invalid_input_exits_1_with_errors_by_field(tmp_path):
    document = json.loads(json.dumps(EXAMPLE))
    document["inputs"]["led_streetlights"] = 2500  # more than all street lights
    document["inputs"]["all_streetlights"] = 2000
    document["inputs"]["piped_water_households"] = "many"
    document["profile"]["population"] = -5
    document["activities"].append({"ef": "unicorn_dust", "quantity": 1})
    status, text = run_command(tmp_path, document)
    assert status == 1
    output = json.loads(text)
    assert set(output) == {"errors"}
    assert set(output["errors"]) == {
        "led_streetlights",
        "piped_water_households",
        "population",
        "activities[2].ef",
    }
    for messages in output["errors"].values():
        assert isinstance(messages, list)
        assert all(isinstance(message, str) and message for message in messages)


@pytest.mark.parametrize(
    ("raw_text", "key"),
    [
        ("{not json", "file"),
        ("[1, 2, 3]", "input"),
        ('{"inputs": {}}', "profile"),
        ('{"profile": {}, "inputs": {"led_streetlights": NaN}}', "led_streetlights"),
        ('{"profile": {}, "inputs": {"led_streetlights": 1e999999}}', "led_streetlights"),
        ('{"profile": {}, "inputs": {"gov_policy_statement": "yes"}}', "gov_policy_statement"),
        ('{"profile": {}, "inputs": {"led_streetlight": 5}}', "led_streetlight"),
        (
            '{"profile": {}, "inputs": {"ghg_inventory_status": "certified"}}',
            "ghg_inventory_status",
        ),
        (
            '{"profile": {}, "activities": [{"ef": "lpg_mobile", "quantity": 1, "month": 13}]}',
            "activities[0].month",
        ),
        ('{"profile": {}, "base_year": {"year_be": 2565}}', "base_year.total_tco2e"),
    ],
)
def test_malformed_files_are_refused_as_json(tmp_path, raw_text, key):
    status, text = run_command(tmp_path, None, raw_text=raw_text)
    assert status == 1
    assert key in json.loads(text)["errors"]


def test_a_missing_file_is_refused_as_json(tmp_path):
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("sar_assess", str(tmp_path / "nowhere.json"), stdout=out)
    assert exit_.value.code == 1
    assert "file" in json.loads(out.getvalue())["errors"]


def manage(*args, stdin=None):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    env.pop("DATABASE_URL", None)  # the command does not touch the database
    return subprocess.run(  # noqa: S603 (our own manage.py with fixed arguments)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_command_prints_json_only_and_sets_the_exit_status(tmp_path):
    good = tmp_path / "good.json"
    good.write_text(json.dumps(EXAMPLE), encoding="utf-8")
    ok = manage("sar_assess", str(good))
    assert ok.returncode == 0
    assert ok.stderr == ""
    assert json.loads(ok.stdout)["level"] == "insufficient_data"

    bad = manage("sar_assess", "-", stdin='{"profile": {"population": "many"}}')
    assert bad.returncode == 1
    assert bad.stderr == ""
    errors = json.loads(bad.stdout)["errors"]
    assert errors["population"] == ["กรุณากรอกเป็นตัวเลข ไม่ใช่ข้อความ"]
