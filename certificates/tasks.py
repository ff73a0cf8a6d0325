"""Background work on the ``certificates`` queue; every task takes ids and may run twice."""

from django_tasks import task

from . import services


@task(backend="db", queue_name="certificates")
def run_issuance_job_task(*, job_id: int) -> dict:
    return services.run_issuance_job(job_id)


@task(backend="db", queue_name="certificates")
def render_certificate_pdfs(*, certificate_ids: list[int]) -> int:
    return services.render_missing_pdfs(certificate_ids)
