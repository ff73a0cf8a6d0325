"""Any dashboard table as CSV (UTF-8 with BOM, so Excel reads Thai) or XLSX."""

import tablib
from django.http import HttpResponse
from django.utils.translation import gettext as _

from .tables import Table

EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


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
    content = table_dataset(table).export(fmt)
    if isinstance(content, str):
        content = ("\ufeff" + content).encode("utf-8")
    response = HttpResponse(content, content_type=EXPORT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response
