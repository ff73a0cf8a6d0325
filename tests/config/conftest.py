"""Fixtures the fault tests share: a real Redis server, the production cache on it, the BBB
emulator and a live round."""

import pytest
from django.core.cache import caches

from tests.ops.servers import redis_server  # noqa: F401
from tests.sessions.conftest import bbb_emulator, live_round, participant  # noqa: F401


@pytest.fixture
def production_cache(settings, redis_server):  # noqa: F811
    """Cache and sessions as production has them, on the test's own Redis. The breaker
    tries Redis again at every call (``retry_seconds`` 0), so tests need not wait."""
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": redis_server.url,
            "KEY_PREFIX": "esc",
            "OPTIONS": {"retry_seconds": 0, "socket_timeout": 0.2},
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    settings.ANONYMOUS_PAGE_CACHE_SECONDS = 60
    return caches["default"]
