"""Thai dates and digits: the one place where they are formatted.

Used from Python (e-mails, PDFs) and as template filters, registered as a
template builtin in settings so every template has them without ``{% load %}``:

    {{ round.starts_at|thai_date }}                 2 ธ.ค. 2569
    {{ round.starts_at|thai_date:"long" }}          2 ธันวาคม พ.ศ. 2569
    {{ round.starts_at|thai_date:"long"|thai_digits }}  ๒ ธันวาคม พ.ศ. ๒๕๖๙
    {{ round.starts_at|thai_datetime }}             2 ธ.ค. 2569 09:00 น.

Aware datetimes are shown in Asia/Bangkok (the current time zone), so an event at
23:30 UTC on 31 December is already 1 January of the next Buddhist year. With
English active the same filters give Gregorian English dates, so the /en/ pages
stay readable to foreign partners.
"""

import datetime

from django import template
from django.utils import timezone, translation

register = template.Library()

BUDDHIST_ERA_OFFSET = 543

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
