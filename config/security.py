"""The Content-Security-Policy: strict on our pages, relaxed for the admin screens."""

import logging

from csp.middleware import CSPMiddleware, PolicyParts
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.utils.datastructures import MultiValueDictKeyError

logger = logging.getLogger(__name__)

# Wagtail's and Django's admin screens ship inline scripts and styles of their own.
ADMIN_PREFIXES = ("/admin/", "/django-admin/")
ADMIN_RELAXATION = {
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
}


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path_info.startswith(ADMIN_PREFIXES):
            parts.replace = {**(parts.replace or {}), **ADMIN_RELAXATION}
        return parts


class StaffOnlyAdminMiddleware:
    """Wagtail's admin lets in anyone holding ``wagtailadmin.access_admin`` (a group gives
    it); here it is also for staff only, as the Django admin is. A participant put in a
    group by mistake gets a 403, not the admin. Staff are the trainers and DLA
    administrators (``accounts.services.change_role`` keeps ``is_staff`` with the role)."""

    OPEN = ("/admin/login/", "/admin/password_reset/", "/admin/sprite/", "/admin/jsi18n/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        user = getattr(request, "user", None)
        if (
            path.startswith("/admin/")
            and not path.startswith(self.OPEN)
            and user is not None
            and user.is_authenticated
            and not (user.is_staff or user.is_superuser)
        ):
            raise PermissionDenied
        return self.get_response(request)


class MalformedRequestMiddleware:
    """A form posted without a field the view reads (a hand-made POST) is the client's
    mistake: 400, not a server error. Wagtail's StreamField widgets, for one, read their
    ``-count`` fields without a default."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, MultiValueDictKeyError):
            logger.warning("Malformed request to %s: missing %s", request.path, exception)
            return HttpResponseBadRequest()
        return None
