"""One base for the errors our services raise: a stable code, a Thai message, an HTTP status.

As Zulip's ``JsonableError``: each app subclasses ``CodedError`` and declares only its
messages (and, where a view answers with something other than 400, the status per code)::

    class EnrolmentError(CodedError):
        MESSAGES = {"registration_closed": _("Registration for this round has closed.")}
        STATUSES = {"registration_closed": 409}

    raise EnrolmentError("registration_closed")

Tests check ``error.code``; views show ``error.message`` and answer with ``error.status``.
"""

from collections.abc import Mapping
from typing import ClassVar


class CodedError(Exception):
    """A refused action: ``code`` is stable, ``message`` is Thai (in the active language)."""

    MESSAGES: ClassVar[Mapping[str, str]] = {}
    # HTTP status per code, for views that answer with one; every other code gives 400.
    STATUSES: ClassVar[Mapping[str, int]] = {}
    DEFAULT_STATUS: ClassVar[int] = 400

    def __init__(self, code: str, *, params: Mapping[str, object] | None = None):
        if code not in self.MESSAGES:
            raise KeyError(f"{type(self).__name__} has no message for {code!r}")
        self.code = code
        self.params = dict(params or {})
        super().__init__(code)

    @property
    def message(self) -> str:
        """The Thai message (translated when read, with its ``params`` filled in)."""
        text = str(self.MESSAGES[self.code])
        return text % self.params if self.params else text

    @property
    def status(self) -> int:
        return self.STATUSES.get(self.code, self.DEFAULT_STATUS)

    def __str__(self) -> str:
        return self.code
