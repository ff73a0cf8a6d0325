"""Writes of the reports app: the country-wide round summary and its debounced recount.

The domain apps announce, after commit, the changes that move the round dashboard's
counts (``reports.receivers``). Each announcement asks for a recount; requests that come
while one is already queued change nothing, so a rush of enrolments costs one cheap
UPDATE each and a bounded number of recounts (at most one queued and one running; the
queued one waits ``REPORTS_SUMMARY_DELAY_SECONDS`` on the database task backend, so
everything that happens in that time is counted together).
"""

import datetime
import logging

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone

from . import selectors
from .models import MEASURES, RoundSummary, RoundSummaryCell
from .scope import COUNTRY, Scope

logger = logging.getLogger(__name__)

SUMMARY_PK = 1
# A request older than this whose recount never ran (a worker lost the task) may be
# queued again.
STALE_REQUEST = datetime.timedelta(minutes=10)


def refresh_round_summary() -> RoundSummary:
    """Count the country's round cells again and replace the summary rows (idempotent).

    The recount flag is cleared first, in its own commit, so a change committed while
    this runs queues the next recount instead of being lost. Recounts run one at a time
    (the summary row is locked); readers see the old rows until the new ones commit.
    """
    RoundSummary.objects.filter(pk=SUMMARY_PK).update(refresh_pending=False)
    with transaction.atomic():
        summary, _created = RoundSummary.objects.select_for_update().get_or_create(pk=SUMMARY_PK)
        started = timezone.now()
        cells = selectors.live_round_cells(Scope(COUNTRY), {})
        RoundSummaryCell.objects.all().delete()
        RoundSummaryCell.objects.bulk_create(
            [
                RoundSummaryCell(
                    round_id=round_id,
                    province_code=province or "",
                    lao_type=lao_type or "",
                    **{measure: counts.get(measure, 0) for measure in MEASURES},
                )
                for (round_id, province, lao_type), counts in cells.items()
                if round_id is not None
            ],
            batch_size=1000,
        )
        summary.refreshed_at = started
        summary.save(update_fields=["refreshed_at"])
    return summary


def request_summary_refresh() -> bool:
    """Queue a recount unless one is already queued; True when this call queued it.

    One UPDATE of the summary's row (made by the migration), which changes nothing while
    a recount is queued: cheap enough for every enrolment and certificate.
    """
    now = timezone.now()
    try:
        claimed = (
            RoundSummary.objects.filter(pk=SUMMARY_PK)
            .filter(Q(refresh_pending=False) | Q(refresh_requested_at__lt=now - STALE_REQUEST))
            .update(refresh_pending=True, refresh_requested_at=now)
        )
    except DatabaseError:
        # The change itself is committed; a dashboard a little behind is no reason to fail.
        logger.exception("Could not queue the round summary recount")
        return False
    if claimed:
        _enqueue_refresh()
    return bool(claimed)


def _enqueue_refresh() -> None:
    from .tasks import refresh_round_summary_task

    task = refresh_round_summary_task
    delay = settings.REPORTS_SUMMARY_DELAY_SECONDS
    if delay and task.get_backend().supports_defer:
        task = task.using(run_after=timezone.now() + datetime.timedelta(seconds=delay))
    task.enqueue()
