"""Who may author quizzes and read their results: written once, checked on the server."""

from django.db.models import Q
from django.http import Http404

from accounts.access import is_dla_admin
from courses.access import rounds_managed_by

from .models import Question, Quiz


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
