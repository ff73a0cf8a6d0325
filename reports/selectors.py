"""The dashboards' aggregates, computed in SQL at a fine grain and rolled up in Python.

Each function runs a fixed number of queries whatever the number of rows: the database
counts per (round, province, LAO type) or per (province, district, LAO type) with
conditional aggregation, and the few hundred groups that come back are summed here.
"""

from collections import Counter, defaultdict

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Sum

from accounts import selectors as accounts_selectors
from assessments.selectors import test_totals
from certificates import selectors as certificates_selectors
from courses import selectors as courses_selectors
from sessions import selectors as sessions_selectors

from .models import MEASURES, RoundSummary, RoundSummaryCell
from .scope import PROVINCE, Scope, scope_queryset


def rounds_in_scope(scope: Scope):
    return scope_queryset(courses_selectors.rounds(), scope, lao=None, round="")


def narrower(scope: Scope, filters: dict, *, by_round: bool = True):
    """``narrow(queryset, lao=..., round=...)``: what the apps' selectors call to limit their
    rows to the scope and the page's filters (province, district, LAO type, and the round
    unless ``by_round`` is False). ``lao`` is the path to the LAO (``""`` for the LAO
    itself), ``round`` the path to the round (None: rows of no round)."""

    def narrow(queryset, *, lao: str, round: str | None):
        queryset = scope_queryset(queryset, scope, lao=lao, round=round)
        prefix = f"{lao}__" if lao else ""
        for name, field in (
            ("province", "province_code"),
            ("district", "district_code"),
            ("lao_type", "lao_type"),
        ):
            if filters.get(name):
                queryset = queryset.filter(**{prefix + field: filters[name]})
        if by_round and round and filters.get("round"):
            queryset = queryset.filter(**{round: filters["round"]})
        return queryset

    return narrow


def round_cells(scope: Scope, filters: dict) -> dict[tuple, Counter]:
    """Counts per (round id, province code, LAO type): three queries."""
    cells: dict[tuple, Counter] = defaultdict(Counter)
    narrow = narrower(scope, filters)
    for row in courses_selectors.enrolment_cells(narrow):
        cell = cells[row["round_id"], row["province"], row["lao_type"]]
        cell["enrolled"] += row["enrolled"]
        cell["waitlisted"] += row["waitlisted"]
    statuses = sessions_selectors.attendance_statuses()
    for row in sessions_selectors.attendance_cells(narrow):
        cell = cells[row["round_id"], row["province"], row["lao_type"]]
        for status in statuses:
            cell[status] += row[status]
    for row in certificates_selectors.round_certificate_cells(narrow):
        cells[row["round_id"], row["province"], row["lao_type"]]["certified"] += row["certified"]
    return cells


def test_cells(scope: Scope, filters: dict, round_ids: list[int]) -> dict[tuple, Counter]:
    """Pre/post-test sums and counts per (round id, province code, LAO type), from the
    assessments app, for the participants the scope and filters leave (three queries)."""
    user_ids = None
    if scope.kind == PROVINCE or any(filters.get(k) for k in ("province", "district", "lao_type")):
        # A subquery, not a list.
        user_ids = courses_selectors.seat_holder_ids(
            round_ids, narrower(scope, filters, by_round=False)
        )
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
    organisations = narrower(scope, filters)(accounts_selectors.organisations(), lao="", round=None)
    enrolments = courses_selectors.active_enrolments().filter(user__organisation=OuterRef("pk"))
    records = sessions_selectors.attended_records().filter(user__organisation=OuterRef("pk"))
    certificates = certificates_selectors.valid_certificates().filter(organisation=OuterRef("pk"))
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


def laos_enrolled_not_attended(scope: Scope, filters: dict, now):
    """One row per (round, LAO) where an officer of the LAO held a seat in a round that
    has ended and no officer of the LAO attended it (present or partly): one query.

    Wait-listed and cancelled places do not count as enrolled; an officer excused or
    marked absent did not attend. Rows are dicts with the round's number and title, the
    LAO's code, name, type, province, district and contacts, and ``officers`` (how many of
    its officers held a seat)."""
    seats = narrower(scope, filters)(
        courses_selectors.seats_in_ended_rounds(now), lao="user__organisation", round="round"
    )
    attended = sessions_selectors.attended_records().filter(
        session__round=OuterRef("round"), user__organisation=OuterRef("user__organisation")
    )
    return (
        seats.filter(user__organisation__isnull=False)
        .annotate(lao_attended=Exists(attended))
        .filter(lao_attended=False)
        .order_by()
        .values(
            "round_id",
            round_number=F("round__number"),
            round_title=F("round__title"),
            organisation_id=F("user__organisation_id"),
            dla_code=F("user__organisation__dla_code"),
            name=F("user__organisation__name_th"),
            lao_type=F("user__organisation__lao_type"),
            province_code=F("user__organisation__province_code"),
            district_code=F("user__organisation__district_code"),
            phone=F("user__organisation__phone"),
            email=F("user__organisation__email"),
        )
        .annotate(officers=Count("pk"))
        .order_by("round__programme_id", "round_number", "province_code", "district_code", "name")
    )
