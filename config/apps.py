from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlatformConfig(AppConfig):
    """The project package as an app: what running the platform needs (worker heartbeats,
    the ``db_worker`` that recovers from faults, readiness), owned by no domain."""

    name = "config"
    label = "config"
    verbose_name = _("Platform operations")
    default_auto_field = "django.db.models.BigAutoField"
