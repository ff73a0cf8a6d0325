"""Provinces and districts found by the names people type (DLA's lists name them, often
without codes): geothai's names, compared without spaces and leading จังหวัด/อำเภอ/เขต."""

import functools
import re

import geothai


def _place_key(text) -> str:
    """A place name as people type it, for comparing: spaces removed (Thai has none between
    words of a name) and a leading "จังหวัด"/"จ." or "อำเภอ"/"อ."/"กิ่งอำเภอ"/"เขต" dropped
    (geothai writes Bangkok's districts with "เขต", the others without "อำเภอ")."""
    text = "".join(str(text or "").split())
    return _PLACE_PREFIX.sub("", text)


_PLACE_PREFIX = re.compile(r"^(?:จังหวัด|จ\.|กิ่งอำเภอ|อำเภอ|อ\.|เขต)")
# What people write for Bangkok besides its name.
_BANGKOK_ALIASES = {"กรุงเทพฯ": "10", "กรุงเทพ": "10", "กทม.": "10", "กทม": "10"}


@functools.cache
def _province_codes() -> dict[str, str]:
    """Province code by name (Thai or English, normalised)."""
    codes = dict(_BANGKOK_ALIASES)
    for province in geothai.provinces():
        codes[_place_key(province.name_th)] = province.code
        codes[_place_key(province.name_en).lower()] = province.code
    return codes


@functools.cache
def _district_codes() -> dict[tuple[str, str], str]:
    """District code by (province code, name in Thai or English, normalised); a district's
    name is unique within its province once the prefixes are dropped."""
    codes = {}
    for province in geothai.provinces():
        for district in geothai.districts(province.code):
            codes[province.code, _place_key(district.name_th)] = district.code
            codes[province.code, _place_key(district.name_en).lower()] = district.code
    return codes


def province_code_for(name) -> str | None:
    key = _place_key(name)
    return _province_codes().get(key) or _province_codes().get(key.lower())


def district_code_for(province_code: str, name) -> str | None:
    key = _place_key(name)
    codes = _district_codes()
    return codes.get((province_code, key)) or codes.get((province_code, key.lower()))
