"""Development: `make run` on 127.0.0.1 with the embedded SQLite database."""

from .base import *  # noqa: F403

DEBUG = True
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Serve static files straight from the app folders; no collectstatic needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# `make run` starts the BigBlueButton emulator (Procfile.dev) here, with BBB_SECRET as its
# secret; Join and Start land in its Thai meeting-room page.
BBB_URL = "http://127.0.0.1:8090/bigbluebutton/api/"
BBB_WEBHOOKS = True
