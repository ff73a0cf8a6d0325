"""Stable public addresses of programmes and rounds: what QR codes, posters, e-mails and
calendar files point at. ``/p/<code>/`` and ``/p/<code>/<round number>/`` redirect to the
page (``courses.views.ShortLinkView``), so a printed circular keeps working when pages move.
"""

import re
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from core.thai import arabic_digits

SRC_MAX_LENGTH = 64

# The round's edit view in the admin shows buttons other apps give for the round (cms: its
# web page). Called as ``hook(round_)``; returns Wagtail ``Button``s (may be none).
ROUND_ADMIN_BUTTONS_HOOK = "round_admin_buttons"


def clean_src(value: str | None) -> str:
    """A QR source tag as stored: ASCII letters, digits, ``-`` and ``_`` only, at most 64."""
    if not value:
        return ""
    kept = "".join(ch for ch in value.strip() if ch.isascii() and (ch.isalnum() or ch in "-_"))
    return kept[:SRC_MAX_LENGTH]


def programme_path(programme, *, src: str = "") -> str:
    with translation.override("th"):
        path = reverse("courses:programme_link", kwargs={"code": programme.code})
    return _with_src(path, src)


def round_path(round_, *, src: str = "") -> str:
    with translation.override("th"):
        path = reverse(
            "courses:round_link", kwargs={"code": round_.programme.code, "number": round_.number}
        )
    return _with_src(path, src)


def programme_url(programme, *, src: str = "") -> str:
    return settings.SITE_URL + programme_path(programme, src=src)


def round_url(round_, *, src: str = "") -> str:
    return settings.SITE_URL + round_path(round_, src=src)


def default_src(programme) -> str:
    """The tag printed on the circular's QR code: "circular-1114" for มท ๐๘๒๐.๒/ว ๑๑๑๔."""
    digits = arabic_digits(programme.circular_number or "")
    last = digits.replace("/", " ").split()[-1] if digits.strip() else ""
    last = "".join(re.findall(r"[0-9]", last))
    return f"circular-{last}" if last else "qr"


def _with_src(path: str, src: str) -> str:
    src = clean_src(src)
    return f"{path}?{urlencode({'src': src})}" if src else path
