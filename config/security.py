"""The Content-Security-Policy: strict on our pages, relaxed for the admin screens."""

from csp.middleware import CSPMiddleware, PolicyParts

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
