"""Any dashboard table as CSV (UTF-8 with BOM, so Excel reads Thai) or XLSX."""

import tablib
from django.http import HttpResponse
from django.utils.translation import gettext as _

from core.downloads import spreadsheet_response

from .tables import Table


def _value(column, value):
    if column.kind == "yesno":
        return _("Yes") if value else _("No")
    if value is None:
        return ""
    return str(value) if column.kind == "text" else value


def table_dataset(table: Table) -> tablib.Dataset:
    dataset = tablib.Dataset(headers=[str(column.label) for column in table.columns])
    dataset.title = table.key[:31]
    for row in [*table.rows, *([table.total] if table.total else [])]:
        dataset.append([_value(column, row.get(column.key)) for column in table.columns])
    return dataset


def export_response(table: Table, fmt: str, filename: str) -> HttpResponse:
    return spreadsheet_response(table_dataset(table), fmt, filename, dated=False)
