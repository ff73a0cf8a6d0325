"""What each app contributes to a participant's "การอบรมของฉัน" (my training) page.

The page lives above the domain apps (cms). Each app that has something to show per round
(a Join button, a test due, a sandbox exercise, a certificate) registers a Wagtail hook in
its ``wagtail_hooks.py``:

    @hooks.register(MY_TRAINING_ROUND_ITEMS_HOOK)
    def quiz_items(user, rounds):          # rounds: the user's rounds, a list
        return {round.pk: [ProgressItem(...)], ...}

A hook is called once per page with every round, so it can answer with one or two queries
whatever the number of rounds. Programme-wide items (a programme certificate) use
MY_TRAINING_PROGRAMME_ITEMS_HOOK with ``(user, programme)`` and return a list.
"""

from dataclasses import dataclass

from django.dispatch import Signal
from wagtail import hooks

MY_TRAINING_ROUND_ITEMS_HOOK = "my_training_round_items"
MY_TRAINING_PROGRAMME_ITEMS_HOOK = "my_training_programme_items"


@dataclass(frozen=True)
class ProgressItem:
    """One line on a round's card: what it is, where it stands, what to do next."""

    label: str  # e.g. "แบบทดสอบก่อนการอบรม"
    status: str  # e.g. "ทำแล้ว 8/10 คะแนน"
    tone: str = "info"  # done | due | missing | info: the colour and icon
    url: str = ""  # where the action goes
    action: str = ""  # the action's label, e.g. "เริ่มทำแบบทดสอบ"
    method: str = "get"  # "post" when the action changes something (a form button)
    order: int = 50  # lower first
    # Optional lines under the status, one per condition: (met, text), e.g. a certificate's
    # conditions with a tick or what is still left.
    lines: tuple[tuple[bool, str], ...] = ()


def round_items(user, rounds) -> dict[int, list[ProgressItem]]:
    rounds = list(rounds)
    items: dict[int, list[ProgressItem]] = {round_.pk: [] for round_ in rounds}
    for hook in hooks.get_hooks(MY_TRAINING_ROUND_ITEMS_HOOK):
        for round_id, contributed in (hook(user, rounds) or {}).items():
            items.setdefault(round_id, []).extend(contributed)
    for contributed in items.values():
        contributed.sort(key=lambda item: item.order)
    return items


def programme_items(user, programme) -> list[ProgressItem]:
    items = []
    for hook in hooks.get_hooks(MY_TRAINING_PROGRAMME_ITEMS_HOOK):
        items.extend(hook(user, programme) or [])
    return sorted(items, key=lambda item: item.order)


# Before a participant joins a live session, other apps may hold them back (e.g. "take the
# pre-test first"). `sessions` asks every hook; each returns None or a JoinBlocker:
#
#     @hooks.register(JOIN_CHECK_HOOK)
#     def pre_test_first(user, round_): ...
JOIN_CHECK_HOOK = "register_join_check"

# An app whose join check can answer differently after a write sends this after commit:
# ``user_id`` for one person's answer (a submitted test), None for everyone's (a test made
# required). ``sessions`` keeps Join's cached facts true with it (``sessions.join_facts``).
join_checks_changed = Signal()


@dataclass(frozen=True)
class JoinBlocker:
    message: str  # Thai: why the participant cannot join yet
    url: str = ""  # where to fix it
    action: str = ""  # e.g. "ทำแบบทดสอบก่อนการอบรม"


def join_blockers(user, round_) -> list[JoinBlocker]:
    blockers = (hook(user, round_) for hook in hooks.get_hooks(JOIN_CHECK_HOOK))
    return [blocker for blocker in blockers if blocker is not None]
