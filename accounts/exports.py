"""Downloads: my data (the same sections as JSON and as an XLSX workbook), and the one
response every spreadsheet export of the admin and the dashboards is sent with."""

import io
import json

import tablib
from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook

from .personal_data import exported_sections
from .services import account_sections

SPREADSHEET_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def spreadsheet_response(
    dataset: tablib.Dataset, fmt: str, filename: str, *, dated: bool = True
) -> HttpResponse:
    """``dataset`` as an attachment ``<filename>[-<today>].<fmt>``: CSV in UTF-8 with a BOM
    (so Excel reads Thai) or XLSX; an unknown format gives CSV. Never cached: exports hold
    personal data."""
    if fmt not in SPREADSHEET_TYPES:
        fmt = "csv"
    content = dataset.export(fmt)
    if isinstance(content, str):
        content = ("\ufeff" + content).encode("utf-8")
    response = HttpResponse(content, content_type=SPREADSHEET_TYPES[fmt])
    if dated:
        filename = f"{filename}-{timezone.localdate().isoformat()}"
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response


def personal_data_sections(user):
    return [*account_sections(user), *exported_sections(user)]


def personal_data_json(user) -> bytes:
    document = {
        "exported_at": timezone.now().isoformat(),
        "sections": {
            section.key: {"title": section.title, "rows": section.rows}
            for section in personal_data_sections(user)
        },
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


def personal_data_xlsx(user) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for section in personal_data_sections(user):
        sheet = workbook.create_sheet(title=section.key[:31])
        headers = list(dict.fromkeys(key for row in section.rows for key in row))
        sheet.append([section.title])
        sheet.append(headers)
        for row in section.rows:
            sheet.append([_cell(row.get(header)) for header in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(value):
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


NOMINATED_HEADERS = [
    ("อีเมล", "somsri@example.go.th"),
    ("คำนำหน้า", "นางสาว"),
    ("ชื่อ", "สมศรี"),
    ("นามสกุล", "ใจดี"),
    ("ตำแหน่ง", "นักวิชาการสิ่งแวดล้อมปฏิบัติการ"),
    ("โทรศัพท์", "0812345678"),
    ("รหัส อปท.", "5010101"),
    ("ชื่อภาษาอังกฤษ", "Somsri"),
    ("นามสกุลภาษาอังกฤษ", "Jaidee"),
]


def nominated_template_xlsx() -> bytes:
    """The workbook provincial offices fill in: Thai headers and one example row."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "nominated"
    sheet.append([header for header, _example in NOMINATED_HEADERS])
    sheet.append([example for _header, example in NOMINATED_HEADERS])
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = 22
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
