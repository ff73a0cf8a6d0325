"""LINE's background work (queue ``line`` of the ``db`` backend). Tasks take ids and are
idempotent: ``LineNotice`` records every notice, ``LineWebhookEvent`` every event."""

import datetime

from django_tasks import task

from . import delivery, notify, services

RETRY_AFTER = datetime.timedelta(minutes=5)


@task(backend="db", queue_name="line")
def process_line_webhook_event(*, event_id: int) -> None:
    services.process_webhook_event(event_id=event_id)


@task(backend="db", queue_name="line")
def refresh_friendship(*, link_id: int) -> None:
    services.refresh_friendship_status(link_id=link_id)


@task(backend="db", queue_name="line")
def send_enrolment_line_notice(*, enrolment_id: int, previous_status: str | None) -> None:
    notify.notify_enrolment(enrolment_id=enrolment_id, previous_status=previous_status)


@task(backend="db", queue_name="line")
def ensure_line_round_schedule(*, round_id: int) -> None:
    notify.ensure_round_schedule(round_id=round_id)


@task(backend="db", queue_name="line")
def run_line_schedule(*, schedule_id: int) -> None:
    """Deferred to the due time (a day and an hour before, the post-test's opening)."""
    notify.run_schedule(schedule_id=schedule_id)


@task(backend="db", queue_name="line")
def send_room_open_line_notice(*, live_session_id: int) -> None:
    notify.send_room_open(live_session_id=live_session_id)


@task(backend="db", queue_name="line")
def send_certificate_line_notice(*, certificate_id: int, kind: str) -> None:
    notify.send_certificate_notice(certificate_id=certificate_id, kind=kind)


@task(backend="db", queue_name="line")
def retry_line_batch(*, batch_id: int) -> None:
    """A batch that failed with 429 or 5xx after its retries, tried again with its key."""
    refused = delivery.send_batch(batch_id)
    if refused:
        notify.email_refused_batch(batch_id=batch_id, user_ids=refused)
