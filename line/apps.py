from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LineNoticesConfig(AppConfig):
    """Notifications over LINE. The label is not ``line``: allauth's LINE provider
    (``allauth.socialaccount.providers.line``) already has that label."""

    name = "line"
    label = "line_notices"
    verbose_name = _("LINE notifications")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import login, receivers

        receivers.connect()
        login.point_allauth_at_settings()
