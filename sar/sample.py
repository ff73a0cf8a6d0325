"""The fictitious sample city ("เทศบาลเมืองตัวอย่าง") that a workspace may start from."""

import json
from decimal import Decimal

from .framework import Framework, FrameworkError, localized


def decode_json(text: str):
    """JSON with every number as Decimal (never a float); NaN/Infinity come back as text."""
    return json.loads(
        text, parse_float=Decimal, parse_int=Decimal, parse_constant=lambda name: name
    )


def load_sample_city(framework: Framework) -> dict:
    """The sample's document, in the sar_assess input format (its profile has no year)."""
    path = framework.sample_city_path
    if path is None:
        raise FrameworkError("sample city", ["the framework names no sample city file"])
    try:
        return decode_json(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise FrameworkError(path, [f"cannot read the sample city: {error}"]) from None
    except ValueError as error:
        raise FrameworkError(path, [f"the sample city is not valid JSON: {error}"]) from None


def sample_city_name(framework: Framework) -> str:
    try:
        return localized(load_sample_city(framework), "name")
    except FrameworkError:
        return ""
