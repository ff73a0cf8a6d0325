"""Thai e-mails: rendered from templates, sent by the background worker.

Each message has three templates under ``templates/<app_label>/email/``:
``<name>_subject.txt``, ``<name>.txt`` and ``<name>.html``. Call
``queue_templated_mail`` inside a service; it sends after the transaction commits.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation


def render_templated_mail(
    *, template: str, context: dict, to: list[str], attachments=(), language: str = "th"
) -> EmailMultiAlternatives:
    context = {"site_url": settings.SITE_URL, **context}
    with translation.override(language):
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(subject=" ".join(subject.split()), body=text, to=to)
    message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    return message


def queue_templated_mail(*, template: str, context: dict, to: list[str]) -> None:
    """Send after commit through the worker; ``context`` must be JSON-serialisable."""
    from .tasks import send_templated_mail

    transaction.on_commit(
        lambda: send_templated_mail.enqueue(template=template, context=context, to=to)
    )
