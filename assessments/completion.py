"""What the tests tell other apps: the post-test condition, my-training lines, join checks."""

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.thai import format_thai_datetime
from courses.completion import CompletionCondition, ConditionOutcome
from courses.progress import JoinBlocker, ProgressItem

from .models import Attempt, AttemptStatus, Quiz, QuizKind
from .selectors import counted_results, pick_counted, quizzes_by_round
from .windows import CLOSED, NOT_OPEN_YET, windows_for


def format_percent(value) -> str:
    """70.00 → "70", 66.67 → "66.67"."""
    text = f"{value:.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


class PostTestPassedCondition(CompletionCondition):
    """``post_test_passed``: the participant's counted attempt on the round's post-test (or
    the programme's, when the round has none) reaches the pass mark. A round with no
    post-test at all counts as met."""

    kind = "post_test_passed"
    label = gettext_lazy("Post-test passed")

    def evaluate(self, *, user_ids, rounds, params):
        rounds = list(rounds)
        user_ids = list(user_ids)
        quizzes = quizzes_by_round(rounds, QuizKind.POST_TEST)
        counted = counted_results({quiz.pk for quiz in quizzes.values()}, user_ids)
        outcomes = {}
        for round_ in rounds:
            quiz = quizzes.get(round_.pk)
            for user_id in user_ids:
                if quiz is None:
                    outcome = ConditionOutcome(True, _("This round has no post-test."))
                else:
                    outcome = _outcome(quiz, counted.get((quiz.pk, user_id)))
                outcomes[(user_id, round_.pk)] = outcome
        return outcomes

    def describe(self, params):
        return _("The post-test is passed (the round's, or the programme's if the round has none).")


def _outcome(quiz: Quiz, attempt: Attempt | None) -> ConditionOutcome:
    if attempt is None:
        return ConditionOutcome(
            False, _("%(quiz)s: not taken yet (pass mark %(mark)s%%)") % _marks(quiz)
        )
    detail = _("%(quiz)s: %(score)s%% (pass mark %(mark)s%%)") % {
        **_marks(quiz),
        "score": format_percent(attempt.percent),
    }
    return ConditionOutcome(bool(attempt.passed), detail)


def _marks(quiz):
    return {"quiz": quiz.title, "mark": format_percent(quiz.pass_percent)}


def _items(user, quizzes) -> list[tuple[Quiz, ProgressItem]]:
    """A progress line for each quiz: two queries for any number of quizzes."""
    quizzes = list(quizzes)
    if not quizzes:
        return []
    attempts = Attempt.objects.filter(user=user, quiz__in=quizzes).order_by("quiz_id", "number")
    by_quiz: dict[int, list[Attempt]] = {}
    for attempt in attempts:
        by_quiz.setdefault(attempt.quiz_id, []).append(attempt)
    windows = windows_for(user, quizzes)
    now = timezone.now()
    items = []
    for quiz in quizzes:
        taken = by_quiz.get(quiz.pk, [])
        state = windows[quiz.pk].state(now)
        best = pick_counted(taken, quiz.scoring)
        url = reverse("assessments:quiz", args=[quiz.pk])
        in_progress = any(a.status == AttemptStatus.IN_PROGRESS for a in taken)
        if in_progress:
            status, tone, action = _("Taking the test"), "due", _("Continue the test")
        elif best is not None:
            if quiz.kind == QuizKind.PRE_TEST:  # measures prior knowledge: no verdict
                status = _("Done: %(score)s%%") % {"score": format_percent(best.percent)}
            elif best.passed:
                status = _("Done: %(score)s%% (passed)") % {"score": format_percent(best.percent)}
            else:
                status = _("Done: %(score)s%% (pass mark %(mark)s%%)") % {
                    "score": format_percent(best.percent),
                    "mark": format_percent(quiz.pass_percent),
                }
            tone = "done" if best.passed or quiz.kind == QuizKind.PRE_TEST else "missing"
            action = _("See the result")
        elif state == NOT_OPEN_YET:
            status = _("Opens %(when)s") % {"when": format_thai_datetime(windows[quiz.pk].opens_at)}
            tone, action = "info", ""
        elif state == CLOSED:
            status, tone, action = _("Closed without an attempt"), "missing", ""
        else:
            status, tone, action = _("Not taken yet"), "due", _("Take the test")
        order = 20 if quiz.kind == QuizKind.PRE_TEST else 70
        items.append(
            (
                quiz,
                ProgressItem(
                    label=quiz.title,
                    status=status,
                    tone=tone,
                    url=url if action else "",
                    action=action,
                    order=order,
                ),
            )
        )
    return items


# The round hook runs first on "การอบรมของฉัน" and fetches the programme-wide tests along
# with the rounds' own (one query); it leaves their lines on the request's user object for
# the programme hook, which then needs no query of its own.
PROGRAMME_ITEMS_ATTRIBUTE = "_assessments_programme_items"


def my_training_round_items(user, rounds) -> dict[int, list[ProgressItem]]:
    """The round's own tests on its card (programme-wide tests go on the programme card)."""
    rounds = list(rounds)
    quizzes = list(
        Quiz.objects.published().for_rounds(rounds).select_related("round").order_by("pk")
    )
    items: dict[int, list[ProgressItem]] = {}
    programme_items: dict[int, list[ProgressItem]] = {r.programme_id: [] for r in rounds}
    for quiz, item in _items(user, quizzes):
        if quiz.round_id:
            items.setdefault(quiz.round_id, []).append(item)
        else:
            programme_items.setdefault(quiz.programme_id, []).append(item)
    setattr(user, PROGRAMME_ITEMS_ATTRIBUTE, programme_items)
    return items


def my_training_programme_items(user, programme) -> list[ProgressItem]:
    cached = getattr(user, PROGRAMME_ITEMS_ATTRIBUTE, {})
    if programme.pk in cached:
        return cached[programme.pk]
    quizzes = Quiz.objects.published().filter(programme=programme, round__isnull=True)
    return [item for _quiz, item in _items(user, quizzes.order_by("pk"))]


REQUIRED_PRE_TESTS_KEY = "assessments:required-pre-tests"


def required_pre_tests() -> dict[str, dict[int, int]]:
    """The published pre-tests required before joining: ``{"round": {round id: quiz id},
    "programme": {programme id: quiz id}}``. Every Join asks, so it is cached; saving or
    deleting a quiz clears it (``assessments.apps``)."""
    required = cache.get(REQUIRED_PRE_TESTS_KEY)
    if required is None:
        required = {"round": {}, "programme": {}}
        rows = (
            Quiz.objects.published()
            .filter(kind=QuizKind.PRE_TEST, required_before_join=True)
            .order_by("pk")
            .values_list("pk", "round_id", "programme_id")
        )
        for quiz_id, round_id, programme_id in rows:
            if round_id:
                required["round"].setdefault(round_id, quiz_id)
            else:
                required["programme"].setdefault(programme_id, quiz_id)
        cache.set(REQUIRED_PRE_TESTS_KEY, required, 300)
    return required


def forget_required_pre_tests(**_kwargs) -> None:
    cache.delete(REQUIRED_PRE_TESTS_KEY)


def pre_test_join_check(user, round_) -> JoinBlocker | None:
    """A pre-test marked "required before joining round 1" holds back round 1's Join."""
    if round_.number != 1:
        return None
    required = required_pre_tests()
    quiz_id = required["round"].get(round_.pk) or required["programme"].get(round_.programme_id)
    if quiz_id is None:
        return None
    if Attempt.objects.submitted().filter(quiz_id=quiz_id, user=user).exists():
        return None
    return JoinBlocker(
        message=_("Please take the pre-test before joining the first live session."),
        url=reverse("assessments:quiz", args=[quiz_id]),
        action=_("Take the pre-test"),
    )
