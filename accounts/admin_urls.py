"""The admins' own log-in and password-reset addresses, sent through allauth
(``accounts.admin_site``). Included before Wagtail's admin URLs, so these win; the names
are Wagtail's own, which it reverses."""

from django.urls import path, re_path

from .admin_site import wagtail_admin_login, wagtail_password_reset

urlpatterns = [
    path("login/", wagtail_admin_login, name="wagtailadmin_login"),
    re_path(r"^password_reset/", wagtail_password_reset),
]
