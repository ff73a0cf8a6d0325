"""PDPA for tests: attempts and answers in "download my data"; what deletion keeps."""

import json

import pytest

from accounts.services import erase_account
from assessments.models import Answer, Attempt, QuizKind, Review
from assessments.services import start_attempt, submit_attempt
from courses.models import Enrolment, EnrolmentStatus
from tests.factories import RoundFactory, UserFactory

from .factories import correct_ids, make_quiz, wrong_ids

pytestmark = pytest.mark.django_db


@pytest.fixture
def participant():
    user = UserFactory()
    Enrolment.objects.create(user=user, round=RoundFactory(), status=EnrolmentStatus.ENROLLED)
    return user


def my_data(client, user) -> dict:
    client.force_login(user)
    return json.loads(client.get("/me/privacy/my-data.json").content)["sections"]


def test_my_data_has_my_answers_and_their_credit_once_the_result_page_shows_it(client, participant):
    round_ = participant.enrolments.get().round
    quiz = make_quiz(round_, kind=QuizKind.POST_TEST, questions=2, max_attempts=2)
    quiz.review = Review.ANSWERS
    quiz.save()
    first, second = quiz.questions.order_by("position")
    attempt = start_attempt(user=participant, quiz=quiz)
    answers = {first.pk: correct_ids(first), second.pk: wrong_ids(second)[:1]}
    submit_attempt(user=participant, attempt_id=attempt.pk, answers=answers)

    data = my_data(client, participant)
    [row] = data["test_attempts"]["rows"]
    assert (row["test"], row["attempt"], row["status"], row["percent"]) == (
        quiz.title,
        1,
        "submitted",
        50.0,
    )
    by_question = {row["question"]: row for row in data["test_answers"]["rows"]}
    assert by_question[first.text]["answer"] == first.choices.get(is_correct=True).text
    # One attempt is left: whether an answer was right would help it.
    assert {row["credit"] for row in by_question.values()} == {None}

    second_attempt = start_attempt(user=participant, quiz=quiz)
    submit_attempt(user=participant, attempt_id=second_attempt.pk, answers=answers)
    rows = my_data(client, participant)["test_answers"]["rows"]
    assert sorted(row["credit"] for row in rows) == [0.0, 0.0, 1.0, 1.0]


def test_deleting_the_account_keeps_submitted_attempts_and_drops_unfinished_ones(participant):
    round_ = participant.enrolments.get().round
    post_test = make_quiz(round_, kind=QuizKind.POST_TEST, questions=2)
    submitted = start_attempt(user=participant, quiz=post_test)
    submit_attempt(
        user=participant,
        attempt_id=submitted.pk,
        answers={q.pk: correct_ids(q) for q in post_test.questions.all()},
    )
    start_attempt(user=participant, quiz=make_quiz(round_, kind=QuizKind.PRE_TEST))

    erase_account(user=participant)

    assert list(Attempt.objects.filter(user=participant)) == [submitted]
    assert Answer.objects.filter(attempt=submitted).count() == 2
