from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """What belongs to no domain: errors, downloads, imports, mail, Thai numbers and dates.

    Every app may import ``core``; ``core`` imports only ``config`` (and Django).
    """

    name = "core"
    verbose_name = _("Shared infrastructure")

    def ready(self):
        from .dates import refuse_buddhist_era_years

        refuse_buddhist_era_years()
