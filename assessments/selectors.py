"""Reads other apps (reports, certificates, my training) use: counted results per round.

The *counted* attempt of a participant on a quiz is their best submitted attempt (highest
percentage, the later one on a tie) or their last, as the quiz says. Everything here runs in
a fixed number of SQL queries whatever the number of participants.
"""

from collections.abc import Iterable
from decimal import Decimal

from django.db import models
from django.db.models import Avg, Case, Count, F, OuterRef, Q, Subquery, Value, When

from courses.models import Enrolment, EnrolmentStatus, Round

from .models import Attempt, AttemptStatus, Quiz, QuizKind, Scoring


def counted_attempts_ordering():
    """Order submitted attempts so the counted one comes first (per its quiz's rule)."""
    best_key = Case(
        When(quiz__scoring=Scoring.BEST, then=F("percent")),
        default=Value(Decimal(0)),
        output_field=models.DecimalField(max_digits=5, decimal_places=2),
    )
    return [best_key.desc(), F("number").desc()]


def counted_attempt(quiz_ref, user_ref, field: str = "percent"):
    """A subquery: ``field`` of the counted attempt of ``user_ref`` on ``quiz_ref``."""
    return Subquery(
        Attempt.objects.filter(quiz=quiz_ref, user=user_ref, status=AttemptStatus.SUBMITTED)
        .order_by(*counted_attempts_ordering())
        .values(field)[:1]
    )


def quizzes_by_round(rounds, kind: str) -> dict[int, Quiz]:
    """The published quiz of ``kind`` serving each round: its own, else the programme's."""
    rounds = list(rounds)
    quizzes = Quiz.objects.published().filter(kind=kind).for_rounds(rounds).order_by("pk")
    return _pick(rounds, quizzes, kind)


def _quiz_for_round_expression(mapping: dict[int, Quiz]):
    whens = [When(round_id=round_id, then=Value(quiz.pk)) for round_id, quiz in mapping.items()]
    if not whens:
        return Value(None, output_field=models.IntegerField())
    return Case(*whens, default=Value(None), output_field=models.IntegerField())


def _empty_summary() -> dict:
    return {
        "pre_avg": None,
        "post_avg": None,
        "gain_avg": None,
        "post_passed": 0,
        "pre_count": 0,
        "post_count": 0,
    }


def _rounded(value):
    if value is None:
        return None
    return Decimal(value).quantize(Decimal("0.01"))


def round_test_summary(round_ids: Iterable[int], user_ids=None) -> dict[int, dict]:
    """Per round: average pre and post percentage, average gain (paired), passes and counts.

    Participants are those enrolled (holding a seat) in the round, narrowed to ``user_ids``
    if given. ``gain_avg`` averages post − pre over participants who have both. Three
    queries: the rounds, their quizzes, one aggregate.
    """
    round_ids = list(round_ids)
    result = {round_id: _empty_summary() for round_id in round_ids}
    if not round_ids:
        return result
    rounds = list(Round.objects.filter(pk__in=round_ids).only("pk", "programme_id"))
    quizzes = list(
        Quiz.objects.published()
        .filter(kind__in=[QuizKind.PRE_TEST, QuizKind.POST_TEST])
        .for_rounds(rounds)
        .order_by("pk")
    )
    pre = _pick(rounds, quizzes, QuizKind.PRE_TEST)
    post = _pick(rounds, quizzes, QuizKind.POST_TEST)
    if not pre and not post:
        return result

    enrolments = Enrolment.objects.filter(
        round_id__in=round_ids, status=EnrolmentStatus.ENROLLED
    ).annotate(pre_quiz=_quiz_for_round_expression(pre), post_quiz=_quiz_for_round_expression(post))
    if user_ids is not None:
        enrolments = enrolments.filter(user_id__in=list(user_ids))
    enrolments = enrolments.annotate(
        pre_percent=counted_attempt(OuterRef("pre_quiz"), OuterRef("user_id")),
        post_percent=counted_attempt(OuterRef("post_quiz"), OuterRef("user_id")),
        post_passed=counted_attempt(OuterRef("post_quiz"), OuterRef("user_id"), "passed"),
    )
    rows = (
        enrolments.order_by()
        .values("round_id")
        .annotate(
            pre_avg=Avg("pre_percent"),
            post_avg=Avg("post_percent"),
            gain_avg=Avg(F("post_percent") - F("pre_percent")),
            passed=Count("pk", filter=Q(post_passed=True)),
            pre_count=Count("pre_percent"),
            post_count=Count("post_percent"),
        )
    )
    for row in rows:
        result[row["round_id"]] = {
            "pre_avg": _rounded(row["pre_avg"]),
            "post_avg": _rounded(row["post_avg"]),
            "gain_avg": _rounded(row["gain_avg"]),
            "post_passed": row["passed"],
            "pre_count": row["pre_count"],
            "post_count": row["post_count"],
        }
    return result


def _pick(rounds, quizzes, kind) -> dict[int, Quiz]:
    own, programme_wide = {}, {}
    for quiz in quizzes:
        if quiz.kind != kind:
            continue
        if quiz.round_id:
            own.setdefault(quiz.round_id, quiz)
        else:
            programme_wide.setdefault(quiz.programme_id, quiz)
    picked = {}
    for round_ in rounds:
        quiz = own.get(round_.pk) or programme_wide.get(round_.programme_id)
        if quiz is not None:
            picked[round_.pk] = quiz
    return picked


def pick_counted(attempts, scoring: str) -> Attempt | None:
    """The counted attempt among one participant's attempts on one quiz (in Python)."""
    submitted = [attempt for attempt in attempts if attempt.status == AttemptStatus.SUBMITTED]
    if not submitted:
        return None
    if scoring == Scoring.BEST:
        return max(submitted, key=lambda attempt: (attempt.percent, attempt.number))
    return max(submitted, key=lambda attempt: attempt.number)


def counted_results(
    quiz_ids: Iterable[int], user_ids: Iterable[int]
) -> dict[tuple[int, int], Attempt]:
    """The counted attempt of each (quiz id, user id) that has one; one query."""
    attempts = (
        Attempt.objects.submitted()
        .filter(quiz_id__in=list(quiz_ids), user_id__in=list(user_ids))
        .select_related("quiz")
        .order_by("quiz_id", "user_id", *counted_attempts_ordering())
    )
    counted: dict[tuple[int, int], Attempt] = {}
    for attempt in attempts:
        counted.setdefault((attempt.quiz_id, attempt.user_id), attempt)
    return counted


def passed_post_test_user_ids(round_ids: Iterable[int], user_ids=None) -> dict[int, set[int]]:
    """Per round id: the users whose counted post-test attempt passed. Three queries."""
    round_ids = list(round_ids)
    rounds = list(Round.objects.filter(pk__in=round_ids).only("pk", "programme_id"))
    post = quizzes_by_round(rounds, QuizKind.POST_TEST)
    result: dict[int, set[int]] = {round_id: set() for round_id in round_ids}
    if not post:
        return result
    enrolments = Enrolment.objects.filter(
        round_id__in=list(post), status=EnrolmentStatus.ENROLLED
    ).annotate(post_quiz=_quiz_for_round_expression(post))
    if user_ids is not None:
        enrolments = enrolments.filter(user_id__in=list(user_ids))
    rows = (
        enrolments.annotate(
            post_passed=counted_attempt(OuterRef("post_quiz"), OuterRef("user_id"), "passed")
        )
        .filter(post_passed=True)
        .values_list("round_id", "user_id")
    )
    for round_id, user_id in rows:
        result[round_id].add(user_id)
    return result
