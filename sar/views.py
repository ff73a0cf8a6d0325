"""The sandbox pages. Thin: access helper, form, one service call, a message."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core.downloads import JSON_TYPE, XLSX_TYPE, file_response
from core.thai import decimal_or_none
from courses.access import can_manage_round, rounds_managed_by
from courses.models import Enrolment, Round

from .access import get_workspace_for_user
from .engine import dumps_exact
from .exercises import done_in_workspace, exercise_checks, workspace_exercises
from .export import workspace_workbook
from .forms import ActivityForm, ResetForm, SectionForm, WorkspaceCreateForm, note_name
from .framework import get_framework
from .models import Workspace
from .pages import fed_elsewhere, field_groups, inventory_indicator_codes, page_indicators
from .results import build_results
from .sample import sample_city_name
from .selectors import section_initial, workspace_city_data, workspace_document
from .services import (
    SandboxError,
    add_ghg_activity,
    create_workspace,
    delete_ghg_activity,
    reset_workspace,
    save_section,
)


class SandboxMixin(LoginRequiredMixin):
    """Puts the framework (and its "training only" notice) in every page's context."""

    def get_framework(self):
        if not hasattr(self, "_framework"):
            self._framework = get_framework()
        return self._framework

    def base_context(self, **context):
        framework = self.get_framework()
        context.setdefault("framework", framework)
        context.setdefault("sample_name", sample_city_name(framework))
        return context


class WorkspaceMixin(SandboxMixin):
    """Loads the workspace in the URL through the one access helper."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.workspace, self.can_edit = get_workspace_for_user(request.user, kwargs["pk"])
        if request.method == "POST" and not self.can_edit:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def base_context(self, **context):
        context = super().base_context(**context)
        context.setdefault("workspace", self.workspace)
        context.setdefault("can_edit", self.can_edit)
        context.setdefault("sections", self.section_links())
        return context

    def section_links(self):
        """The data-entry pages in the framework file's order."""
        return [(section.code, section) for section in self.get_framework().sections]

    def saved(self, text: str, done_before: set[int]) -> None:
        """The success message; when the save completed a round's exercise, one message
        that says so too and leads back to "my training"."""
        framework = self.get_framework()
        done = sorted(done_in_workspace(self.workspace, framework) - done_before)
        if not done:
            messages.success(self.request, text)
            return
        said = [text] + [
            _("Round %(number)s exercise done: %(title)s")
            % {"number": number, "title": framework.exercise_for_round(number).title}
            for number in done
        ]
        messages.success(
            self.request,
            format_html(
                '{} <a href="{}">{}</a>',
                " ".join(said),
                reverse("cms:my_training"),
                _("Back to my training"),
            ),
        )


class SandboxHomeView(SandboxMixin, TemplateView):
    """ระบบทดลอง SAR: my workspaces, a new one, and for trainers their classes."""

    template_name = "sar/home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        workspaces = list(
            Workspace.objects.owned_by(user)
            .select_related("organisation")
            .order_by("-year_be", "organisation__name_th")
        )
        managed = list(rounds_managed_by(user).select_related("programme").order_by("starts_at"))
        kwargs.setdefault("create_form", WorkspaceCreateForm())
        return self.base_context(workspaces=workspaces, managed_rounds=managed, **kwargs)


class WorkspaceCreateView(SandboxMixin, View):
    def post(self, request):
        form = WorkspaceCreateForm(request.POST)
        next_url = request.POST.get("next", "")
        if form.is_valid():
            try:
                workspace = create_workspace(
                    owner=request.user,
                    year_be=form.cleaned_data["year_be"],
                    start_from=form.cleaned_data["start_from"],
                )
            except SandboxError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Your workspace is ready."))
                if next_url and url_has_allowed_host_and_scheme(
                    next_url, allowed_hosts={request.get_host()}
                ):
                    return redirect(next_url)
                return redirect("sar:workspace", pk=workspace.pk)
        view = SandboxHomeView.as_view()
        request.method = "GET"
        response = view(request, create_form=form)
        response.status_code = 400
        return response


class WorkspaceView(WorkspaceMixin, TemplateView):
    """A workspace's overview: its parts, how full each is, the exercises."""

    template_name = "sar/workspace.html"

    def get_context_data(self, **kwargs):
        framework = self.get_framework()
        workspace = Workspace.objects.with_figures().get(pk=self.workspace.pk)
        data = workspace_city_data(workspace, framework)
        results = build_results(data, framework)
        filled = {entry.key for entry in workspace.entries.all() if entry.value}
        parts = []
        for code, section in self.section_links():
            keys = [f.key for f in section.fields]
            parts.append(
                {
                    "code": code,
                    "section": section,
                    "filled": sum(1 for key in keys if key in filled),
                    "total": len(keys),
                    "activities": len(data.activities) if section.holds_inventory else None,
                }
            )
        exercises = workspace_exercises(workspace, data, results.assessment, framework)
        return self.base_context(parts=parts, results=results, exercises=exercises)


class SectionView(WorkspaceMixin, TemplateView):
    """One component's figures (or the profile, or the GHG inventory)."""

    template_name = "sar/section.html"

    def dispatch(self, request, *args, **kwargs):
        self.section = self.get_framework().section(kwargs["section"])
        if self.section is None:
            raise Http404
        self.section_code = self.section.code
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, data=None):
        fields = self.section.fields
        initial, self.prefill_notes = section_initial(fields, self.workspace)
        return SectionForm(data, fields=fields, initial=initial, read_only=not self.can_edit)

    def get(self, request, *args, **kwargs):
        return self.render_page(self.get_form())

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST)
        form.is_valid()  # text fields only: this just gives the form its cleaned_data
        done_before = done_in_workspace(self.workspace, self.get_framework())
        try:
            result = save_section(
                workspace=self.workspace,
                section=self.section_code,
                values=form.typed_values(),
                notes=form.typed_notes(),
                user=request.user,
            )
        except SandboxError as error:
            form.add_service_errors(error.errors)
            messages.error(request, error.message)
            response = self.render_page(form)
            response.status_code = error.status
            return response
        self.saved(_("Saved."), done_before)
        keys = {f.key for f in form.figure_fields}
        for warning in result.assessment.warnings:
            about_base_year = warning.code == "population_vs_base" and self.section.holds_inventory
            if warning.field in keys or about_base_year:
                messages.warning(request, warning.message)
        return redirect(request.path)

    def render_page(self, form, activity_form=None):
        return self.render_to_response(self.page_context(form, activity_form))

    def page_context(self, form, activity_form=None):
        framework = self.get_framework()
        context = {
            "section_code": self.section_code,
            "section": self.section,
            "form": form,
            "groups": field_groups(framework, form, self.prefill_notes, note_name),
            "fed_elsewhere": fed_elsewhere(framework, self.section),
        }
        if self.section.holds_inventory:
            context.update(self.inventory_context(activity_form))
        else:
            data = workspace_city_data(self.workspace, framework)
            context["results"] = build_results(data, framework)
        context["section_results"] = page_indicators(self.section, context["results"].assessment)
        return self.base_context(**context)

    def inventory_context(self, activity_form=None):
        framework = self.get_framework()
        data = workspace_city_data(self.workspace, framework)
        results = build_results(data, framework)
        activities = list(self.workspace.activities.all())
        lines = []
        for row in activities:
            factor = framework.factor(row.ef_code)
            lines.append({"row": row, "factor": factor, "quantity": decimal_or_none(row.quantity)})
        return {
            "results": results,
            "activity_rows": lines,
            "activity_form": activity_form or ActivityForm(framework=framework),
            "factors": framework.factors,
            "base_year_for": inventory_indicator_codes(framework),
        }


def inventory_url(workspace, framework) -> str:
    """The inventory page's activity list (the section of kind "inventory")."""
    code = framework.inventory_section.code
    return reverse("sar:section", args=[workspace.pk, code]) + "#activities"


class ActivityCreateView(SectionView):
    """Adds a GHG activity; on a refusal the inventory page comes back with the typed row."""

    def dispatch(self, request, *args, **kwargs):
        inventory = self.get_framework().inventory_section
        if inventory is None:
            raise Http404
        kwargs["section"] = inventory.code
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return redirect("sar:section", pk=self.workspace.pk, section=self.section_code)

    def post(self, request, *args, **kwargs):
        activity_form = ActivityForm(request.POST, framework=self.get_framework())
        activity_form.is_valid()
        done_before = done_in_workspace(self.workspace, self.get_framework())
        try:
            add_ghg_activity(
                workspace=self.workspace,
                ef_code=request.POST.get("ef", ""),
                quantity=request.POST.get("quantity", ""),
                month=request.POST.get("month", ""),
                note=request.POST.get("note", ""),
                user=request.user,
            )
        except SandboxError as error:
            activity_form.add_service_errors(error.errors)
            messages.error(request, error.message)
            response = self.render_page(self.get_form(), activity_form)
            response.status_code = error.status
            return response
        self.saved(_("Activity added."), done_before)
        return redirect(inventory_url(self.workspace, self.get_framework()))


class ActivityDeleteView(WorkspaceMixin, View):
    def post(self, request, pk, activity_pk):
        if self.get_framework().inventory_section is None:
            raise Http404
        try:
            delete_ghg_activity(
                workspace=self.workspace, activity_id=activity_pk, user=request.user
            )
        except SandboxError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Activity removed."))
        return redirect(inventory_url(self.workspace, self.get_framework()))


class ResultsView(WorkspaceMixin, TemplateView):
    template_name = "sar/results.html"

    def get_context_data(self, **kwargs):
        framework = self.get_framework()
        workspace = Workspace.objects.with_figures().get(pk=self.workspace.pk)
        results = build_results(workspace_city_data(workspace, framework), framework)
        return self.base_context(results=results)


class ResultsPrintView(ResultsView):
    template_name = "sar/results_print.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "printed_at": timezone.now()}


class ExportView(WorkspaceMixin, View):
    def get(self, request, pk):
        framework = self.get_framework()
        workspace = Workspace.objects.with_figures().get(pk=pk)
        workspace.organisation = self.workspace.organisation
        return file_response(
            workspace_workbook(workspace, framework),
            filename=f"sar-sandbox-{workspace.organisation.dla_code}-{workspace.year_be}.xlsx",
            content_type=XLSX_TYPE,
        )


class ExportJsonView(WorkspaceMixin, View):
    """The figures as an input file for `python manage.py sar_assess`."""

    def get(self, request, pk):
        workspace = Workspace.objects.with_figures().get(pk=pk)
        return file_response(
            dumps_exact(workspace_document(workspace, self.get_framework())) + "\n",
            filename=f"sar-sandbox-{self.workspace.organisation.dla_code}-{workspace.year_be}.json",
            content_type=JSON_TYPE,
        )


class ResetView(WorkspaceMixin, TemplateView):
    template_name = "sar/reset.html"

    def get_context_data(self, **kwargs):
        if not self.can_edit:
            raise PermissionDenied
        kwargs.setdefault("form", ResetForm())
        return self.base_context(**kwargs)

    def post(self, request, pk):
        form = ResetForm(request.POST)
        if form.is_valid():
            try:
                reset_workspace(
                    workspace=self.workspace,
                    start_from=form.cleaned_data["start_from"],
                    user=request.user,
                )
            except SandboxError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("The workspace was reset."))
                return redirect("sar:workspace", pk=pk)
        response = self.render_to_response(self.get_context_data(form=form))
        response.status_code = 400
        return response


class ExerciseView(SandboxMixin, TemplateView):
    """Opens the sandbox at a round's exercise: what to do, where, and how far it is."""

    template_name = "sar/exercise.html"

    def get_context_data(self, **kwargs):
        round_ = get_object_or_404(Round.objects.select_related("programme"), pk=kwargs["round_pk"])
        framework = self.get_framework()
        exercise = framework.exercise_for_round(round_.number)
        if exercise is None:
            raise Http404
        user = self.request.user
        check = exercise_checks([user.pk], [round_.number])[(user.pk, round_.number)]
        workspace = check.workspace
        if workspace is None:
            workspace = (
                Workspace.objects.owned_by(user)
                .counting_for_exercises()
                .select_related("organisation")
                .order_by("-updated_at")
                .first()
            )
        return self.base_context(
            round=round_,
            exercise=exercise,
            check=check,
            workspace=workspace,
            exercise_sections=[framework.section(code) for code in exercise.sections],
            create_form=WorkspaceCreateForm(),
            has_sample_only=workspace is None
            and Workspace.objects.owned_by(user).filter(contains_sample=True).exists(),
        )


class ClassExercisesView(SandboxMixin, TemplateView):
    """For the round's trainers: every participant's exercise status."""

    template_name = "sar/class.html"

    def get_context_data(self, **kwargs):
        round_ = get_object_or_404(Round.objects.select_related("programme"), pk=kwargs["round_pk"])
        if not can_manage_round(self.request.user, round_):
            raise Http404
        framework = self.get_framework()
        exercise = framework.exercise_for_round(round_.number)
        enrolments = list(
            Enrolment.objects.for_round(round_)
            .active()
            .select_related("user__organisation")
            .order_by("user__organisation__name_th", "user__first_name", "user__pk")
        )
        user_ids = [enrolment.user_id for enrolment in enrolments]
        checks = exercise_checks(user_ids, [round_.number]) if exercise else {}
        rows = [
            {"enrolment": enrolment, "check": checks.get((enrolment.user_id, round_.number))}
            for enrolment in enrolments
        ]
        done = sum(1 for row in rows if row["check"] and row["check"].done)
        return self.base_context(
            round=round_, exercise=exercise, rows=rows, done_count=done, total=len(rows)
        )
