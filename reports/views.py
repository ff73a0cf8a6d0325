"""Oversight dashboards: thin views over ``tables`` (what) and ``scope`` (who sees it)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.utils import timezone
from django.views.generic import TemplateView

from core.downloads import SPREADSHEET_TYPES

from . import selectors, tables
from .exports import export_response
from .forms import ReportFilterForm, province_name
from .scope import PROVINCE, report_scope


class ReportView(LoginRequiredMixin, TemplateView):
    """Login required; 403 for people whose role sees no report (or not this one)."""

    needs_coverage = False
    with_district = False

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.scope = report_scope(request.user)
        if not self.scope.sees_anything or (self.needs_coverage and not self.scope.sees_coverage):
            raise PermissionDenied
        fmt = kwargs.get("fmt")
        if fmt is not None and fmt not in SPREADSHEET_TYPES:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_form(self):
        return ReportFilterForm(
            self.request.GET or None,
            rounds=selectors.rounds_in_scope(self.scope),
            fixed_province=self.scope.province_code if self.scope.kind == PROVINCE else None,
            with_district=self.with_district,
        )

    def get(self, request, *args, **kwargs):
        self.form = self.get_form()
        self.filters = self.form.filters()
        report_tables = self.build()
        table_key = kwargs.get("table")
        if table_key is not None:
            table = report_tables.get(table_key)
            if table is None:
                raise Http404
            return export_response(table, kwargs["fmt"], self.filters)
        query = request.GET.copy()
        query.pop("page", None)
        return self.render_to_response(
            self.get_context_data(
                form=self.form,
                filters=self.filters,
                query=query.urlencode(),
                scope=self.scope,
                scope_province=province_name(self.scope.province_code)
                if self.scope.province_code
                else "",
                export_formats=list(SPREADSHEET_TYPES),
            )
        )


class RoundReportView(ReportView):
    template_name = "reports/rounds.html"

    def build(self):
        self.report = tables.build_round_report(self.scope, self.filters)
        return self.report.tables

    def get_context_data(self, **kwargs):
        return super().get_context_data(report=self.report, **kwargs)


class CoverageReportView(ReportView):
    template_name = "reports/coverage.html"
    needs_coverage = True
    with_district = True

    def build(self):
        self.report = tables.build_coverage_report(self.scope, self.filters)
        return self.report.tables

    def get_context_data(self, **kwargs):
        return super().get_context_data(report=self.report, **kwargs)


class MissingLaoView(ReportView):
    """The LAOs with nobody registered yet, with their contact data, to follow up."""

    template_name = "reports/missing.html"
    needs_coverage = True
    with_district = True
    page_size = 100

    def build(self):
        organisations = selectors.organisations_without_registration(self.scope, self.filters)
        if self.kwargs.get("table") is not None:
            return {"missing": tables.missing_table(organisations)}
        self.page = Paginator(organisations, self.page_size).get_page(self.request.GET.get("page"))
        self.table = tables.missing_table(self.page.object_list)
        return {"missing": self.table}

    def get_context_data(self, **kwargs):
        return super().get_context_data(table=self.table, page=self.page, **kwargs)


class NotAttendedLaoView(ReportView):
    """The LAOs that held seats in a round that has ended but sent nobody who attended: for
    DLA (the country) and coordinators (their province only, by the report's scope)."""

    template_name = "reports/not_attended.html"
    needs_coverage = True
    with_district = True
    page_size = 100

    def build(self):
        rows = selectors.laos_enrolled_not_attended(self.scope, self.filters, timezone.now())
        if self.kwargs.get("table") is not None:
            return {"not_attended": tables.not_attended_table(rows)}
        self.page = Paginator(rows, self.page_size).get_page(self.request.GET.get("page"))
        self.table = tables.not_attended_table(self.page.object_list)
        return {"not_attended": self.table}

    def get_context_data(self, **kwargs):
        return super().get_context_data(table=self.table, page=self.page, **kwargs)
