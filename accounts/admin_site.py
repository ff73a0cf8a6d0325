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


def login_through_allauth(request, *, default_next: str, may_enter: bool):
    """Anyone not logged in goes to allauth's log-in page. Whoever is logged in goes on if
    they may enter this admin, and is refused otherwise: a second log-in would not change
    that (and sending them to log in again would loop)."""
    target = _next(request, default_next)
    if request.user.is_authenticated:
        if may_enter:
            return redirect(target)
        raise PermissionDenied
    return redirect(f"{reverse('account_login')}?{urlencode({'next': target})}")


@never_cache
def wagtail_admin_login(request):
    user = request.user
    may_enter = user.is_authenticated and (user.is_staff or user.is_superuser)
    may_enter = may_enter and user.has_perm("wagtailadmin.access_admin")
    return login_through_allauth(
        request, default_next=WAGTAIL_ADMIN_HOME, may_enter=bool(may_enter)
    )


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
        return login_through_allauth(
            request, default_next=DJANGO_ADMIN_HOME, may_enter=self.has_permission(request)
        )


class DlaAdminConfig(AdminConfig):
    default_site = "accounts.admin_site.DlaAdminSite"
