from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingSessionsConfig(AppConfig):
    # django.contrib.sessions already has the label "sessions".
    name = "sessions"
    label = "training_sessions"
    verbose_name = _("Live sessions and attendance")

    def ready(self):
        from .join_facts import connect_receivers

        connect_receivers()
