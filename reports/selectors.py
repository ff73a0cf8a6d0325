"""The dashboards' aggregates, computed in SQL at a fine grain and rolled up in Python.

Each function runs a fixed number of queries whatever the number of rows: the database
counts per (round, province, LAO type) or per (province, district, LAO type) with
conditional aggregation, and the few hundred groups that come back are summed here.
"""

from collections import Counter, defaultdict

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Sum

from accounts.models import Organisation
from assessments.selectors import test_totals
from certificates.models import Certificate
from courses.models import Enrolment, EnrolmentStatus, Round
from sessions.models import AttendanceRecord, AttendanceStatus

from .models import MEASURES, RoundSummary, RoundSummaryCell
from .scope import PROVINCE, Scope, scope_queryset

ATTENDED = [AttendanceStatus.PRESENT, AttendanceStatus.PARTIAL]
ROUND_MEASURES = [
    "enrolled",
    "waitlisted",
    "present",
    "partial",
    "absent",
    "excused",
    "certified",
]


def rounds_in_scope(scope: Scope):
    return scope_queryset(Round.objects.all(), scope, lao=None, round="")


def _filter_by_lao(queryset, lao: str, filters: dict):
    if filters.get("province"):
        queryset = queryset.filter(**{f"{lao}__province_code": filters["province"]})
    if filters.get("district"):
        queryset = queryset.filter(**{f"{lao}__district_code": filters["district"]})
    if filters.get("lao_type"):
        queryset = queryset.filter(**{f"{lao}__lao_type": filters["lao_type"]})
    return queryset


def round_cells(scope: Scope, filters: dict) -> dict[tuple, Counter]:
    """Counts per (round id, province code, LAO type): three queries."""
    cells: dict[tuple, Counter] = defaultdict(Counter)

    enrolments = scope_queryset(
        Enrolment.objects.all(), scope, lao="user__organisation", round="round"
    )
    enrolments = _filter_by_lao(enrolments, "user__organisation", filters)
    if filters.get("round"):
        enrolments = enrolments.filter(round=filters["round"])
    for row in (
        enrolments.order_by()
        .values(
            "round_id",
            province=F("user__organisation__province_code"),
            lao_type=F("user__organisation__lao_type"),
        )
        .annotate(
            enrolled=Count("pk", filter=Q(status=EnrolmentStatus.ENROLLED)),
            waitlisted=Count("pk", filter=Q(status=EnrolmentStatus.WAITLISTED)),
        )
    ):
        cell = cells[row["round_id"], row["province"], row["lao_type"]]
        cell["enrolled"] += row["enrolled"]
        cell["waitlisted"] += row["waitlisted"]

    records = scope_queryset(
        AttendanceRecord.objects.all(), scope, lao="user__organisation", round="session__round"
    )
    records = _filter_by_lao(records, "user__organisation", filters)
    if filters.get("round"):
        records = records.filter(session__round=filters["round"])
    for row in (
        records.order_by()
        .values(
            round_id=F("session__round_id"),
            province=F("user__organisation__province_code"),
            lao_type=F("user__organisation__lao_type"),
        )
        .annotate(
            **{status: Count("pk", filter=Q(status=status)) for status in AttendanceStatus.values}
        )
    ):
        cell = cells[row["round_id"], row["province"], row["lao_type"]]
        for status in AttendanceStatus.values:
            cell[status] += row[status]

    certificates = scope_queryset(
        Certificate.objects.valid().filter(round__isnull=False),
        scope,
        lao="organisation",
        round="round",
    )
    certificates = _filter_by_lao(certificates, "organisation", filters)
    if filters.get("round"):
        certificates = certificates.filter(round=filters["round"])
    for row in (
        certificates.order_by()
        .values(
            "round_id",
            province=F("organisation__province_code"),
            lao_type=F("organisation__lao_type"),
        )
        .annotate(certified=Count("pk"))
    ):
        cells[row["round_id"], row["province"], row["lao_type"]]["certified"] += row["certified"]
    return cells


def test_cells(scope: Scope, filters: dict, round_ids: list[int]) -> dict[tuple, Counter]:
    """Pre/post-test sums and counts per (round id, province code, LAO type), from the
    assessments app, for the participants the scope and filters leave (three queries)."""
    user_ids = None
    if scope.kind == PROVINCE or any(filters.get(k) for k in ("province", "district", "lao_type")):
        enrolments = scope_queryset(
            Enrolment.objects.filter(round_id__in=round_ids, status=EnrolmentStatus.ENROLLED),
            scope,
            lao="user__organisation",
            round="round",
        )
        enrolments = _filter_by_lao(enrolments, "user__organisation", filters)
        user_ids = enrolments.order_by().values("user_id")  # a subquery, not a list
    return test_totals(
        round_ids,
        user_ids=user_ids,
        group_by=("user__organisation__province_code", "user__organisation__lao_type"),
    )


def live_round_cells(scope: Scope, filters: dict, round_ids: list[int] | None = None):
    """Every round cell counted now: ``round_cells`` plus the test sums (six queries)."""
    if round_ids is None:
        round_ids = list(rounds_in_scope(scope).order_by().values_list("pk", flat=True))
    cells = round_cells(scope, filters)
    for key, totals in test_cells(scope, filters, round_ids).items():
        cells[key].update(totals)
    return cells


def round_summary() -> RoundSummary | None:
    """The country-wide summary's state, or None before its first count."""
    return RoundSummary.objects.filter(refreshed_at__isnull=False).first()


def with_summary_time(rounds):
    """``rounds`` annotated with ``summary_counted_at``: when the summary rows were counted
    (None before the first count). Read with the rounds the page needs anyway, so the
    summary costs the page no query of its own."""
    return rounds.annotate(
        summary_counted_at=Subquery(RoundSummary.objects.order_by().values("refreshed_at")[:1])
    )


def _summary_rows(filters: dict):
    rows = RoundSummaryCell.objects.order_by()
    if filters.get("round"):
        rows = rows.filter(round=filters["round"])
    if filters.get("province"):
        rows = rows.filter(province_code=filters["province"])
    if filters.get("lao_type"):
        rows = rows.filter(lao_type=filters["lao_type"])
    return rows


def summary_totals(filters: dict, by: str | None) -> dict:
    """The summary rows summed per round, or per (round, ``by``) with ``by`` "province_code"
    or "lao_type": what ``roll_up`` makes of the cells, summed by the database (one query;
    adding up a few thousand cells in Python took longer than the rest of the page)."""
    fields = ["round_id", by] if by else ["round_id"]
    totals: dict = {}
    rows = (
        _summary_rows(filters)
        .values(*fields)
        .annotate(**{f"total_{measure}": Sum(measure) for measure in MEASURES})
    )
    for row in rows:
        key = (row["round_id"], row[by] or None) if by else row["round_id"]
        totals[key] = Counter({measure: row[f"total_{measure}"] for measure in MEASURES})
    return totals


def summary_round_cells(filters: dict) -> dict[tuple, Counter]:
    """The round cells of the whole country as last counted, limited by the filters (one
    query: a few thousand rows at national scale)."""
    rows = _summary_rows(filters)
    cells: dict[tuple, Counter] = defaultdict(Counter)
    for row in rows.values_list("round_id", "province_code", "lao_type", *MEASURES):
        cell = cells[row[0], row[1] or None, row[2] or None]
        cell.update(dict(zip(MEASURES, row[3:], strict=True)))
    return cells


def roll_up(cells: dict[tuple, Counter], key) -> dict:
    """Sum cells by ``key(cell_key)``."""
    totals: dict = defaultdict(Counter)
    for cell_key, counts in cells.items():
        totals[key(cell_key)].update(counts)
    return totals


COVERAGE_MEASURES = ["laos", "registered", "attended", "certified"]


def organisations_with_flags(scope: Scope, filters: dict):
    """LAOs in scope, each annotated with ``has_registered``, ``has_attended`` and
    ``has_certified`` (at least one officer; limited to the round when one is chosen)."""
    organisations = scope_queryset(Organisation.objects.all(), scope, lao="", round=None)
    if filters.get("province"):
        organisations = organisations.filter(province_code=filters["province"])
    if filters.get("district"):
        organisations = organisations.filter(district_code=filters["district"])
    if filters.get("lao_type"):
        organisations = organisations.filter(lao_type=filters["lao_type"])

    enrolments = Enrolment.objects.active().filter(user__organisation=OuterRef("pk"))
    records = AttendanceRecord.objects.filter(
        user__organisation=OuterRef("pk"), status__in=ATTENDED
    )
    certificates = Certificate.objects.valid().filter(organisation=OuterRef("pk"))
    if filters.get("round"):
        enrolments = enrolments.filter(round=filters["round"])
        records = records.filter(session__round=filters["round"])
        certificates = certificates.filter(round=filters["round"])
    return organisations.annotate(
        has_registered=Exists(enrolments),
        has_attended=Exists(records),
        has_certified=Exists(certificates),
    )


def coverage_cells(scope: Scope, filters: dict) -> dict[tuple, Counter]:
    """LAO counts per (province, district, LAO type): one query."""
    rows = (
        organisations_with_flags(scope, filters)
        .order_by()
        .values("province_code", "district_code", "lao_type")
        .annotate(
            laos=Count("pk"),
            registered=Count("pk", filter=Q(has_registered=True)),
            attended=Count("pk", filter=Q(has_attended=True)),
            certified=Count("pk", filter=Q(has_certified=True)),
        )
    )
    cells: dict[tuple, Counter] = {}
    for row in rows:
        cells[row["province_code"], row["district_code"], row["lao_type"]] = Counter(
            {measure: row[measure] for measure in COVERAGE_MEASURES}
        )
    return cells


def organisations_without_registration(scope: Scope, filters: dict):
    return (
        organisations_with_flags(scope, filters)
        .filter(has_registered=False)
        .order_by("province_code", "district_code", "name_th", "pk")
    )
