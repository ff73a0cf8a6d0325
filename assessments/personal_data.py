"""PDPA for tests: what "download my data" shows of a person's attempts, and what deleting
the account leaves of them (docs/pdpa.md).

Submitted attempts and their answers are kept, attached to the anonymous account: DLA's
score distributions, pre → post learning gain and item analysis are computed from them,
and they hold no name (choices are ids). Attempts still in progress are deleted: they
are ungraded and count in no statistic.
"""

from django.utils.translation import gettext as _

from accounts.personal_data import PersonalDataSection

from .models import Answer, Attempt, Choice
from .selectors import answers_revealed


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _number(value) -> float | None:
    return None if value is None else float(value)


def attempts_personal_data(user) -> list[PersonalDataSection]:
    attempts = list(
        Attempt.objects.filter(user=user).select_related("quiz__round").order_by("started_at", "pk")
    )
    attempt_rows = [
        {
            "test": attempt.quiz.title,
            "kind": attempt.quiz.kind,
            "round": attempt.quiz.round.number if attempt.quiz.round_id else None,
            "attempt": attempt.number,
            "status": attempt.status,
            "started_at": _iso(attempt.started_at),
            "deadline": _iso(attempt.deadline),
            "submitted_at": _iso(attempt.submitted_at),
            "score": _number(attempt.score),
            "max_score": _number(attempt.max_score),
            "percent": _number(attempt.percent),
            "passed": attempt.passed,
        }
        for attempt in attempts
    ]
    by_id = {attempt.pk: attempt for attempt in attempts}
    answers = list(
        Answer.objects.filter(attempt_id__in=by_id)
        .select_related("question")
        .order_by("attempt__started_at", "attempt_id", "question__position", "question_id")
    )
    chosen_ids = {pk for answer in answers for pk in answer.choice_ids}
    choices = dict(Choice.objects.filter(pk__in=chosen_ids).values_list("pk", "text"))
    # Whether an answer earned credit tells the right answer: shown only when the result
    # page would show it (every attempt used, or the test closed).
    revealed = {pk: answers_revealed(attempt) for pk, attempt in by_id.items()}
    answer_rows = [
        {
            "test": by_id[answer.attempt_id].quiz.title,
            "attempt": by_id[answer.attempt_id].number,
            "question": answer.question.text,
            "answer": " | ".join(choices.get(pk, "") for pk in answer.choice_ids),
            "answered_at": _iso(answer.answered_at),
            "credit": _number(answer.credit) if revealed[answer.attempt_id] else None,
        }
        for answer in answers
    ]
    return [
        PersonalDataSection(key="test_attempts", title=_("Test attempts"), rows=attempt_rows),
        PersonalDataSection(key="test_answers", title=_("Test answers"), rows=answer_rows),
    ]


def erase_attempts(user, now) -> None:
    Attempt.objects.filter(user=user).in_progress().delete()
