"""Factories for quizzes, questions and choices."""

import factory

from assessments.models import Choice, Question, QuestionKind, Quiz, QuizKind, SessionTiming
from tests.factories import RoundFactory


class QuizFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quiz

    title = factory.Sequence(lambda n: f"แบบทดสอบ {n}")
    kind = QuizKind.PRE_TEST
    round = factory.SubFactory(RoundFactory)
    programme = factory.LazyAttribute(lambda quiz: quiz.round.programme)
    # Most tests are about taking a test, not about when it opens: not tied to the live
    # session unless the test says so (tests/assessments/test_windows.py does).
    session_timing = SessionTiming.FREE


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    quiz = factory.SubFactory(QuizFactory)
    position = factory.Sequence(int)
    kind = QuestionKind.SINGLE
    text = factory.Sequence(lambda n: f"คำถามข้อ {n}")


class ChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Choice

    question = factory.SubFactory(QuestionFactory)
    text = factory.Sequence(lambda n: f"ตัวเลือก {n}")
    is_correct = False


def make_question(quiz, kind=QuestionKind.SINGLE, correct=1, wrong=3, points=1):
    """A question with ``correct`` right and ``wrong`` wrong choices (right ones first)."""
    question = QuestionFactory(quiz=quiz, kind=kind, points=points)
    for index in range(correct + wrong):
        ChoiceFactory(question=question, is_correct=index < correct, sort_order=index)
    return question


def make_quiz(round_=None, kind=QuizKind.PRE_TEST, questions=4, **fields):
    """A quiz with ``questions`` single-choice questions of four choices each."""
    quiz = (
        QuizFactory(round=round_, kind=kind, **fields)
        if round_
        else QuizFactory(kind=kind, **fields)
    )
    for _ in range(questions):
        make_question(quiz)
    return quiz


def correct_ids(question):
    return [choice.pk for choice in question.choices.all() if choice.is_correct]


def wrong_ids(question):
    return [choice.pk for choice in question.choices.all() if not choice.is_correct]
