"""PDPA for the sandbox: workspaces in "download my data"; deleted with the account."""

import io
import json

import pytest
from openpyxl import load_workbook

from accounts.services import erase_account
from sar.models import Entry, GhgActivity, Workspace
from sar.services import add_ghg_activity, save_section

from .conftest import PROFILE_FORM

pytestmark = pytest.mark.django_db


def test_my_data_has_my_workspaces_and_deleting_the_account_deletes_them(
    client, participant, workspace, sample_workspace
):
    save_section(
        workspace=workspace,
        section="profile",
        values=PROFILE_FORM,
        notes={"households": "ทะเบียนราษฎร์ ม.ค. 2569"},
        user=participant,
    )
    add_ghg_activity(
        workspace=workspace, ef_code="lpg_mobile", quantity="5", note="ใบเสร็จ", user=participant
    )
    client.force_login(participant)
    data = json.loads(client.get("/me/privacy/my-data.json").content)["sections"]
    assert [row["year_be"] for row in data["sandbox_workspaces"]["rows"]] == [2568, 2569]
    figures = {
        row["field"]: (row["value"], row["note"])
        for row in data["sandbox_figures"]["rows"]
        if row["workspace"] == workspace.pk
    }
    assert figures["households"] == ("9000", "ทะเบียนราษฎร์ ม.ค. 2569")
    [activity] = [
        row for row in data["sandbox_ghg_activities"]["rows"] if row["workspace"] == workspace.pk
    ]
    assert (activity["emission_factor"], activity["quantity"], activity["note"]) == (
        "lpg_mobile",
        "5",
        "ใบเสร็จ",
    )
    workbook = load_workbook(io.BytesIO(client.get("/me/privacy/my-data.xlsx").content))
    assert workbook["sandbox_figures"]["A1"].value == "ข้อมูลที่กรอกในระบบทดลอง"

    erase_account(user=participant)

    assert not Workspace.objects.exists()
    assert not Entry.objects.exists() and not GhgActivity.objects.exists()
