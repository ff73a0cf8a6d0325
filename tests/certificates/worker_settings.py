"""Settings for a real `db_worker` process started by a test (PostgreSQL only).

The test settings run tasks inline; this process serves the database queue instead,
on the test's database (DATABASE_URL) and writes PDFs where the test says.
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
CERTIFICATE_PDF_ROOT = os.environ["CERTIFICATE_PDF_ROOT"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"certificates": {"handlers": ["console"], "level": "INFO"}},
}
