"""Settings for bench/registration.py: production settings (PostgreSQL, Redis cache and
sessions, DEBUG off, PBKDF2 passwords) with e-mail kept in memory and allauth's per-IP rate
limits off, since every benchmark request comes from 127.0.0.1."""

import warnings

from config.settings.production import *  # noqa: F403

# WhiteNoise warns once per worker that STATIC_ROOT was never collected.
warnings.filterwarnings("ignore", message="No directory at")

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ACCOUNT_RATE_LIMITS = False
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
# Static files are not what is measured: found in the source folders, no collectstatic.
WHITENOISE_USE_FINDERS = True
