"""Small pieces shared by the fault handling in config (worker, outage page, readiness)."""

import logging
import time

from django.db import InterfaceError, OperationalError, connection

logger = logging.getLogger("config")

# What a lost or restarting database raises (also a connect time-out, a server shutting
# down, a connection that broke between two queries).
DATABASE_ERRORS = (OperationalError, InterfaceError)
REPORT_SECONDS = 60.0


def database_lost(error: BaseException) -> bool:
    """Was ``error`` the database going away (rather than a fault of the work itself)?"""
    if isinstance(error, InterfaceError):
        return True
    if not isinstance(error, OperationalError):
        return False
    try:
        return not connection.is_usable()
    except Exception:  # noqa: BLE001 - any failure to ask means the connection is gone
        return True


class ThrottledReport:
    """Log a recurring failure when it starts, then at most once a minute with a count,
    and once when it is over; one log line per failed request would bury everything."""

    def __init__(self, what: str, log: logging.Logger = logger):
        self.what = what
        self.log = log
        self.since: float | None = None
        self.reported_at = 0.0
        self.count = 0

    def failed(self, error: BaseException) -> None:
        now = time.monotonic()
        self.count += 1
        if self.since is None:
            self.since = self.reported_at = now
            self.count = 0
            self.log.warning("%s: %s: %s", self.what, type(error).__name__, error)
        elif now - self.reported_at >= REPORT_SECONDS:
            self.log.warning(
                "%s, still, for %.0f s (%d errors since the last report; last: %s: %s)",
                self.what,
                now - self.since,
                self.count,
                type(error).__name__,
                error,
            )
            self.reported_at, self.count = now, 0

    def succeeded(self) -> None:
        if self.since is not None:
            self.log.warning("%s: over after %.0f s", self.what, time.monotonic() - self.since)
        self.since = None
