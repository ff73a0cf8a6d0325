from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Pre- and post-tests")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from .completion import forget_required_pre_tests
        from .models import Quiz

        post_save.connect(forget_required_pre_tests, sender=Quiz, dispatch_uid="quiz-saved")
        post_delete.connect(forget_required_pre_tests, sender=Quiz, dispatch_uid="quiz-deleted")
