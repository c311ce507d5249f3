"""The span of calendar dates csdesk works with.

Wide enough for any contract, renewal or review a user records; narrow enough that the date
arithmetic done on them (renewal windows, trailing periods, cadences, weekly history) stays
inside Python's calendar, so a typo such as 9999-12-31 or 0001-01-01 gets a plain message
instead of an overflow deep inside a computation.
"""

from __future__ import annotations

from datetime import date

from csdesk.errors import ValidationError

EARLIEST = date(1900, 1, 1)
LATEST = date(2199, 12, 31)


def within_range(day: date, what: str | None = None) -> date:
    """Return ``day`` if csdesk can work with it.

    Args:
        day: the date given.
        what: how the message names it, e.g. "action item 'Send deck'".

    Raises:
        ValidationError: the date is before 1900 or after 2199.
    """
    if not EARLIEST <= day <= LATEST:
        prefix = f"{what}: " if what else ""
        raise ValidationError(
            f"{prefix}{day.isoformat()} is outside the dates csdesk works with "
            f"({EARLIEST.isoformat()} to {LATEST.isoformat()}); check the year"
        )
    return day
