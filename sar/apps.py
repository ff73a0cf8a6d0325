from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SarConfig(AppConfig):
    name = "sar"
    verbose_name = _("SAR sandbox")

    def ready(self):
        from . import checks  # noqa: F401  (registers the framework check)
