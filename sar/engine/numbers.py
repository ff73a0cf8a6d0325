"""Numbers in the sandbox, once ``core.thai`` has parsed the text: typing a figure by its
field, the canonical stored text, exact constants, and half-up rounding for the output.

Numbers arrive as ``Decimal`` (from JSON or from the forms, never through a binary float);
quotients are exact ``fractions.Fraction``; only the output is rounded.
"""

import math
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

from core.thai import NumberTextError, parse_decimal
from sar.framework import Field, Framework

from .messages import message


def format_number(value, places: int | None = None) -> str:
    """1234567.5 -> "1,234,567.5" (for messages; no exponent, no float)."""
    if isinstance(value, Fraction):
        value = round_half_up(value, places if places is not None else 2)
    elif places is not None:
        value = round_half_up(Fraction(value), places)
    text = format(value, ",f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def coerce_value(field_def: Field, raw, framework: Framework, *, from_text: bool = False):
    """Turn one raw value into the field's type: ``(value, error)``; (None, None) if absent.

    ``from_text`` is the web form's mode (strings typed by a person); otherwise ``raw`` comes
    from JSON: numbers must be JSON numbers, booleans JSON booleans.
    """
    if raw is None or (from_text and isinstance(raw, str) and not raw.strip()):
        return None, None
    if field_def.type == "boolean":
        if isinstance(raw, bool):
            return raw, None
        if from_text and isinstance(raw, str) and raw.strip().lower() in {"true", "false"}:
            return raw.strip().lower() == "true", None
        return None, message("not_boolean")
    if field_def.type == "choice":
        if isinstance(raw, str) and raw.strip() in field_def.choice_codes:
            return raw.strip(), None
        return None, message(
            "unknown_choice", value=str(raw)[:40], choices=", ".join(field_def.choice_codes)
        )
    # integer or decimal
    if isinstance(raw, bool):
        return None, message("not_a_number")
    if isinstance(raw, Decimal | int):
        number = Decimal(raw)
        if not number.is_finite():
            return None, message("not_a_number")
    elif from_text and isinstance(raw, str):
        # core.thai's parser: Thai or Arabic digits, no exponent, length checked first.
        try:
            number = parse_decimal(raw)
        except NumberTextError as error:
            if error.code == "too_long":
                return None, message("too_large", max=format_number(framework.max_value))
            return None, message("not_a_number")
    else:
        return None, message("not_a_number")
    return check_number(field_def, number, framework)


def check_number(field_def: Field, number: Decimal, framework: Framework):
    if number < 0:
        return None, message("negative")
    if number > framework.max_value:
        return None, message("too_large", max=format_number(framework.max_value))
    if field_def.type == "integer":
        if number != number.to_integral_value():
            return None, message("not_whole")
        number = Decimal(int(number))
    else:
        if decimal_places(number) > framework.max_decimal_places:
            return None, message("too_many_places", places=framework.max_decimal_places)
        number = canonical_decimal(number)
    if field_def.minimum is not None and number < field_def.minimum:
        return None, message("below_minimum", min=format_number(field_def.minimum))
    if field_def.minimum_exclusive is not None and number <= field_def.minimum_exclusive:
        return None, message("not_above_minimum", min=format_number(field_def.minimum_exclusive))
    if field_def.maximum is not None and number > field_def.maximum:
        return None, message("above_maximum", max=format_number(field_def.maximum))
    return number, None


def decimal_places(number: Decimal) -> int:
    """Digits after the point, trailing zeros not counted (no context rounding involved)."""
    _sign, digits, exponent = number.as_tuple()
    trailing_zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    if trailing_zeros == len(digits):
        return 0  # zero
    return max(0, -(exponent + trailing_zeros))


def canonical_decimal(number: Decimal) -> Decimal:
    """The same number without trailing zeros or exponent: 1.50 -> 1.5, 1E+3 -> 1000."""
    if number == 0:
        return Decimal(0)
    normal = number.normalize()
    exponent = normal.as_tuple().exponent
    if isinstance(exponent, int) and exponent > 0:
        return normal.quantize(Decimal(1))
    return normal


def decimal_to_text(value) -> str:
    """How a value is stored: "1234.5", "true", or a choice code."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(canonical_decimal(value), "f")
    return str(value)


@lru_cache(maxsize=1024)
def constant(text) -> Fraction:
    """A framework constant ("0.80", "1600", a factor) as an exact fraction, once."""
    return Fraction(Decimal(text))


def round_half_up(value: Fraction | Decimal | int, places: int) -> Decimal:
    """Round an exact value to ``places`` decimals, halves away from zero; never "-0"."""
    scaled = Fraction(value) * 10**places
    magnitude = math.floor(abs(scaled) + Fraction(1, 2))
    if magnitude == 0:
        return Decimal(0).scaleb(-places)
    return Decimal(-magnitude if scaled < 0 else magnitude).scaleb(-places)
