from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from courses.completion import COMPLETION_CONDITION_HOOK
from courses.progress import MY_TRAINING_ROUND_ITEMS_HOOK

from .completion import SandboxExerciseCondition, my_training_items


@hooks.register(COMPLETION_CONDITION_HOOK)
def sandbox_exercise_condition():
    return SandboxExerciseCondition()


@hooks.register(MY_TRAINING_ROUND_ITEMS_HOOK)
def sandbox_round_items(user, rounds):
    return my_training_items(user, rounds)


@hooks.register("register_log_actions")
def register_sandbox_log_actions(actions):
    actions.register_action(
        "esc.sar.create_workspace",
        _("SAR sandbox: create workspace"),
        _("Created a sandbox workspace"),
    )
    actions.register_action(
        "esc.sar.reset_workspace", _("SAR sandbox: reset workspace"), _("Reset a sandbox workspace")
    )
