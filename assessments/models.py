"""Pre- and post-tests: quizzes, their questions and choices, attempts and answers.

A quiz belongs to a round, or to the programme when it serves every round (a round without
its own pre- or post-test falls back to the programme's). Questions and their choices are
authored in the Wagtail admin (snippets with inline, ordered choices) or imported.

An attempt is one sitting of a quiz by one participant. It keeps the order its questions
and choices were shown in (a seed), its deadline (enforced on the server), and its score
once submitted. Each answer is saved as soon as it is given.
"""

import random

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable
from wagtail.search import index

from .forms import QuestionForm, QuizForm


class QuizKind(models.TextChoices):
    PRE_TEST = "pre", _("Pre-test")
    POST_TEST = "post", _("Post-test")
    CHECK = "check", _("Knowledge check")


class Scoring(models.TextChoices):
    BEST = "best", _("Best attempt counts")
    LAST = "last", _("Last attempt counts")


class Review(models.TextChoices):
    SCORE = "score", _("Score only")
    # Per-question feedback that gives no answer away: for a pre-test whose questions come
    # back in the post-test.
    MARKS = "marks", _("Score and which questions were right (no correct answers)")
    ANSWERS = "answers", _("Score and correct answers")
    EXPLANATIONS = "explanations", _("Score, correct answers and explanations")


class Layout(models.TextChoices):
    ALL = "all", _("All questions on one page")
    ONE = "one", _("One question per screen")


class SessionTiming(models.TextChoices):
    """When a test opens or closes against its round's live session (scheduled times)."""

    AUTO = "auto", _("As the kind of test suggests")
    UNTIL_START = "until_start", _("Open until the live session starts")
    FROM_START = "from_start", _("Opens when the live session starts")
    FROM_END = "from_end", _("Opens when the live session ends")
    FREE = "free", _("Not tied to the live session")


# Not a choice: what "as the kind suggests" means for a pre-test required before joining.
UNTIL_END = "until_end"


class QuizQuerySet(models.QuerySet):
    def for_rounds(self, rounds):
        """Quizzes of these rounds and the programme-wide quizzes of their programmes."""
        rounds = list(rounds)
        return self.filter(
            models.Q(round__in=[r.pk for r in rounds])
            | models.Q(round__isnull=True, programme__in={r.programme_id for r in rounds})
        )

    def published(self):
        return self.filter(is_published=True)


class Quiz(index.Indexed, ClusterableModel):
    """A pre-test, post-test or knowledge check of a round (or of the whole programme)."""

    title = models.CharField(_("title (Thai)"), max_length=255)
    kind = models.CharField(_("kind"), max_length=8, choices=QuizKind.choices)
    programme = models.ForeignKey(
        "courses.Programme",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="quizzes",
    )
    round = models.ForeignKey(
        "courses.Round",
        verbose_name=_("round"),
        on_delete=models.CASCADE,
        related_name="quizzes",
        null=True,
        blank=True,
        help_text=_(
            "Empty: the quiz serves every round of the programme that has none of its own."
        ),
    )
    instructions = models.TextField(_("instructions"), blank=True)
    is_published = models.BooleanField(
        _("published"), default=True, help_text=_("Participants see only published quizzes.")
    )
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    session_timing = models.CharField(
        _("opening against the live session"),
        max_length=16,
        choices=SessionTiming.choices,
        default=SessionTiming.AUTO,
        help_text=_(
            "As the kind suggests: a pre-test closes when the live session starts (a pre-test "
            "required before joining stays open until it ends), a post-test opens when it "
            "starts, a knowledge check is not tied to it. The dates above narrow it further."
        ),
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Empty: no time limit."),
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("attempts allowed"), default=1, validators=[MinValueValidator(1)]
    )
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=False)
    shuffle_choices = models.BooleanField(_("shuffle choices"), default=False)
    pass_percent = models.DecimalField(
        _("pass mark (%)"),
        max_digits=5,
        decimal_places=2,
        default=60,
        help_text=_("Not used on a pre-test: it measures what participants knew before."),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    scoring = models.CharField(
        _("which attempt counts"), max_length=8, choices=Scoring.choices, default=Scoring.BEST
    )
    review = models.CharField(
        _("shown after submitting"),
        max_length=16,
        choices=Review.choices,
        default=Review.SCORE,
        help_text=_(
            "Per-question feedback appears once the participant has used every attempt or the "
            "test has closed. For a pre-test whose questions come back in the post-test, show "
            "which questions were right without the correct answers."
        ),
    )
    layout = models.CharField(_("layout"), max_length=8, choices=Layout.choices, default=Layout.ALL)
    required_before_join = models.BooleanField(
        _("required before joining round 1"),
        default=False,
        help_text=_(
            "A pre-test: participants take it before they may join the first live session."
        ),
    )

    objects = QuizQuerySet.as_manager()

    base_form_class = QuizForm
    panels = [
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("is_published")]),
        FieldRowPanel([FieldPanel("programme"), FieldPanel("round")]),
        FieldPanel("instructions"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
                FieldPanel("session_timing"),
                FieldRowPanel([FieldPanel("time_limit_minutes"), FieldPanel("max_attempts")]),
                FieldRowPanel([FieldPanel("pass_percent"), FieldPanel("scoring")]),
                FieldRowPanel([FieldPanel("shuffle_questions"), FieldPanel("shuffle_choices")]),
                FieldRowPanel([FieldPanel("layout"), FieldPanel("review")]),
                FieldPanel("required_before_join"),
            ],
            heading=_("Settings"),
        ),
    ]
    # FilterField("id"): listings narrowed to a trainer's tests can still be searched.
    search_fields = [
        index.SearchField("title"),
        index.AutocompleteField("title"),
        index.FilterField("id"),
    ]

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        ordering = ["programme", "round__number", "kind", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=QuizKind.values), name="quiz_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(pass_percent__gte=0, pass_percent__lte=100),
                name="quiz_pass_percent_0_to_100",
            ),
            models.CheckConstraint(
                condition=models.Q(max_attempts__gte=1), name="quiz_max_attempts_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(session_timing__in=SessionTiming.values),
                name="quiz_session_timing_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(opens_at__isnull=True)
                | models.Q(closes_at__isnull=True)
                | models.Q(closes_at__gt=models.F("opens_at")),
                name="quiz_closes_after_opening",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            errors["closes_at"] = _("The quiz must close after it opens.")
        if self.round_id and self.programme_id and self.round.programme_id != self.programme_id:
            errors["round"] = _("The round belongs to another programme.")
        if self.required_before_join and self.kind != QuizKind.PRE_TEST:
            errors["required_before_join"] = _("Only a pre-test can be required before joining.")
        if errors:
            raise ValidationError(errors)

    def is_open(self, now=None) -> bool:
        """Within its own dates (the live session is ``windows.quiz_window``'s)."""
        now = now or timezone.now()
        if self.opens_at and now < self.opens_at:
            return False
        return not (self.closes_at and now > self.closes_at)

    @property
    def effective_session_timing(self) -> str:
        if self.session_timing != SessionTiming.AUTO:
            return self.session_timing
        if self.kind == QuizKind.PRE_TEST:
            # Closing it at the start would keep anyone who had not taken it out of the room:
            # a pre-test required before joining stays open until the session ends.
            return UNTIL_END if self.required_before_join else SessionTiming.UNTIL_START
        if self.kind == QuizKind.POST_TEST:
            return SessionTiming.FROM_START
        return SessionTiming.FREE


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TRUE_FALSE = "true_false", _("True or false")


class Question(index.Indexed, ClusterableModel):
    """One question of a quiz with its choices (ordered, inline in the admin)."""

    quiz = models.ForeignKey(
        Quiz, verbose_name=_("quiz"), on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(
        _("position"),
        default=0,
        help_text=_("Questions are shown in this order (unless shuffled)."),
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=QuestionKind.choices, default=QuestionKind.SINGLE
    )
    text = models.TextField(_("question (Thai)"))
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    explanation = models.TextField(
        _("explanation"), blank=True, help_text=_("Shown after submitting, if the quiz allows it.")
    )
    points = models.PositiveSmallIntegerField(
        _("points"), default=1, validators=[MinValueValidator(1)]
    )

    base_form_class = QuestionForm
    panels = [
        FieldRowPanel([FieldPanel("quiz"), FieldPanel("position")]),
        FieldPanel("kind"),
        FieldPanel("text"),
        FieldPanel("image"),
        FieldRowPanel([FieldPanel("points")]),
        InlinePanel("choices", label=_("Choices"), min_num=2),
        FieldPanel("explanation"),
    ]
    search_fields = [
        index.SearchField("text"),
        index.AutocompleteField("text"),
        index.FilterField("id"),
    ]

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["quiz", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=QuestionKind.values), name="question_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(points__gte=1), name="question_points_positive"
            ),
        ]

    def __str__(self):
        return self.text[:80]


class Choice(Orderable):
    question = ParentalKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="choices"
    )
    text = models.CharField(_("choice (Thai)"), max_length=500)
    is_correct = models.BooleanField(_("correct"), default=False)

    panels = [FieldPanel("text"), FieldPanel("is_correct")]

    class Meta(Orderable.Meta):
        verbose_name = _("choice")
        verbose_name_plural = _("choices")

    def __str__(self):
        return self.text


class AttemptStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Submitted")


class AttemptQuerySet(models.QuerySet):
    def submitted(self):
        return self.filter(status=AttemptStatus.SUBMITTED)

    def in_progress(self):
        return self.filter(status=AttemptStatus.IN_PROGRESS)


class Attempt(models.Model):
    """One sitting of a quiz by one participant."""

    quiz = models.ForeignKey(
        Quiz, verbose_name=_("quiz"), on_delete=models.CASCADE, related_name="attempts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="quiz_attempts",
    )
    number = models.PositiveSmallIntegerField(_("attempt number"), default=1)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=AttemptStatus.choices,
        default=AttemptStatus.IN_PROGRESS,
    )
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # The order the questions are shown in, fixed when the attempt starts (question ids),
    # and the seed that orders each question's choices: a reload shows the same order.
    question_order = models.JSONField(_("question order"), default=list)
    seed = models.PositiveIntegerField(_("shuffle seed"), default=0)
    score = models.DecimalField(_("score"), max_digits=8, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(
        _("maximum score"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    percent = models.DecimalField(
        _("score (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    passed = models.BooleanField(_("passed"), null=True, blank=True)

    objects = AttemptQuerySet.as_manager()

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        ordering = ["quiz", "user", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "user", "number"], name="attempt_number_unique"
            ),
            models.UniqueConstraint(
                fields=["quiz", "user"],
                condition=models.Q(status="in_progress"),
                name="attempt_one_in_progress",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=AttemptStatus.values), name="attempt_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status="in_progress")
                | models.Q(submitted_at__isnull=False, percent__isnull=False),
                name="attempt_submitted_is_graded",
            ),
        ]
        indexes = [models.Index(fields=["quiz", "status", "user"])]

    def __str__(self):
        return f"{self.user} · {self.quiz} · {self.number}"

    @property
    def is_submitted(self) -> bool:
        return self.status == AttemptStatus.SUBMITTED

    def seconds_left(self, now=None) -> int | None:
        if self.deadline is None:
            return None
        now = now or timezone.now()
        return max(0, int((self.deadline - now).total_seconds()))

    def choice_order(self, question_id: int, choice_ids: list[int]) -> list[int]:
        """The choices of a question in the order this attempt shows them."""
        ordered = list(choice_ids)
        if self.quiz.shuffle_choices:
            random.Random(self.seed * 100_003 + question_id).shuffle(ordered)  # noqa: S311
        return ordered


class Answer(models.Model):
    """The choices a participant gave to one question of an attempt, and the credit earned.

    ``credit`` (0 to 1) is the share of the question's points, set when the attempt is graded;
    a question left unanswered gets an answer with no choices and no credit at grading, so
    item analysis sees every question of every graded attempt.
    """

    attempt = models.ForeignKey(
        Attempt, verbose_name=_("attempt"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="answers"
    )
    choice_ids = models.JSONField(_("chosen choices"), default=list)
    answered_at = models.DateTimeField(_("answered at"), default=timezone.now)
    credit = models.DecimalField(_("credit"), max_digits=5, decimal_places=4, null=True, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "question"], name="answer_once_per_question"
            ),
            models.CheckConstraint(
                condition=models.Q(credit__isnull=True) | models.Q(credit__gte=0, credit__lte=1),
                name="answer_credit_0_to_1",
            ),
        ]

    def __str__(self):
        return f"{self.attempt_id} · {self.question_id}"
