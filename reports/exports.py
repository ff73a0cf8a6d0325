"""Any dashboard table as CSV (UTF-8 with BOM, so Excel reads Thai) or XLSX.

The file is named once, short and without repeated parts:
``esc-<table>[-round-<n>][-<province>]-<date BE>.<fmt>``, e.g.
``esc-rounds-by-province-round-1-chiang-mai-2569-12-02.xlsx``. The sheet bears the
table's Thai title; counts, averages and shares are written as numbers, not text.
"""

import datetime
import re

import geothai
import tablib
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.downloads import spreadsheet_response
from core.thai import BUDDHIST_ERA_OFFSET

from .tables import Table

# What Excel refuses in a sheet name, and its length limit.
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_CHARS = 31


def _value(column, value):
    if column.kind == "yesno":
        return _("Yes") if value else _("No")
    if value is None:
        return ""
    return str(value) if column.kind == "text" else value


def sheet_name(title) -> str:
    """The table's (Thai) title as a sheet name Excel accepts."""
    name = _SHEET_FORBIDDEN.sub(" ", str(title)).strip()
    return name[:SHEET_NAME_CHARS].strip() or "ESC"


def table_dataset(table: Table) -> tablib.Dataset:
    dataset = tablib.Dataset(headers=[str(column.label) for column in table.columns])
    dataset.title = sheet_name(table.title)
    for row in [*table.rows, *([table.total] if table.total else [])]:
        dataset.append([_value(column, row.get(column.key)) for column in table.columns])
    return dataset


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def export_filename(table: Table, filters: dict, today: datetime.date | None = None) -> str:
    """``esc-<table>[-round-<n>][-<province>]-<date BE>`` (no extension), ASCII only so
    every browser and e-mail program keeps it as it is."""
    parts = ["esc", _slug(table.key)]
    round_ = filters.get("round")
    if round_ is not None:
        parts.append(f"round-{round_.number}")
    province = geothai.province(filters.get("province") or "")
    if province is not None:
        parts.append(_slug(province.name_en))
    today = today or timezone.localdate()
    parts.append(f"{today.year + BUDDHIST_ERA_OFFSET}-{today:%m-%d}")
    return "-".join(parts)


def export_response(table: Table, fmt: str, filters: dict) -> HttpResponse:
    return spreadsheet_response(
        table_dataset(table), fmt, export_filename(table, filters), dated=False
    )
