"""A workspace's figures, GHG activities and results as an XLSX workbook (Thai headings)."""

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from core.downloads import safe_row, workbook_bytes
from core.thai import decimal_or_none

from .engine import round_half_up
from .forms import MONTH_NAMES
from .framework import BASE_YEAR_PREFIX, Framework
from .models import Workspace
from .results import build_results
from .selectors import workspace_city_data

BOLD = Font(bold=True)


def _sheet(workbook: Workbook, title: str, headings: list[str], first: bool = False):
    sheet = workbook.active if first else workbook.create_sheet()
    sheet.title = title[:31]
    sheet.append(safe_row(headings))
    for cell in sheet[1]:
        cell.font = BOLD
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    return sheet


def _widths(sheet, widths: list[int]) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _display(field_def, value):
    if value is None:
        return None
    if field_def.type == "boolean":
        return _("Yes") if value else _("No")
    if field_def.type == "choice":
        return field_def.choice_label(value)
    return value


def workspace_workbook(workspace: Workspace, framework: Framework) -> bytes:
    data = workspace_city_data(workspace, framework)
    results = build_results(data, framework)
    assessment = results.assessment
    notes = {entry.key: entry.note for entry in workspace.entries.all()}

    workbook = Workbook()
    about = _sheet(workbook, _("About"), [_("Item"), _("Value")], first=True)
    for label, value in [
        (_("LAO"), workspace.organisation.name_th),
        (_("Reporting year (BE)"), workspace.year_be),
        (_("Framework"), f"{framework.code} ({framework.revision})"),
        (_("Note"), framework.notice),
        (
            _("Figures from the sample city"),
            _("Yes (fictitious figures)") if workspace.contains_sample else _("No"),
        ),
    ]:
        about.append(safe_row([label, value]))
    _widths(about, [28, 90])

    figures = _sheet(
        workbook,
        _("Figures"),
        [_("Part"), _("Field"), _("Name"), _("Value"), _("Unit"), _("Source or evidence")],
    )
    for field_def in framework.entry_fields:
        if field_def.key.startswith(BASE_YEAR_PREFIX):
            value = getattr(data.base_year, field_def.key.removeprefix(BASE_YEAR_PREFIX), None)
        else:
            value = data.value(field_def.key)
        section = framework.section(field_def.section)
        figures.append(
            safe_row(
                [
                    section.name if section else "",
                    field_def.key,
                    field_def.name,
                    _display(field_def, value),
                    field_def.unit_label,
                    notes.get(field_def.key, ""),
                ]
            )
        )
    _widths(figures, [22, 28, 48, 18, 12, 50])

    activities = _sheet(
        workbook,
        _("GHG activities"),
        [
            _("Code"),
            _("Activity"),
            _("Sector"),
            _("Scope"),
            _("Period"),
            _("Quantity"),
            _("Unit"),
            _("Factor version"),
            _("kgCO2e per unit"),
            _("tCO2e"),
            _("Source or evidence"),
        ],
    )
    for row in workspace.activities.all():
        line = next(
            (
                line
                for line in assessment.ghg.lines
                if line.activity.ef == row.ef_code and line.activity.month == row.month
            ),
            None,
        )
        factor = framework.factor(row.ef_code)
        activities.append(
            safe_row(
                [
                    row.ef_code,
                    factor.name if factor else row.ef_code,
                    framework.sector_name(factor.sector) if factor else "",
                    factor.scope if factor else "",
                    MONTH_NAMES[row.month - 1] if row.month else _("The whole year"),
                    _number(row.quantity),
                    factor.unit if factor else "",
                    line.version.version if line else "",
                    line.version.kgco2e_per_unit if line else None,
                    round_half_up(_number(row.quantity) * line.version.kgco2e_per_unit / 1000, 3)
                    if line
                    else None,
                    row.note,
                ]
            )
        )
    _widths(activities, [22, 40, 22, 8, 14, 16, 8, 20, 14, 14, 40])

    sheet = _sheet(
        workbook,
        _("Results"),
        [_("Code"), _("Indicator"), _("Component"), _("Value"), _("Unit"), _("Score (0-4)")],
    )
    for component, _percent, indicator_results in results.components:
        for result in indicator_results:
            value = result.rounded
            if isinstance(value, str):
                value = framework.fields_by_key[result.indicator.formula["input"]].choice_label(
                    value
                )
            sheet.append(
                safe_row(
                    [
                        result.indicator.code,
                        result.indicator.name,
                        component.name,
                        value if value is not None else _("no data"),
                        result.indicator.unit_label,
                        result.score,
                    ]
                )
            )
    sheet.append(safe_row([]))
    for component, percent, _indicators in results.components:
        sheet.append(safe_row([component.code, component.name, _("Component score (%)"), percent]))
    sheet.append(safe_row(["", _("Overall (%)"), "", results.overall]))
    sheet.append(safe_row(["", _("Level"), "", assessment.level.name]))
    sheet.append(
        safe_row(["", _("Completeness"), "", f"{results.with_value}/{results.indicator_count}"])
    )
    sheet.append(safe_row([]))
    sheet.append(safe_row(["", _("Total greenhouse gases (tCO2e)"), "", results.ghg_total]))
    sheet.append(safe_row(["", _("tCO2e per person"), "", results.ghg_per_capita]))
    for name, tonnes, _share in results.ghg_sectors:
        sheet.append(safe_row(["", _("Sector"), name, tonnes]))
    for scope, tonnes in results.ghg_scopes:
        sheet.append(safe_row(["", _("Scope"), scope, tonnes]))
    for whatif in results.whatifs:
        sheet.append(
            safe_row(
                [
                    "",
                    _("What if: %(factor)s version %(version)s")
                    % {"factor": whatif.factor.name, "version": whatif.other.version},
                    _("Total (tCO2e)"),
                    whatif.total_tco2e,
                ]
            )
        )
    for warning in assessment.warnings:
        sheet.append(safe_row(["", _("Warning"), warning.message]))
    _widths(sheet, [10, 52, 36, 16, 16, 12])

    return workbook_bytes(workbook)


def _number(text: str):
    return decimal_or_none(text)
