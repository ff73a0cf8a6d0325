"""The dashboards as tables (and bar charts): what the pages show and the exports contain."""

from collections import Counter
from dataclasses import dataclass, field
from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import LaoType
from assessments.selectors import summarise
from core.thai import thai_sort_key

from . import selectors
from .forms import district_name, province_name
from .scope import COUNTRY, Scope


@dataclass
class Column:
    key: str
    label: str
    kind: str = "int"  # "text", "int", "decimal", "percent" or "yesno"


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[dict]
    total: dict | None = None
    links: dict = field(default_factory=dict)  # row index -> URL query for drill-down

    def cells(self, row) -> list[tuple[str, str]]:
        """(text, CSS class) per column, formatted here so the template only prints."""
        return [display(column, row.get(column.key)) for column in self.columns]

    @property
    def body(self):
        return [self.cells(row) for row in self.rows]

    @property
    def body_html(self) -> SafeString:
        """The body rows as HTML. Built here rather than in a template loop: the country's
        province table has about 4,000 cells, which Django's template engine took 0.2 s
        to render (as long as the rest of the page)."""
        return mark_safe("\n".join(row_html(self.cells(row)) for row in self.rows))  # noqa: S308


def row_html(cells: list[tuple[str, str]]) -> str:
    """``<tr>`` of one row: the first cell is its header; every text and class escaped
    (as Django's ``escape`` does: the cells are plain text, never markup)."""
    (first, _css), *rest = cells
    data = "".join(f'<td class="{escape(css)}">{escape(str(text))}</td>' for text, css in rest)
    return f'<tr><th scope="row">{escape(str(first))}</th>{data}</tr>'

    @property
    def total_cells(self):
        return self.cells(self.total) if self.total else None


def display(column: Column, value) -> tuple[str, str]:
    if column.kind == "yesno":
        return (gettext("Yes") if value else gettext("No")), f"report__yesno--{bool(value)}"
    if value is None or value == "":
        return "—", f"report__{column.kind}"
    if column.kind == "percent":
        return f"{value:.1f}%", "report__percent"
    if column.kind == "decimal":
        return f"{value:.1f}", "report__decimal"
    return str(value), f"report__{column.kind}"


def lao_type_label(value) -> str:
    return str(LaoType(value).label) if value in LaoType.values else "—"


def round_label(round_) -> str:
    return round_.numbered_title


def share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def heat_level(percent: float | None) -> int:
    """0-5 for the heat table's colour classes (0: nobody, 5: 80 % and more)."""
    if not percent:
        return 0
    return min(5, 1 + int(percent // 20))


# --- Rounds -------------------------------------------------------------------------------

ROUND_COLUMNS = [
    Column("enrolled", _("Enrolled")),
    Column("waitlisted", _("Wait-listed")),
    Column("present", _("Present")),
    Column("partial", _("Partly present")),
    Column("absent", _("Absent")),
    Column("excused", _("Excused")),
    Column("attended", _("Attended (present or partly)")),
    Column("certified", _("Certified")),
]
TEST_COLUMNS = [
    Column("pre_avg", _("Pre-test average (%)"), "decimal"),
    Column("post_avg", _("Post-test average (%)"), "decimal"),
    Column("gain_avg", _("Learning gain (points)"), "decimal"),
    Column("post_passed", _("Passed the post-test")),
]


def _round_row(counts: Counter) -> dict:
    row = {column.key: counts.get(column.key, 0) for column in ROUND_COLUMNS}
    row["attended"] = row["present"] + row["partial"]
    tests = summarise(counts)
    row.update({column.key: tests[column.key] for column in TEST_COLUMNS})
    return row


@dataclass
class RoundReport:
    rounds: list
    by_round: Table
    by_province: Table
    by_lao_type: Table
    chart: dict
    # When the country-wide figures were counted (None: counted for this request).
    counted_at: object = None

    @property
    def tables(self):
        return {t.key: t for t in (self.by_round, self.by_province, self.by_lao_type)}


def build_round_report(scope: Scope, filters: dict) -> RoundReport:
    # DLA's view of the whole country reads the summary rows (recounted after each change)
    # once they have been counted; the coordinators' and trainers' views count live.
    country = scope.kind == COUNTRY
    rounds = selectors.rounds_in_scope(scope).select_related("programme")
    rounds = list(selectors.with_summary_time(rounds) if country else rounds)
    counted_at = rounds[0].summary_counted_at if country and rounds else None
    if filters.get("round"):
        rounds = [r for r in rounds if r.pk == filters["round"].pk]
    if counted_at is not None:
        per_round = selectors.summary_totals(filters, None)
        per_province = selectors.summary_totals(filters, "province_code")
        per_type = selectors.summary_totals(filters, "lao_type")
    else:
        cells = selectors.live_round_cells(scope, filters, [r.pk for r in rounds])
        per_round = selectors.roll_up(cells, lambda key: key[0])
        per_province = selectors.roll_up(cells, lambda key: (key[0], key[1]))
        per_type = selectors.roll_up(cells, lambda key: (key[0], key[2]))

    by_round_rows = [
        {"round": round_label(round_), **_round_row(per_round.get(round_.pk, Counter()))}
        for round_ in rounds
    ]
    total = Counter()
    for round_ in rounds:
        total.update(per_round.get(round_.pk, Counter()))
    by_round = Table(
        "rounds",
        _("Per round"),
        [Column("round", _("Round"), "text"), *ROUND_COLUMNS, *TEST_COLUMNS],
        by_round_rows,
        total={"round": _("Total"), **_round_row(total)},
    )

    names = {r.pk: round_label(r) for r in rounds}
    province_rows = [
        {"round": names[round_id], "province": province_name(code), **_round_row(counts)}
        for (round_id, code), counts in sorted(
            per_province.items(), key=lambda item: (item[0][0], province_name(item[0][1]))
        )
        if round_id in names
    ]
    by_province = Table(
        "rounds_by_province",
        _("Per round and province"),
        [
            Column("round", _("Round"), "text"),
            Column("province", _("Province"), "text"),
            *ROUND_COLUMNS,
            *TEST_COLUMNS,
        ],
        province_rows,
    )

    order = {value: index for index, value in enumerate(LaoType.values)}
    type_rows = [
        {"round": names[round_id], "lao_type": lao_type_label(value), **_round_row(counts)}
        for (round_id, value), counts in sorted(
            per_type.items(), key=lambda item: (item[0][0], order.get(item[0][1], 99))
        )
        if round_id in names
    ]
    by_lao_type = Table(
        "rounds_by_lao_type",
        _("Per round and LAO type"),
        [
            Column("round", _("Round"), "text"),
            Column("lao_type", _("LAO type"), "text"),
            *ROUND_COLUMNS,
            *TEST_COLUMNS,
        ],
        type_rows,
    )
    return RoundReport(
        rounds, by_round, by_province, by_lao_type, round_chart(by_round_rows), counted_at
    )


CHART_SERIES = [
    ("enrolled", _("Enrolled")),
    ("attended", _("Attended")),
    ("certified", _("Certified")),
]


def round_chart(rows: list[dict]) -> dict:
    """Horizontal bars per round (enrolled, attended, certified) as SVG coordinates."""
    width, label_width, bar_height, gap = 320, 0, 14, 4
    track = width - 48
    peak = max([row[key] for row in rows for key, _label in CHART_SERIES] + [1])
    groups, y = [], 0
    for row in rows:
        group = {"label": row["round"], "label_y": y + 12, "bars": []}
        y += 18
        for index, (key, label) in enumerate(CHART_SERIES):
            value = row[key]
            bar_width = round(track * value / peak, 1)
            group["bars"].append(
                {
                    "series": index,
                    "label": label,
                    "value": value,
                    "y": y,
                    "width": bar_width,
                    "value_x": label_width + bar_width + 4,
                    "value_y": y + bar_height - 3,
                }
            )
            y += bar_height + gap
        y += 8
        groups.append(group)
    return {"width": width, "height": max(y, 1), "bar_height": bar_height, "groups": groups}


# --- Coverage -----------------------------------------------------------------------------

COVERAGE_COLUMNS = [
    Column("laos", _("LAOs")),
    Column("registered", _("with a registered officer")),
    Column("registered_share", _("registered (%)"), "percent"),
    Column("attended", _("with an officer who attended")),
    Column("attended_share", _("attended (%)"), "percent"),
    Column("certified", _("with a certified officer")),
    Column("certified_share", _("certified (%)"), "percent"),
]


def _coverage_row(counts: Counter) -> dict:
    laos = counts.get("laos", 0)
    row = {"laos": laos}
    for measure in ("registered", "attended", "certified"):
        row[measure] = counts.get(measure, 0)
        row[f"{measure}_share"] = share(row[measure], laos)
        row[f"{measure}_heat"] = heat_level(row[f"{measure}_share"])
    return row


@dataclass
class CoverageReport:
    level: str  # "province", "district" or "lao"
    by_area: Table
    by_lao_type: Table
    total: dict

    @property
    def tables(self):
        return {t.key: t for t in (self.by_area, self.by_lao_type)}


def build_coverage_report(scope: Scope, filters: dict) -> CoverageReport:
    if filters.get("district"):
        level = "lao"
    elif filters.get("province"):
        level = "district"
    else:
        level = "province"
    cells = selectors.coverage_cells(scope, filters)
    total = Counter()
    for counts in cells.values():
        total.update(counts)

    if level == "lao":
        by_area = _lao_table(scope, filters)
    else:
        index = 0 if level == "province" else 1
        namer = province_name if level == "province" else district_name
        per_area = selectors.roll_up(cells, lambda key: key[index])
        rows = []
        for code, counts in sorted(
            per_area.items(), key=lambda item: thai_sort_key(namer(item[0]))
        ):
            rows.append({"code": code, "area": namer(code), **_coverage_row(counts)})
        by_area = Table(
            "coverage",
            _("Coverage by province") if level == "province" else _("Coverage by district"),
            [
                Column("area", _("Province") if level == "province" else _("District"), "text"),
                *COVERAGE_COLUMNS,
            ],
            rows,
            total={"area": _("Total"), **_coverage_row(total)},
        )

    per_type = selectors.roll_up(cells, lambda key: key[2])
    order = {value: index for index, value in enumerate(LaoType.values)}
    type_rows = [
        {"lao_type": lao_type_label(value), **_coverage_row(counts)}
        for value, counts in sorted(per_type.items(), key=lambda item: order.get(item[0], 99))
    ]
    by_lao_type = Table(
        "coverage_by_lao_type",
        _("Coverage by LAO type"),
        [Column("lao_type", _("LAO type"), "text"), *COVERAGE_COLUMNS],
        type_rows,
        total={"lao_type": _("Total"), **_coverage_row(total)},
    )
    return CoverageReport(level, by_area, by_lao_type, _coverage_row(total))


def _lao_table(scope: Scope, filters: dict) -> Table:
    organisations = sorted(
        selectors.organisations_with_flags(scope, filters).order_by("pk"),
        key=lambda organisation: thai_sort_key(organisation.name_th),
    )
    rows = [
        {
            "dla_code": organisation.dla_code,
            "area": organisation.name_th,
            "lao_type": lao_type_label(organisation.lao_type),
            "registered": organisation.has_registered,
            "attended": organisation.has_attended,
            "certified": organisation.has_certified,
            "phone": organisation.phone,
            "email": organisation.email,
        }
        for organisation in organisations
    ]
    return Table(
        "coverage",
        _("Coverage by LAO"),
        [
            Column("dla_code", _("DLA code"), "text"),
            Column("area", _("LAO"), "text"),
            Column("lao_type", _("LAO type"), "text"),
            Column("registered", _("Registered officer"), "yesno"),
            Column("attended", _("Officer attended"), "yesno"),
            Column("certified", _("Certified officer"), "yesno"),
            Column("phone", _("Phone"), "text"),
            Column("email", _("E-mail"), "text"),
        ],
        rows,
    )


MISSING_COLUMNS = [
    Column("dla_code", _("DLA code"), "text"),
    Column("name", _("LAO"), "text"),
    Column("lao_type", _("LAO type"), "text"),
    Column("province", _("Province"), "text"),
    Column("district", _("District"), "text"),
    Column("phone", _("Phone"), "text"),
    Column("email", _("E-mail"), "text"),
]


def missing_table(organisations) -> Table:
    rows = [
        {
            "dla_code": organisation.dla_code,
            "name": organisation.name_th,
            "lao_type": lao_type_label(organisation.lao_type),
            "province": province_name(organisation.province_code),
            "district": district_name(organisation.district_code),
            "phone": organisation.phone,
            "email": organisation.email,
        }
        for organisation in organisations
    ]
    return Table("missing", _("LAOs with nobody registered yet"), MISSING_COLUMNS, rows)
