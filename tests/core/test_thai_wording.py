"""Our Thai catalogue speaks with one voice (issue 15, item 9).

Walks every msgstr of locale/th/LC_MESSAGES/django.po: rounds are "ครั้งที่" (never "รุ่น"),
people are addressed as "ท่าน" (never "คุณ"), "รีเซ็ต" has one spelling, signing up is
"สมัครสมาชิก", and Thai sentences have no Western commas or full stops (abbreviations such
as อปท. or พ.ศ. keep theirs).
"""

import re
from pathlib import Path

import polib
import pytest

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "th" / "LC_MESSAGES" / "django.po"

THAI_LETTER = "\u0e01-\u0e4f"  # letters and marks, not Thai digits (๐๘๒๐.๒ is a number)
# Thai abbreviations end with a full stop by rule.
ABBREVIATION = re.compile(
    r"(?:พ\.ร\.บ|พ\.ต\.อ|พ\.ศ|ค\.ศ|ม\.ค|ธ\.ค|สถจ|อปท|อบต|อบจ|สถ|สส|ทน|ทม|ทต|ผศ|รศ|ดร|ศ|น|จ|อ|ต)\."
)
WESTERN_PUNCTUATION = re.compile(rf"[{THAI_LETTER}][,.] ?[{THAI_LETTER}]|[{THAI_LETTER}][,.]$")
ADDRESS_KHUN = re.compile(r"คุณ(?!ภาพ|สมบัติ|ค่า|ลักษณะ|ประโยชน์|วุฒิ|ธรรม)")
RESET_VARIANTS = re.compile(r"รีเซ(?!็ต)|รีเซ็ท")

# Lists of column names (identifiers, not a sentence); their screens are being rewritten
# with Thai headings (items 16 and 8).
PUNCTUATION_ALLOWED = {
    "Columns: dla_code, lao_type",
    "One row per question. Columns:",
}


def entries():
    for entry in polib.pofile(str(CATALOGUE)):
        if entry.obsolete:
            continue
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            if text:
                yield entry.msgid, text


def offending(check) -> list[str]:
    return [f"{msgid!r} → {text!r}" for msgid, text in entries() if check(msgid, text)]


def test_rounds_are_krang_thi_never_run():
    assert offending(lambda msgid, text: "รุ่น" in text) == []


def test_people_are_addressed_as_than_never_khun():
    assert offending(lambda msgid, text: ADDRESS_KHUN.search(text)) == []


def test_reset_has_one_spelling():
    assert offending(lambda msgid, text: RESET_VARIANTS.search(text)) == []


def test_signing_up_is_samak_samachik():
    assert (
        offending(
            lambda msgid, text: (
                re.fullmatch(r"sign(ing)? ?up", msgid, re.IGNORECASE) and "สมัครสมาชิก" not in text
            )
        )
        == []
    )


def test_thai_sentences_have_no_western_commas_or_full_stops():
    def check(msgid, text):
        if any(msgid.startswith(prefix) for prefix in PUNCTUATION_ALLOWED):
            return False
        return WESTERN_PUNCTUATION.search(ABBREVIATION.sub("", text))

    assert offending(check) == []


@pytest.mark.parametrize(
    ("text", "fails"),
    [
        ("ท่านได้ลงทะเบียนแล้ว, กรุณารอ", True),
        ("บันทึกแล้ว. ต่อไป", True),
        ("อปท. ของท่าน", False),
        ("มท ๐๘๒๐.๒/ว ๑๑๑๔", False),
        ("วันที่ ๒ ธ.ค. ๒๕๖๙", False),
    ],
)
def test_the_punctuation_check_catches_what_it_should(text, fails):
    assert bool(WESTERN_PUNCTUATION.search(ABBREVIATION.sub("", text))) is fails


def test_a_sar_field_names_its_unit_once():
    """The form writes "<name> (<unit>)": "ปีฐาน (พ.ศ.)", not "ปีฐาน (พ.ศ.) (พ.ศ.)"."""
    import json

    framework = CATALOGUE.parents[3] / "sar" / "frameworks" / "sandbox-v1.json"
    repeated = []

    def walk(node):
        if isinstance(node, dict):
            unit = node.get("unit_th")
            if unit and f"({unit})" in node.get("name_th", ""):
                repeated.append(node["name_th"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(framework.read_text(encoding="utf-8")))
    assert repeated == []


@pytest.mark.parametrize(
    ("context", "msgid", "thai"),
    [
        ("verify button", "Check", "ตรวจสอบ"),
        ("admin menu", "Questions", "คำถาม"),
        (None, "Sign up", "สมัครสมาชิก"),
    ],
)
def test_the_words_people_asked_for(context, msgid, thai):
    entry = polib.pofile(str(CATALOGUE)).find(msgid, msgctxt=context)
    assert entry is not None
    assert entry.msgstr == thai
