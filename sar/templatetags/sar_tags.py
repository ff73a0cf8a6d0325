from decimal import Decimal
from fractions import Fraction

from django import template

from sar.engine import round_half_up
from sar.framework import localized

register = template.Library()


@register.filter
def sar_number(value, places=None):
    """1234567.5 -> 1,234,567.5; None -> "–". Decimal in, no float on the way."""
    if value is None or value == "":
        return "–"
    if isinstance(value, Fraction):
        value = round_half_up(value, 2 if places is None else int(places))
    elif places is not None and isinstance(value, Decimal | int):
        value = round_half_up(Fraction(value), int(places))
    if isinstance(value, Decimal | int):
        return format(value, ",f") if isinstance(value, Decimal) else f"{value:,}"
    return value


@register.filter
def tr(item, name="name"):
    """A framework item's text in the current language: {{ section|tr }}."""
    if not item:
        return ""
    return localized(getattr(item, "raw", item), name)


@register.filter
def indicator_value(result, framework):
    """An indicator's value as shown: the rounded number, or the status's name."""
    value = result.rounded
    if value is None:
        return None
    if isinstance(value, str):
        key = result.indicator.formula.get("input")
        field_def = framework.fields_by_key.get(key)
        return field_def.choice_label(value) if field_def else value
    return sar_number(value)


@register.filter
def month_name(number):
    from sar.forms import MONTH_NAMES

    try:
        return MONTH_NAMES[int(number) - 1]
    except (TypeError, ValueError, IndexError):
        return ""
