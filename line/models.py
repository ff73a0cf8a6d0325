"""What the LINE channel keeps: who linked which LINE account, every notice sent (so a task
run twice sends once), the multicast batches with their retry keys, and raw webhooks."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Channels(models.TextChoices):
    """Where the participant wants their training notices."""

    LINE = "line", _("LINE only")
    EMAIL = "email", _("E-mail only")
    BOTH = "both", _("LINE and e-mail")


class LineLinkQuerySet(models.QuerySet):
    def reachable(self):
        """Linked, still a friend of the official account, and wanting LINE."""
        return self.filter(
            line_user_id__isnull=False,
            following=True,
            channels__in=[Channels.LINE, Channels.BOTH],
        )


class LineLink(models.Model):
    """A participant's LINE account. Pending while only a one-time code exists (the
    participant sends it to the official account) or while they have not added the
    account as a friend; ``following`` turns off when they block it (unfollow)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="line_link",
    )
    line_user_id = models.CharField(
        _("LINE user ID"), max_length=64, null=True, blank=True, unique=True
    )
    display_name = models.CharField(_("LINE display name"), max_length=255, blank=True)
    following = models.BooleanField(_("friend of the official account"), default=False)
    channels = models.CharField(
        _("notices by"), max_length=8, choices=Channels.choices, default=Channels.BOTH
    )
    # NULL, not "": many people have no code, and the code is unique among those who do.
    link_code = models.CharField(  # noqa: DJ001
        _("one-time code"), max_length=16, null=True, blank=True
    )
    link_code_expires_at = models.DateTimeField(_("code expires at"), null=True, blank=True)
    linked_at = models.DateTimeField(_("linked at"), null=True, blank=True)
    unfollowed_at = models.DateTimeField(_("blocked at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = LineLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("LINE link")
        verbose_name_plural = _("LINE links")
        constraints = [
            models.UniqueConstraint(fields=["link_code"], name="linelink_code_unique"),
            models.CheckConstraint(
                condition=models.Q(channels__in=Channels.values), name="linelink_channels_valid"
            ),
        ]

    def __str__(self):
        return f"{self.user_id} · {self.line_user_id or '-'}"

    @property
    def is_linked(self) -> bool:
        return bool(self.line_user_id)


class NoticeKind(models.TextChoices):
    CONFIRMATION = "confirmation", _("Enrolment confirmation")
    WAITLISTED = "waitlisted", _("Wait-list notice")
    PROMOTED = "promoted", _("Promotion from the wait list")
    REMINDER_DAY = "reminder_day", _("Reminder the day before")
    REMINDER_HOUR = "reminder_hour", _("Reminder one hour before")
    ROOM_OPEN = "room_open", _("The room is open")
    POST_TEST_OPEN = "post_test_open", _("The post-test is open")
    CERTIFICATE_ISSUED = "certificate_issued", _("Certificate issued")
    CERTIFICATE_REVOKED = "certificate_revoked", _("Certificate revoked")


class BatchStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Refused by LINE (sent by e-mail)")


class LineBatch(models.Model):
    """One push or multicast call (up to 500 recipients) with its retry key.

    The batch and its notices are committed before the call, so a retry after a lost
    answer or a crashed worker goes out with the same ``X-Line-Retry-Key``: LINE answers
    409 for a key it has accepted, and nobody gets the message twice."""

    retry_key = models.UUIDField(_("retry key"), default=uuid.uuid4, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=NoticeKind.choices)
    key = models.CharField(_("key"), max_length=64)
    message = models.JSONField(_("messages"))
    status = models.CharField(
        _("status"), max_length=8, choices=BatchStatus.choices, default=BatchStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    request_id = models.CharField(_("LINE request ID"), max_length=64, blank=True)
    error = models.CharField(_("last error"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("LINE batch")
        verbose_name_plural = _("LINE batches")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=BatchStatus.values), name="linebatch_status_valid"
            ),
        ]

    def __str__(self):
        return f"{self.kind} · {self.key} · {self.status}"


class NoticeChannel(models.TextChoices):
    LINE = "line", _("LINE")
    EMAIL = "email", _("E-mail (fallback)")


class LineNotice(models.Model):
    """A notice that went (or is going) to a participant through this app: by LINE, or by
    e-mail when LINE could not take it (quota spent, refused). One per person, kind and key."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="line_notices",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=NoticeKind.choices)
    key = models.CharField(_("key"), max_length=64)
    channel = models.CharField(_("channel"), max_length=8, choices=NoticeChannel.choices)
    batch = models.ForeignKey(
        LineBatch,
        verbose_name=_("batch"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notices",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("LINE notice")
        verbose_name_plural = _("LINE notices")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "key"], name="linenotice_once_per_key"),
            models.CheckConstraint(
                condition=models.Q(kind__in=NoticeKind.values), name="linenotice_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(channel__in=NoticeChannel.values),
                name="linenotice_channel_valid",
            ),
        ]

    def __str__(self):
        return f"{self.user_id} · {self.kind} · {self.key} · {self.channel}"


class WebhookStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    PROCESSED = "processed", _("Processed")
    IGNORED = "ignored", _("Ignored (kept)")


class LineWebhookEvent(models.Model):
    """One webhook event as LINE sent it (signature checked first). ``webhookEventId``
    is unique, so a replayed or redelivered event changes nothing."""

    webhook_event_id = models.CharField(_("webhook event ID"), max_length=64, unique=True)
    event_type = models.CharField(_("type"), max_length=32)
    line_user_id = models.CharField(_("LINE user ID"), max_length=64, blank=True, db_index=True)
    payload = models.JSONField(_("event"))
    status = models.CharField(
        _("status"), max_length=12, choices=WebhookStatus.choices, default=WebhookStatus.RECEIVED
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("LINE webhook event")
        verbose_name_plural = _("LINE webhook events")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=WebhookStatus.values),
                name="linewebhookevent_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.event_type} · {self.webhook_event_id}"


class ScheduleKind(models.TextChoices):
    REMINDER_DAY = "reminder_day", _("Reminder the day before")
    REMINDER_HOUR = "reminder_hour", _("Reminder one hour before")
    POST_TEST_OPEN = "post_test_open", _("The post-test is open")


class LineSchedule(models.Model):
    """A round-wide LINE send due at a time (one deferred task each, enqueued once). When the
    round or the post-test moves, a new row is made and the old task finds itself stale."""

    round = models.ForeignKey(
        "courses.Round", verbose_name=_("round"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=ScheduleKind.choices)
    due_at = models.DateTimeField(_("due at"))

    class Meta:
        verbose_name = _("scheduled LINE send")
        verbose_name_plural = _("scheduled LINE sends")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "kind", "due_at"], name="lineschedule_once_per_time"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=ScheduleKind.values), name="lineschedule_kind_valid"
            ),
        ]

    def __str__(self):
        return f"{self.round_id} · {self.kind} · {self.due_at}"


class QuotaReading(models.Model):
    """The monthly quota as read from LINE before a bulk send, shown to DLA."""

    limit = models.PositiveIntegerField(_("monthly limit"), null=True, blank=True)
    used = models.PositiveIntegerField(_("used this month"))
    read_at = models.DateTimeField(_("read at"), default=timezone.now)

    class Meta:
        verbose_name = _("LINE quota reading")
        verbose_name_plural = _("LINE quota readings")
        ordering = ["-read_at"]

    def __str__(self):
        return f"{self.used}/{self.limit}"

    @property
    def remaining(self) -> int | None:
        return None if self.limit is None else max(self.limit - self.used, 0)
