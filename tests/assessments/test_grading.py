from decimal import Decimal

from assessments.grading import answer_credit, attempt_score
from assessments.models import QuestionKind


def test_single_choice_and_true_false_are_all_or_nothing():
    for kind in (QuestionKind.SINGLE, QuestionKind.TRUE_FALSE):
        assert answer_credit(kind, [1], [1]) == 1
        assert answer_credit(kind, [1], [2]) == 0
        assert answer_credit(kind, [1], []) == 0
        assert answer_credit(kind, [1], [1, 2]) == 0


def test_multiple_choice_partial_credit_is_right_minus_wrong_over_correct_floored_at_zero():
    correct = [1, 2, 3]
    assert answer_credit(QuestionKind.MULTIPLE, correct, [1, 2, 3]) == 1
    assert answer_credit(QuestionKind.MULTIPLE, correct, [1, 2]) == Decimal("0.6667")
    assert answer_credit(QuestionKind.MULTIPLE, correct, [1, 2, 4]) == Decimal("0.3333")
    assert answer_credit(QuestionKind.MULTIPLE, correct, [1, 4, 5]) == 0  # 1 − 2 < 0
    assert answer_credit(QuestionKind.MULTIPLE, correct, [1, 2, 3, 4, 5]) == Decimal("0.3333")
    assert answer_credit(QuestionKind.MULTIPLE, correct, []) == 0


def test_attempt_score_weights_points_and_compares_with_the_pass_mark():
    score = attempt_score([(Decimal(1), 2), (Decimal("0.5"), 2), (Decimal(0), 1)], 60)
    assert (score.score, score.max_score, score.percent, score.passed) == (
        Decimal("3.00"),
        5,
        Decimal("60.00"),
        True,
    )
    assert attempt_score([(Decimal(0), 1)], 60).passed is False
    assert attempt_score([], 60).percent == 0
