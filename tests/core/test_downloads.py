"""core.downloads: private downloads and formula-safe spreadsheets."""

import datetime
import io
from decimal import Decimal

import pytest
import tablib
from openpyxl import Workbook, load_workbook

from core.downloads import file_response, safe_cell, spreadsheet_response


@pytest.mark.parametrize(
    ("value", "sent"),
    [
        ('=HYPERLINK("http://evil.example","x")', '\'=HYPERLINK("http://evil.example","x")'),
        ("+1+1", "'+1+1"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-12.50", "-12.50"),
        ("+66812345678", "+66812345678"),
        ("-1,234.5", "-1,234.5"),
        ("นักวิชาการ = ผู้ชำนาญ", "นักวิชาการ = ผู้ชำนาญ"),
        (-3, -3),
        (Decimal("-1.5"), Decimal("-1.5")),
        (None, None),
        (datetime.date(2026, 1, 2), datetime.date(2026, 1, 2)),
    ],
)
def test_only_text_that_would_run_as_a_formula_is_neutralised(value, sent):
    assert safe_cell(value) == sent


def test_a_dataset_is_sent_safe_as_csv_with_a_bom_and_as_xlsx_with_numbers():
    dataset = tablib.Dataset(headers=["ชื่อ", "คะแนน"])
    dataset.append(["=1+1", 42])
    dataset.append(["-5", -5])
    csv_response = spreadsheet_response(dataset, "csv", "scores", dated=False)
    assert csv_response.content.decode("utf-8") == "\ufeffชื่อ,คะแนน\r\n'=1+1,42\r\n-5,-5\r\n"
    assert csv_response["Content-Disposition"] == 'attachment; filename="scores.csv"'
    assert csv_response["Cache-Control"] == "private, no-store"
    xlsx = spreadsheet_response(dataset, "xlsx", "scores", dated=False)
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["ชื่อ", "คะแนน"],
        ["'=1+1", 42],
        ["-5", -5],
    ]
    assert {cell.data_type for row in sheet.iter_rows() for cell in row} == {"s", "n"}


def test_a_workbook_built_by_hand_is_made_safe_too():
    workbook = Workbook()
    workbook.active.append(['=WEBSERVICE("http://evil.example")', 7, "หมายเหตุ"])
    response = spreadsheet_response(workbook, "xlsx", "sheet", dated=False)
    sheet = load_workbook(io.BytesIO(response.content)).active
    first = next(sheet.iter_rows())
    assert [cell.value for cell in first] == ['\'=WEBSERVICE("http://evil.example")', 7, "หมายเหตุ"]
    assert first[0].data_type == "s"


def test_a_pdf_can_open_in_the_tab_and_is_never_stored():
    response = file_response(
        b"%PDF-", filename="C-1.pdf", content_type="application/pdf", inline=True
    )
    assert response["Content-Disposition"] == 'inline; filename="C-1.pdf"'
    assert response["Cache-Control"] == "private, no-store"
