"""Every file a person downloads leaves through here: exports, PDFs, QR codes, my data.

``file_response`` sends bytes as a private, never-stored download (exports and
certificates hold personal data; a shared proxy or the browser's cache must not keep
them). ``spreadsheet_response`` sends a ``tablib.Dataset`` as CSV (UTF-8 with a BOM, so
Excel reads Thai) or XLSX, or an ``openpyxl`` workbook as XLSX, with every cell made
formula-safe first:

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run
by Excel or LibreOffice as a formula (``=HYPERLINK("http://evil.example/…","x")`` in a
profile's position). Such a cell gets a leading apostrophe, so it is shown as the text it
is; numbers, dates and text that is a plain number ("-12.50", "+66812345678") stay as
they are.
"""

import datetime
import io
import re
from decimal import Decimal

import tablib
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

SPREADSHEET_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
XLSX_TYPE = SPREADSHEET_TYPES["xlsx"]
JSON_TYPE = "application/json; charset=utf-8"

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Text that is only a number (a sign, digits with separators, a point, a percent): never a
# formula, so it is left alone.
_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9][0-9,]*(?:\.[0-9]+)?|\.[0-9]+)%?", re.ASCII)
_NATIVE = (bool, int, float, Decimal, datetime.date, datetime.time, datetime.timedelta)


def safe_cell(value):
    """The value as a spreadsheet cell that is never a formula; numbers stay numbers.

    Control characters (which XLSX cannot hold: openpyxl refuses the whole file) are dropped.
    """
    if value is None or isinstance(value, _NATIVE):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", value if isinstance(value, str) else str(value))
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def safe_dataset(dataset: tablib.Dataset) -> tablib.Dataset:
    """A copy of ``dataset`` with every header and cell made formula-safe."""
    safe = tablib.Dataset(title=dataset.title)
    if dataset.headers:
        safe.headers = [safe_cell(header) for header in dataset.headers]
    for row in dataset:
        safe.append([safe_cell(cell) for cell in row])
    return safe


def safe_row(values) -> list:
    """A row for ``sheet.append`` on a workbook built by hand: every cell made safe."""
    return [safe_cell(value) for value in values]


def workbook_bytes(workbook: Workbook) -> bytes:
    """Make every cell of every sheet formula-safe (in place), then the .xlsx file."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f" or isinstance(cell.value, str):
                    cell.value = safe_cell(cell.value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def spreadsheet_bytes(data: tablib.Dataset | Workbook, fmt: str) -> bytes:
    """``data`` as a formula-safe file: CSV (UTF-8 with a BOM) or XLSX."""
    if isinstance(data, Workbook):
        if fmt != "xlsx":
            raise ValueError("A workbook is sent as xlsx only")
        return workbook_bytes(data)
    content = safe_dataset(data).export(fmt)
    if isinstance(content, str):
        content = ("\ufeff" + content).encode("utf-8")
    return content


def spreadsheet_response(
    data: tablib.Dataset | Workbook, fmt: str, filename: str, *, dated: bool = True
) -> HttpResponse:
    """``data`` as the download ``<filename>[-<today>].<fmt>``; an unknown format gives CSV."""
    if fmt not in SPREADSHEET_TYPES:
        fmt = "csv"
    if dated:
        filename = f"{filename}-{timezone.localdate().isoformat()}"
    return file_response(
        spreadsheet_bytes(data, fmt),
        filename=f"{filename}.{fmt}",
        content_type=SPREADSHEET_TYPES[fmt],
    )


def file_response(
    content: bytes | str, *, filename: str, content_type: str, inline: bool = False
) -> HttpResponse:
    """A download that no cache keeps: ``attachment`` (or ``inline``, to open in the tab)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    response["Cache-Control"] = "private, no-store"
    return response
