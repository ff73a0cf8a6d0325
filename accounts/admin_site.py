"""One way in: both admin screens log people in through allauth, and the Django admin is
for DLA administrators only.

Wagtail's ``/admin/login/`` and Django's ``/django-admin/login/`` had their own login forms,
which skip allauth's rate limits and its e-mail verification: 20 wrong passwords then the
right one worked there while ``/accounts/login/`` was locked, and a participant or an
unverified account got a session. Both now send the person to ``/accounts/login/?next=…``
and never read a password themselves.
"""

from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache

WAGTAIL_ADMIN_HOME = "/admin/"
DJANGO_ADMIN_HOME = "/django-admin/"


def _next(request, default: str) -> str:
    target = request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def login_through_allauth(request, *, default_next: str):
    """Anyone not logged in goes to allauth's log-in page; whoever is logged in and still
    sent here lacks the right to the admin, which a second log-in would not change."""
    if request.user.is_authenticated:
        raise PermissionDenied
    query = urlencode({"next": _next(request, default_next)})
    return redirect(f"{reverse('account_login')}?{query}")


@never_cache
def wagtail_admin_login(request):
    return login_through_allauth(request, default_next=WAGTAIL_ADMIN_HOME)


@never_cache
def wagtail_password_reset(request, *args, **kwargs):
    """Wagtail's own password reset skipped allauth's limits too."""
    return redirect("account_reset_password")


class DlaAdminSite(admin.AdminSite):
    """Django's admin edits raw rows past every service rule: DLA administrators only."""

    def has_permission(self, request):
        from .access import is_dla_admin  # not at import: this module is loaded with the apps

        user = request.user
        return bool(user.is_active and user.is_staff and is_dla_admin(user))

    def login(self, request, extra_context=None):
        return login_through_allauth(request, default_next=DJANGO_ADMIN_HOME)


class DlaAdminConfig(AdminConfig):
    default_site = "accounts.admin_site.DlaAdminSite"
