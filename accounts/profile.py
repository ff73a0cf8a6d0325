"""The participant's profile, defined once: which fields it has and the rules for names,
phone numbers and LINE IDs, shared by the sign-up and profile forms, the nominated
participants' import and the account's erasure."""

import re

# Fields a participant fills in about themselves (sign-up, profile, nominated import).
PROFILE_FIELDS = (
    "prefix",
    "first_name",
    "last_name",
    "first_name_en",
    "last_name_en",
    "position",
    "organisation",
    "phone",
    "line_id",
)
# The ones that are text about the person (all but the LAO): blanked on erasure.
PROFILE_TEXT_FIELDS = tuple(name for name in PROFILE_FIELDS if name != "organisation")

THAI_NAME = re.compile(r"^[\u0E00-\u0E7F][\u0E00-\u0E7F .\-]*$")
ENGLISH_NAME = re.compile(r"^[A-Za-z][A-Za-z .'\-]*$")
LINE_ID = re.compile(r"^@?[A-Za-z0-9._\-]{3,30}$")
THAI_PHONE = re.compile(r"0\d{8,9}")


def single_spaced(value) -> str:
    """A name as typed, with runs of spaces made one and the ends trimmed."""
    return " ".join(str(value or "").split())


def normalise_phone(value: str) -> str:
    """Thai phone numbers as typed ("081-234 5678", "+66 81 234 5678") to 10 digits."""
    digits = re.sub(r"[\s\-().]", "", value or "")
    if digits.startswith("+66"):
        digits = "0" + digits[3:]
    return digits


def is_thai_name(value: str) -> bool:
    return bool(THAI_NAME.match(value))


def is_english_name(value: str) -> bool:
    return bool(ENGLISH_NAME.match(value))


def is_thai_phone(phone: str) -> bool:
    """A normalised phone number: 9 or 10 digits starting with 0."""
    return bool(THAI_PHONE.fullmatch(phone))
