from django_tasks import task

from .mail import render_templated_mail


@task(backend="db", queue_name="mail")
def send_templated_mail(*, template: str, context: dict, to: list[str]) -> None:
    render_templated_mail(template=template, context=context, to=to).send()
