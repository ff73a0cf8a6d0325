"""The indicator framework: a versioned JSON data file, loaded and checked once.

The file (``settings.SAR_FRAMEWORK_FILE``, by default ``sar/frameworks/sandbox-v1.json``)
holds everything that is a matter of definition rather than of code: the data-entry pages
in their order (which one holds the profile, which the GHG inventory), the profile fields,
the inputs with their Thai help and where each starts pre-filled from, the indicators
(formula kind, inputs, bands), the components and their weights, the levels, the
validation rules, the emission factors with their validity dates, and the exercises per
round. Replacing the file replaces the framework; `python manage.py check` refuses a
broken file with a message naming the fault (see ``sar.checks``).

- ``model``: what a parsed framework is made of;
- ``parse``: one function per section of the file (``indicators``, ``factors`` for theirs);
- here: reading the file, and the active framework (parsed once per file version).
"""

import json
from functools import lru_cache
from pathlib import Path

from django.conf import settings

from .checker import FrameworkError
from .model import (
    BASE_YEAR_PREFIX,
    Component,
    EmissionFactor,
    Exercise,
    FactorVersion,
    Field,
    Framework,
    Indicator,
    Level,
    Section,
    localized,
)
from .parse import parse_framework

__all__ = [
    "BASE_YEAR_PREFIX",
    "Component",
    "EmissionFactor",
    "Exercise",
    "FactorVersion",
    "Field",
    "Framework",
    "FrameworkError",
    "Indicator",
    "Level",
    "Section",
    "get_framework",
    "localized",
    "parse_framework",
    "read_framework_file",
]


def read_framework_file(path) -> Framework:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise FrameworkError(path, [f"cannot read the file: {error.strerror or error}"]) from None
    try:
        data = json.loads(text)
    except ValueError as error:
        raise FrameworkError(path, [f"not valid JSON: {error}"]) from None
    return parse_framework(data, path)


@lru_cache(maxsize=8)
def _cached_framework(path: str, modified: float) -> Framework:
    return read_framework_file(path)


def get_framework() -> Framework:
    """The active framework (settings.SAR_FRAMEWORK_FILE), parsed once per file version."""
    path = Path(settings.SAR_FRAMEWORK_FILE)
    try:
        modified = path.stat().st_mtime
    except OSError:
        modified = 0.0
    return _cached_framework(str(path), modified)
