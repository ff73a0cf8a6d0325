"""Production: gunicorn behind a TLS-terminating proxy, PostgreSQL, Redis.

Required environment: SECRET_KEY, DATABASE_URL, ALLOWED_HOSTS, SITE_URL, BBB_URL,
BBB_SECRET, REDIS_URL and the e-mail settings (see docs/deploy.md). SITE_URL must be the
public https:// address: every cookie is then Secure, HTTP is redirected and HSTS is sent.
Without it the settings refuse to start, rather than fall back to http and silently drop
all three; only ESC_LOCAL_ONLY=1 (`make prod`, the benchmarks) allows http, and then only
for 127.0.0.1/localhost.
"""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    ALLOWED_HOSTS,
    DATABASES,
    LOCAL_ONLY,
    REDIS_URL,
    SECRET_KEY,
    SECURE_SSL_REDIRECT_ENABLED,
    SITE_URL,
)

DEBUG = False

if SECRET_KEY.startswith("dev-only") or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("Set SECRET_KEY to a random string of at least 50 characters.")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    raise ImproperlyConfigured("Set DATABASE_URL to the PostgreSQL database.")

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
if not SITE_URL.startswith("https://"):
    if not LOCAL_ONLY:
        raise ImproperlyConfigured(
            "Set SITE_URL to the site's public https:// address: Secure cookies, the redirect "
            "to HTTPS and HSTS depend on it. For a run on this machine only, set "
            "ESC_LOCAL_ONLY=1 (as `make prod` does)."
        )
    local_hosts = {urlsplit(SITE_URL).hostname, *ALLOWED_HOSTS}
    if not local_hosts <= LOOPBACK:
        raise ImproperlyConfigured(
            "ESC_LOCAL_ONLY=1 serves plain http on this machine only: SITE_URL and "
            "ALLOWED_HOSTS may name only 127.0.0.1, localhost or ::1."
        )

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
