"""A task for fault tests: it leaves a file behind, so a test sees that it ran."""

from pathlib import Path

from django_tasks import task


@task(backend="db")
def leave_a_mark(*, path: str) -> str:
    Path(path).write_text("ran")
    return path
