"""Wagtail admin: import/export a quiz's questions, and the quiz report with its exports.

Every view looks the quiz up through ``get_quiz_for_manager``: DLA administrators reach
every quiz, a trainer only those of their rounds (another round's quiz is a 404).
"""

import tablib
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from core.downloads import spreadsheet_response
from core.import_views import PreviewedImportMixin

from .access import get_quiz_for_manager, results_scope_round_ids
from .report import build_report, paired_users, participant_scope
from .resources import QuestionResource


class QuizAdminMixin:
    def dispatch(self, request, *args, **kwargs):
        self.quiz = get_quiz_for_manager(request.user, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.quiz)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("wagtailsnippets_assessments_quiz:list"), "label": _("Tests")},
            {
                "url": reverse("wagtailsnippets_assessments_quiz:edit", args=[self.quiz.pk]),
                "label": str(self.quiz),
            },
            {"url": "", "label": self.get_page_title()},
        ]


class QuestionImportView(QuizAdminMixin, PreviewedImportMixin, WagtailAdminTemplateMixin, FormView):
    """Upload questions and see the dry run; confirming imports all rows or none."""

    template_name = "assessments/admin/question_import.html"
    page_title = gettext_lazy("Import questions")
    header_icon = "upload"
    stash_kind = "quiz-questions"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("assessments.add_question"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(quiz=self.quiz, **kwargs)

    def make_resource(self):
        return QuestionResource(quiz=self.quiz)

    def get_stash_kind(self):
        return f"{self.stash_kind}-{self.quiz.pk}"

    def imported(self, report, name):
        messages.success(
            self.request,
            _("Questions imported: %(new)s new, %(updated)s replaced.")
            % {"new": report.new, "updated": report.updated},
        )
        return redirect("wagtailsnippets_assessments_question:list")


class QuestionExportView(QuizAdminMixin, View):
    def get(self, request, pk, fmt):
        questions = self.quiz.questions.order_by("position", "pk").prefetch_related("choices")
        dataset = QuestionResource(quiz=self.quiz).export(questions)
        return spreadsheet_response(dataset, fmt, f"questions-{self.quiz.pk}")


class QuizReportView(QuizAdminMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "assessments/admin/report.html"
    page_title = gettext_lazy("Test report")
    header_icon = "table"

    def get_context_data(self, **kwargs):
        scope = participant_scope(
            self.request.user, self.quiz, results_scope_round_ids(self.request.user, self.quiz)
        )
        return super().get_context_data(
            quiz=self.quiz, report=build_report(self.quiz, scope=scope), **kwargs
        )


def _percent(value):
    return "" if value is None else f"{value:.2f}"


class QuizReportExportView(QuizAdminMixin, View):
    """Per-participant results (paired pre → post) and the item analysis, CSV or XLSX."""

    def get(self, request, pk, what, fmt):
        scope = participant_scope(
            request.user, self.quiz, results_scope_round_ids(request.user, self.quiz)
        )
        if what == "items":
            report = build_report(self.quiz, scope=scope, participant_rows=0)
            dataset = tablib.Dataset(
                headers=[
                    _("No."),
                    _("Question"),
                    _("Answered"),
                    _("Difficulty (p)"),
                    _("Discrimination (D)"),
                    _("Flags"),
                ]
            )
            for item in report.items:
                dataset.append(
                    [
                        item.position,
                        item.question.text,
                        item.answered,
                        _percent(item.difficulty),
                        _percent(item.discrimination),
                        ", ".join(str(label) for _code, label in item.flag_labels),
                    ]
                )
            return spreadsheet_response(dataset, fmt, f"item-analysis-{self.quiz.pk}")
        report = build_report(self.quiz, scope=scope, participant_rows=0)
        dataset = tablib.Dataset(
            headers=[
                _("Participant"),
                _("e-mail"),
                _("LAO"),
                _("LAO type"),
                _("Province"),
                _("Pre-test (%)"),
                _("Post-test (%)"),
                _("Gain (points)"),
            ]
        )
        if report.pre_quiz is not None:
            users = paired_users(report.pre_quiz, report.post_quiz, scope).select_related(
                "organisation"
            )
            for user in users.order_by("organisation__name_th", "first_name", "pk"):
                organisation = user.organisation
                dataset.append(
                    [
                        user.full_name_th,
                        user.email,
                        organisation.name_th if organisation else "",
                        organisation.get_lao_type_display() if organisation else "",
                        organisation.province_name_th if organisation else "",
                        _percent(user.pre_percent),
                        _percent(user.post_percent),
                        _percent(user.gain),
                    ]
                )
        return spreadsheet_response(dataset, fmt, f"learning-gain-{self.quiz.pk}")
