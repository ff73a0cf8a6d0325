"""Readiness: ``/readyz/`` tells the load balancer and the people on call what works.

``/healthz/`` (config.views) stays the liveness probe: the process answers, nothing else.
``/readyz/`` checks, at the cost of at most one SQL query:

* ``database`` — PostgreSQL answers (the same query as the next line);
* ``worker`` — a task worker has beaten within ``WORKER_STALE_SECONDS`` (config.worker);
* ``redis`` — Redis answers a PING (when the cache is Redis);
* ``bbb`` — BigBlueButton's API answers SUCCESS (asked at most every
  ``READYZ_BBB_CACHE_SECONDS`` per process, in the process's memory, not in Redis).

The JSON body names every check and what failed. The answer is **503 only when the
database fails**: without it this host can serve nothing, and the load balancer should try
another. Redis, the worker and BigBlueButton are shared by every host: taking all hosts out
because one of them is down would turn a degraded site (pages from the database, Join with
a Thai error page) into no site at all. Those failures answer 200 with ``"status":
"degraded"``; monitoring that must page someone for them asks ``/readyz/?strict=1``, which
answers 503 when anything fails. Details of errors (host names, messages) go to the log,
not into this public body.
"""

import datetime
import logging
import threading
import time

import requests
from django.conf import settings
from django.core.cache import caches
from django.db.models.functions import Now
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from .faults import DATABASE_ERRORS, ThrottledReport
from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)

OK = "ok"
BBB_TIMEOUT_SECONDS = 2.0

# The load balancer asks every second: one log line per outage (and a minute), not per probe.
_database_report = ThrottledReport("readyz: database unavailable", logger)
_bbb_lock = threading.Lock()
_bbb_result: tuple[float, str] | None = None  # (monotonic time asked, answer)


def check_database_and_worker() -> tuple[str, str]:
    """One query: PostgreSQL answers, and how many workers beat lately."""
    stale = datetime.timedelta(seconds=settings.WORKER_STALE_SECONDS)
    try:
        alive = WorkerHeartbeat.objects.filter(last_seen__gte=Now() - stale).count()
    except DATABASE_ERRORS as error:
        _database_report.failed(error)
        return "unavailable", "unknown"
    _database_report.succeeded()
    worker = OK if alive else f"no heartbeat in {settings.WORKER_STALE_SECONDS:.0f} s"
    return OK, worker


def check_redis() -> str:
    cache = caches["default"]
    if not hasattr(cache, "ping"):
        return "not used"  # development and tests: a local-memory cache
    return OK if cache.ping() else "unavailable"


def _ask_bbb() -> str:
    try:
        response = requests.get(settings.BBB_URL, timeout=BBB_TIMEOUT_SECONDS)
    except requests.RequestException as error:
        logger.warning("readyz: BigBlueButton unreachable: %s", error)
        return "unreachable"
    if response.status_code == 200 and b"<returncode>SUCCESS</returncode>" in response.content:
        return OK
    logger.warning("readyz: BigBlueButton answered %s", response.status_code)
    return f"answered {response.status_code}"


def check_bbb() -> str:
    global _bbb_result
    with _bbb_lock:
        now = time.monotonic()
        if _bbb_result is None or now - _bbb_result[0] >= settings.READYZ_BBB_CACHE_SECONDS:
            _bbb_result = (now, _ask_bbb())
        return _bbb_result[1]


def forget_bbb_answer() -> None:
    """Ask BigBlueButton again at the next probe (tests; a changed BBB_URL)."""
    global _bbb_result
    with _bbb_lock:
        _bbb_result = None


@never_cache
def readyz(request):
    database, worker = check_database_and_worker()
    checks = {"database": database, "worker": worker, "redis": check_redis(), "bbb": check_bbb()}
    failed = [name for name, answer in checks.items() if answer not in (OK, "not used")]
    strict = request.GET.get("strict") not in (None, "", "0")
    unavailable = database != OK or (strict and failed)
    status = "unavailable" if unavailable else ("degraded" if failed else "ready")
    return JsonResponse(
        {"status": status, "checks": checks, "failed": failed},
        status=503 if unavailable else 200,
    )
