"""The database is away (PostgreSQL restarting, failing over): a Thai 503, never a 500.

``DatabaseUnavailableMiddleware`` answers a view's database error with the designed page
(``templates/503.html``) and ``Retry-After``; ``server_error`` (``handler500``) does the same
for one raised elsewhere (a middleware saving the session). The page is rendered without
the request's context processors, which would ask the database again. Errors are logged
when the outage starts and then once a minute, not once per request.

Nothing is retried here: a POST may have half happened. The next request gets a fresh
connection (``CONN_HEALTH_CHECKS``), so the first one after PostgreSQL is back succeeds.
"""

import logging
import sys

from django.db import connection
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views import defaults

from .faults import DATABASE_ERRORS, ThrottledReport

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30

_report = ThrottledReport("Database unavailable, answering 503", logger)


def database_unavailable(request=None) -> HttpResponse:
    response = HttpResponse(
        render_to_string("503.html", {"retry_after": RETRY_AFTER_SECONDS}),
        status=503,
        content_type="text/html; charset=utf-8",
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Over only when a request used the database again (not a /healthz/ in between).
        if _report.since is not None and response.status_code < 500 and connection.connection:
            _report.succeeded()
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            _report.failed(exception)
            return database_unavailable(request)
        return None


def server_error(request, template_name="500.html"):
    """handler500: a database error that escaped the middleware still gets the 503 page."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_ERRORS):
        _report.failed(error)
        return database_unavailable(request)
    return defaults.server_error(request, template_name)
