"""The framework is a data file, checked when the project starts."""

import json
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from sar.checks import check_framework_file
from sar.framework import get_framework, read_framework_file

SOURCE = Path(settings.SAR_FRAMEWORK_FILE)


def test_the_shipped_framework_is_sandbox_v1_with_18_indicators_in_4_components():
    framework = get_framework()
    assert framework.code == "sandbox-v1"
    assert framework.official is False
    assert [c.code for c in framework.components] == ["LIV", "HAP", "ENV", "GOV"]
    assert [len(c.indicators) for c in framework.components] == [3, 3, 9, 3]
    assert {str(c.weight) for c in framework.components} == {"25"}
    assert len(framework.factors) == 12  # 13 rows in sar.md: the grid has two versions
    assert sum(len(f.versions) for f in framework.factors) == 13
    assert [e.round_number for e in framework.exercises] == [1, 2, 3, 4]
    assert check_framework_file() == []


def broken_copy(tmp_path, change) -> Path:
    data = json.loads(SOURCE.read_text(encoding="utf-8"))
    change(data)
    folder = tmp_path / "frameworks"
    folder.mkdir()
    shutil.copy(SOURCE.parent / data["sample_city"], folder / data["sample_city"])
    path = folder / "broken.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def unknown_input(data):
    data["indicators"][0]["formula"]["numerator"] = ["led_lamps"]


def overlapping_factors(data):
    grid = data["ghg"]["factors"][0]
    grid["versions"][1]["valid_from"] = "2025-06-01"


def bad_score(data):
    data["indicators"][0]["bands"]["rules"][0][2] = 5


def unknown_component(data):
    data["indicators"][0]["component"] = "FUN"


def missing_levels(data):
    del data["levels"]


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (unknown_input, "unknown input 'led_lamps'"),
        (overlapping_factors, "overlap"),
        (bad_score, "a score must be a whole number from 0 to 4"),
        (unknown_component, "unknown component 'FUN'"),
        (missing_levels, "missing levels"),
    ],
)
def test_a_broken_framework_makes_manage_check_fail_with_a_clear_message(
    tmp_path, change, fragment
):
    path = broken_copy(tmp_path, change)
    with override_settings(SAR_FRAMEWORK_FILE=path):
        messages = [error.msg for error in check_framework_file()]
        assert any(fragment in message for message in messages), messages
        with pytest.raises(SystemCheckError) as raised:
            call_command("check")
    assert "sar.E001" in str(raised.value)
    assert fragment in str(raised.value)


def test_a_file_that_is_not_json_is_reported(tmp_path):
    path = tmp_path / "framework.json"
    path.write_text("{ this is not json", encoding="utf-8")
    with override_settings(SAR_FRAMEWORK_FILE=path):
        [error] = check_framework_file()
    assert error.id == "sar.E001"
    assert "not valid JSON" in error.msg


def test_a_missing_file_is_reported(tmp_path):
    with override_settings(SAR_FRAMEWORK_FILE=tmp_path / "nowhere.json"):
        [error] = check_framework_file()
    assert "cannot read" in error.msg


def test_a_sample_city_that_does_not_fit_is_reported(tmp_path):
    def rename_input(data):
        data["inputs"][0]["key"] = "led_lamps"
        data["rules"][0]["parts"] = ["led_lamps"]
        data["indicators"][0]["formula"]["numerator"] = ["led_lamps"]

    path = broken_copy(tmp_path, rename_input)
    read_framework_file(path)  # the framework itself is fine
    with override_settings(SAR_FRAMEWORK_FILE=path):
        errors = check_framework_file()
    assert [error.id for error in errors] == ["sar.E002"]
    assert "led_streetlights" in errors[0].msg


def test_the_active_framework_follows_the_setting(tmp_path):
    def rename(data):
        data["framework"] = "dcce-official-2570"

    path = broken_copy(tmp_path, rename)
    with override_settings(SAR_FRAMEWORK_FILE=path):
        assert get_framework().code == "dcce-official-2570"
    assert get_framework().code == "sandbox-v1"


# --- The keys that make pages data: sections[].kind and .component, fields' prefill ------


def kind_unknown(data):
    data["sections"][0]["kind"] = "cover"


def no_profile_page(data):
    data["sections"][0]["kind"] = "figures"


def two_inventories(data):
    data["sections"][1]["kind"] = "inventory"


def section_component_unknown(data):
    data["sections"][1]["component"] = "FUN"


def prefill_unknown(data):
    data["profile"][0]["prefill"] = "census"


def prefill_on_the_wrong_type(data):
    data["profile"][0]["prefill"] = "trained_members"  # lao_type is a choice


def no_inventory_page(data):
    del data["sections"][-1]["kind"]


def section_code_with_a_space(data):
    data["sections"].append({"code": "my page", "name_th": "หน้า", "name_en": "Page"})


def page_without_figures(data):
    data["sections"].append({"code": "EXTRA", "name_th": "หน้าเปล่า", "name_en": "Empty"})


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (kind_unknown, "section profile: unknown kind 'cover' (known kinds: profile, figures"),
        (no_profile_page, "exactly one section must be of kind 'profile'"),
        (two_inventories, "at most one section may be of kind 'inventory'"),
        (section_component_unknown, "section LIV: unknown component 'FUN'"),
        (prefill_unknown, "profile[0]: unknown prefill 'census'"),
        (prefill_on_the_wrong_type, "prefill 'trained_members' only fits a field of type"),
        (no_inventory_page, "the base-year figures need a section of kind 'inventory'"),
        (no_inventory_page, "requires activities, but no section is of kind 'inventory'"),
        (section_code_with_a_space, "the code 'my page' may hold only letters, digits"),
        (page_without_figures, "section EXTRA: no figure is on this page"),
    ],
)
def test_the_section_and_prefill_keys_are_checked_by_manage_check(tmp_path, change, fragment):
    path = broken_copy(tmp_path, change)
    with override_settings(SAR_FRAMEWORK_FILE=path):
        errors = check_framework_file()
        with pytest.raises(SystemCheckError) as raised:
            call_command("check")
    assert {error.id for error in errors} == {"sar.E001"}
    assert any(fragment in error.msg for error in errors), [error.msg for error in errors]
    assert fragment in str(raised.value)


def test_every_prefill_source_the_check_accepts_exists():
    from sar.framework.parse import PREFILL_SOURCES
    from sar.prefill import SOURCES

    assert set(PREFILL_SOURCES) == set(SOURCES)


def test_the_shipped_pages_and_their_kinds():
    framework = get_framework()
    assert [(s.code, s.kind, s.component) for s in framework.sections] == [
        ("profile", "profile", None),
        ("LIV", "figures", "LIV"),
        ("HAP", "figures", "HAP"),
        ("ENV", "figures", "ENV"),
        ("GOV", "figures", "GOV"),
        ("GHG", "inventory", None),
    ]
    prefilled = {f.key: f.prefill for f in framework.entry_fields if f.prefill}
    assert prefilled == {"lao_type": "lao_directory", "trained_members": "trained_members"}
    assert [f.key for f in framework.section_fields("GHG")] == [
        "ghg_inventory_status",
        "base_year.year_be",
        "base_year.total_tco2e",
        "base_year.population",
    ]
