"""Where a figure starts from before the participant types it (the field's ``prefill``).

The framework file names the source on the field (``"prefill": "trained_members"``); the
sources themselves are the platform's, so they are code. ``sar.framework.parse`` checks a
file against ``PREFILL_SOURCES`` (the names and the field types each fits); each name has
its function here, and a test keeps both lists equal.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .framework import Field
from .hooks import trained_members_count


@dataclass(frozen=True)
class Prefill:
    value: str
    note: str = ""  # said under the field; empty for a plain default


def lao_directory(field_def: Field, organisation) -> Prefill | None:
    """The LAO's type as the LAO directory records it, when the framework knows it."""
    lao_type = getattr(organisation, "lao_type", "")
    if lao_type in field_def.choice_codes:
        return Prefill(value=lao_type)
    return None


def trained_members(field_def: Field, organisation) -> Prefill:
    """The officers of the LAO who completed the programme (``TRAINED_MEMBERS_HOOK``)."""
    count, from_platform = trained_members_count(organisation)
    if from_platform:
        note = _(
            "Pre-filled with the officers of this LAO who completed the programme on this "
            "platform. The figure is editable: add others your city has trained."
        )
    else:
        note = _(
            "The platform has no count of trained officers yet, so this starts at 0. The "
            "figure is editable: enter the people your city has trained."
        )
    return Prefill(value=str(count), note=str(note))


SOURCES = {
    "lao_directory": lao_directory,
    "trained_members": trained_members,
}


def prefills(fields, entries: dict, organisation) -> dict[str, Prefill]:
    """The starting value of each field of a page that names a source and has no value yet."""
    found = {}
    for field_def in fields:
        if field_def.prefill is None:
            continue
        entry = entries.get(field_def.key)
        if entry is not None and entry.value:
            continue  # the participant's own figure wins
        prefill = SOURCES[field_def.prefill](field_def, organisation)
        if prefill is not None:
            found[field_def.key] = prefill
    return found
