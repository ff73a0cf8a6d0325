"""XLSX bombs in the import pages (issue 13, finding 6).

A spreadsheet is a zip: a few KB can unpack to 300,000 rows. The LAO directory, the
nominated-participant and the question imports refuse such a file with a Thai message,
deciding from what the zip and the sheet declare before they are parsed, and, when the
declaration lies, by counting the rows as they stream and stopping at the limit.
"""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from openpyxl.worksheet._reader import WorkSheetParser

from accounts.models import Organisation, Role, User
from assessments.models import Question
from core import imports
from core.imports import MAX_IMPORT_ROWS, ImportFileError, dataset_from_bytes
from tests.assessments.factories import make_quiz
from tests.factories import RoundFactory, UserFactory

pytestmark = pytest.mark.django_db

TOO_MANY_ROWS = "ไฟล์มีเกิน 20,000 แถว"

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
</Types>"""
ROOT_RELS = """<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Target="xl/workbook.xml"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>
</Relationships>"""
WORKBOOK = """<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
 xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="rows" sheetId="1" r:id="rId1"/></sheets></workbook>"""
WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Target="worksheets/sheet1.xml"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>
</Relationships>"""


def bomb(rows: int, *, declare: bool = True, header=("email", "dla_code", "text")) -> bytes:
    """A small .xlsx whose one sheet has ``rows`` identical data rows, as an attacker writes
    it by hand (no cell references, no shared strings, no styles): it compresses about
    300 to 1."""

    def text(value):
        return f'<c t="inlineStr"><is><t>{value}</t></is></c>'

    head = "".join(text(name) for name in header)
    body = f"<row>{text('a@example.go.th')}<c><v>5010101</v></c>{text('x')}</row>" * rows
    dimension = f'<dimension ref="A1:C{rows + 1}"/>' if declare else ""
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{dimension}<sheetData><row>{head}</row>{body}</sheetData></worksheet>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def big_bomb():
    return bomb(300_000)


@pytest.fixture
def rows_parsed(monkeypatch):
    """How many sheet rows openpyxl parsed."""
    count = [0]
    parse_row = WorkSheetParser.parse_row

    def counting(self, row):
        count[0] += 1
        return parse_row(self, row)

    monkeypatch.setattr(WorkSheetParser, "parse_row", counting)
    return count


def refused(content: bytes) -> ImportFileError:
    with pytest.raises(ImportFileError) as error:
        dataset_from_bytes(content, "bomb.xlsx", aliases={}, required=["email"])
    return error.value


def test_a_small_file_of_300000_rows_is_refused_from_its_declared_dimension(big_bomb, rows_parsed):
    assert len(big_bomb) < 200 * 1024
    error = refused(big_bomb)
    assert error.code == "too_many_rows"
    assert rows_parsed[0] == 0  # refused before a single row was parsed


def test_without_a_dimension_reading_stops_at_the_row_limit(rows_parsed):
    error = refused(bomb(MAX_IMPORT_ROWS + 500, declare=False))
    assert error.code == "too_many_rows"
    assert rows_parsed[0] <= MAX_IMPORT_ROWS + 2


def test_the_unpacked_size_is_checked_before_the_file_is_opened(monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("openpyxl opened the file")

    monkeypatch.setattr(imports, "MAX_UNPACKED_BYTES", 100_000)
    monkeypatch.setattr(imports, "load_workbook", never)
    error = refused(bomb(2_000))
    assert error.code == "too_large_unpacked"
    assert "MB" in error.message


def test_the_row_limit_holds_for_csv_too():
    content = ("email\n" + "a@example.go.th\n" * (MAX_IMPORT_ROWS + 1)).encode()
    with pytest.raises(ImportFileError) as error:
        dataset_from_bytes(content, "bomb.csv", aliases={}, required=["email"])
    assert error.value.code == "too_many_rows"


def test_a_file_within_the_limits_is_read_as_before():
    workbook = Workbook()
    workbook.active.append(["อีเมล", "รหัส อปท."])
    workbook.active.append(["somsri@example.go.th", 5010101.0])
    workbook.active.append([None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    dataset = dataset_from_bytes(
        buffer.getvalue(),
        "ok.xlsx",
        aliases={"อีเมล": "email", "รหัส อปท.": "dla_code"},
        required=["email", "dla_code"],
    )
    assert dataset.headers == ["email", "dla_code"]
    assert list(dataset) == [("somsri@example.go.th", "5010101")]


# --- The three import pages ---------------------------------------------------------------


def upload(content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("bomb.xlsx", content)


def test_the_lao_directory_import_refuses_the_bomb_in_thai(client, big_bomb):
    client.force_login(UserFactory(is_staff=True, is_superuser=True, organisation=None))
    response = client.post("/admin/organisations/import/", {"file": upload(big_bomb)})
    assert response.status_code == 200
    assert TOO_MANY_ROWS in response.content.decode()
    assert not Organisation.objects.exists()


def test_the_nominated_participant_import_refuses_the_bomb_in_thai(client, big_bomb):
    client.force_login(UserFactory(role=Role.TRAINER, organisation=None))
    before = User.objects.count()
    response = client.post("/manage/participants/import/", {"file": upload(big_bomb)})
    assert response.status_code == 200
    assert TOO_MANY_ROWS in response.content.decode()
    assert User.objects.count() == before


def test_the_question_import_refuses_the_bomb_in_thai(client, big_bomb):
    quiz = make_quiz(RoundFactory(), questions=0)
    client.force_login(UserFactory(is_staff=True, is_superuser=True, organisation=None))
    response = client.post(f"/admin/tests/{quiz.pk}/import/", {"file": upload(big_bomb)})
    assert response.status_code == 200
    assert TOO_MANY_ROWS in response.content.decode()
    assert not Question.objects.exists()
