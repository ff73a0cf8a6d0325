"""Verification codes and the masked name shown on the public verify page.

A code is 16 characters of Crockford's base32 (0-9 and A-Z without I, L, O, U): 80 random
bits from ``secrets``, printed as four groups of four (``7KQ3-M9XD-2FHT-RB6W``). People
type it in any case, with or without hyphens or spaces; O is read as 0 and I, L as 1,
so what a person reads off paper still matches. The database stores the 16 characters.
"""

import secrets
import unicodedata

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


def _clusters(text: str) -> list[str]:
    """Split Thai text into what the eye sees as letters: a base and its marks."""
    clusters: list[str] = []
    for char in text:
        if clusters and unicodedata.category(char) in ("Mn", "Mc"):
            clusters[-1] += char
        else:
            clusters.append(char)
    return clusters


def mask_part(text: str, keep: int) -> str:
    clusters = _clusters(text.strip())
    if not clusters:
        return ""
    keep = min(keep, max(1, len(clusters) - 1))
    return "".join(clusters[:keep]) + "•" * 3


def mask_name(prefix: str, first_name: str, last_name: str) -> str:
    """The name as the public verify page shows it (PDPA): "นางสาวน้ำ••• ใ•••".

    The prefix stays (it identifies nobody); the first name keeps its first two letters,
    the last name its first letter, so the holder recognises it and a stranger learns little.
    """
    first = mask_part(first_name, 2)
    last = mask_part(last_name, 1)
    return f"{prefix.strip()}{first} {last}".strip()
