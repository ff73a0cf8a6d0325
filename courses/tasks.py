"""Background e-mails about enrolments (queue ``mail`` of the ``db`` backend).

Tasks take ids and are idempotent: ``courses.notices`` records each e-mail it sends.
"""

from django_tasks import task

from . import notices


@task(backend="db", queue_name="mail")
def send_registration_notice(*, enrolment_ids: list[int]) -> None:
    notices.deliver_registration_notice(enrolment_ids=enrolment_ids)


@task(backend="db", queue_name="mail")
def send_promotion_notice(*, enrolment_id: int) -> None:
    notices.deliver_promotion_notice(enrolment_id=enrolment_id)


@task(backend="db", queue_name="mail")
def send_enrolment_reminder(*, enrolment_id: int, kind: str, starts_at: str) -> None:
    """Scheduled with ``run_after`` a day and an hour before the round; checks again now."""
    notices.deliver_reminder(enrolment_id=enrolment_id, kind=kind, starts_at=starts_at)
