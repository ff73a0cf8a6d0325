from django.http import Http404
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets.button import ListingButton
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import chooser as chooser_views
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from accounts.personal_data import ACCOUNT_ERASURE_HOOK, PERSONAL_DATA_EXPORT_HOOK
from courses.completion import COMPLETION_CONDITION_HOOK
from courses.progress import (
    JOIN_CHECK_HOOK,
    MY_TRAINING_PROGRAMME_ITEMS_HOOK,
    MY_TRAINING_ROUND_ITEMS_HOOK,
)

from .completion import (
    PostTestPassedCondition,
    my_training_programme_items,
    my_training_round_items,
    pre_test_join_check,
)
from .models import Question, Quiz
from .personal_data import attempts_personal_data, erase_attempts

# PDPA (docs/pdpa.md): attempts and answers in "download my data"; on deletion the
# submitted ones stay, anonymous, for the statistics.
hooks.register(PERSONAL_DATA_EXPORT_HOOK, attempts_personal_data)
hooks.register(ACCOUNT_ERASURE_HOOK, erase_attempts)


@hooks.register(COMPLETION_CONDITION_HOOK)
def post_test_passed_condition():
    return PostTestPassedCondition()


@hooks.register(MY_TRAINING_ROUND_ITEMS_HOOK)
def quiz_round_items(user, rounds):
    return my_training_round_items(user, rounds)


@hooks.register(MY_TRAINING_PROGRAMME_ITEMS_HOOK)
def quiz_programme_items(user, programme):
    return my_training_programme_items(user, programme)


@hooks.register(JOIN_CHECK_HOOK)
def pre_test_before_round_one(user, round_):
    return pre_test_join_check(user, round_)


# --- Authoring in the admin: tests and their questions (snippets) --------------------


class ManagedQuerysetMixin:
    """Index, edit and delete views see only the objects the user manages."""

    def managed(self):
        from .access import questions_managed_by, quizzes_managed_by

        if self.model is Quiz:
            return quizzes_managed_by(self.request.user)
        return questions_managed_by(self.request.user)


class QuizIndexView(ManagedQuerysetMixin, snippet_views.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().filter(pk__in=self.managed().values("pk"))

    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        buttons += [
            ListingButton(
                _("Report"),
                url=reverse("assessments_admin:report", args=[instance.pk]),
                icon_name="table",
                priority=5,
            ),
            ListingButton(
                _("Import questions"),
                url=reverse("assessments_admin:import", args=[instance.pk]),
                icon_name="upload",
                priority=6,
            ),
            ListingButton(
                _("Export questions (XLSX)"),
                url=reverse("assessments_admin:export", args=[instance.pk, "xlsx"]),
                icon_name="download",
                priority=7,
            ),
        ]
        return buttons


class QuestionIndexView(ManagedQuerysetMixin, snippet_views.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().filter(pk__in=self.managed().values("pk"))


class ManagedObjectMixin(ManagedQuerysetMixin):
    """Views of one object (edit, delete, copy, history, usage): 404 unless the user manages
    it, so a trainer of another round reads neither its questions nor its correct choices."""

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        if not self.managed().filter(pk=obj.pk).exists():
            raise Http404
        return obj


class ManagedEditView(ManagedObjectMixin, snippet_views.EditView):
    pass


class ManagedDeleteView(ManagedObjectMixin, snippet_views.DeleteView):
    pass


class ManagedCopyView(ManagedObjectMixin, snippet_views.CopyView):
    pass


class ManagedHistoryView(ManagedObjectMixin, snippet_views.HistoryView):
    pass


class ManagedUsageView(ManagedObjectMixin, snippet_views.UsageView):
    pass


class ManagedChooserMixin:
    """The chooser modal lists and returns only the objects the user manages."""

    def managed(self):
        from .access import questions_managed_by, quizzes_managed_by

        if self.model_class is Quiz:
            return quizzes_managed_by(self.request.user)
        return questions_managed_by(self.request.user)

    def get_object_list(self):
        return super().get_object_list().filter(pk__in=self.managed().values("pk"))

    def get_object(self, pk):
        return self.managed().get(pk=pk)

    def get_objects(self, pks):
        return self.managed().filter(pk__in=pks)


class ManagedChooseView(ManagedChooserMixin, chooser_views.ChooseView):
    pass


class ManagedChooseResultsView(ManagedChooserMixin, chooser_views.ChooseResultsView):
    pass


class ManagedChosenView(ManagedChooserMixin, chooser_views.SnippetChosenView):
    pass


class ManagedChosenMultipleView(ManagedChooserMixin, chooser_views.SnippetChosenMultipleView):
    pass


class ManagedChooserViewSet(chooser_views.SnippetChooserViewSet):
    choose_view_class = ManagedChooseView
    choose_results_view_class = ManagedChooseResultsView
    chosen_view_class = ManagedChosenView
    chosen_multiple_view_class = ManagedChosenMultipleView


class ManagedViewSet(SnippetViewSet):
    edit_view_class = ManagedEditView
    delete_view_class = ManagedDeleteView
    copy_view_class = ManagedCopyView
    history_view_class = ManagedHistoryView
    usage_view_class = ManagedUsageView
    chooser_viewset_class = ManagedChooserViewSet


class QuizViewSet(ManagedViewSet):
    model = Quiz
    icon = "tasks"
    menu_label = _("Tests")
    index_view_class = QuizIndexView
    list_display = ["title", "kind", "round", "programme", "is_published"]
    list_filter = ["kind", "programme", "is_published"]
    search_fields = ["title"]


class QuestionViewSet(ManagedViewSet):
    model = Question
    icon = "help"
    menu_label = _("Questions")
    index_view_class = QuestionIndexView
    list_display = ["text", "quiz", "position", "kind", "points"]
    list_filter = ["kind"]
    search_fields = ["text"]
    sort_order_field = "position"


class TestsViewSetGroup(SnippetViewSetGroup):
    menu_label = _("Pre- and post-tests")
    menu_icon = "tasks"
    menu_order = 250
    items = (QuizViewSet, QuestionViewSet)


register_snippet(TestsViewSetGroup)


@hooks.register("register_admin_urls")
def register_assessment_admin_urls():
    from . import admin_views

    urls = [
        path("<int:pk>/report/", admin_views.QuizReportView.as_view(), name="report"),
        path(
            "<int:pk>/report/<str:what>/<str:fmt>/",
            admin_views.QuizReportExportView.as_view(),
            name="report_export",
        ),
        path("<int:pk>/import/", admin_views.QuestionImportView.as_view(), name="import"),
        path("<int:pk>/export/<str:fmt>/", admin_views.QuestionExportView.as_view(), name="export"),
    ]
    return [path("tests/", include((urls, "assessments_admin"), namespace="assessments_admin"))]
