"""Workspaces: creating, entering figures by component, validation, GHG activities, reset."""

import re
from fractions import Fraction

import pytest

from sar.models import Entry, GhgActivity, Workspace
from sar.selectors import assess_workspace
from sar.services import (
    SandboxError,
    add_ghg_activity,
    create_workspace,
    reset_workspace,
    save_section,
)
from tests.factories import UserFactory

from .conftest import PROFILE_FORM, WASTE_FORM

pytestmark = pytest.mark.django_db


def figures(workspace):
    return dict(Entry.objects.filter(workspace=workspace).values_list("key", "value"))


def section_url(workspace, section):
    return f"/sandbox/{workspace.pk}/edit/{section}/"


def post_section(client, workspace, section, values, notes=None):
    data = dict(values)
    for key, note in (notes or {}).items():
        data[f"{key}__note"] = note
    return client.post(section_url(workspace, section), data)


# --- Creating and resetting ----------------------------------------------------------


def test_a_new_workspace_is_empty_and_for_the_participants_lao(participant, workspace):
    assert workspace.organisation == participant.organisation
    assert workspace.year_be == 2569
    assert workspace.framework == "sandbox-v1"
    assert not workspace.contains_sample
    assert figures(workspace) == {}


def test_several_years_but_one_workspace_per_lao_and_year(participant, workspace):
    create_workspace(owner=participant, year_be=2568)
    with pytest.raises(SandboxError) as error:
        create_workspace(owner=participant, year_be=2569)
    assert error.value.code == "workspace_exists"
    assert Workspace.objects.owned_by(participant).count() == 2


def test_a_workspace_needs_an_lao_and_a_plausible_year(participant):
    with pytest.raises(SandboxError) as error:
        create_workspace(owner=UserFactory(organisation=None), year_be=2569)
    assert error.value.code == "no_organisation"
    with pytest.raises(SandboxError) as error:
        create_workspace(owner=participant, year_be=2026)
    assert error.value.code == "year_out_of_range"


def test_the_sample_city_fills_every_figure(sample_workspace):
    assert sample_workspace.contains_sample
    values = figures(sample_workspace)
    assert values["population"] == "25000"
    assert values["area_km2"] == "12.5"
    assert values["gov_policy_statement"] == "true"
    assert values["base_year.total_tco2e"] == "66000"
    assert GhgActivity.objects.filter(workspace=sample_workspace).count() == 7
    result = assess_workspace(sample_workspace)
    assert result.completeness == 1
    assert result.level.code == "basic"


def test_reset_to_empty_and_to_the_sample(participant, sample_workspace):
    reset_workspace(workspace=sample_workspace, start_from="empty", user=participant)
    sample_workspace.refresh_from_db()
    assert figures(sample_workspace) == {}
    assert not GhgActivity.objects.filter(workspace=sample_workspace).exists()
    assert not sample_workspace.contains_sample
    reset_workspace(workspace=sample_workspace, start_from="sample", user=participant)
    sample_workspace.refresh_from_db()
    assert sample_workspace.contains_sample
    assert len(figures(sample_workspace)) == 33


def test_reset_through_the_page_needs_a_confirmation(client, participant, sample_workspace):
    client.force_login(participant)
    url = f"/sandbox/{sample_workspace.pk}/reset/"
    assert client.get(url).status_code == 200
    refused = client.post(url, {"start_from": "empty"})
    assert refused.status_code == 400
    assert len(figures(sample_workspace)) == 33
    done = client.post(url, {"start_from": "empty", "confirm": "on"})
    assert done.status_code == 302
    assert figures(sample_workspace) == {}


def test_create_through_the_page(client, participant):
    client.force_login(participant)
    page = client.get("/sandbox/")
    assert page.status_code == 200
    assert "เทศบาลเมืองตัวอย่าง" in page.content.decode()
    response = client.post("/sandbox/new/", {"year_be": "๒๕๖๘", "start_from": "empty"})
    workspace = Workspace.objects.get(owner=participant)
    assert response["Location"] == f"/sandbox/{workspace.pk}/"
    assert workspace.year_be == 2568
    again = client.post("/sandbox/new/", {"year_be": "2568", "start_from": "empty"})
    assert again.status_code == 400
    assert "ท่านมีพื้นที่ทำงานของ อปท. และปีนี้แล้ว" in again.content.decode()


# --- Entering figures -----------------------------------------------------------------


def test_the_profile_is_saved_with_thai_digits_and_thousands_separators(
    client, participant, workspace
):
    client.force_login(participant)
    form = {**PROFILE_FORM, "population": "๒๕,๐๐๐"}
    response = post_section(client, workspace, "profile", form, {"population": "ทะเบียนราษฎร 2568"})
    assert response.status_code == 302
    assert figures(workspace) == {
        "lao_type": "town_municipality",
        "population": "25000",
        "households": "9000",
        "area_km2": "12.5",
        "communities": "20",
    }
    assert Entry.objects.get(workspace=workspace, key="population").note == "ทะเบียนราษฎร 2568"


def test_every_profile_figure_is_required(client, participant, workspace):
    client.force_login(participant)
    response = post_section(client, workspace, "profile", {**PROFILE_FORM, "households": ""})
    assert response.status_code == 400
    assert figures(workspace) == {}
    assert "จำเป็นต้องกรอก" in response.content.decode()


def test_a_refused_page_saves_nothing_keeps_every_typed_value_and_marks_each_field(
    client, participant, workspace
):
    client.force_login(participant)
    post_section(client, workspace, "profile", PROFILE_FORM)
    before = figures(workspace)
    typed = {
        **WASTE_FORM,
        "msw_recycled_t": "สองพันสามร้อย",  # text
        "msw_composted_t": "-900",  # negative
        "separating_households": "9100",  # more than the 9,000 households
        "water_supplied_m3_year": "1700000",  # valid, but not saved either
    }
    response = post_section(client, workspace, "ENV", typed, {"msw_generated_t": "สมุดบันทึกการเก็บขน"})
    assert response.status_code == 400
    assert figures(workspace) == before
    html = response.content.decode()
    for value in ("สองพันสามร้อย", "-900", "9100", "1700000", "10500", "สมุดบันทึกการเก็บขน"):
        assert f'value="{value}"' in html
    assert "กรุณากรอกเป็นตัวเลข ไม่ใช่ข้อความ" in html
    assert "ตัวเลขต้องไม่ติดลบ" in html
    assert "มากกว่าจำนวนครัวเรือน" in html
    assert html.count("sar-field--error") == 3
    assert "ไม่ได้บันทึกข้อมูล" in html


def test_waste_parts_larger_than_the_waste_generated_are_refused(client, participant, workspace):
    client.force_login(participant)
    post_section(client, workspace, "profile", PROFILE_FORM)
    response = post_section(client, workspace, "ENV", {**WASTE_FORM, "msw_generated_t": "8000"})
    assert response.status_code == 400
    assert "msw_generated_t" not in figures(workspace)
    assert "ผลรวมของ" in response.content.decode()


def test_lowering_the_households_below_a_saved_part_is_refused_on_the_profile(
    client, participant, workspace
):
    client.force_login(participant)
    post_section(client, workspace, "profile", PROFILE_FORM)
    post_section(client, workspace, "ENV", WASTE_FORM)
    response = post_section(client, workspace, "profile", {**PROFILE_FORM, "households": "4000"})
    assert response.status_code == 400
    assert figures(workspace)["households"] == "9000"
    html = response.content.decode()
    assert re.search(r'sar-field--error">\s*<label for="id_households"', html)


@pytest.mark.parametrize(
    "typed",
    ["9" * 400, "1e999999999", "1e-999999999", "Infinity", "NaN", "0x10", "1,2,3.4.5", "١٢"],
)
def test_huge_numbers_and_junk_in_number_fields_are_refused_not_crashed(
    client, participant, workspace, typed
):
    client.force_login(participant)
    response = post_section(client, workspace, "LIV", {"all_streetlights": typed})
    assert response.status_code == 400
    assert figures(workspace) == {}


def test_the_largest_accepted_numbers_compute_without_overflow(client, participant, workspace):
    client.force_login(participant)
    post_section(client, workspace, "profile", {**PROFILE_FORM, "population": "1"})
    response = post_section(
        client,
        workspace,
        "ENV",
        {"msw_generated_t": "1000000000000000", "water_supplied_m3_year": "1000000000000000"},
    )
    assert response.status_code == 302
    results = client.get(f"/sandbox/{workspace.pk}/results/")
    assert results.status_code == 200
    assert "2,739,726,027,397,260.27" in results.content.decode()  # 1e15 t x 1000 / 365 kg


def test_partial_saving_and_clearing_a_figure(client, participant, workspace):
    client.force_login(participant)
    post_section(client, workspace, "LIV", {"all_streetlights": "2000", "led_streetlights": "1200"})
    assert figures(workspace) == {"all_streetlights": "2000", "led_streetlights": "1200"}
    post_section(
        client,
        workspace,
        "LIV",
        {"all_streetlights": "2000", "led_streetlights": ""},
        {"led_streetlights": "รอข้อมูลจากกองช่าง"},
    )
    assert figures(workspace) == {"all_streetlights": "2000", "led_streetlights": ""}
    assert assess_workspace(workspace).indicator("LIV-1").missing


def test_a_warning_is_saved_and_shown(client, participant, workspace):
    client.force_login(participant)
    post_section(client, workspace, "profile", {**PROFILE_FORM, "population": "1000"})
    response = post_section(client, workspace, "ENV", {"msw_generated_t": "1200"})
    assert response.status_code == 302
    assert figures(workspace)["msw_generated_t"] == "1200"
    page = client.get(response["Location"]).content.decode()
    assert "ENV-1" in page and "3.29" in page
    assert "message--warning" in page


def test_each_field_shows_its_unit_and_where_to_find_it(client, participant, workspace):
    client.force_login(participant)
    html = client.get(section_url(workspace, "ENV")).content.decode()
    assert "ตัน/ปี" in html
    assert "สมุดบันทึกการเก็บขนขยะ" in html
    assert "กรอบตัวชี้วัดนี้จัดทำขึ้นเพื่อการฝึกอบรมเท่านั้น" in html
    liv = client.get(section_url(workspace, "LIV")).content.decode()
    assert "กฟภ./กฟน." in liv
    profile = client.get(section_url(workspace, "profile")).content.decode()
    assert '<option value="town_municipality" selected>' in profile  # from the LAO directory


def test_gov_2_starts_at_zero_and_editable_when_nobody_of_the_lao_is_certified(
    client, participant, workspace
):
    client.force_login(participant)
    html = client.get(section_url(workspace, "GOV")).content.decode()
    assert 'name="trained_members" value="0"' in html
    assert "แก้ไขได้" in html


def test_gov_2_is_prefilled_with_the_lao_members_holding_a_programme_certificate(
    client, participant, workspace
):
    from certificates.services import issue_certificate
    from courses.services import enrol_participant
    from tests.certificates.factories import CompletionPolicyFactory
    from tests.factories import RoundFactory

    round_ = RoundFactory(number=1)
    policy = CompletionPolicyFactory(programme=round_.programme)
    colleagues = UserFactory.create_batch(2, organisation=participant.organisation)
    for colleague in colleagues:
        enrol_participant(user=colleague, round_=round_)
        issue_certificate(policy=policy, user=colleague, render=False)

    client.force_login(participant)
    html = client.get(section_url(workspace, "GOV")).content.decode()
    assert 'name="trained_members" value="2"' in html
    post_section(client, workspace, "GOV", {"trained_members": "9"})
    html = client.get(section_url(workspace, "GOV")).content.decode()
    assert 'name="trained_members" value="9"' in html  # the participant's own figure wins


def test_booleans_and_the_inventory_status(client, participant, workspace):
    client.force_login(participant)
    post_section(
        client,
        workspace,
        "GOV",
        {
            "gov_policy_statement": "true",
            "gov_projects_in_local_plan": "true",
            "gov_budgeted_and_implemented": "false",
            "gov_progress_report_published": "true",
        },
    )
    assert assess_workspace(workspace).indicator("GOV-1").score == 3
    refused = post_section(client, workspace, "GHG", {"ghg_inventory_status": "certified"})
    assert refused.status_code == 400
    post_section(client, workspace, "GHG", {"ghg_inventory_status": "both"})
    assert assess_workspace(workspace).indicator("ENV-9").score == 4


def test_the_base_year_is_all_three_figures_or_none(client, participant, workspace):
    client.force_login(participant)
    refused = post_section(client, workspace, "GHG", {"base_year.year_be": "2565"})
    assert refused.status_code == 400
    assert figures(workspace) == {}
    ok = post_section(
        client,
        workspace,
        "GHG",
        {
            "base_year.year_be": "2565",
            "base_year.total_tco2e": "66000",
            "base_year.population": "24400",
        },
    )
    assert ok.status_code == 302


# --- GHG activities ---------------------------------------------------------------------


def test_activities_annual_and_monthly(client, participant, workspace):
    client.force_login(participant)
    url = f"/sandbox/{workspace.pk}/ghg/activities/"
    client.post(url, {"ef": "grid_electricity", "quantity": "1,000,000", "month": ""})
    client.post(url, {"ef": "diesel_mobile", "quantity": "500", "month": "1"})
    client.post(url, {"ef": "diesel_mobile", "quantity": "700", "month": "2", "note": "ใบเสร็จน้ำมัน"})
    rows = list(
        GhgActivity.objects.filter(workspace=workspace).values_list("ef_code", "quantity", "month")
    )
    assert rows == [
        ("grid_electricity", "1000000", None),
        ("diesel_mobile", "500", 1),
        ("diesel_mobile", "700", 2),
    ]
    ghg = assess_workspace(workspace).ghg
    assert ghg.total_kgco2e == 1000000 * Fraction("0.4750") + 1200 * Fraction("2.7406")
    page = client.get(section_url(workspace, "GHG")).content.decode()
    assert "ใบเสร็จน้ำมัน" in page
    assert "กุมภาพันธ์" in page


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"ef": "coal_power", "quantity": "10"}, "ef"),
        ({"ef": "", "quantity": "10"}, "ef"),
        ({"ef": "diesel_mobile", "quantity": "สิบ"}, "quantity"),
        ({"ef": "diesel_mobile", "quantity": "-1"}, "quantity"),
        ({"ef": "diesel_mobile", "quantity": ""}, "quantity"),
        ({"ef": "diesel_mobile", "quantity": "9" * 100}, "quantity"),
        ({"ef": "diesel_mobile", "quantity": "1", "month": "13"}, "month"),
    ],
)
def test_a_refused_activity_keeps_the_typed_row(client, participant, workspace, form, field):
    client.force_login(participant)
    response = client.post(f"/sandbox/{workspace.pk}/ghg/activities/", form)
    assert response.status_code == 400
    assert not GhgActivity.objects.exists()
    html = response.content.decode()
    if form["quantity"]:
        assert f'value="{form["quantity"]}"' in html
    assert 'class="sar-field sar-field--error"' in html


def test_an_activity_is_removed_only_from_its_own_workspace(client, participant, workspace):
    other = create_workspace(owner=UserFactory(), year_be=2569)
    foreign = add_ghg_activity(workspace=other, ef_code="lpg_mobile", quantity="5", user=None)
    own = add_ghg_activity(workspace=workspace, ef_code="lpg_mobile", quantity="5", user=None)
    client.force_login(participant)
    client.post(f"/sandbox/{workspace.pk}/ghg/activities/{foreign.pk}/delete/")
    assert GhgActivity.objects.filter(pk=foreign.pk).exists()
    client.post(f"/sandbox/{workspace.pk}/ghg/activities/{own.pk}/delete/")
    assert not GhgActivity.objects.filter(pk=own.pk).exists()


def test_save_section_refuses_an_unknown_section(participant, workspace):
    with pytest.raises(SandboxError) as error:
        save_section(workspace=workspace, section="FUN", values={}, notes={}, user=participant)
    assert error.value.code == "unknown_section"


def test_the_base_year_population_warning_shows_on_the_inventory_page(
    client, participant, workspace
):
    client.force_login(participant)
    post_section(client, workspace, "profile", PROFILE_FORM)
    response = post_section(
        client,
        workspace,
        "GHG",
        {
            "base_year.year_be": "2565",
            "base_year.total_tco2e": "66000",
            "base_year.population": "18000",  # 25,000 now: 38.9 % more
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "ประชากรปีฐาน" in page
    assert "38.9" in page
