"""The Thai messages of the engine: a refused figure, a cross-field refusal, a warning."""

from django.utils.translation import gettext_lazy as _

from sar.framework.model import thai

MESSAGES = {
    "required": _("Required."),
    "not_a_number": _("Enter a number, not text."),
    "negative": _("The number may not be negative."),
    "not_whole": _("Enter a whole number."),
    "too_large": _("The number is too large (at most %(max)s)."),
    "too_many_places": _("Use at most %(places)s decimal places."),
    "below_minimum": _("Must be at least %(min)s."),
    "not_above_minimum": _("Must be greater than %(min)s."),
    "above_maximum": _("Must be at most %(max)s."),
    "not_boolean": _("Choose yes or no (true or false)."),
    "unknown_choice": _("Unknown choice %(value)s; choose one of: %(choices)s."),
    "unknown_field": _("Unknown field; check its spelling."),
    "not_an_object": _("Expected an object ({...})."),
    "not_a_list": _("Expected a list ([...])."),
    "unknown_factor": _("Unknown emission factor code %(code)s."),
    "no_factor_version": _(
        "No version of emission factor %(code)s is valid on 1 January %(year)s."
    ),
    "bad_month": _("The month must be a whole number from 1 to 12."),
    "part_larger": _("%(part)s (%(part_value)s) is larger than %(whole)s (%(whole_value)s)."),
    "parts_larger": _(
        "The sum of %(part)s (%(part_value)s) is larger than %(whole)s (%(whole_value)s)."
    ),
    "part_larger_converted": _(
        "%(part)s (%(part_value)s %(compare_unit)s) is larger than %(whole)s "
        "(%(whole_value)s %(compare_unit)s)."
    ),
}

WARNING_MESSAGES = {
    "indicator_above": _(
        "%(indicator)s is %(value)s %(unit)s, above %(limit)s %(unit)s: unusually high, "
        "check the figures."
    ),
    "population_vs_base": _(
        "The population (%(population)s) differs from the base-year population "
        "(%(base_population)s) by %(change)s%%, more than %(limit)s%%: check both figures."
    ),
}


def message(message_code: str, /, **params) -> str:
    text = MESSAGES[message_code]
    return str(text) % params if params else str(text)


def add_error(errors: dict, key: str, text: str) -> None:
    errors.setdefault(key, []).append(text)


def join_names(names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    conjunction = " และ " if thai() else " and "
    return ", ".join(names[:-1]) + conjunction + names[-1]
