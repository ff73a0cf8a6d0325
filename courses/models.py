import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _


class Programme(models.Model):
    """The training programme announced by one DLA circular (rounds 1-4)."""

    title = models.CharField(_("title (Thai)"), max_length=255)
    title_en = models.CharField(_("title (English)"), max_length=255, blank=True)
    code = models.SlugField(_("code"), max_length=50, unique=True)
    circular_number = models.CharField(
        _("circular number"), max_length=100, blank=True, help_text=_("e.g. มท ๐๘๒๐.๒/ว ๑๑๑๔")
    )

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-id"]

    def __str__(self):
        return self.title

    def title_in(self, language: str | None = None) -> str:
        """The title in ``language`` (the active one by default): English where it exists."""
        return _title_in(self.title, self.title_en, language)

    @property
    def display_title(self) -> str:
        return self.title_in()


def _title_in(title: str, title_en: str, language: str | None) -> str:
    language = language or translation.get_language() or "th"
    return title_en if language.startswith("en") and title_en else title


class RoundQuerySet(models.QuerySet):
    def for_programme(self, programme):
        return self.filter(programme=programme)

    def upcoming(self, now: datetime.datetime | None = None):
        return self.filter(ends_at__gte=now or timezone.now())

    def open_for_registration(self, now: datetime.datetime | None = None):
        now = now or timezone.now()
        return self.filter(registration_opens_at__lte=now, registration_closes_at__gte=now)

    def trained_by(self, user):
        return self.filter(trainers=user)


class Round(models.Model):
    """One online round (ครั้งที่ ๑-๔) of a programme, with its schedule and seats."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="rounds"
    )
    number = models.PositiveSmallIntegerField(_("round number"))
    title = models.CharField(_("title (Thai)"), max_length=255)
    title_en = models.CharField(_("title (English)"), max_length=255, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    join_window_minutes = models.PositiveSmallIntegerField(
        _("join window (minutes)"),
        default=30,
        help_text=_("Participants may join this many minutes before the start."),
    )
    capacity = models.PositiveIntegerField(_("capacity (seats)"), default=1000)
    lao_quota = models.PositiveIntegerField(
        _("seats per LAO"),
        null=True,
        blank=True,
        help_text=_(
            "At most this many participants of one LAO hold a seat; others of that LAO wait. "
            "Empty: no limit."
        ),
    )
    registration_opens_at = models.DateTimeField(_("registration opens at"))
    registration_closes_at = models.DateTimeField(_("registration closes at"))
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainers"),
        blank=True,
        related_name="trained_rounds",
        # The admin's picker offers trainers only, not every participant's account.
        limit_choices_to={"role": "trainer", "is_active": True},
    )

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        ordering = ["programme", "number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="round_number_unique"),
            models.CheckConstraint(
                condition=models.Q(number__gte=1, number__lte=4), name="round_number_1_to_4"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="round_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(registration_closes_at__gt=models.F("registration_opens_at")),
                name="round_registration_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=models.Q(lao_quota__isnull=True) | models.Q(lao_quota__gte=1),
                name="round_lao_quota_positive",
            ),
        ]

    def __str__(self):
        return self.title

    # The one source of a round's title wherever it is shown (its CMS page, enrolment, my
    # training, e-mails, reports, the live session): these two, never the page's own title.
    def title_in(self, language: str | None = None) -> str:
        """The title in ``language`` (the active one by default): English where it exists."""
        return _title_in(self.title, self.title_en, language)

    @property
    def display_title(self) -> str:
        """The title in the active language, beside a "ครั้งที่ n" of its own."""
        return self.title_in()

    @property
    def numbered_title(self) -> str:
        """ "ครั้งที่ 1: <title>" in the active language, where the number has no place
        of its own (a line in an e-mail, a report's column, the room's name)."""
        return _("Round %(number)s: %(title)s") % {
            "number": self.number,
            "title": self.display_title,
        }

    def clean(self):
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The round must end after it starts.")
        opens, closes = self.registration_opens_at, self.registration_closes_at
        if opens and closes and closes <= opens:
            errors["registration_closes_at"] = _("Registration must close after it opens.")
        if errors:
            raise ValidationError(errors)

    @property
    def join_opens_at(self) -> datetime.datetime:
        return self.starts_at - datetime.timedelta(minutes=self.join_window_minutes)

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    def is_registration_open(self, now: datetime.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.registration_opens_at <= now <= self.registration_closes_at


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    WAITLISTED = "waitlisted", _("Wait-listed")
    CANCELLED = "cancelled", _("Cancelled")


class EnrolmentQuerySet(models.QuerySet):
    def for_round(self, round_):
        return self.filter(round=round_)

    def for_user(self, user):
        return self.filter(user=user)

    def enrolled(self):
        return self.filter(status=EnrolmentStatus.ENROLLED)

    def waitlisted(self):
        return self.filter(status=EnrolmentStatus.WAITLISTED)

    def active(self):
        """Holding a seat or a place in the queue."""
        return self.exclude(status=EnrolmentStatus.CANCELLED)

    def in_queue_order(self):
        return self.order_by("queued_at", "pk")

    def with_queue_position(self):
        """Annotate ``queue_position``: 1 for the first on a round's wait list (else None)."""
        ahead = (
            Enrolment.objects.filter(
                round=models.OuterRef("round"), status=EnrolmentStatus.WAITLISTED
            )
            .filter(
                models.Q(queued_at__lt=models.OuterRef("queued_at"))
                | models.Q(queued_at=models.OuterRef("queued_at"), pk__lt=models.OuterRef("pk"))
            )
            .order_by()
            .values("round")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        return self.annotate(
            queue_position=models.Case(
                models.When(
                    status=EnrolmentStatus.WAITLISTED,
                    then=Coalesce(models.Subquery(ahead), 0) + 1,
                ),
                default=None,
                output_field=models.IntegerField(),
            )
        )


class Enrolment(models.Model):
    """A participant's place in one round: a seat, a place in the queue, or cancelled."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="enrolments",
    )
    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="enrolments"
    )
    status = models.CharField(_("status"), max_length=16, choices=EnrolmentStatus.choices)
    # Where the participant came from (the QR's ?src= tag), for DLA's reach statistics.
    src = models.CharField(_("source tag"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)
    # When the participant (re)joined the queue: the wait list is served in this order.
    queued_at = models.DateTimeField(_("queued at"), default=timezone.now)
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["round", "queued_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "round"], name="enrolment_once_per_round"),
            models.CheckConstraint(
                condition=models.Q(status__in=EnrolmentStatus.values),
                name="enrolment_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["round", "status", "queued_at"])]

    def __str__(self):
        return f"{self.user} · {self.round} · {self.get_status_display()}"


class NoticeKind(models.TextChoices):
    CONFIRMATION = "confirmation", _("Enrolment confirmation")
    WAITLISTED = "waitlisted", _("Wait-list notice")
    PROMOTED = "promoted", _("Promotion from the wait list")
    REMINDER_DAY = "reminder_day", _("Reminder the day before")
    REMINDER_HOUR = "reminder_hour", _("Reminder one hour before")


class EnrolmentNotice(models.Model):
    """An e-mail sent about an enrolment, so a task that runs twice sends it once.

    ``key`` tells apart notices of the same kind: the time the enrolment joined the queue
    (a re-enrolment is confirmed anew) or the round's start (a moved round is reminded anew).
    """

    enrolment = models.ForeignKey(
        Enrolment, verbose_name=_("enrolment"), on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=NoticeKind.choices)
    key = models.CharField(_("key"), max_length=64)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("enrolment notice")
        verbose_name_plural = _("enrolment notices")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "kind", "key"], name="enrolmentnotice_once_per_key"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=NoticeKind.values), name="enrolmentnotice_kind_valid"
            ),
        ]

    def __str__(self):
        return f"{self.enrolment_id} · {self.kind} · {self.key}"
