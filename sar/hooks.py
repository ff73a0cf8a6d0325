"""What the sandbox asks other apps (it cannot import them).

``TRAINED_MEMBERS_HOOK`` (declared in ``courses.completion``, which both sides import): GOV-2
is pre-filled with the participants of the LAO who completed the programme. `certificates`
knows who did and registers::

    @hooks.register(TRAINED_MEMBERS_HOOK)
    def trained_members(organisation) -> int: ...

With no hook registered the figure starts at 0 and the form says it is editable.
"""

from wagtail import hooks

from courses.completion import TRAINED_MEMBERS_HOOK

__all__ = ["TRAINED_MEMBERS_HOOK", "trained_members_count"]


def trained_members_count(organisation) -> tuple[int, bool]:
    """(count, whether a registered app gave it) for the LAO; (0, False) without a hook."""
    for hook in hooks.get_hooks(TRAINED_MEMBERS_HOOK):
        count = hook(organisation)
        if count is not None:
            return max(0, int(count)), True
    return 0, False
