"""Production: gunicorn behind a TLS-terminating proxy, PostgreSQL, Redis.

Required environment: SECRET_KEY, DATABASE_URL, ALLOWED_HOSTS, SITE_URL, BBB_URL,
BBB_SECRET, REDIS_URL and the e-mail settings (see docs/deploy.md). Transport security
follows the scheme of SITE_URL: with https every cookie is Secure, HTTP is redirected and
HSTS is sent; `make prod` on 127.0.0.1 uses http and so plain cookies.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES, REDIS_URL, SECRET_KEY, SECURE_SSL_REDIRECT_ENABLED, SITE_URL

DEBUG = False

if SECRET_KEY.startswith("dev-only") or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("Set SECRET_KEY to a random string of at least 50 characters.")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    raise ImproperlyConfigured("Set DATABASE_URL to the PostgreSQL database.")

# Redis is a cache, not a point of failure: errors count as misses (config/cache.py).
CACHES = {
    "default": {
        "BACKEND": "config.cache.ResilientRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "esc",
    }
}
# Sessions are written to the database and read from Redis: people stay logged in when
# Redis goes away or restarts empty. `manage.py clearsessions` daily removes expired rows.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

HTTPS = SITE_URL.startswith("https://")
# TLS is terminated by the reverse proxy, which sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = HTTPS and SECURE_SSL_REDIRECT_ENABLED
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
