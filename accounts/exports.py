"""Downloads of the accounts app: my data (the same sections as JSON and as an XLSX
workbook) and the nominated-participants template. They leave through ``core.downloads``,
which makes every cell formula-safe."""

import json

from django.utils import timezone
from openpyxl import Workbook

from core.downloads import safe_row, workbook_bytes

from .personal_data import exported_sections
from .services import account_sections


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
        sheet.append(safe_row([section.title]))
        sheet.append(safe_row(headers))
        for row in section.rows:
            sheet.append(safe_row(_cell(row.get(header)) for header in headers))
    return workbook_bytes(workbook)


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
    return workbook_bytes(workbook)
