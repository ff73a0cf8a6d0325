"""Tests: fast hashing, local-memory cache, every task run inline."""

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "db": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default", "certificates", "mail", "line"],
    },
}
ALLOWED_HOSTS = ["*"]
SITE_URL = "http://testserver"
WAGTAILADMIN_BASE_URL = SITE_URL
# Tests look at rendered pages, not at a cache filled by an earlier test.
ANONYMOUS_PAGE_CACHE_SECONDS = 0

# Serve static files straight from the app folders; no collectstatic needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# LINE is off unless a test points it at the LINE emulator (tests/line/conftest.py).
LINE_CHANNEL_ACCESS_TOKEN = ""
LINE_CHANNEL_SECRET = ""
LINE_RETRY_BASE_SECONDS = 0
