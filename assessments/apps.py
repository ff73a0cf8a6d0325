from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Pre- and post-tests")

    def ready(self):
        from django.db import transaction
        from django.db.models.signals import post_delete, post_save

        from courses.progress import join_checks_changed

        from .completion import forget_required_pre_tests
        from .models import Quiz
        from .signals import attempt_submitted

        post_save.connect(forget_required_pre_tests, sender=Quiz, dispatch_uid="quiz-saved")
        post_delete.connect(forget_required_pre_tests, sender=Quiz, dispatch_uid="quiz-deleted")

        # The pre-test join check (``pre_test_join_check``) answers differently after these.
        def quiz_changed(**_kwargs):
            transaction.on_commit(lambda: join_checks_changed.send(sender=Quiz, user_id=None))

        def attempt_submitted_by(user_id, **_kwargs):
            join_checks_changed.send(sender=Quiz, user_id=user_id)  # already after commit

        post_save.connect(quiz_changed, sender=Quiz, weak=False, dispatch_uid="quiz-join-check")
        post_delete.connect(
            quiz_changed, sender=Quiz, weak=False, dispatch_uid="quiz-join-check-deleted"
        )
        attempt_submitted.connect(
            attempt_submitted_by, weak=False, dispatch_uid="attempt-join-check"
        )
