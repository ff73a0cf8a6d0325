"""Every write to quizzes' attempts: start, save an answer, submit. Views call these.

Each is one short transaction. The attempt's row is locked (PostgreSQL ``SELECT … FOR
UPDATE``; SQLite serialises writers) so a double submit, or an answer racing a submit,
is applied once: the second finds the attempt submitted and changes nothing.
"""

import datetime
import random
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import CodedError
from core.thai import format_thai_datetime, whole_number_or_none
from courses.models import Enrolment, EnrolmentStatus

from .grading import answer_credit, attempt_score
from .models import Answer, Attempt, AttemptStatus, Choice, Question, QuestionKind, Quiz
from .signals import attempt_submitted
from .windows import CLOSED, NOT_OPEN_YET, window_for

# Answers that arrive this long after the deadline still count (a slow phone connection);
# later ones are refused.
GRACE = datetime.timedelta(seconds=30)


class AssessmentError(CodedError):
    """A refused action on a quiz."""

    MESSAGES = {
        "not_found": _("That test or attempt does not exist or is not yours."),
        "not_enrolled": _("Only participants enrolled in this round can take this test."),
        "not_open_yet": _("This test is not open yet."),
        "closed": _("This test is closed."),
        "opens_with_session": _(
            "This test opens with the live session, on %(when)s. Please come back then."
        ),
        "closed_with_session": _(
            "This pre-test closed when the live session started: it measures what participants "
            "knew before the training."
        ),
        "no_attempts_left": _("You have used all the attempts this test allows."),
        "no_questions": _("This test has no questions yet."),
        "already_submitted": _("This attempt has already been submitted; nothing was changed."),
        "deadline_passed": _(
            "The time for this attempt is over; answers given after the deadline are not counted."
        ),
        "unknown_question": _("That question is not part of this attempt."),
        "invalid_choice": _("That choice does not belong to the question; nothing was saved."),
        "one_choice_only": _("Choose one answer only for this question."),
    }
    # The page's script reloads on a conflict: the attempt is over, nothing more to save.
    STATUSES = {"already_submitted": 409, "deadline_passed": 409}


def can_take(user, quiz: Quiz) -> bool:
    """Enrolled (holding a seat) in the quiz's round, or in any round of its programme."""
    enrolments = Enrolment.objects.filter(user=user, status=EnrolmentStatus.ENROLLED)
    if quiz.round_id:
        return enrolments.filter(round_id=quiz.round_id).exists()
    return enrolments.filter(round__programme_id=quiz.programme_id).exists()


def _question_ids(quiz: Quiz, seed: int) -> list[int]:
    ids = list(quiz.questions.order_by("position", "pk").values_list("pk", flat=True))
    if quiz.shuffle_questions:
        random.Random(seed).shuffle(ids)  # noqa: S311 - an order, not a secret
    return ids


def _expired(attempt: Attempt, now: datetime.datetime) -> bool:
    return attempt.deadline is not None and now > attempt.deadline + GRACE


@transaction.atomic
def start_attempt(*, user, quiz: Quiz, now: datetime.datetime | None = None) -> Attempt:
    """The participant's attempt in progress (resumed), or a new one if one is allowed."""
    now = now or timezone.now()
    if not quiz.is_published:
        raise AssessmentError("not_found")
    current = (
        Attempt.objects.select_for_update()
        .filter(quiz=quiz, user=user)
        .in_progress()
        .order_by("pk")
        .first()
    )
    if current is not None:
        if not _expired(current, now):
            return current
        _grade(current, now=now)
    if not can_take(user, quiz):
        raise AssessmentError("not_enrolled")
    window = window_for(quiz, user)
    state = window.state(now)
    if state == NOT_OPEN_YET:
        if window.opens_with_session:
            raise AssessmentError(
                "opens_with_session", params={"when": format_thai_datetime(window.opens_at)}
            )
        raise AssessmentError("not_open_yet")
    if state == CLOSED:
        raise AssessmentError("closed_with_session" if window.closes_with_session else "closed")
    used = Attempt.objects.filter(quiz=quiz, user=user).count()
    if used >= quiz.max_attempts:
        raise AssessmentError("no_attempts_left")
    seed = random.SystemRandom().randrange(1, 2**31)
    order = _question_ids(quiz, seed)
    if not order:
        raise AssessmentError("no_questions")
    deadline = None
    if quiz.time_limit_minutes:
        deadline = now + datetime.timedelta(minutes=quiz.time_limit_minutes)
    if window.closes_at:
        deadline = min(deadline or window.closes_at, window.closes_at)
    try:
        with transaction.atomic():
            return Attempt.objects.create(
                quiz=quiz,
                user=user,
                number=used + 1,
                started_at=now,
                deadline=deadline,
                seed=seed,
                question_order=order,
            )
    except IntegrityError:
        # A second tab started the same attempt at the same moment: use that one.
        return Attempt.objects.in_progress().get(quiz=quiz, user=user)


def _locked_attempt(user, attempt_id) -> Attempt:
    pk = whole_number_or_none(attempt_id)
    try:
        return (
            Attempt.objects.select_for_update(of=("self",))
            .select_related("quiz")
            .order_by()
            .get(pk=pk, user=user)
        )
    except Attempt.DoesNotExist:
        raise AssessmentError("not_found") from None


def _clean_answers(attempt: Attempt, answers: dict) -> dict[int, list[int]]:
    """Check every (question id → choice ids) pair against the attempt; two queries.

    Ids are read with ``core.thai``'s strict parser: "²" or 5,000 digits are refused.
    """
    cleaned = {}
    for question_id, choice_ids in answers.items():
        question = whole_number_or_none(question_id)
        choices = {whole_number_or_none(choice_id) for choice_id in choice_ids}
        if question is None or None in choices:
            raise AssessmentError("invalid_choice")
        cleaned[question] = sorted(choices)
    if not set(cleaned) <= set(attempt.question_order):
        raise AssessmentError("unknown_question")
    kinds = dict(Question.objects.filter(pk__in=cleaned).values_list("pk", "kind"))
    if set(kinds) != set(cleaned):
        raise AssessmentError("unknown_question")
    valid: dict[int, set[int]] = {question_id: set() for question_id in cleaned}
    for choice_id, question_id in Choice.objects.filter(question_id__in=cleaned).values_list(
        "pk", "question_id"
    ):
        valid[question_id].add(choice_id)
    for question_id, choice_ids in cleaned.items():
        if not set(choice_ids) <= valid[question_id]:
            raise AssessmentError("invalid_choice")
        if kinds[question_id] != QuestionKind.MULTIPLE and len(choice_ids) > 1:
            raise AssessmentError("one_choice_only")
    return cleaned


def _store_answers(attempt: Attempt, cleaned: dict[int, list[int]], now) -> None:
    existing = {
        answer.question_id: answer
        for answer in Answer.objects.filter(attempt=attempt, question_id__in=cleaned)
    }
    to_create, to_update = [], []
    for question_id, choice_ids in cleaned.items():
        answer = existing.get(question_id)
        if answer is None:
            if choice_ids:
                to_create.append(
                    Answer(
                        attempt=attempt,
                        question_id=question_id,
                        choice_ids=choice_ids,
                        answered_at=now,
                    )
                )
        elif answer.choice_ids != choice_ids:
            answer.choice_ids = choice_ids
            answer.answered_at = now
            to_update.append(answer)
    Answer.objects.bulk_create(to_create)
    Answer.objects.bulk_update(to_update, ["choice_ids", "answered_at"])


@transaction.atomic
def save_answers(*, user, attempt_id, answers: dict, now: datetime.datetime | None = None) -> None:
    """Record the choices given to some questions (replacing earlier ones); one transaction.

    ``answers`` maps question ids to lists of choice ids; an empty list clears an answer.
    Nothing is saved if any question or choice is foreign to the attempt.
    """
    now = now or timezone.now()
    attempt = _locked_attempt(user, attempt_id)
    if attempt.is_submitted:
        raise AssessmentError("already_submitted")
    if _expired(attempt, now):
        raise AssessmentError("deadline_passed")
    _store_answers(attempt, _clean_answers(attempt, answers), now)


def save_answer(*, user, attempt_id, question_id, choice_ids, now=None) -> None:
    """Record one question's choices (what the page's script sends as each is given)."""
    save_answers(user=user, attempt_id=attempt_id, answers={question_id: choice_ids}, now=now)


@dataclass(frozen=True)
class SubmitOutcome:
    attempt: Attempt
    # True when the submission came after the deadline (plus grace): the answers sent
    # with it were not counted, only those saved in time.
    late: bool = False
    # True when the attempt had already been submitted: nothing changed.
    repeated: bool = False


@transaction.atomic
def submit_attempt(
    *, user, attempt_id, answers: dict | None = None, now: datetime.datetime | None = None
) -> SubmitOutcome:
    """Save the answers sent with the submission (if in time), grade and close the attempt.

    ``answers`` maps question ids to lists of choice ids (the plain form sends them all).
    Submitting twice returns the first result unchanged.
    """
    now = now or timezone.now()
    attempt = _locked_attempt(user, attempt_id)
    if attempt.is_submitted:
        return SubmitOutcome(attempt, repeated=True)
    late = _expired(attempt, now)
    if answers and not late:
        _store_answers(attempt, _clean_answers(attempt, answers), now)
    _grade(attempt, now=now)
    return SubmitOutcome(attempt, late=late)


def _grade(attempt: Attempt, *, now: datetime.datetime) -> None:
    """Grade an attempt in progress (its row locked by the caller) and close it."""
    quiz = attempt.quiz
    questions = {
        question.pk: question
        for question in Question.objects.filter(pk__in=attempt.question_order).prefetch_related(
            "choices"
        )
    }
    answers = {answer.question_id: answer for answer in attempt.answers.all()}
    to_update, to_create, credits = [], [], []
    for question_id in attempt.question_order:
        question = questions.get(question_id)
        if question is None:  # deleted since the attempt started
            continue
        correct = [choice.pk for choice in question.choices.all() if choice.is_correct]
        answer = answers.get(question_id)
        if answer is None:
            answer = Answer(attempt=attempt, question=question, choice_ids=[], answered_at=now)
            to_create.append(answer)
        else:
            to_update.append(answer)
        answer.credit = answer_credit(question.kind, correct, answer.choice_ids)
        credits.append((answer.credit, question.points))
    Answer.objects.bulk_create(to_create)
    Answer.objects.bulk_update(to_update, ["credit"])
    result = attempt_score(credits, quiz.pass_percent)
    submitted_at = now
    if attempt.deadline is not None and now > attempt.deadline + GRACE:
        submitted_at = attempt.deadline
    updated = Attempt.objects.filter(pk=attempt.pk, status=AttemptStatus.IN_PROGRESS).update(
        status=AttemptStatus.SUBMITTED,
        submitted_at=submitted_at,
        score=result.score,
        max_score=result.max_score,
        percent=result.percent,
        passed=result.passed,
    )
    if updated:
        attempt.status = AttemptStatus.SUBMITTED
        attempt.submitted_at = submitted_at
        attempt.score, attempt.max_score = result.score, result.max_score
        attempt.percent, attempt.passed = result.percent, result.passed
        transaction.on_commit(
            lambda: attempt_submitted.send(
                Attempt, attempt_id=attempt.pk, quiz_id=attempt.quiz_id, user_id=attempt.user_id
            )
        )


def close_expired_attempt(attempt: Attempt, now: datetime.datetime | None = None) -> Attempt:
    """Grade an attempt whose time ran out with the answers saved in time."""
    now = now or timezone.now()
    if attempt.is_submitted or not _expired(attempt, now):
        return attempt
    with transaction.atomic():
        locked = _locked_attempt(attempt.user, attempt.pk)
        if not locked.is_submitted:
            _grade(locked, now=now)
    return locked
