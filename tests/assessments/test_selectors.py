from decimal import Decimal

import pytest

from assessments.models import QuizKind, Scoring
from assessments.selectors import passed_post_test_user_ids, round_test_summary
from assessments.services import start_attempt, submit_attempt
from courses.models import Enrolment, EnrolmentStatus
from tests.factories import RoundFactory, UserFactory

from .factories import correct_ids, make_quiz, wrong_ids

pytestmark = pytest.mark.django_db


def enrol(user, round_):
    return Enrolment.objects.create(user=user, round=round_, status=EnrolmentStatus.ENROLLED)


def take(user, quiz, right: int):
    """Answer the first ``right`` questions (in position order) correctly, the rest wrong."""
    attempt = start_attempt(user=user, quiz=quiz)
    answers = {}
    for index, question in enumerate(quiz.questions.order_by("position", "pk")):
        answers[question.pk] = (correct_ids if index < right else wrong_ids)(question)[:1]
    return submit_attempt(user=user, attempt_id=attempt.pk, answers=answers).attempt


def test_summary_pairs_pre_and_post_per_round_with_programme_fallback(
    django_assert_max_num_queries,
):
    round1 = RoundFactory(number=1)
    round2 = RoundFactory(number=2, programme=round1.programme)
    pre = make_quiz(round1, QuizKind.PRE_TEST, questions=4)
    post = make_quiz(round1, QuizKind.POST_TEST, questions=4, max_attempts=2)
    # Round 2 has no post-test of its own: the programme's serves it.
    programme_post = make_quiz(None, QuizKind.POST_TEST, questions=4)
    programme_post.round = None
    programme_post.programme = round1.programme
    programme_post.save()
    alice, bob, carol = UserFactory(), UserFactory(), UserFactory()
    for user in (alice, bob, carol):
        enrol(user, round1)
    enrol(alice, round2)
    take(alice, pre, 1)  # 25
    take(alice, post, 2)  # 50
    take(alice, post, 4)  # 100, best counts
    take(bob, pre, 2)  # 50
    take(bob, post, 3)  # 75
    take(carol, pre, 0)  # 0, no post-test
    take(alice, programme_post, 3)

    with django_assert_max_num_queries(3):
        summary = round_test_summary([round1.pk, round2.pk])

    assert summary[round1.pk] == {
        "pre_avg": Decimal("25.00"),
        "post_avg": Decimal("87.50"),
        "gain_avg": Decimal("50.00"),  # alice +75, bob +25
        "post_passed": 2,
        "pre_count": 3,
        "post_count": 2,
    }
    assert summary[round2.pk]["post_avg"] == Decimal("75.00")
    assert summary[round2.pk]["pre_count"] == 0
    assert summary[round2.pk]["gain_avg"] is None
    assert round_test_summary([round1.pk], user_ids=[bob.pk])[round1.pk]["post_count"] == 1
    assert passed_post_test_user_ids([round1.pk, round2.pk]) == {
        round1.pk: {alice.pk, bob.pk},
        round2.pk: {alice.pk},
    }


def test_last_attempt_counts_when_the_quiz_says_so():
    round_ = RoundFactory(number=1)
    post = make_quiz(round_, QuizKind.POST_TEST, questions=4, max_attempts=2, scoring=Scoring.LAST)
    user = UserFactory()
    enrol(user, round_)
    take(user, post, 4)
    take(user, post, 1)
    summary = round_test_summary([round_.pk])[round_.pk]
    assert summary["post_avg"] == Decimal("25.00")
    assert summary["post_passed"] == 0
    assert passed_post_test_user_ids([round_.pk]) == {round_.pk: set()}
