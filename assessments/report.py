"""The trainer's and DLA's report on a quiz: distribution, pass rate, learning gain, items.

Everything is aggregated in SQL over each participant's *counted* attempt (best or last, as
the quiz says). The number of queries does not depend on the number of participants.

Item analysis (classical test theory):

* difficulty ``p`` — the mean credit on the question (0 to 1; 1 = everybody right);
  flagged when nobody (p = 0) or everybody (p = 1) gets it right;
* discrimination ``D`` — mean credit of the upper 27 % of participants (by total score)
  minus that of the lower 27 %; below 0.2 it is flagged as weak (a question the stronger
  participants do not answer better than the weaker ones).
"""

from dataclasses import dataclass, field
from decimal import Decimal

import geothai
from django.db.models import Avg, Count, F, OuterRef, Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from accounts.models import LaoType, User
from courses.models import Enrolment, EnrolmentStatus

from .models import Answer, Attempt, AttemptStatus, Question, Quiz, QuizKind
from .selectors import counted_attempt, counted_attempts_ordering

BINS = 10
UPPER_LOWER_SHARE = Decimal("0.27")
WEAK_DISCRIMINATION = Decimal("0.2")
MAX_PARTICIPANT_ROWS = 500  # on the page; the export has them all
# Aggregates repeat the expression: Django drops an annotation that only refers to other
# annotations from the inner query of an aggregate (Avg("gain") would read a literal).
GAIN = F("post_percent") - F("pre_percent")
FLAG_LABELS = {
    "nobody": _("Nobody got it right"),
    "everybody": _("Everybody got it right"),
    "weak": _("Weak discrimination"),
}


def _q2(value):
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))


@dataclass
class ItemRow:
    position: int
    question: Question
    answered: int
    difficulty: Decimal | None
    discrimination: Decimal | None
    flags: list[str] = field(default_factory=list)

    @property
    def flag_labels(self) -> list[tuple[str, str]]:
        """(code, what people read) for each flag: the page and the export say the same."""
        return [(flag, FLAG_LABELS[flag]) for flag in self.flags]


@dataclass
class QuizReport:
    quiz: Quiz
    participants: int = 0
    passed: int = 0
    average: Decimal | None = None
    distribution: list[dict] = field(default_factory=list)
    partner: Quiz | None = None
    pre_quiz: Quiz | None = None
    post_quiz: Quiz | None = None
    pairs: list[dict] = field(default_factory=list)
    pair_count: int = 0
    gain_average: Decimal | None = None
    by_province: list[dict] = field(default_factory=list)
    by_lao_type: list[dict] = field(default_factory=list)
    items: list[ItemRow] = field(default_factory=list)

    @property
    def pass_rate(self) -> Decimal | None:
        if not self.participants:
            return None
        return _q2(Decimal(self.passed) * 100 / self.participants)


def counted_attempts(quiz: Quiz, scope=None):
    """Each participant's counted submitted attempt on the quiz (a queryset)."""
    counted_pk = (
        Attempt.objects.filter(quiz=quiz, user=OuterRef("user"), status=AttemptStatus.SUBMITTED)
        .order_by(*counted_attempts_ordering())
        .values("pk")[:1]
    )
    attempts = Attempt.objects.filter(quiz=quiz, status=AttemptStatus.SUBMITTED, pk=counted_pk)
    if scope is not None:
        attempts = attempts.filter(user__in=scope)
    return attempts


def partner_quiz(quiz: Quiz) -> Quiz | None:
    """The post-test of a pre-test (or the reverse): same round, else the programme's."""
    if quiz.kind == QuizKind.CHECK:
        return None
    other = QuizKind.POST_TEST if quiz.kind == QuizKind.PRE_TEST else QuizKind.PRE_TEST
    candidates = Quiz.objects.filter(programme_id=quiz.programme_id, kind=other).filter(
        Q(round_id=quiz.round_id) | Q(round__isnull=True)
    )
    # The round's own first, then the programme's.
    return candidates.order_by(F("round_id").asc(nulls_last=True), "pk").first()


def participant_scope(user, quiz: Quiz, managed_round_ids):
    """Whose results a viewer sees: everyone for DLA (None), else their rounds' participants."""
    if managed_round_ids is None:
        return None
    return Enrolment.objects.filter(
        round_id__in=managed_round_ids, status=EnrolmentStatus.ENROLLED
    ).values("user_id")


def build_report(quiz: Quiz, *, scope=None, participant_rows: int = MAX_PARTICIPANT_ROWS):
    report = QuizReport(quiz=quiz)
    _distribution(report, quiz, scope)
    report.partner = partner_quiz(quiz)
    if report.partner is not None:
        pre, post = (
            (quiz, report.partner) if quiz.kind == QuizKind.PRE_TEST else (report.partner, quiz)
        )
        report.pre_quiz, report.post_quiz = pre, post
        _learning_gain(report, pre, post, scope, participant_rows)
    _item_analysis(report, quiz, scope)
    return report


def _distribution(report: QuizReport, quiz: Quiz, scope) -> None:
    attempts = counted_attempts(quiz, scope)
    bins = {}
    for index in range(BINS):
        low = index * 100 // BINS
        high = (index + 1) * 100 // BINS
        condition = Q(percent__gte=low) & (
            Q(percent__lte=high) if index == BINS - 1 else Q(percent__lt=high)
        )
        bins[f"bin{index}"] = Count("pk", filter=condition)
    totals = attempts.aggregate(
        participants=Count("pk"),
        passed=Count("pk", filter=Q(passed=True)),
        average=Avg("percent"),
        **bins,
    )
    report.participants = totals["participants"]
    report.passed = totals["passed"]
    report.average = _q2(totals["average"])
    largest = max([totals[f"bin{i}"] for i in range(BINS)] + [1])
    for index in range(BINS):
        count = totals[f"bin{index}"]
        report.distribution.append(
            {
                "low": index * 100 // BINS,
                "high": (index + 1) * 100 // BINS,
                "count": count,
                "width": round(count * 100 / largest),
            }
        )


def paired_users(pre: Quiz, post: Quiz, scope):
    """Participants with a counted attempt on both quizzes, annotated with both percentages."""
    users = User.objects.annotate(
        pre_percent=counted_attempt(Value(pre.pk), OuterRef("pk")),
        post_percent=counted_attempt(Value(post.pk), OuterRef("pk")),
    ).filter(pre_percent__isnull=False, post_percent__isnull=False)
    if scope is not None:
        users = users.filter(pk__in=scope)
    return users.annotate(gain=GAIN)


def _learning_gain(report, pre, post, scope, participant_rows) -> None:
    users = paired_users(pre, post, scope)
    totals = users.aggregate(count=Count("pk"), gain=Avg(GAIN))
    report.pair_count = totals["count"]
    report.gain_average = _q2(totals["gain"])
    report.pairs = list(
        users.select_related("organisation").order_by("organisation__name_th", "first_name", "pk")[
            :participant_rows
        ]
    )
    for row in (
        users.order_by()
        .values(province=Coalesce("organisation__province_code", Value("")))
        .annotate(n=Count("pk"), pre=Avg("pre_percent"), post=Avg("post_percent"), gain=Avg(GAIN))
        .order_by("province")
    ):
        province = geothai.province(row["province"]) if row["province"] else None
        report.by_province.append(
            {**_rounded_group(row), "name": province.name_th if province else "—"}
        )
    labels = dict(LaoType.choices)
    for row in (
        users.order_by()
        .values(lao_type=Coalesce("organisation__lao_type", Value("")))
        .annotate(n=Count("pk"), pre=Avg("pre_percent"), post=Avg("post_percent"), gain=Avg(GAIN))
        .order_by("lao_type")
    ):
        report.by_lao_type.append({**_rounded_group(row), "name": labels.get(row["lao_type"], "—")})


def _rounded_group(row) -> dict:
    return {
        "n": row["n"],
        "pre": _q2(row["pre"]),
        "post": _q2(row["post"]),
        "gain": _q2(row["gain"]),
    }


def _item_analysis(report: QuizReport, quiz: Quiz, scope) -> None:
    ranked = list(
        counted_attempts(quiz, scope).order_by("-percent", "pk").values_list("pk", flat=True)
    )
    questions = list(quiz.questions.order_by("position", "pk"))
    if not questions:
        return
    group = max(1, int((UPPER_LOWER_SHARE * len(ranked)).to_integral_value())) if ranked else 0
    upper, lower = ranked[:group], ranked[-group:] if group else []
    stats = {}
    if ranked:
        stats = {
            row["question_id"]: row
            for row in Answer.objects.filter(attempt__in=counted_attempts(quiz, scope))
            .values("question_id")
            .annotate(
                answered=Count("pk", filter=Q(credit__isnull=False)),
                p=Avg("credit"),
                upper=Avg("credit", filter=Q(attempt_id__in=upper)),
                lower=Avg("credit", filter=Q(attempt_id__in=lower)),
            )
            .order_by()
        }
    for position, question in enumerate(questions, start=1):
        row = stats.get(question.pk)
        item = ItemRow(
            position=position,
            question=question,
            answered=row["answered"] if row else 0,
            difficulty=_q2(row["p"]) if row and row["p"] is not None else None,
            discrimination=(
                _q2(Decimal(str(row["upper"] or 0)) - Decimal(str(row["lower"] or 0)))
                if row
                else None
            ),
        )
        if item.difficulty is not None:
            if item.difficulty == 0:
                item.flags.append("nobody")
            elif item.difficulty == 1:
                item.flags.append("everybody")
            if len(ranked) >= 2 and item.discrimination is not None:
                if item.discrimination < WEAK_DISCRIMINATION and item.difficulty not in (0, 1):
                    item.flags.append("weak")
        report.items.append(item)
