"""A small fixed-window limit per client IP, kept in the cache (Redis in production)."""

import time

from django.conf import settings
from django.core.cache import cache


def client_ip(request) -> str:
    """The client's address; behind N trusted proxies, the Nth address from the right."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [ip.strip() for ip in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [ip for ip in forwarded if ip]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def allow(request, *, scope: str, limit: int, window_seconds: int) -> bool:
    """Count one attempt; False once the client has used up ``limit`` in this window."""
    window = int(time.time() // window_seconds)
    key = f"ratelimit:{scope}:{client_ip(request)}:{window}"
    cache.add(key, 0, timeout=window_seconds + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window_seconds + 1)
        count = 1
    return count <= limit
