from wagtail import hooks

from courses.completion import COMPLETION_CONDITION_HOOK
from courses.progress import (
    JOIN_CHECK_HOOK,
    MY_TRAINING_PROGRAMME_ITEMS_HOOK,
    MY_TRAINING_ROUND_ITEMS_HOOK,
)

from .completion import (
    PostTestPassedCondition,
    my_training_programme_items,
    my_training_round_items,
    pre_test_join_check,
)


@hooks.register(COMPLETION_CONDITION_HOOK)
def post_test_passed_condition():
    return PostTestPassedCondition()


@hooks.register(MY_TRAINING_ROUND_ITEMS_HOOK)
def quiz_round_items(user, rounds):
    return my_training_round_items(user, rounds)


@hooks.register(MY_TRAINING_PROGRAMME_ITEMS_HOOK)
def quiz_programme_items(user, programme):
    return my_training_programme_items(user, programme)


@hooks.register(JOIN_CHECK_HOOK)
def pre_test_before_round_one(user, round_):
    return pre_test_join_check(user, round_)
