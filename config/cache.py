"""The Redis cache, as a cache: when Redis goes away the site carries on without it.

Django's ``RedisCache`` raises on every call while Redis is down, so every page that
touches the cache answered 500 (issue 19). ``ResilientRedisCache`` turns a Redis error
into a miss and carries on:

* after an error Redis is left alone for ``RETRY_SECONDS`` (a circuit breaker), so a
  Redis host that no longer answers costs one short time-out per process and window,
  not one per request; then the next call tries again, and caching resumes by itself;
* meanwhile each process keeps what it would have cached in its own memory (a small
  ``LocMemCache``): pages are rendered from the database, sessions (``cached_db``) are
  read from the database, and rate-limit counters and locks (allauth's, ours) count per
  process — the limits still hold, only as many times over as there are processes;
* errors are logged when Redis goes away, then at most once a minute with a count, and
  once when it is back;
* when Redis answers again after writes were lost (a log-out, a published page), our
  keys in it may be older than the database: they are removed before it is used again.

Each process decides for itself; nothing here is shared between processes or hosts.
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

# How long Redis is left alone after an error, and how often a failing Redis is reported.
RETRY_SECONDS = 5.0
REPORT_SECONDS = 60.0
# Short time-outs: a cache that answers late is worse than no cache.
DEFAULT_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
FALLBACK_MAX_ENTRIES = 5000


def _redis_errors() -> tuple[type[BaseException], ...]:
    import redis

    return (redis.exceptions.RedisError, OSError)


class _Outage:
    """What one process knows about one Redis location (shared by the threads)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.down_since: float | None = None
        self.retry_at = 0.0
        self.reported_at = 0.0
        self.errors = 0
        self.lost_writes = False


_outages: dict[str, _Outage] = {}
_outages_lock = threading.Lock()


def _outage_for(location: str) -> _Outage:
    with _outages_lock:
        return _outages.setdefault(location, _Outage())


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        params = {**params, "OPTIONS": {**DEFAULT_OPTIONS, **params.get("OPTIONS", {})}}
        self.retry_seconds = float(params["OPTIONS"].pop("retry_seconds", RETRY_SECONDS))
        super().__init__(server, params)
        self._location = server if isinstance(server, str) else ",".join(server)
        self._outage = _outage_for(self._location)
        fallback_params = {
            name: params[name]
            for name in ("TIMEOUT", "KEY_PREFIX", "VERSION", "KEY_FUNCTION")
            if name in params
        }
        self._fallback = LocMemCache(
            f"redis-fallback:{self._location}",
            {**fallback_params, "OPTIONS": {"MAX_ENTRIES": FALLBACK_MAX_ENTRIES}},
        )

    # --- the breaker ----------------------------------------------------------------

    def _usable(self) -> bool:
        """False while Redis is known to be down and its retry time has not come."""
        outage = self._outage
        if outage.down_since is None:
            return True
        if time.monotonic() < outage.retry_at:
            return False
        return self._recover()

    def _failed(self, error: BaseException, *, write: bool) -> None:
        outage = self._outage
        now = time.monotonic()
        with outage.lock:
            outage.retry_at = now + self.retry_seconds
            outage.lost_writes = outage.lost_writes or write
            outage.errors += 1
            if outage.down_since is None:
                outage.down_since = now
                outage.reported_at = now
                outage.errors = 0
                logger.warning(
                    "Redis cache %s unavailable (%s: %s): serving without it, from the "
                    "database and per-process memory; next report in a minute at most",
                    self._location,
                    type(error).__name__,
                    error,
                )
            elif now - outage.reported_at >= REPORT_SECONDS:
                logger.warning(
                    "Redis cache %s still unavailable after %.0f s (%d errors in the last "
                    "%.0f s; last: %s: %s)",
                    self._location,
                    now - outage.down_since,
                    outage.errors,
                    now - outage.reported_at,
                    type(error).__name__,
                    error,
                )
                outage.reported_at = now
                outage.errors = 0

    def _recover(self) -> bool:
        """Try Redis again; before using it, drop our keys if writes went missing."""
        outage = self._outage
        try:
            client = self._cache.get_client(write=True)
            client.ping()
            if outage.lost_writes:
                self._delete_our_keys(client)
        except _redis_errors() as error:
            self._failed(error, write=False)
            return False
        with outage.lock:
            if outage.down_since is not None:
                logger.warning(
                    "Redis cache %s is back after %.0f s%s",
                    self._location,
                    time.monotonic() - outage.down_since,
                    "; our keys were cleared (writes were lost meanwhile)"
                    if outage.lost_writes
                    else "",
                )
            outage.down_since = None
            outage.lost_writes = False
            outage.errors = 0
        self._fallback.clear()
        return True

    def _delete_our_keys(self, client) -> None:
        pattern = f"{self.key_prefix}:*" if self.key_prefix else "*"
        batch = []
        for key in client.scan_iter(match=pattern, count=1000):
            batch.append(key)
            if len(batch) == 1000:
                client.unlink(*batch)
                batch = []
        if batch:
            client.unlink(*batch)

    def ping(self) -> bool:
        """Does Redis answer now? (For /readyz/; a success also closes the breaker.)"""
        try:
            self._cache.get_client().ping()
        except _redis_errors() as error:
            self._failed(error, write=False)
            return False
        return self._outage.down_since is None or self._recover()

    def _call(self, name: str, write: bool, *args, **kwargs):
        if self._usable():
            try:
                return getattr(super(), name)(*args, **kwargs)
            except _redis_errors() as error:
                self._failed(error, write=write)
        elif write:
            self._outage.lost_writes = True  # Redis misses this one too
        return getattr(self._fallback, name)(*args, **kwargs)

    # --- the cache API ------------------------------------------------------------------

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", True, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", False, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", True, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", True, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", True, key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", False, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", True, key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", True, data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", True, keys, version)

    def clear(self):
        self._fallback.clear()
        return self._call("clear", True)
