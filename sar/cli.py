"""The file side of `sar_assess`: read, decode, validate, assess; errors as the contract says."""

from django.utils.translation import gettext as _

from .engine import assess, assessment_to_json, parse_payload
from .framework import FrameworkError, get_framework
from .sample import decode_json


def read_input(name: str, *, stdin) -> tuple[str, dict | None]:
    try:
        if name == "-":
            return stdin.read(), None
        with open(name, encoding="utf-8") as handle:
            return handle.read(), None
    except OSError as error:
        message = _("Cannot read the file %(name)s: %(reason)s") % {
            "name": name,
            "reason": error.strerror or str(error),
        }
        return "", {"errors": {"file": [message]}}
    except UnicodeDecodeError:
        return "", {"errors": {"file": [_("The file is not UTF-8 text.")]}}


def assess_file_text(text: str) -> tuple[int, dict]:
    """(exit status, output document) for the text of an input file."""
    try:
        framework = get_framework()
    except FrameworkError as error:
        return 1, {"errors": {"framework": error.problems}}
    try:
        payload = decode_json(text)
    except ValueError as error:
        line = getattr(error, "lineno", "?")
        column = getattr(error, "colno", "?")
        message = _("The file is not valid JSON (line %(line)s, column %(column)s).") % {
            "line": line,
            "column": column,
        }
        return 1, {"errors": {"file": [message]}}
    data, errors = parse_payload(payload, framework)
    if errors:
        return 1, {"errors": errors}
    return 0, assessment_to_json(assess(data, framework))
