from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail import hooks
from wagtail.admin.widgets.button import ListingButton
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from accounts.personal_data import ACCOUNT_ERASURE_HOOK, PERSONAL_DATA_EXPORT_HOOK
from config.admin_access import (
    ScopedListingMixin,
    ScopedModelPermissionPolicy,
    ScopedSnippetChooserViewSet,
    ScopedViewSetMixin,
)
from courses.completion import COMPLETION_CONDITION_HOOK
from courses.progress import (
    JOIN_CHECK_HOOK,
    MY_TRAINING_PROGRAMME_ITEMS_HOOK,
    MY_TRAINING_ROUND_ITEMS_HOOK,
)

from . import access
from .completion import (
    PostTestPassedCondition,
    my_training_programme_items,
    my_training_round_items,
    pre_test_join_check,
)
from .models import Choice, Question, Quiz
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

# Registered before the viewsets are built: every admin view, listing, chooser and bulk
# action asks these policies which tests and questions a user reaches (config.admin_access).
for _model, _scope in (
    (Quiz, "quizzes_managed_by"),
    (Question, "questions_managed_by"),
    (Choice, "choices_managed_by"),
):
    register_permission_policy(
        _model,
        ScopedModelPermissionPolicy(
            _model, scope=lambda user, name=_scope: getattr(access, name)(user)
        ),
    )


class QuizIndexView(ScopedListingMixin, snippet_views.IndexView):
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


class QuestionIndexView(ScopedListingMixin, snippet_views.IndexView):
    pass


class ManagedViewSet(ScopedViewSetMixin, SnippetViewSet):
    """Trainers reach the tests of their own rounds only, in every view (404 otherwise)."""

    chooser_viewset_class = ScopedSnippetChooserViewSet


class QuizViewSet(ManagedViewSet):
    model = Quiz
    icon = "tasks"
    menu_label = _("Tests")
    index_view_class = QuizIndexView
    list_display = ["title", "kind", "round", "programme", "is_published"]
    list_filter = ["kind", "programme", "is_published"]
    # No viewset search_fields: the model's search index decides (on SQLite a field list
    # becomes an FTS column filter that the index table does not have: a 500).


class QuestionViewSet(ManagedViewSet):
    model = Question
    icon = "help"
    menu_label = pgettext_lazy("admin menu", "Questions")
    index_view_class = QuestionIndexView
    list_display = ["text", "quiz", "position", "kind", "points"]
    list_filter = ["kind"]
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
