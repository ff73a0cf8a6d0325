"""Reads other apps (reports, certificates, my training) use: counted results per round.

The *counted* attempt of a participant on a quiz is their best submitted attempt (highest
percentage, the later one on a tie) or their last, as the quiz says. Everything here runs in
a fixed number of SQL queries whatever the number of participants.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from types import SimpleNamespace

from django.db import models
from django.db.models import Case, F, OuterRef, Q, Subquery, Value, When, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from courses.models import Enrolment, EnrolmentStatus, Round

from .models import Answer, Attempt, AttemptStatus, Question, Quiz, QuizKind, Review, Scoring


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


def _rounded(value):
    if value is None:
        return None
    return Decimal(value).quantize(Decimal("0.01"))


def round_test_summary(round_ids: Iterable[int], user_ids=None) -> dict[int, dict]:
    """Per round: average pre and post percentage, average gain (paired), passes and counts.

    Participants are those enrolled (holding a seat) in the round, narrowed to ``user_ids``
    if given (ids or a queryset of ids). ``gain_avg`` averages post − pre over participants
    who have both. Three queries (see ``test_totals``).
    """
    round_ids = list(round_ids)
    totals = test_totals(round_ids, user_ids=user_ids)
    return {round_id: summarise(totals.get((round_id,), Counter())) for round_id in round_ids}


def test_totals(round_ids: Iterable[int], user_ids=None, group_by: Sequence[str] = ()):
    """Sums and counts of the counted pre/post results of the participants holding a seat,
    per ``(round id, *values of group_by)`` (enrolment fields, e.g.
    ``user__organisation__province_code``), as Counters that add up (``summarise`` turns one
    into averages): ``pre_sum``, ``pre_n``, ``post_sum``, ``post_n``, ``gain_sum``,
    ``gain_n``, ``post_passed``.

    Three flat reads joined here: the quizzes, the counted attempt of every (quiz, user)
    ranked once by a window function, and the seats with their round's programme.
    (Correlated subqueries per enrolment cost seven index probes per participant: 0.9 s at
    20,000 participants on PostgreSQL.)
    """
    round_ids = list(round_ids)
    totals: dict[tuple, Counter] = defaultdict(Counter)
    if not round_ids:
        return totals
    programmes = Round.objects.filter(pk__in=round_ids).values("programme_id")
    quizzes = list(
        Quiz.objects.published()
        .filter(kind__in=[QuizKind.PRE_TEST, QuizKind.POST_TEST])
        .filter(Q(round_id__in=round_ids) | Q(round__isnull=True, programme__in=programmes))
        .order_by("pk")
    )
    if not quizzes:
        return totals
    enrolments = Enrolment.objects.filter(round_id__in=round_ids, status=EnrolmentStatus.ENROLLED)
    attempts = Attempt.objects.submitted().filter(quiz_id__in=[quiz.pk for quiz in quizzes])
    if user_ids is not None:
        if not isinstance(user_ids, models.QuerySet):
            user_ids = list(user_ids)
        enrolments = enrolments.filter(user_id__in=user_ids)
        attempts = attempts.filter(user_id__in=user_ids)
    counted = {
        (quiz_id, user_id): (percent, passed)
        for quiz_id, user_id, percent, passed, _rank in attempts.annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("quiz_id"), F("user_id")],
                order_by=counted_attempts_ordering(),
            )
        )
        .filter(rank=1)
        .order_by()  # no ORDER BY: the models' default ordering sorted every row for nothing
        .values_list("quiz_id", "user_id", "percent", "passed", "rank")
    }
    seats = list(
        enrolments.order_by().values_list("round_id", "round__programme_id", "user_id", *group_by)
    )
    rounds = [
        SimpleNamespace(pk=round_id, programme_id=programme_id)
        for round_id, programme_id in {(seat[0], seat[1]) for seat in seats}
    ]
    pre = _pick(rounds, quizzes, QuizKind.PRE_TEST)
    post = _pick(rounds, quizzes, QuizKind.POST_TEST)
    for round_id, _programme_id, user_id, *group in seats:
        pre_quiz, post_quiz = pre.get(round_id), post.get(round_id)
        pre_result = counted.get((pre_quiz.pk, user_id)) if pre_quiz else None
        post_result = counted.get((post_quiz.pk, user_id)) if post_quiz else None
        if not (pre_result or post_result):
            continue
        cell = totals[(round_id, *group)]
        if pre_result:
            cell["pre_sum"] += Decimal(pre_result[0])
            cell["pre_n"] += 1
        if post_result:
            cell["post_sum"] += Decimal(post_result[0])
            cell["post_n"] += 1
            cell["post_passed"] += bool(post_result[1])
        if pre_result and post_result:
            cell["gain_sum"] += Decimal(post_result[0]) - Decimal(pre_result[0])
            cell["gain_n"] += 1
    return totals


def summarise(totals: Counter) -> dict:
    """Averages (two decimals) and counts from the sums of ``test_totals``."""
    return {
        "pre_avg": _average(totals["pre_sum"], totals["pre_n"]),
        "post_avg": _average(totals["post_sum"], totals["post_n"]),
        "gain_avg": _average(totals["gain_sum"], totals["gain_n"]),
        "post_passed": totals["post_passed"],
        "pre_count": totals["pre_n"],
        "post_count": totals["post_n"],
    }


def _average(total, count: int):
    return _rounded(Decimal(total) / count) if count else None


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


def attempt_questions(attempt: Attempt) -> list[dict]:
    """The attempt's questions in its order, choices in its order, with the saved answers."""
    questions = {
        question.pk: question
        for question in Question.objects.filter(pk__in=attempt.question_order)
        .select_related("image")
        .prefetch_related("choices")
    }
    saved = {
        answer.question_id: answer.choice_ids for answer in Answer.objects.filter(attempt=attempt)
    }
    rows = []
    for question_id in attempt.question_order:
        question = questions.get(question_id)
        if question is None:
            continue
        choices = {choice.pk: choice for choice in question.choices.all()}
        order = attempt.choice_order(question_id, list(choices))
        chosen = set(saved.get(question_id, []))
        rows.append(
            {
                "number": len(rows) + 1,
                "question": question,
                "choices": [{"choice": choices[pk], "checked": pk in chosen} for pk in order],
                "answered": bool(chosen),
                "chosen": chosen,
            }
        )
    return rows


def unanswered_question_ids(attempt: Attempt) -> list[int]:
    """The attempt's questions (in its order, deleted ones left out) with no choice saved
    yet. Two queries."""
    existing = set(
        Question.objects.filter(pk__in=attempt.question_order).values_list("pk", flat=True)
    )
    answered = {
        question_id
        for question_id, choice_ids in Answer.objects.filter(attempt=attempt).values_list(
            "question_id", "choice_ids"
        )
        if choice_ids
    }
    return [pk for pk in attempt.question_order if pk in existing and pk not in answered]


def answers_revealed(attempt: Attempt, now=None) -> bool:
    """Whether the result page may show the per-question feedback the quiz offers (which
    questions were right, and the correct answers and explanations if it gives them): only
    once it can no longer help another attempt, i.e. the participant has used every attempt
    or the quiz has closed."""
    quiz = attempt.quiz
    if quiz.review == Review.SCORE:
        return False
    if quiz.closes_at and (now or timezone.now()) > quiz.closes_at:
        return True
    return Attempt.objects.filter(quiz=quiz, user_id=attempt.user_id).count() >= quiz.max_attempts
