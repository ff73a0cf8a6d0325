"""Who may author quizzes, read their results, take them and see an attempt: written once,
checked on the server."""

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.access import is_dla_admin
from courses.access import rounds_managed_by

from .models import Attempt, Choice, Question, Quiz
from .services import can_take


def quizzes_managed_by(user):
    """All quizzes for DLA administrators; for a trainer, those of the rounds they train and
    the programme-wide quizzes of those rounds' programmes; none for anybody else."""
    if is_dla_admin(user):
        return Quiz.objects.all()
    if not user.is_authenticated:
        return Quiz.objects.none()
    rounds = rounds_managed_by(user)
    return Quiz.objects.filter(
        Q(round__in=rounds) | Q(round__isnull=True, programme__in=rounds.values("programme_id"))
    )


def questions_managed_by(user):
    return Question.objects.filter(quiz__in=quizzes_managed_by(user))


def get_quiz_for_manager(user, pk) -> Quiz:
    """A quiz the user manages, or 404 (a trainer of another round learns nothing)."""
    try:
        return quizzes_managed_by(user).select_related("round", "programme").get(pk=int(pk))
    except (Quiz.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def results_scope_round_ids(user, quiz: Quiz):
    """Rounds whose participants' results the user sees (None: everybody's)."""
    if is_dla_admin(user):
        return None
    if quiz.round_id:
        return [quiz.round_id]
    return list(
        rounds_managed_by(user).filter(programme_id=quiz.programme_id).values_list("pk", flat=True)
    )


def get_quiz_for_participant(user, pk) -> Quiz:
    """A published quiz the user may take or has taken, else 404."""
    quiz = get_object_or_404(Quiz.objects.published().select_related("round", "programme"), pk=pk)
    if not (can_take(user, quiz) or Attempt.objects.filter(quiz=quiz, user=user).exists()):
        raise Http404
    return quiz


def get_attempt_for_user(user, pk) -> Attempt:
    """The user's own attempt, or 404 (never another participant's)."""
    return get_object_or_404(
        Attempt.objects.select_related("quiz", "quiz__round"), pk=pk, user=user
    )


def choices_managed_by(user):
    return Choice.objects.filter(question__quiz__in=quizzes_managed_by(user))
