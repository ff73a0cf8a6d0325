import math

import pytest

from certificates.codes import (
    ALPHABET,
    CODE_LENGTH,
    format_code,
    mask_name,
    new_verification_code,
    normalise_code,
)


def test_a_code_carries_at_least_80_random_bits():
    assert len(set(ALPHABET)) == 32
    assert CODE_LENGTH * math.log2(len(ALPHABET)) >= 80
    codes = {new_verification_code() for _ in range(1000)}
    assert len(codes) == 1000
    assert all(len(code) == 16 and set(code) <= set(ALPHABET) for code in codes)


def test_codes_are_printed_in_groups_and_read_back_however_typed():
    code = "7KQ3M9XD2FHTRB6W"
    assert format_code(code) == "7KQ3-M9XD-2FHT-RB6W"
    for typed in (
        "7kq3-m9xd-2fht-rb6w",
        " 7KQ3 M9XD 2FHT RB6W ",
        "7KQ3M9XD2FHTRB6W",
        "7KQ3–M9XD–2FHT–RB6W",
    ):
        assert normalise_code(typed) == code


def test_letters_people_confuse_are_read_as_digits():
    assert normalise_code("OOOO-IIII-LLLL-0000") == "0000111111110000"


def test_anything_else_is_not_a_code():
    for typed in (
        "",
        "ABC",
        "7KQ3-M9XD-2FHT-RB6",
        "7KQ3-M9XD-2FHT-RB6WX",
        "UUUU-UUUU-UUUU-UUUU",
        "กขคง",
    ):
        assert normalise_code(typed) is None


def test_masked_names_keep_thai_marks_with_their_letters():
    assert mask_name("นางสาว", "น้ำฝน", "ใจดี") == "นางสาวน้ำ••• ใ•••"
    assert mask_name("นาย", "สมชาย", "รักษ์โลก") == "นายสม••• รั•••"
    assert mask_name("ดร.", "ปิ่น", "สุข") == "ดร.ปิ่••• สุ•••"


@pytest.mark.parametrize(
    ("prefix", "first", "last", "shown"),
    [
        # A one-letter name used to be shown whole ("ก•••"): no letter of it now.
        ("", "ก", "", "•••"),
        ("นาย", "ก", "ข", "นาย••• •••"),
        ("นาย", "ก\u200b", "ข\u200d", "นาย••• •••"),  # invisible characters count for nothing
        ("นาย", "เอ", "ณ อยุธยา", "นายเ••• ณ•••"),  # at most half of a short name
        ("นาย", "ชาย", "ดีงาม", "นายช••• ดี•••"),
        # A prefix typed as free text may carry the name itself: left out.
        ("นายสมชาย", "สมชาย", "รักษ์โลก", "สม••• รั•••"),
        ("พ.ต.อ.สมชาย", "สมชาย", "รักษ์โลก", "สม••• รั•••"),
        ("  นาง ", "สมศรี", "ใจดี", "นางสม••• ใ•••"),
        ("", "", "", ""),
    ],
)
def test_every_name_shape_is_masked(prefix, first, last, shown):
    assert mask_name(prefix, first, last) == shown
    for part in (first, last):
        visible = part.replace("\u200b", "").replace("\u200d", "")
        if visible:
            assert visible not in shown
