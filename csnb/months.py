"""Report months: the one place that parses, checks, shifts and ranges ``YYYY-MM`` months.

A month is a plain ``str`` written ``YYYY-MM`` (``"2025-11"``): it sorts, prints, serialises
to JSON and keys a DataFrame as it is. Every function here checks its month argument, so a
malformed month (``"2025-6"``, ``"2025-13"``, ``"June"``) raises :class:`ParameterError`
wherever it enters the package.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

from .errors import ParameterError

__all__ = [
    "check_month",
    "month_bounds",
    "month_of",
    "month_span",
    "months_ending",
    "shift_month",
]

MONTH_PATTERN = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def check_month(month: object, name: str = "month") -> str:
    """Return ``month`` when it is a real month written ``YYYY-MM``, else raise.

    Parameters
    ----------
    month : object
        The value to check.
    name : str
        Parameter name used in the message.

    Raises
    ------
    ParameterError
        ``month`` is not a string of the form ``YYYY-MM`` with a month 01-12.
    """
    if not isinstance(month, str) or not MONTH_PATTERN.match(month):
        raise ParameterError(
            f"{name} must be a real month written YYYY-MM (for example '2025-11'); "
            f"got {month!r}"
        )
    return month


def _index(month: str) -> int:
    year, mon = check_month(month).split("-")
    return int(year) * 12 + int(mon) - 1


def _from_index(n: int) -> str:
    return f"{n // 12:04d}-{n % 12 + 1:02d}"


def shift_month(month: str, n: int) -> str:
    """Return the month ``n`` months after ``month`` (negative ``n`` goes back)."""
    return _from_index(_index(month) + int(n))


def month_span(first: str, last: str) -> list[str]:
    """Return every month from ``first`` to ``last`` inclusive (empty when last < first)."""
    return [_from_index(n) for n in range(_index(first), _index(last) + 1)]


def months_ending(end: str, n: int) -> list[str]:
    """Return the ``n`` months ending with ``end``, oldest first."""
    return month_span(shift_month(end, -(n - 1)), end) if n > 0 else []


def month_bounds(month: str) -> tuple[date, date]:
    """Return the first and last calendar day of ``month``."""
    year, mon = (int(p) for p in check_month(month).split("-"))
    return date(year, mon, 1), date(year, mon, calendar.monthrange(year, mon)[1])


def month_of(day: date) -> str:
    """Return the ``YYYY-MM`` month of a date."""
    return f"{day.year:04d}-{day.month:02d}"
