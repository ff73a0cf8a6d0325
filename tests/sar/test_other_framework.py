"""Another framework file, and no code change: the whole sandbox follows the file.

``frameworks/mini-v1.json`` follows sar.md but differs from sandbox-v1 wherever code could
have assumed it: two components weighted 60/40, four indicators, the pages in another order
(waste first, the profile second), the inventory on a page called ``carbon``, a different
field with the trained-members prefill (``trained_staff`` on the ``CLM`` page), other
levels, factors and exercises. With ``SAR_FRAMEWORK_FILE`` pointing at it, a participant
walks every page: create a workspace, fill each page, add activities, read the results,
export, print, and finish the round exercises.
"""

import io
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from accounts.models import LaoType
from courses.services import enrol_participant
from sar.checks import check_framework_file
from sar.engine import assessment_to_json, dumps_exact
from sar.framework import get_framework
from sar.models import Entry, GhgActivity, Workspace
from sar.selectors import assess_workspace
from tests.factories import OrganisationFactory, RoundFactory, UserFactory

pytestmark = pytest.mark.django_db

MINI = Path(__file__).parent / "frameworks" / "mini-v1.json"


@pytest.fixture
def mini(settings):
    settings.SAR_FRAMEWORK_FILE = MINI
    framework = get_framework()
    assert framework.code == "mini-test-v1"
    return framework


@pytest.fixture
def mini_client(client, participant, mini):
    client.force_login(participant)
    return client


def new_workspace(client, year_be="2569", start_from="empty") -> Workspace:
    response = client.post("/sandbox/new/", {"year_be": year_be, "start_from": start_from})
    assert response.status_code == 302, response.content.decode()
    return Workspace.objects.get(pk=int(response["Location"].strip("/").split("/")[-1]))


def tabs(html: str, workspace) -> list[str]:
    nav = re.search(r'<nav class="sar-tabs".*?</nav>', html, re.S).group(0)
    return re.findall(rf'href="/sandbox/{workspace.pk}/edit/([^/]+)/"', nav)


def save(client, workspace, section, values) -> str:
    response = client.post(f"/sandbox/{workspace.pk}/edit/{section}/", values, follow=True)
    assert response.redirect_chain, response.content.decode()
    return response.content.decode()


def test_manage_check_accepts_the_second_framework(mini):
    assert check_framework_file() == []
    call_command("check", stdout=io.StringIO())
    assert [s.code for s in mini.sections] == ["WST", "city", "carbon", "CLM"]
    assert mini.inventory_section.code == "carbon"


def test_the_pages_come_in_the_files_order_and_no_other(mini_client, mini):
    workspace = new_workspace(mini_client)
    assert workspace.framework == "mini-test-v1"
    html = mini_client.get(f"/sandbox/{workspace.pk}/").content.decode()
    assert tabs(html, workspace) == ["WST", "city", "carbon", "CLM"]
    assert "ข้อมูลเมือง" in html and "คาร์บอนของเมือง" in html
    for unknown in ("profile", "GHG", "GOV", "ENV"):
        assert mini_client.get(f"/sandbox/{workspace.pk}/edit/{unknown}/").status_code == 404
    carbon = mini_client.get(f"/sandbox/{workspace.pk}/edit/carbon/").content.decode()
    assert 'id="activities"' in carbon  # the activity list is on the inventory page
    assert "ปีฐาน (สำหรับ CLM-1)" in carbon
    assert (
        'id="activities"'
        not in mini_client.get(f"/sandbox/{workspace.pk}/edit/WST/").content.decode()
    )


def test_the_whole_sandbox_through_the_pages(mini_client, participant, mini, tmp_path):
    round_1 = RoundFactory(number=1)
    round_2 = RoundFactory(number=2, programme=round_1.programme)
    for round_ in (round_1, round_2):
        enrol_participant(user=participant, round_=round_)
    workspace = new_workspace(mini_client)
    base = f"/sandbox/{workspace.pk}"

    # The profile page: every figure required, the LAO type from the LAO directory.
    city = mini_client.get(f"{base}/edit/city/").content.decode()
    assert '<option value="town_municipality" selected>' in city
    refused = mini_client.post(f"{base}/edit/city/", {"lao_type": "town_municipality"})
    assert refused.status_code == 400
    assert "จำเป็นต้องกรอก" in refused.content.decode()
    save(
        mini_client,
        workspace,
        "city",
        {"lao_type": "town_municipality", "population": "10,000", "households": "3000"},
    )

    # A component's page, with the file's rule (recycled <= generated) and its exercise.
    refused = mini_client.post(
        f"{base}/edit/WST/", {"msw_generated_t": "3650", "msw_recycled_t": "4000"}
    )
    assert refused.status_code == 400
    assert not Entry.objects.filter(workspace=workspace, key="msw_generated_t").exists()
    html = save(
        mini_client, workspace, "WST", {"msw_generated_t": "3,650", "msw_recycled_t": "730"}
    )
    assert "ทำแบบฝึกหัดครั้งที่ 1 แล้ว: ข้อมูลเมืองและขยะของเมืองทดสอบ" in html
    assert '<a href="/my-training/">กลับไปที่การอบรมของฉัน</a>' in html
    assert re.search(r'id="indicator-WST-1".*?sar-score__value">4<', html, re.S)

    # The trained-members prefill sits where this file puts it: trained_staff on CLM.
    clm = mini_client.get(f"{base}/edit/CLM/").content.decode()
    assert 'name="trained_staff" value="0"' in clm
    assert "แก้ไขได้" in clm
    assert f'ตัวชี้วัด CLM-1 ใช้ข้อมูลจากหน้า<a href="{base}/edit/carbon/">คาร์บอนของเมือง</a>' in clm
    save(mini_client, workspace, "CLM", {"trained_staff": "12"})

    # The inventory, on the page called "carbon".
    empty = mini_client.get(f"{base}/results/").content.decode()
    assert "ยังไม่มีข้อมูล" in empty
    added = mini_client.post(
        f"{base}/ghg/activities/", {"ef": "grid_power", "quantity": "1,000,000", "month": ""}
    )
    assert added["Location"] == f"{base}/edit/carbon/#activities"
    mini_client.post(f"{base}/ghg/activities/", {"ef": "landfill", "quantity": "2"})
    assert GhgActivity.objects.filter(workspace=workspace).count() == 2
    html = save(
        mini_client,
        workspace,
        "carbon",
        {
            "base_year.year_be": "2565",
            "base_year.total_tco2e": "500",
            "base_year.population": "10000",
        },
    )
    assert "ทำแบบฝึกหัดครั้งที่ 2 แล้ว: คาร์บอนของเมืองทดสอบ" in html
    assert "ไฟฟ้าของเมืองทดสอบ" in html

    # Results: WST 75 %, CLM 100 %, weighted 60/40: 85 %, "leading".
    results = mini_client.get(f"{base}/results/").content.decode()
    assert "85.00%" in results
    assert "ระดับนำทาง" in results
    assert "4 จาก 4 ตัวชี้วัด" in results
    assert "น้ำหนักขององค์ประกอบ: WST 60%, CLM 40%" in results
    assert "-19.60" in results  # CLM-1: 402 t / 10,000 people against 500 / 10,000
    assert "402.000" in results
    assert "502.000" in results  # the what-if with the old grid factor
    assert "ยังไม่มีข้อมูล" not in results
    assessment = assess_workspace(workspace)
    assert [r.score for r in assessment.indicators] == [4, 2, 4, 4]

    # Export: XLSX with the file's pages, JSON that sar_assess agrees with, print.
    workbook = load_workbook(io.BytesIO(mini_client.get(f"{base}/export.xlsx").content))
    figures = {row[1]: row for row in workbook["ข้อมูล"].iter_rows(min_row=2, values_only=True)}
    assert figures["msw_generated_t"][0] == "ขยะของเมือง"
    assert figures["population"][0] == "ข้อมูลเมือง"
    assert figures["base_year.population"][0] == "คาร์บอนของเมือง"
    assert figures["trained_staff"][3] == 12
    scores = {row[0]: row for row in workbook["ผลการประเมิน"].iter_rows(values_only=True)}
    assert scores["CLM-1"][5] == 4
    document = mini_client.get(f"{base}/export.json").content
    out = io.StringIO()
    (tmp_path / "workspace.json").write_bytes(document)
    call_command("sar_assess", str(tmp_path / "workspace.json"), stdout=out)
    from_cli = json.loads(out.getvalue(), parse_float=Decimal)
    from_web = json.loads(dumps_exact(assessment_to_json(assessment)), parse_float=Decimal)
    assert from_cli == from_web
    assert from_cli["framework"] == "mini-test-v1"
    assert from_cli["level"] == "leading"
    printed = mini_client.get(f"{base}/results/print/").content.decode()
    assert "กรอบตัวชี้วัดย่อสำหรับทดสอบ" in printed

    # The exercises, from "my training" and back.
    training = mini_client.get("/my-training/").content.decode()
    assert "แบบฝึกหัดระบบทดลอง SAR: ข้อมูลเมืองและขยะของเมืองทดสอบ" in training
    assert "แบบฝึกหัดระบบทดลอง SAR: คาร์บอนของเมืองทดสอบ" in training
    assert training.count("ทำแล้ว (พื้นที่ทำงานปี 2569)") == 2
    exercise = mini_client.get(f"/sandbox/exercise/{round_1.pk}/").content.decode()
    assert f'href="{base}/edit/city/"' in exercise
    assert f'href="{base}/edit/WST/"' in exercise
    assert 'href="/my-training/">กลับไปที่การอบรมของฉัน' in exercise


def test_a_workspace_from_the_files_sample_city(mini_client, mini):
    workspace = new_workspace(mini_client, year_be="2568", start_from="sample")
    assert workspace.contains_sample
    html = mini_client.get("/sandbox/").content.decode()
    assert "เมืองทดสอบย่อ" in html
    # 2568: the old grid factor, 0.5: 502 t, +0.40 % per person: CLM-1 scores 0.
    assessment = assess_workspace(workspace)
    assert [r.score for r in assessment.indicators] == [4, 2, 0, 4]
    results = mini_client.get(f"/sandbox/{workspace.pk}/results/").content.decode()
    assert "65.00%" in results  # 0.6 x 75 + 0.4 x 50
    assert "ระดับนำทาง" in results


def test_an_lao_type_the_file_does_not_know_is_not_prefilled(client, mini):
    organisation = OrganisationFactory(lao_type=LaoType.PAO)
    user = UserFactory(organisation=organisation)
    client.force_login(user)
    workspace = new_workspace(client)
    html = client.get(f"/sandbox/{workspace.pk}/edit/city/").content.decode()
    select = re.search(r'<select name="lao_type".*?</select>', html, re.S).group(0)
    assert select.count("selected") == 1
    assert '<option value="" selected>' in select


def test_the_english_pages_of_the_second_framework(mini_client, mini):
    workspace = new_workspace(mini_client)
    html = mini_client.get(f"/en/sandbox/{workspace.pk}/edit/WST/").content.decode()
    assert "The city&#x27;s waste" in html or "The city's waste" in html
    assert "Climate and network" in html


def test_a_framework_without_an_inventory(client, participant, settings, tmp_path):
    """No inventory page, no base year, no factors: no activity list anywhere."""
    data = json.loads(MINI.read_text(encoding="utf-8"))
    data["sections"] = [s for s in data["sections"] if s.get("kind") != "inventory"]
    data["base_year"] = []
    data["indicators"] = [i for i in data["indicators"] if i["code"] != "CLM-1"]
    data["warnings"] = [w for w in data["warnings"] if w["kind"] != "population_vs_base"]
    data["ghg"]["factors"] = []
    data["exercises"] = data["exercises"][:1]
    sample = json.loads((MINI.parent / data["sample_city"]).read_text(encoding="utf-8"))
    del sample["activities"], sample["base_year"]
    (tmp_path / data["sample_city"]).write_text(json.dumps(sample), encoding="utf-8")
    (tmp_path / "no-inventory.json").write_text(json.dumps(data), encoding="utf-8")
    settings.SAR_FRAMEWORK_FILE = tmp_path / "no-inventory.json"
    assert check_framework_file() == []

    client.force_login(participant)
    workspace = new_workspace(client)
    html = client.get(f"/sandbox/{workspace.pk}/").content.decode()
    assert tabs(html, workspace) == ["WST", "city", "CLM"]
    activity = {"ef": "landfill", "quantity": "1"}
    assert client.post(f"/sandbox/{workspace.pk}/ghg/activities/", activity).status_code == 404
    save(client, workspace, "city", {"lao_type": "sao", "population": "10000", "households": "1"})
    save(client, workspace, "CLM", {"trained_staff": "12"})
    results = client.get(f"/sandbox/{workspace.pk}/results/").content.decode()
    assert 'id="ghg-heading"' not in results
    assert "CLM-2" in results
