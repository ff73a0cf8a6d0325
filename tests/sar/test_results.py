"""Results, charts, what-if, XLSX and print; the web gives what sar_assess gives."""

import io
import json
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from sar.engine import assessment_to_json, dumps_exact
from sar.selectors import assess_workspace

pytestmark = pytest.mark.django_db


def test_results_page_of_the_sample_city(
    client, participant, sample_workspace, django_assert_max_num_queries
):
    client.force_login(participant)
    with django_assert_max_num_queries(12):
        response = client.get(f"/sandbox/{sample_workspace.pk}/results/")
    html = response.content.decode()
    # 2568: the grid factor is 0.4999; ENV-8 -3.25 % scores 2; overall 78/144
    assert "54.17%" in html
    assert "ระดับพื้นฐาน" in html
    assert "18 จาก 18 ตัวชี้วัด" in html
    assert "65,422.160" in html  # total tCO2e
    assert "2.617" in html  # per person
    assert "-3.25" in html
    # Charts with the same numbers as the tables beside them
    assert html.count('<svg class="sar-chart"') == 2
    assert "58.33%" in html and "9,936.000" in html
    # The what-if with the other grid factor (0.4750 from 1 Jan 2026): 64,127.360 t
    assert "64,127.360" in html
    assert "0.4750" in html
    assert "ข้อมูลสมมุติ" in html


def test_each_bar_is_as_long_as_its_value(client, participant, sample_workspace):
    client.force_login(participant)
    html = client.get(f"/sandbox/{sample_workspace.pk}/results/").content.decode()
    widths = re.findall(r'width="([0-9.]+)" height="16" rx="3" class="sar-chart__bar"', html)
    # components 58.33, 50, 50, 58.33 % of a 225-unit track; sectors relative to the largest
    assert widths[:4] == ["131.3", "112.5", "112.5", "131.3"]
    assert widths[4] == "225.0"  # stationary energy, 29,419.54 t
    assert widths[6] == "76.0"  # waste 9,936 / 29,419.54 x 225


def test_the_web_and_sar_assess_give_the_same_result(
    client, participant, sample_workspace, tmp_path
):
    client.force_login(participant)
    document = client.get(f"/sandbox/{sample_workspace.pk}/export.json").content
    path = tmp_path / "workspace.json"
    path.write_bytes(document)
    out = io.StringIO()
    call_command("sar_assess", str(path), stdout=out)
    from_cli = json.loads(out.getvalue(), parse_float=Decimal)
    from_web = json.loads(
        dumps_exact(assessment_to_json(assess_workspace(sample_workspace))), parse_float=Decimal
    )
    assert from_cli == from_web
    assert from_cli["overall"] == Decimal("54.17")


def test_xlsx_export(client, participant, sample_workspace):
    client.force_login(participant)
    response = client.get(f"/sandbox/{sample_workspace.pk}/export.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "7777777-2568.xlsx" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["เกี่ยวกับไฟล์นี้", "ข้อมูล", "กิจกรรมก๊าซเรือนกระจก", "ผลการประเมิน"]
    figures = {row[1]: row for row in workbook["ข้อมูล"].iter_rows(min_row=2, values_only=True)}
    assert figures["population"][3] == 25000
    assert figures["gov_policy_statement"][3] == "ใช่"
    assert "ข้อมูลสมมุติ" in figures["population"][5]
    results = {
        row[0]: row for row in workbook["ผลการประเมิน"].iter_rows(min_row=2, values_only=True)
    }
    assert results["LIV-1"][3] == 60
    assert results["LIV-1"][5] == 3
    assert results["ENV-9"][3] == "คำนวณเอง"
    activities = list(workbook["กิจกรรมก๊าซเรือนกระจก"].iter_rows(min_row=2, values_only=True))
    assert len(activities) == 7
    grid = next(row for row in activities if row[0] == "grid_electricity")
    assert grid[7] == "tgo-grid-2016-2018"
    assert grid[9] == pytest.approx(25994.8)


def test_the_printable_page(client, participant, sample_workspace):
    client.force_login(participant)
    html = client.get(f"/sandbox/{sample_workspace.pk}/results/print/").content.decode()
    assert "page-print" in html
    assert "data-sar-print" in html
    assert "เทศบาลเมืองทดสอบ" in html
    assert "54.17%" in html


def test_an_empty_workspace_has_results_too(client, participant, workspace):
    client.force_login(participant)
    html = client.get(f"/sandbox/{workspace.pk}/results/").content.decode()
    assert "ข้อมูลไม่เพียงพอ" in html
    assert "0 จาก 18 ตัวชี้วัด" in html
    assert "กรอกจำนวนประชากรก่อน" in html


def test_english_pages(client, participant, sample_workspace):
    client.force_login(participant)
    html = client.get(f"/en/sandbox/{sample_workspace.pk}/results/").content.decode()
    assert "Training framework" in html
    assert "Basic" in html
    assert "Share of LED public lighting" in html


def test_an_empty_inventory_says_there_is_no_data_yet(client, participant, workspace):
    client.force_login(participant)
    results = client.get(f"/sandbox/{workspace.pk}/results/").content.decode()
    ghg = results[results.index('id="ghg-heading"') :]
    assert "ยังไม่มีข้อมูล" in ghg
    assert "0.000" not in ghg
    assert results.count('<svg class="sar-chart"') == 1  # components only, no empty sectors
    overview = client.get(f"/sandbox/{workspace.pk}/").content.decode()
    assert "ยังไม่มีข้อมูล" in overview
    inventory = client.get(f"/sandbox/{workspace.pk}/edit/GHG/").content.decode()
    assert "ยังไม่มีข้อมูล" in inventory


def test_the_env_page_says_where_env_8_and_env_9_come_from(client, participant, workspace):
    client.force_login(participant)
    html = client.get(f"/sandbox/{workspace.pk}/edit/ENV/").content.decode()
    link = f'<a href="/sandbox/{workspace.pk}/edit/GHG/">บัญชีก๊าซเรือนกระจก</a>'
    assert f"ตัวชี้วัด ENV-8 และ ENV-9 ใช้ข้อมูลจากหน้า{link}" in html
    assert "ใช้ข้อมูลจากหน้า" not in client.get(f"/sandbox/{workspace.pk}/edit/LIV/").content.decode()
    assert (
        "แต่ละองค์ประกอบมีน้ำหนักร้อยละ 25"
        in client.get(f"/sandbox/{workspace.pk}/results/").content.decode()
    )
