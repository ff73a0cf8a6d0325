"""Background work of the reports app; tasks take no model instances and may run twice."""

from django_tasks import task

from . import services


@task(backend="db", queue_name="default")
def refresh_round_summary_task() -> str:
    return services.refresh_round_summary().refreshed_at.isoformat()
