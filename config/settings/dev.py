"""Development: `make run` on 127.0.0.1 with the embedded SQLite database."""

from .base import *  # noqa: F403

DEBUG = True
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Serve static files straight from the app folders; no collectstatic needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# `make run` starts the BigBlueButton emulator (Procfile.dev) here, with BBB_SECRET as its
# secret; Join and Start land in its Thai meeting-room page.
BBB_URL = f"http://127.0.0.1:{BBB_EMULATOR_PORT}/bigbluebutton/api/"
BBB_WEBHOOKS = True

# `make run` starts the LINE emulator (Procfile.dev) on LINE_EMULATOR_PORT: its phone page
# (/phone/) shows what each LINE user received. seed_demo makes the LINE Login app for it.
LINE_API_URL = f"http://127.0.0.1:{LINE_EMULATOR_PORT}"
LINE_ACCESS_URL = LINE_API_URL
LINE_CHANNEL_ACCESS_TOKEN = LINE_CHANNEL_ACCESS_TOKEN or "dev-line-channel-access-token"
LINE_CHANNEL_SECRET = LINE_CHANNEL_SECRET or "dev-line-channel-secret"
LINE_LOGIN_CHANNEL_ID = LINE_LOGIN_CHANNEL_ID or "1650000000"
LINE_LOGIN_CHANNEL_SECRET = LINE_LOGIN_CHANNEL_SECRET or "dev-line-login-secret"
