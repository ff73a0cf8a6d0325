"""Verification codes and the masked name shown on the public verify page.

A code is 16 characters of Crockford's base32 (0-9 and A-Z without I, L, O, U): 80 random
bits from ``secrets``, printed as four groups of four (``7KQ3-M9XD-2FHT-RB6W``). People
type it in any case, with or without hyphens or spaces; O is read as 0 and I, L as 1,
so what a person reads off paper still matches. The database stores the 16 characters.
"""

import secrets
import unicodedata

from accounts.models import STANDARD_PREFIXES

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 16  # 16 x 5 bits = 80 random bits
GROUP = 4
_TYPING_FIXES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = str.maketrans("", "", " -_.\u2010\u2011\u2012\u2013\u2014\u2212")


def new_verification_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str | None:
    """The stored form of what someone typed, or None when it cannot be a code."""
    code = (text or "").upper().translate(_SEPARATORS).translate(_TYPING_FIXES)
    if len(code) != CODE_LENGTH or any(char not in ALPHABET for char in code):
        return None
    return code


def format_code(code: str) -> str:
    """The printed form: four groups of four joined by hyphens."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


MASK = "•" * 3
# Invisible characters (zero-width spaces and joiners, controls) and spaces carry nothing a
# reader sees; left in, they would count as letters and let a whole name show.
_INVISIBLE = ("Cc", "Cf", "Zs", "Zl", "Zp")


def _clusters(text: str) -> list[str]:
    """Split Thai text into what the eye sees as letters: a base and its marks."""
    clusters: list[str] = []
    for char in unicodedata.normalize("NFC", text or ""):
        category = unicodedata.category(char)
        if category in _INVISIBLE:
            continue
        if clusters and category in ("Mn", "Mc", "Me"):
            clusters[-1] += char
        elif category not in ("Mn", "Mc", "Me"):
            clusters.append(char)
    return clusters


def mask_part(text: str, keep: int) -> str:
    """At most ``keep`` letters and never more than half of them: a one-letter name shows
    none, a two- or three-letter name one."""
    clusters = _clusters(text)
    if not clusters:
        return ""
    keep = min(keep, len(clusters) // 2)
    return "".join(clusters[:keep]) + MASK


def mask_name(prefix: str, first_name: str, last_name: str) -> str:
    """The name as the public verify page shows it (PDPA): "นางสาวน้ำ••• ใ•••".

    The prefix stays only when it is one of the standard ones (it identifies nobody); a
    prefix typed as free text may hold anything, a name or a rank with a name, so it is
    left out. The first name keeps at most its first two letters and the last name its
    first, never more than half of either, so the holder recognises it and a stranger
    learns little.
    """
    prefix = prefix.strip() if prefix and prefix.strip() in STANDARD_PREFIXES else ""
    first = mask_part(first_name, 2)
    last = mask_part(last_name, 1)
    return f"{prefix}{first} {last}".strip()
