"""Settings for bench/join.py: production settings (PostgreSQL, Redis cache, ``cached_db``
sessions, DEBUG off) with the authenticated floor added to the URLs (``bench/join_urls.py``;
never in the product's URLs) and e-mail kept in memory."""

import warnings

from config.settings.production import *  # noqa: F403

# WhiteNoise warns once per worker that STATIC_ROOT was never collected.
warnings.filterwarnings("ignore", message="No directory at")

ROOT_URLCONF = "bench.join_urls"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
WHITENOISE_USE_FINDERS = True
