"""When a test can be taken: its own dates narrowed by its round's live session.

A post-test cannot start before the round's session has started (or ended, if so set); a
pre-test closes when the session starts (``Quiz.session_timing``). The session's times are
the round's schedule (``Round.starts_at``/``ends_at``). A programme-wide test follows the
rounds the participant holds a seat in: a pre-test their first, a post-test their last.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from courses.models import EnrolmentStatus, Round

from .models import UNTIL_END, Quiz, SessionTiming

NOT_OPEN_YET, OPEN, CLOSED = "not_open_yet", "open", "closed"


@dataclass(frozen=True)
class QuizWindow:
    opens_at: datetime.datetime | None
    closes_at: datetime.datetime | None
    # Whether the live session set the bound (the message then says so).
    opens_with_session: bool = False
    closes_with_session: bool = False

    def state(self, now: datetime.datetime) -> str:
        if self.closes_at is not None and now > self.closes_at:
            return CLOSED
        if self.opens_at is not None and now < self.opens_at:
            return NOT_OPEN_YET
        return OPEN


def _later(a, b):
    return b if a is None or (b is not None and b > a) else a


def _earlier(a, b):
    return b if a is None or (b is not None and b < a) else a


def quiz_window(quiz: Quiz, rounds: Iterable[Round]) -> QuizWindow:
    """``rounds``: the sessions the test follows (``rounds_followed``)."""
    opens, closes = quiz.opens_at, quiz.closes_at
    rounds = sorted(rounds, key=lambda r: r.starts_at)
    timing = quiz.effective_session_timing
    if not rounds or timing == SessionTiming.FREE:
        return QuizWindow(opens, closes)
    first, last = rounds[0], rounds[-1]
    if timing == SessionTiming.UNTIL_START:
        bound = first.starts_at
        return QuizWindow(
            opens, _earlier(closes, bound), closes_with_session=_earlier(closes, bound) == bound
        )
    if timing == UNTIL_END:
        bound = first.ends_at
        return QuizWindow(
            opens, _earlier(closes, bound), closes_with_session=_earlier(closes, bound) == bound
        )
    bound = last.starts_at if timing == SessionTiming.FROM_START else last.ends_at
    return QuizWindow(
        _later(opens, bound), closes, opens_with_session=_later(opens, bound) == bound
    )


def rounds_followed(quiz: Quiz, user) -> list[Round]:
    """The round of a round's test; for a programme-wide test, the participant's rounds."""
    if quiz.round_id:
        return [quiz.round]
    return list(
        Round.objects.filter(
            programme_id=quiz.programme_id,
            enrolments__user=user,
            enrolments__status=EnrolmentStatus.ENROLLED,
        )
    )


def window_for(quiz: Quiz, user) -> QuizWindow:
    return quiz_window(quiz, rounds_followed(quiz, user))


def windows_for(user, quizzes: Iterable[Quiz]) -> dict[int, QuizWindow]:
    """Every quiz's window for one participant: at most one query (their rounds of the
    programme-wide tests' programmes); round tests need their ``round`` selected."""
    quizzes = list(quizzes)
    programmes = {q.programme_id for q in quizzes if not q.round_id}
    held: dict[int, list[Round]] = {}
    if programmes:
        for round_ in Round.objects.filter(
            programme_id__in=programmes,
            enrolments__user=user,
            enrolments__status=EnrolmentStatus.ENROLLED,
        ):
            held.setdefault(round_.programme_id, []).append(round_)
    return {
        quiz.pk: quiz_window(
            quiz, [quiz.round] if quiz.round_id else held.get(quiz.programme_id, [])
        )
        for quiz in quizzes
    }
