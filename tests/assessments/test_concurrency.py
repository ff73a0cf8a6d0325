"""Two taps at once on PostgreSQL: one submission, one attempt, one grading."""

import pytest

from assessments.models import Answer, Attempt, AttemptStatus
from assessments.services import AssessmentError, save_answer, start_attempt, submit_attempt
from courses.models import Enrolment, EnrolmentStatus
from tests.factories import RoundFactory, UserFactory
from tests.sar.test_concurrency import run_together

from .factories import correct_ids, make_quiz, wrong_ids

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def participant_and_quiz(**fields):
    round_ = RoundFactory(number=1)
    user = UserFactory()
    Enrolment.objects.create(user=user, round=round_, status=EnrolmentStatus.ENROLLED)
    return user, make_quiz(round_, questions=2, **fields)


def test_two_submits_at_once_grade_the_attempt_once():
    user, quiz = participant_and_quiz()
    attempt = start_attempt(user=user, quiz=quiz)
    first, second = quiz.questions.order_by("position")
    right = {first.pk: correct_ids(first), second.pk: correct_ids(second)}
    wrong = {first.pk: wrong_ids(first)[:1], second.pk: wrong_ids(second)[:1]}
    outcomes = run_together(
        lambda: submit_attempt(user=user, attempt_id=attempt.pk, answers=right),
        lambda: submit_attempt(user=user, attempt_id=attempt.pk, answers=wrong),
    )
    assert sorted(outcome.repeated for outcome in outcomes) == [False, True]
    winner = next(outcome for outcome in outcomes if not outcome.repeated)
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.SUBMITTED
    assert attempt.percent == winner.attempt.percent
    assert Answer.objects.filter(attempt=attempt).count() == 2
    expected = 100 if winner.attempt.percent == 100 else 0
    assert attempt.percent == expected


def test_an_answer_racing_the_submit_is_either_counted_or_refused():
    user, quiz = participant_and_quiz()
    attempt = start_attempt(user=user, quiz=quiz)
    first, _second = quiz.questions.order_by("position")
    outcomes = run_together(
        lambda: save_answer(
            user=user, attempt_id=attempt.pk, question_id=first.pk, choice_ids=correct_ids(first)
        ),
        lambda: submit_attempt(user=user, attempt_id=attempt.pk, answers={}),
    )
    attempt.refresh_from_db()
    if isinstance(outcomes[0], AssessmentError):
        assert outcomes[0].code == "already_submitted"
        assert attempt.percent == 0
    else:
        assert outcomes[0] is None
        assert attempt.percent == 50  # saved before the submit locked the attempt
    assert Answer.objects.filter(attempt=attempt, question=first).count() == 1


def test_two_tabs_starting_at_once_share_one_attempt():
    user, quiz = participant_and_quiz(max_attempts=3)
    outcomes = run_together(
        lambda: start_attempt(user=user, quiz=quiz),
        lambda: start_attempt(user=user, quiz=quiz),
    )
    assert all(isinstance(outcome, Attempt) for outcome in outcomes), outcomes
    assert outcomes[0].pk == outcomes[1].pk
    assert Attempt.objects.count() == 1
