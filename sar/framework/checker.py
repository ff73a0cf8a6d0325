"""Collecting every fault of a framework file, instead of stopping at the first."""

import datetime
from decimal import Decimal, InvalidOperation


class FrameworkError(Exception):
    """The framework file is missing, not JSON, or inconsistent; ``problems`` says where."""

    def __init__(self, path, problems: list[str]):
        self.path = path
        self.problems = problems
        super().__init__(f"{path}: " + "; ".join(problems))


class Checker:
    """Each ``sar.framework.parse`` function reports its faults here; the caller raises."""

    def __init__(self):
        self.problems: list[str] = []

    def fail(self, message: str) -> None:
        self.problems.append(message)

    def decimal(self, value, where: str) -> Decimal | None:
        if isinstance(value, bool) or not isinstance(value, str | int):
            self.fail(f"{where}: expected a number written as a string, got {value!r}")
            return None
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            self.fail(f"{where}: {value!r} is not a number")
            return None
        if not number.is_finite():
            self.fail(f"{where}: {value!r} is not a finite number")
            return None
        return number

    def date(self, value, where: str) -> datetime.date | None:
        if value is None:
            return None
        try:
            return datetime.date.fromisoformat(value)
        except (TypeError, ValueError):
            self.fail(f"{where}: {value!r} is not a date (YYYY-MM-DD)")
            return None

    def require(self, item, keys: tuple[str, ...], where: str) -> bool:
        if not isinstance(item, dict):
            self.fail(f"{where}: expected an object")
            return False
        missing = [key for key in keys if key not in item]
        if missing:
            self.fail(f"{where}: missing {', '.join(missing)}")
            return False
        return True

    def items(self, value, where: str) -> list:
        """A list from the file, or [] (and a fault) when it is something else."""
        if isinstance(value, list):
            return value
        self.fail(f"{where}: expected a list")
        return []
