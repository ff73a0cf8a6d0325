"""Taking a test: the quiz page, an attempt (one page or one question per screen), the result.

Every answer is saved on the server as it is given: by the page's script (one small POST per
change) or, without JavaScript, by the form's buttons. A reload shows the saved answers and
the time left, which the server computes from the attempt's deadline.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from core.thai import whole_number_or_none

from .access import get_attempt_for_user, get_quiz_for_participant
from .models import Attempt, Layout, Review
from .selectors import (
    answers_revealed,
    attempt_questions,
    pick_counted,
    unanswered_question_ids,
)
from .services import (
    AssessmentError,
    close_expired_attempt,
    save_answers,
    start_attempt,
    submit_attempt,
)
from .windows import NOT_OPEN_YET, OPEN, window_for


def answers_from_post(post, question_ids) -> dict[int, list[str]]:
    """``q<id>`` fields of the form for the questions shown on the page."""
    return {question_id: post.getlist(f"q{question_id}") for question_id in question_ids}


class QuizView(LoginRequiredMixin, TemplateView):
    template_name = "assessments/quiz.html"

    def get_context_data(self, **kwargs):
        quiz = get_quiz_for_participant(self.request.user, self.kwargs["pk"])
        attempts = list(
            Attempt.objects.filter(quiz=quiz, user=self.request.user).order_by("number")
        )
        current = next((a for a in attempts if not a.is_submitted), None)
        if current is not None:
            current = close_expired_attempt(current)
            if current.is_submitted:
                current = None
        submitted = [a for a in attempts if a.is_submitted]
        now = timezone.now()
        window = window_for(quiz, self.request.user)
        state = window.state(now)
        return super().get_context_data(
            quiz=quiz,
            attempts=submitted,
            current=current,
            counted=pick_counted(attempts, quiz.scoring),
            attempts_left=max(0, quiz.max_attempts - len(attempts)),
            question_count=quiz.questions.count(),
            window=window,
            is_open=state == OPEN,
            not_open_yet=state == NOT_OPEN_YET,
            **kwargs,
        )


class StartView(LoginRequiredMixin, View):
    def post(self, request, pk):
        quiz = get_quiz_for_participant(request.user, pk)
        try:
            attempt = start_attempt(user=request.user, quiz=quiz)
        except AssessmentError as error:
            messages.error(request, error.message)
            return redirect("assessments:quiz", pk=quiz.pk)
        return redirect("assessments:attempt", pk=attempt.pk)


def clock(seconds: int | None) -> str:
    """1234 → "20:34" (minutes:seconds), for the time left."""
    if seconds is None:
        return ""
    return f"{seconds // 60}:{seconds % 60:02d}"


class AttemptView(LoginRequiredMixin, TemplateView):
    template_name = "assessments/attempt.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.attempt = get_attempt_for_user(request.user, kwargs["pk"])
        if not self.attempt.is_submitted:
            self.attempt = close_expired_attempt(self.attempt)
            if self.attempt.is_submitted:
                messages.warning(request, AssessmentError.MESSAGES["deadline_passed"])
        if self.attempt.is_submitted:
            return redirect("assessments:result", pk=self.attempt.pk)
        return super().dispatch(request, *args, **kwargs)

    def current_index(self, rows) -> int | None:
        if self.attempt.quiz.layout != Layout.ONE:
            return None
        step = whole_number_or_none(self.request.GET.get("q", self.request.POST.get("q", "1")))
        index = 0 if step is None else step - 1
        return min(max(index, 0), len(rows) - 1)

    def get_context_data(self, **kwargs):
        rows = attempt_questions(self.attempt)
        index = self.current_index(rows)
        shown = rows if index is None else [rows[index]]
        seconds_left = self.attempt.seconds_left()
        unanswered = [row for row in rows if not row["answered"]]
        progress_template = _("Answered %(answered)s of %(total)s") % {
            "answered": "{answered}",
            "total": len(rows),
        }
        return super().get_context_data(
            attempt=self.attempt,
            quiz=self.attempt.quiz,
            rows=shown,
            all_rows=rows,
            index=index,
            step=None if index is None else index + 1,
            total=len(rows),
            answered=len(rows) - len(unanswered),
            answered_ids=[row["question"].pk for row in rows if row["answered"]],
            progress_template=progress_template,
            unanswered=unanswered,
            # After "submit" with questions left unanswered: ask before finalising.
            confirming=bool(unanswered) and self.request.GET.get("confirm") == "1",
            seconds_left=seconds_left,
            time_left=clock(seconds_left),
            **kwargs,
        )

    def unanswered_after_saving(self, answers) -> bool:
        """Save the answers sent with "submit"; whether questions are still unanswered.
        Past the deadline nobody is asked: the submission goes through as late."""
        try:
            if answers:
                save_answers(user=self.request.user, attempt_id=self.attempt.pk, answers=answers)
        except AssessmentError as error:
            if error.code == "deadline_passed":
                return False
            raise
        return bool(unanswered_question_ids(self.attempt))

    def post(self, request, pk):
        question_ids = []
        for value in request.POST.getlist("shown"):
            question_id = whole_number_or_none(value)
            if question_id is not None:
                question_ids.append(question_id)
        answers = answers_from_post(request.POST, question_ids)
        action = request.POST.get("action", "save")
        url = reverse("assessments:attempt", args=[self.attempt.pk])
        try:
            if (
                action == "submit"
                and request.POST.get("confirmed") != "1"
                and self.unanswered_after_saving(answers)
            ):
                # Ask first (the page's script asks in a dialog; this is the same question
                # on the page itself, without it).
                step = whole_number_or_none(request.POST.get("q", ""))
                return redirect(f"{url}?confirm=1" + (f"&q={step}" if step else ""))
            if action == "submit":
                outcome = submit_attempt(
                    user=request.user, attempt_id=self.attempt.pk, answers=answers
                )
                if outcome.late:
                    messages.warning(request, AssessmentError.MESSAGES["deadline_passed"])
                return redirect("assessments:result", pk=self.attempt.pk)
            if answers:
                save_answers(user=request.user, attempt_id=self.attempt.pk, answers=answers)
        except AssessmentError as error:
            messages.error(request, error.message)
            if error.code in {"deadline_passed", "already_submitted"}:
                return redirect("assessments:attempt", pk=self.attempt.pk)
        step = whole_number_or_none(request.POST.get("q", ""))
        if step is not None:
            target = step + (1 if action == "next" else -1 if action == "prev" else 0)
            return redirect(f"{url}?q={max(target, 1)}")
        return redirect(url)


class AnswerView(LoginRequiredMixin, View):
    """The page's script saves each answer here as it is given (JSON reply)."""

    raise_exception = True

    def post(self, request, pk):
        attempt = get_attempt_for_user(request.user, pk)
        question_id = request.POST.get("question", "")
        try:
            save_answers(
                user=request.user,
                attempt_id=attempt.pk,
                answers={question_id: request.POST.getlist("choice")},
            )
        except AssessmentError as error:
            return JsonResponse(
                {"ok": False, "code": error.code, "message": error.message}, status=error.status
            )
        attempt.refresh_from_db(fields=["deadline"])
        return JsonResponse({"ok": True, "seconds_left": attempt.seconds_left()})


class ResultView(LoginRequiredMixin, TemplateView):
    template_name = "assessments/result.html"

    def get_context_data(self, **kwargs):
        attempt = get_attempt_for_user(self.request.user, self.kwargs["pk"])
        if not attempt.is_submitted:
            attempt = close_expired_attempt(attempt)
        if not attempt.is_submitted:
            raise Http404
        quiz = attempt.quiz
        show_answers = answers_revealed(attempt)
        rows = attempt_questions(attempt) if show_answers else []
        credits = dict(attempt.answers.values_list("question_id", "credit")) if show_answers else {}
        for row in rows:
            row["credit"] = credits.get(row["question"].pk)
            row["correct"] = row["credit"] is not None and row["credit"] >= 1
        return super().get_context_data(
            attempt=attempt,
            quiz=quiz,
            rows=rows,
            show_answers=show_answers,
            answers_later=not show_answers and quiz.review != Review.SCORE,
            show_correct=quiz.review in {Review.ANSWERS, Review.EXPLANATIONS},
            show_explanations=quiz.review == Review.EXPLANATIONS,
            **kwargs,
        )
