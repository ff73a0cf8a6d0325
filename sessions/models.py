import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


def new_meeting_id() -> str:
    """Stable for the round, unguessable: a join needs our checksum anyway, but nobody
    should be able to guess a meeting's ID from the round number."""
    return f"esc-{secrets.token_hex(12)}"


def new_nonce() -> str:
    return secrets.token_urlsafe(24)


class LiveSessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CREATED = "created", _("Started, waiting for the trainer")
    RUNNING = "running", _("In progress")
    ENDED = "ended", _("Ended")


class LiveSessionQuerySet(models.QuerySet):
    def active(self):
        """Sessions BigBlueButton may be holding now: polled for presence."""
        return self.filter(status__in=[LiveSessionStatus.CREATED, LiveSessionStatus.RUNNING])


class LiveSession(models.Model):
    """The BigBlueButton meeting of one round."""

    round = models.OneToOneField(
        "courses.Round",
        verbose_name=_("round"),
        on_delete=models.CASCADE,
        related_name="live_session",
    )
    meeting_id = models.CharField(
        _("BBB meeting ID"), max_length=64, unique=True, default=new_meeting_id, editable=False
    )
    # Put in the (unsigned) end-callback URL so a forged call cannot end our session.
    callback_nonce = models.CharField(max_length=64, unique=True, default=new_nonce, editable=False)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=LiveSessionStatus.choices,
        default=LiveSessionStatus.SCHEDULED,
    )
    present_min_percent = models.PositiveSmallIntegerField(
        _("present from (percentage of scheduled time)"),
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("A participant present at least this share of the scheduled time is present."),
    )
    record = models.BooleanField(_("record the session"), default=True)
    # The current BigBlueButton instance (a new one after each end and re-create).
    internal_meeting_id = models.CharField(max_length=100, blank=True)
    create_time_ms = models.BigIntegerField(null=True, blank=True)
    # BBB's clock minus ours (ms), measured at create: BBB times are converted with it.
    clock_offset_ms = models.BigIntegerField(default=0)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    status_checked_at = models.DateTimeField(null=True, blank=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    next_poll_at = models.DateTimeField(null=True, blank=True)
    # The follow-up after the end (recordings, reconciliation): when its chain runs next.
    next_follow_up_at = models.DateTimeField(null=True, blank=True)
    reconciled_at = models.DateTimeField(_("attendance reconciled at"), null=True, blank=True)

    objects = LiveSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("live session")
        verbose_name_plural = _("live sessions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=LiveSessionStatus.values),
                name="livesession_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(present_min_percent__gte=1, present_min_percent__lte=100),
                name="livesession_present_percent_1_to_100",
            ),
        ]

    def __str__(self):
        return str(self.round)

    @property
    def is_ended(self) -> bool:
        return self.status == LiveSessionStatus.ENDED


class MeetingInstance(models.Model):
    """One BigBlueButton instance of a session's meeting (a new one after each end and
    re-create), as we created it or saw it in BBB's signed answers. The analytics callback
    names an instance in its body, which BBB's token does not cover: only these are believed."""

    session = models.ForeignKey(
        LiveSession, on_delete=models.CASCADE, related_name="instances", verbose_name=_("session")
    )
    internal_meeting_id = models.CharField(max_length=100, unique=True)
    create_time_ms = models.BigIntegerField(null=True, blank=True)
    first_seen_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("BBB meeting instance")
        verbose_name_plural = _("BBB meeting instances")
        ordering = ["first_seen_at", "pk"]

    def __str__(self):
        return self.internal_meeting_id


class AttendanceSource(models.TextChoices):
    JOIN_REDIRECT = "join_redirect", _("Join button")
    WEBHOOK = "webhook", _("BBB webhook")
    POLL = "poll", _("BBB meeting poll")
    ANALYTICS = "analytics", _("BBB analytics callback")
    MANUAL = "manual", _("Trainer's mark")
    IMPORT = "import", _("Learning Dashboard import")


class AttendanceEventKind(models.TextChoices):
    JOIN_CLICK = "join_click", _("Pressed Join")
    PRESENCE = "presence", _("Present in the meeting")
    JOINED = "joined", _("Entered the meeting")
    LEFT = "left", _("Left the meeting")
    MINUTES = "minutes", _("Minutes reported")
    MARK = "mark", _("Status marked")
    CO_VIEWER = "co_viewer", _("Watched on another participant's screen")


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    PARTIAL = "partial", _("Partly present")
    ABSENT = "absent", _("Absent")
    EXCUSED = "excused", _("Excused")


class AttendanceEventQuerySet(models.QuerySet):
    def for_session(self, session):
        return self.filter(session=session)


class AttendanceEvent(models.Model):
    """Raw evidence of attendance, kept as received; ``reconcile_attendance`` reads it."""

    session = models.ForeignKey(
        LiveSession, on_delete=models.CASCADE, related_name="events", verbose_name=_("session")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attendance_events",
        verbose_name=_("participant"),
    )
    # The userID BigBlueButton reported (kept even when it matches none of our users).
    external_user_id = models.CharField(max_length=100, blank=True)
    # BigBlueButton's ID of one connection (a webhook's internal-user-id): pairs a join with
    # its leave when the same participant is in twice (two devices, a rejoin).
    internal_user_id = models.CharField(max_length=100, blank=True)
    source = models.CharField(_("source"), max_length=16, choices=AttendanceSource.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=AttendanceEventKind.choices)
    occurred_at = models.DateTimeField(_("occurred at"))
    # Presence on our clock (BBB times already corrected by the session's clock offset):
    # one interval in started_at/ended_at, or several in ``intervals`` ([start_ms, end_ms]).
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    intervals = models.JSONField(default=list, blank=True)
    minutes = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(
        max_length=16, choices=AttendanceStatus.choices, blank=True
    )  # a trainer's mark; blank clears an earlier one
    host_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("watched on the screen of"),
    )
    reason = models.TextField(_("reason"), blank=True)
    payload = models.JSONField(_("raw payload"), default=dict, blank=True)
    dedupe_key = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AttendanceEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("attendance event")
        verbose_name_plural = _("attendance events")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="attendanceevent_dedupe_once",
            ),
            models.CheckConstraint(
                condition=models.Q(source__in=AttendanceSource.values),
                name="attendanceevent_source_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=AttendanceEventKind.values),
                name="attendanceevent_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_at__isnull=True)
                | models.Q(ended_at__gte=models.F("started_at")),
                name="attendanceevent_interval_ordered",
            ),
        ]
        indexes = [models.Index(fields=["session", "user"])]

    def __str__(self):
        return f"{self.get_source_display()} · {self.get_kind_display()}"


class AttendanceRecordQuerySet(models.QuerySet):
    def for_session(self, session):
        return self.filter(session=session)


class AttendanceRecord(models.Model):
    """One participant's reconciled attendance in one session."""

    session = models.ForeignKey(
        LiveSession, on_delete=models.CASCADE, related_name="records", verbose_name=_("session")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="attendance_records",
        verbose_name=_("participant"),
    )
    minutes_present = models.PositiveIntegerField(_("minutes present"), default=0)
    scheduled_minutes = models.PositiveIntegerField(_("scheduled minutes"), default=0)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=AttendanceStatus.choices,
        default=AttendanceStatus.ABSENT,
    )
    decided_by = models.CharField(
        _("decided by"), max_length=16, choices=AttendanceSource.choices, blank=True
    )
    first_seen_at = models.DateTimeField(_("first seen"), null=True, blank=True)
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True)
    overridden = models.BooleanField(_("overridden by a trainer"), default=False)
    override_reason = models.TextField(_("reason for the override"), blank=True)
    co_viewer_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("watched on the screen of"),
    )
    reconciled_at = models.DateTimeField(_("reconciled at"), auto_now=True)

    objects = AttendanceRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("attendance record")
        verbose_name_plural = _("attendance records")
        ordering = ["session", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"], name="attendancerecord_once_per_participant"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=AttendanceStatus.values),
                name="attendancerecord_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_status_display()}"

    @property
    def measured_minutes(self) -> int | None:
        """Minutes seen in the meeting; None when a trainer's mark decided and nothing was
        measured (shown as "–", not "0 minutes")."""
        if self.overridden and not self.minutes_present:
            return None
        return self.minutes_present

    @property
    def percent(self) -> int:
        if not self.scheduled_minutes:
            return 0
        return min(100, self.minutes_present * 100 // self.scheduled_minutes)


class CallbackKind(models.TextChoices):
    END = "end", _("Meeting ended")
    RECORDING_READY = "recording_ready", _("Recording ready")
    ANALYTICS = "analytics", _("Analytics")
    WEBHOOK = "webhook", _("Webhook")


class CallbackOutcome(models.TextChoices):
    PROCESSED = "processed", _("Processed")
    DUPLICATE = "duplicate", _("Duplicate (already processed)")
    MALFORMED = "malformed", _("Malformed")
    UNKNOWN_MEETING = "unknown_meeting", _("Unknown meeting")
    # The signature did not verify: a forgery, or a server signing with another secret
    # (BBB#21453). BBB never sends a callback again, so it is kept for DLA to see.
    REJECTED = "rejected", _("Rejected (signature did not verify)")


class CallbackDelivery(models.Model):
    """Every authenticated callback from BigBlueButton, kept verbatim; of those whose
    signature failed, a bounded number (outcome "rejected", body cut short)."""

    kind = models.CharField(_("kind"), max_length=16, choices=CallbackKind.choices)
    session = models.ForeignKey(
        LiveSession, on_delete=models.SET_NULL, null=True, blank=True, related_name="callbacks"
    )
    dedupe_key = models.CharField(max_length=200, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=CallbackOutcome.choices)
    detail = models.TextField(_("detail"), blank=True)
    body = models.TextField(_("body"), blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("BBB callback")
        verbose_name_plural = _("BBB callbacks")
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "dedupe_key"],
                condition=models.Q(outcome="processed"),
                name="callbackdelivery_processed_once",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=CallbackKind.values),
                name="callbackdelivery_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(outcome__in=CallbackOutcome.values),
                name="callbackdelivery_outcome_valid",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.get_outcome_display()}"


class RecordingQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)


class Recording(models.Model):
    """A BigBlueButton recording of a session (one per meeting instance)."""

    session = models.ForeignKey(
        LiveSession, on_delete=models.CASCADE, related_name="recordings", verbose_name=_("session")
    )
    record_id = models.CharField(_("record ID"), max_length=100, unique=True)
    state = models.CharField(_("state"), max_length=20, blank=True)
    published = models.BooleanField(_("published"), default=False)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    playback_url = models.URLField(_("playback URL"), max_length=500, blank=True)
    length_minutes = models.PositiveIntegerField(default=0)
    formats = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RecordingQuerySet.as_manager()

    class Meta:
        verbose_name = _("recording")
        verbose_name_plural = _("recordings")
        ordering = ["started_at", "pk"]

    def __str__(self):
        return self.record_id


class AttendanceImport(models.Model):
    """An uploaded BBB Learning Dashboard CSV, kept until the trainer confirms it."""

    session = models.ForeignKey(
        LiveSession, on_delete=models.CASCADE, related_name="imports", verbose_name=_("session")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    filename = models.CharField(max_length=255, blank=True)
    content = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    rows_applied = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("attendance import")
        verbose_name_plural = _("attendance imports")

    def __str__(self):
        return self.filename or f"import {self.pk}"
