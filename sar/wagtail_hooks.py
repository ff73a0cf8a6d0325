from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from accounts.personal_data import ACCOUNT_ERASURE_HOOK, PERSONAL_DATA_EXPORT_HOOK
from courses.completion import COMPLETION_CONDITION_HOOK
from courses.progress import MY_TRAINING_ROUND_ITEMS_HOOK

from .completion import SandboxExerciseCondition, my_training_items
from .personal_data import erase_sandbox, sandbox_personal_data


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


# PDPA (docs/pdpa.md): workspaces in "download my data"; deleted with the account.
hooks.register(PERSONAL_DATA_EXPORT_HOOK, sandbox_personal_data)
hooks.register(ACCOUNT_ERASURE_HOOK, erase_sandbox)
