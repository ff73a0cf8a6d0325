"""Sending one kind of notice to many people over LINE, each once, within the quota.

``deliver`` is what every task calls:

1. who can get it by LINE: linked, a friend of the official account, wanting LINE, and
   not already sent this notice (``LineNotice`` per person, kind and key);
2. before a bulk send, the month's remaining quota is read from LINE (and kept for DLA's
   page); the first ``remaining`` people get LINE, the rest e-mail;
3. the notices and their batches (≤ 500 people, one retry key each) are committed first,
   then each batch is sent (multicast, or push for one person). A batch LINE refuses
   (quota spent, invalid) goes to e-mail; one that fails with 429 or 5xx after the
   retries stays pending and is sent again later with the same retry key.

A second run finds every notice recorded and sends nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from . import client
from .messages import Notice
from .models import (
    BatchStatus,
    LineBatch,
    LineLink,
    LineNotice,
    NoticeChannel,
    QuotaReading,
)

logger = logging.getLogger(__name__)

MULTICAST_MAX = 500

EmailFallback = Callable[[list[int]], int]


@dataclass
class DeliveryResult:
    line: int = 0  # people reached by LINE in this run
    email: int = 0  # e-mails sent instead
    pending: int = 0  # people whose batch is waiting for a retry
    batches: list[int] = field(default_factory=list)
    quota_remaining: int | None = None


def read_and_keep_quota() -> client.Quota | None:
    """The quota from LINE, kept as a reading for DLA's page; None when LINE did not answer."""
    try:
        quota = client.read_quota()
    except client.LineApiError as error:
        logger.warning("Could not read the LINE quota: %s", error)
        return None
    QuotaReading.objects.create(limit=quota.limit, used=quota.used)
    return quota


def _chunks(items: Sequence, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _plan(
    *,
    kind: str,
    key: str,
    user_ids: Sequence[int],
    notice: Notice | Callable[[int], Notice],
    bulk: bool,
    result: DeliveryResult,
) -> list[int]:
    """Claim the notices; returns the user ids that must get e-mail instead (over quota)."""
    already = LineNotice.objects.filter(kind=kind, key=key, user_id__in=user_ids).values("user_id")
    candidates = list(
        LineLink.objects.reachable()
        .filter(user_id__in=user_ids)
        .exclude(user_id__in=already)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
    if not candidates:
        return []
    remaining = None
    if bulk:
        quota = read_and_keep_quota()
        remaining = quota.remaining if quota is not None else None
        result.quota_remaining = remaining
    by_line = candidates if remaining is None else candidates[:remaining]
    over = [] if remaining is None else candidates[remaining:]
    now = timezone.now()
    with transaction.atomic():
        personal = callable(notice)
        groups = [[user_id] for user_id in by_line] if personal else _chunks(by_line, MULTICAST_MAX)
        for group in groups:
            message = (notice(group[0]) if personal else notice).line_messages()
            batch = LineBatch.objects.create(kind=kind, key=key, message=message, created_at=now)
            LineNotice.objects.bulk_create(
                [
                    LineNotice(
                        user_id=user_id,
                        kind=kind,
                        key=key,
                        channel=NoticeChannel.LINE,
                        batch=batch,
                        created_at=now,
                    )
                    for user_id in group
                ],
                ignore_conflicts=True,  # a parallel run claimed some: they are its
            )
        if over:
            LineNotice.objects.bulk_create(
                [
                    LineNotice(
                        user_id=user_id,
                        kind=kind,
                        key=key,
                        channel=NoticeChannel.EMAIL,
                        created_at=now,
                    )
                    for user_id in over
                ],
                ignore_conflicts=True,
            )
    # Only those this run really claimed (ignore_conflicts hides the others).
    if not over:
        return []
    return list(
        LineNotice.objects.filter(
            kind=kind, key=key, user_id__in=over, channel=NoticeChannel.EMAIL, created_at=now
        ).values_list("user_id", flat=True)
    )


def send_batch(batch_id: int, *, sleep: Callable[[float], None] | None = None) -> list[int]:
    """Send one pending batch; returns the user ids LINE refused (to be e-mailed)."""
    with transaction.atomic():
        batch = LineBatch.objects.select_for_update(skip_locked=True).filter(pk=batch_id).first()
        if batch is None or batch.status != BatchStatus.PENDING:
            return []
        batch.attempts += 1
        batch.save(update_fields=["attempts"])
    recipients = list(
        LineNotice.objects.filter(batch=batch, user__line_link__line_user_id__isnull=False)
        .order_by("user_id")
        .values_list("user__line_link__line_user_id", flat=True)
    )
    if not recipients:
        LineBatch.objects.filter(pk=batch.pk).update(
            status=BatchStatus.SENT, sent_at=timezone.now()
        )
        return []
    try:
        request_id = client.send(
            to=recipients, messages=batch.message, retry_key=str(batch.retry_key), sleep=sleep
        )
    except client.LineApiError as error:
        if error.retryable:
            LineBatch.objects.filter(pk=batch.pk).update(error=str(error)[:255])
            _retry_later(batch.pk)
            return []
        with transaction.atomic():
            LineBatch.objects.filter(pk=batch.pk).update(
                status=BatchStatus.FAILED, error=str(error)[:255]
            )
            refused = list(LineNotice.objects.filter(batch=batch).values_list("user_id", flat=True))
            LineNotice.objects.filter(batch=batch).update(channel=NoticeChannel.EMAIL)
        logger.warning("LINE refused batch %s (%s): e-mail instead", batch.pk, error)
        return refused
    LineBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.SENT, request_id=request_id, sent_at=timezone.now(), error=""
    )
    return []


def _retry_later(batch_id: int) -> None:
    from .tasks import RETRY_AFTER, retry_line_batch

    if not retry_line_batch.get_backend().supports_defer:
        return
    retry_line_batch.using(run_after=timezone.now() + RETRY_AFTER).enqueue(batch_id=batch_id)


def deliver(
    *,
    kind: str,
    key: str,
    user_ids: Sequence[int],
    notice: Notice | Callable[[int], Notice],
    email_fallback: EmailFallback,
    bulk: bool = True,
    sleep: Callable[[float], None] | None = None,
) -> DeliveryResult:
    """Send ``notice`` (one for all, or one per user id when a callable) to ``user_ids``
    over LINE, each once; e-mail those LINE cannot take. Idempotent."""
    result = DeliveryResult()
    if not client.is_enabled() or not user_ids:
        return result
    to_email = _plan(kind=kind, key=key, user_ids=user_ids, notice=notice, bulk=bulk, result=result)
    # Every batch of this notice still pending: this run's, and any a crash or an outage
    # left behind (sent again with their retry keys).
    pending = list(
        LineBatch.objects.filter(kind=kind, key=key, status=BatchStatus.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for batch_id in pending:
        to_email.extend(send_batch(batch_id, sleep=sleep))
        result.batches.append(batch_id)
    sent = LineBatch.objects.filter(pk__in=pending, status=BatchStatus.SENT)
    result.line = LineNotice.objects.filter(batch__in=sent).count()
    result.pending = LineNotice.objects.filter(
        batch__in=pending, batch__status=BatchStatus.PENDING
    ).count()
    if to_email:
        result.email = email_fallback(sorted(set(to_email)))
    return result
