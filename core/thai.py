"""Thai numbers and dates: read strictly from what people type, written for people to read.

Reading (one parser for every form, import and query string):

    parse_decimal("๑,๒๓๔.๕")                       Decimal("1234.5")
    parse_whole_number("2569", minimum=2500, maximum=2700)     2569
    whole_number_or_none("²")                        None (``isdigit()`` says yes, ``int()`` no)

Arabic and Thai digits only (no other script's digits, no superscripts), no exponent, no
NaN or Infinity; the length of the text and the range of a whole number are checked
before any arithmetic, so no value can make the server compute for long
(``1e1000000`` or 5,000 digits are refused at once).

Writing, from Python (e-mails, PDFs) and as template filters, registered as a template
builtin in settings so every template has them without ``{% load %}``:

    {{ round.starts_at|thai_date }}                 2 ธ.ค. 2569
    {{ round.starts_at|thai_date:"long" }}          2 ธันวาคม พ.ศ. 2569
    {{ round.starts_at|thai_date:"long"|thai_digits }}  ๒ ธันวาคม พ.ศ. ๒๕๖๙
    {{ round.starts_at|thai_datetime }}             2 ธ.ค. 2569 09:00 น.
    {{ value|display_value }}                       ใช่ / ไม่ใช่ / – / a date as above

Aware datetimes are shown in Asia/Bangkok (the current time zone), so an event at
23:30 UTC on 31 December is already 1 January of the next Buddhist year. With
English active the same filters give Gregorian English dates, so the /en/ pages
stay readable to foreign partners.
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django import template
from django.utils import timezone, translation

register = template.Library()

BUDDHIST_ERA_OFFSET = 543

# --- Reading numbers -------------------------------------------------------------------

# Longer text is refused before it is looked at further: 1,000,000,000,000,000.0000 with
# spaces fits many times over.
MAX_NUMBER_CHARS = 64
# The largest id a query string or form may name (PostgreSQL's bigint).
MAX_ID = 2**63 - 1

_THAI_TO_ARABIC = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
# Plain decimal notation in ASCII digits: no exponent, no hex, no NaN or Infinity.
_DECIMAL_TEXT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)", re.ASCII)
_WHOLE_TEXT = re.compile(r"[0-9]+", re.ASCII)


class NumberTextError(ValueError):
    """Why a text is not the number wanted.

    ``code``: ``not_a_number``, ``too_long`` (more than ``MAX_NUMBER_CHARS`` characters) or
    ``out_of_range`` (a whole number outside the range asked for).
    """

    def __init__(self, code: str):
        self.code = code
        super().__init__(code)


def arabic_digits(text: str) -> str:
    """Thai digits ๐-๙ as 0-9; every other character is kept (and judged by the parser)."""
    return text.translate(_THAI_TO_ARABIC)


def parse_decimal(text: str) -> Decimal:
    """A number as a person types it: Arabic or Thai digits, a sign (also U+2212, the minus
    some keyboards type), one decimal point, thousands separators and spaces.

    Raises ``NumberTextError`` for anything else, before any arithmetic.
    """
    if not isinstance(text, str):
        raise NumberTextError("not_a_number")
    if len(text) > MAX_NUMBER_CHARS:
        raise NumberTextError("too_long")
    cleaned = arabic_digits(text.strip()).replace(",", "").replace(" ", "")
    cleaned = cleaned.replace("\u2212", "-")
    if not _DECIMAL_TEXT.fullmatch(cleaned):
        raise NumberTextError("not_a_number")
    try:
        return Decimal(cleaned)
    except InvalidOperation:  # the pattern admits only finite decimals; kept as a guard
        raise NumberTextError("not_a_number") from None


def decimal_or_none(text: str) -> Decimal | None:
    """``parse_decimal``, or None when the text is not such a number."""
    try:
        return parse_decimal(text)
    except NumberTextError:
        return None


def parse_whole_number(text: str, *, minimum: int = 0, maximum: int = MAX_ID) -> int:
    """A whole number written with digits only (Arabic or Thai; no sign, separator, point or
    exponent), from ``minimum`` to ``maximum``.

    The number of digits is compared with ``maximum``'s before ``int()`` runs, so a text of
    5,000 digits costs nothing. Raises ``NumberTextError``.
    """
    if not isinstance(text, str):
        raise NumberTextError("not_a_number")
    if len(text) > MAX_NUMBER_CHARS:
        raise NumberTextError("too_long")
    cleaned = arabic_digits(text.strip())
    if not _WHOLE_TEXT.fullmatch(cleaned):
        raise NumberTextError("not_a_number")
    digits = cleaned.lstrip("0") or "0"
    if len(digits) > len(str(maximum)):
        raise NumberTextError("out_of_range")
    number = int(digits)
    if not minimum <= number <= maximum:
        raise NumberTextError("out_of_range")
    return number


def whole_number_or_none(text, *, minimum: int = 0, maximum: int = MAX_ID) -> int | None:
    """``parse_whole_number``, or None; an ``int`` (not a bool) in range is taken as it is.

    For ids and steps in query strings and forms, where a wrong value is simply ignored.
    """
    if isinstance(text, int) and not isinstance(text, bool):
        return text if minimum <= text <= maximum else None
    try:
        return parse_whole_number(text, minimum=minimum, maximum=maximum)
    except NumberTextError:
        return None


# --- Buddhist-Era years ------------------------------------------------------------------


def parse_year_be(text: str, *, minimum: int, maximum: int) -> int:
    """A Buddhist-Era year typed by a person ("2569" or "๒๕๖๙"); raises ``NumberTextError``."""
    return parse_whole_number(text, minimum=minimum, maximum=maximum)


def year_ce(year_be: int) -> int:
    return year_be - BUDDHIST_ERA_OFFSET


def current_year_be() -> int:
    """This year in the Buddhist Era, as it is now in Bangkok."""
    return timezone.localdate().year + BUDDHIST_ERA_OFFSET


# --- Writing dates and digits ---------------------------------------------------------------

_LEADING_VOWEL = re.compile("([\u0e40-\u0e44])([\u0e01-\u0e2e])")  # เ แ โ ใ ไ, a consonant
_TIE_MARKS = str.maketrans("", "", "\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c")  # ็ ่ ้ ๊ ๋ ์


def thai_sort_key(text: str) -> tuple[str, str]:
    """Thai dictionary order, as the Royal Institute's dictionary sorts.

    Code points put every word that begins with เ แ โ ใ ไ after ฮ; in the dictionary a
    leading vowel sorts after the consonant it is written before (เชียงใหม่ among the ช),
    and tone marks only break ties.
    """
    spoken = _LEADING_VOWEL.sub(r"\2\1", text)
    return (spoken.translate(_TIE_MARKS), spoken)


THAI_MONTHS = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)
THAI_MONTHS_SHORT = (
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
)
ENGLISH_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

_THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def to_thai_digits(text) -> str:
    """Replace Arabic digits 0-9 by Thai digits ๐-๙; everything else is kept."""
    return str(text).translate(_THAI_DIGITS)


def buddhist_year(value: datetime.date | datetime.datetime) -> int:
    return _local_date(value).year + BUDDHIST_ERA_OFFSET


def _local_date(value: datetime.date | datetime.datetime) -> datetime.date:
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    return value


def _uses_thai() -> bool:
    return (translation.get_language() or "th").split("-")[0] == "th"


def format_thai_date(
    value: datetime.date | datetime.datetime | None,
    style: str = "short",
    *,
    thai_digits: bool = False,
    language: str | None = None,
) -> str:
    """Format a date for people: Buddhist Era in Thai, Gregorian in English.

    ``style`` is "short" (2 ธ.ค. 2569) or "long" (2 ธันวาคม พ.ศ. 2569).
    """
    if value in (None, ""):
        return ""
    day = _local_date(value)
    thai = _uses_thai() if language is None else language.startswith("th")
    if thai:
        if style == "long":
            text = f"{day.day} {THAI_MONTHS[day.month - 1]} พ.ศ. {day.year + BUDDHIST_ERA_OFFSET}"
        else:
            text = f"{day.day} {THAI_MONTHS_SHORT[day.month - 1]} {day.year + BUDDHIST_ERA_OFFSET}"
    else:
        month = ENGLISH_MONTHS[day.month - 1]
        text = f"{day.day} {month if style == 'long' else month[:3]} {day.year}"
    return to_thai_digits(text) if thai_digits else text


def format_thai_time(value: datetime.datetime | datetime.time | None) -> str:
    if value in (None, ""):
        return ""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    clock = f"{value.hour:02d}:{value.minute:02d}"
    return f"{clock} น." if _uses_thai() else clock


def format_thai_datetime(value: datetime.datetime | None, style: str = "short") -> str:
    if value in (None, ""):
        return ""
    return f"{format_thai_date(value, style)} {format_thai_time(value)}"


EMPTY_VALUE = "–"


def display_value(value):
    """A value in an admin table or detail view as people read it: ใช่/ไม่ใช่ for booleans,
    "–" for nothing, Buddhist-Era dates in Bangkok time; anything else unchanged."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return EMPTY_VALUE
    if isinstance(value, bool):
        return translation.gettext("Yes") if value else translation.gettext("No")
    if isinstance(value, datetime.datetime):
        return format_thai_datetime(value)
    if isinstance(value, datetime.date):
        return format_thai_date(value)
    return value


@register.filter(name="display_value")
def display_value_filter(value):
    """``{{ value|display_value }}``: see ``display_value`` (the admin's table cells)."""
    return display_value(value)


@register.filter(name="thai_date")
def thai_date_filter(value, style="short"):
    """Date in the Buddhist Era: ``|thai_date`` or ``|thai_date:"long"``."""
    return format_thai_date(value, style)


@register.filter(name="thai_datetime")
def thai_datetime_filter(value, style="short"):
    return format_thai_datetime(value, style)


@register.filter(name="thai_time")
def thai_time_filter(value):
    return format_thai_time(value)


@register.filter(name="thai_digits")
def thai_digits_filter(value):
    return to_thai_digits(value)
