"""iCalendar (RFC 5545) files for rounds, in Asia/Bangkok time."""

import datetime
import zoneinfo

from django.conf import settings
from django.utils import timezone

BANGKOK = zoneinfo.ZoneInfo("Asia/Bangkok")

VTIMEZONE = (
    "BEGIN:VTIMEZONE",
    "TZID:Asia/Bangkok",
    "BEGIN:STANDARD",
    "DTSTART:19700101T000000",
    "TZOFFSETFROM:+0700",
    "TZOFFSETTO:+0700",
    "TZNAME:+07",
    "END:STANDARD",
    "END:VTIMEZONE",
)


def escape_text(value: str) -> str:
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (UTF-8 safe)."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line
    parts, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        limit = 75 if not parts else 74
        if size + width > limit:
            parts.append(current)
            current, size = "", 0
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


def _local(value: datetime.datetime) -> str:
    return value.astimezone(BANGKOK).strftime("%Y%m%dT%H%M%S")


def _utc(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def round_calendar(
    *,
    uid: str,
    title: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    url: str,
    description: str,
    location: str,
    sequence: int = 0,
) -> str:
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//DLA DCCE//ESC Training//TH",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        *VTIMEZONE,
        "BEGIN:VEVENT",
        f"UID:{uid}@{host}",
        f"DTSTAMP:{_utc(timezone.now())}",
        f"DTSTART;TZID=Asia/Bangkok:{_local(starts_at)}",
        f"DTEND;TZID=Asia/Bangkok:{_local(ends_at)}",
        f"SEQUENCE:{sequence}",
        f"SUMMARY:{escape_text(title)}",
        f"DESCRIPTION:{escape_text(description)}",
        f"LOCATION:{escape_text(location)}",
        f"URL:{url}",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        f"DESCRIPTION:{escape_text(title)}",
        "TRIGGER:-PT60M",
        "END:VALARM",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(fold(line) for line in lines) + "\r\n"
