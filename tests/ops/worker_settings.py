"""Settings for processes a fault test starts (``db_worker``, gunicorn) on its database.

The test settings run tasks inline; these serve the database queue instead, on the
database in DATABASE_URL, beat every 0.2 s and count a worker silent for 1 s as dead, so
a test that kills a worker sees its task queued again within a second or two. E-mail is
written to files (one per message) in ESC_MAIL_DIR, certificates to CERTIFICATE_PDF_ROOT.
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
if os.environ.get("ESC_MAIL_DIR"):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = os.environ["ESC_MAIL_DIR"]
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
