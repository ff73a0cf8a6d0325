"""E-mail sent by a task keeps its Message-ID when the task runs again.

Tasks run at least once: a worker killed between handing a message to the SMTP server
and recording the task as done (config.worker) leaves the task to run again, and that
message goes out twice. SMTP offers nothing better. What we can do is send the same
message: inside a task, a message without a Message-ID gets one made from the task's id
and its place among the task's messages, so the copy has the Message-ID of the original
and mail systems that de-duplicate by Message-ID show it once.

``EMAIL_BACKEND`` is this wrapper; ``EMAIL_DELIVERY_BACKEND`` (the ``EMAIL_BACKEND``
environment variable: SMTP in production) delivers.
"""

import contextlib
import contextvars
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend

_task: contextvars.ContextVar[dict | None] = contextvars.ContextVar("esc_mail_task", default=None)


@contextlib.contextmanager
def sending_for_task(task_id: str):
    """Messages sent inside get Message-IDs made from ``task_id`` (config.worker)."""
    token = _task.set({"id": task_id, "sent": 0})
    try:
        yield
    finally:
        _task.reset(token)


def _stable_message_id(task: dict) -> str:
    domain = urlsplit(settings.SITE_URL).hostname or "esc-training.local"
    message_id = f"<task-{task['id']}-{task['sent']}@{domain}>"
    task["sent"] += 1
    return message_id


class StableMessageIdBackend(BaseEmailBackend):
    def __init__(self, fail_silently=False, **kwargs):
        super().__init__(fail_silently=fail_silently)
        self.delivery = get_connection(
            settings.EMAIL_DELIVERY_BACKEND, fail_silently=fail_silently, **kwargs
        )

    def open(self):
        return self.delivery.open()

    def close(self):
        return self.delivery.close()

    def send_messages(self, email_messages):
        task = _task.get()
        if task is not None:
            for message in email_messages:
                if not any(name.lower() == "message-id" for name in message.extra_headers):
                    message.extra_headers["Message-ID"] = _stable_message_id(task)
        return self.delivery.send_messages(email_messages)
