"""Settings for processes a fault test starts (``db_worker``, gunicorn) on its database.

The test settings run tasks inline; these serve the database queue instead, on the
database in DATABASE_URL, beat every 0.2 s and count a worker silent for 1 s as dead, so
a test that kills a worker sees its task queued again within a second or two. E-mail goes
where EMAIL_BACKEND says (the test's SMTP server), certificates to CERTIFICATE_PDF_ROOT.
"""

import os

from config.settings.test import *  # noqa: F403

TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "db": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "certificates", "mail"],
    },
}
WORKER_HEARTBEAT_SECONDS = 0.2
WORKER_STALE_SECONDS = 1.0
# As in production: the EMAIL_BACKEND variable delivers (EMAIL_HOST, EMAIL_PORT for SMTP).
EMAIL_BACKEND = "config.mail.StableMessageIdBackend"
EMAIL_DELIVERY_BACKEND = os.environ.get(
    "EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend"
)
if os.environ.get("CERTIFICATE_PDF_ROOT"):
    CERTIFICATE_PDF_ROOT = os.environ["CERTIFICATE_PDF_ROOT"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "config": {"handlers": ["console"], "level": "INFO"},
        "django_tasks": {"handlers": ["console"], "level": "INFO"},
        "django_tasks_db": {"handlers": ["console"], "level": "INFO"},
    },
}
