"""Grading: the credit an answer earns and the score of an attempt.

Rules (documented in docs/assessments.md):

* single choice and true/false: all or nothing — full credit only when exactly the
  correct choice is chosen;
* multiple choice: partial credit = (correct choices chosen − wrong choices chosen)
  ÷ number of correct choices, floored at 0 (so choosing everything earns nothing);
* an attempt's score is the sum of credit × points; its percentage is score ÷ total
  points × 100 (two decimals); it passes when the percentage reaches the quiz's pass mark.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .models import QuestionKind

ONE = Decimal(1)
ZERO = Decimal(0)


def answer_credit(kind: str, correct_ids: Iterable[int], chosen_ids: Iterable[int]) -> Decimal:
    """The share (0..1, four decimals) of a question's points that an answer earns."""
    correct, chosen = set(correct_ids), set(chosen_ids)
    if not correct or not chosen:
        return ZERO
    if kind == QuestionKind.MULTIPLE:
        right = len(chosen & correct)
        wrong = len(chosen - correct)
        credit = Decimal(max(0, right - wrong)) / Decimal(len(correct))
        return min(ONE, credit).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    return ONE if chosen == correct else ZERO


@dataclass(frozen=True)
class Score:
    score: Decimal
    max_score: Decimal
    percent: Decimal
    passed: bool


def attempt_score(credits_and_points: Iterable[tuple[Decimal, int]], pass_percent) -> Score:
    score = ZERO
    max_score = ZERO
    for credit, points in credits_and_points:
        score += credit * points
        max_score += points
    score = score.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if max_score:
        percent = (score * 100 / max_score).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    else:
        percent = ZERO.quantize(Decimal("0.01"))
    return Score(score, max_score, percent, percent >= Decimal(pass_percent))
