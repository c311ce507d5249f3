"""When an account reached first value (DOMAIN.md, "Time to value").

First value is the day a success-plan milestone marked "first value" was done. When no
milestone is marked, it is the first week in which active users reach half the licensed
seats: weeks run from the purchase date (days 0-6, 7-13, ...), a week's active users are the
average of its days with a figure, and the week must be over, so the date is its last day.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

WEEK = 7


@dataclass(frozen=True)
class FirstValue:
    """The day first value was reached, and how it is known."""

    on: date
    source: str


def first_value(
    purchase: date,
    as_of: date,
    marks: Sequence[tuple[str, date | None]],
    usage: Iterable[tuple[date, int]],
    seats: int | None,
    seat_share: Decimal = Decimal("0.5"),
) -> FirstValue | None:
    """First value as known on ``as_of``, or None when not reached (or not measurable).

    Args:
        purchase: the start of the first paid contract.
        as_of: the day the answer is for.
        marks: first-value milestones as (title, done on or None).
        usage: (day, active users) figures for the account.
        seats: licensed seats (None or 0: usage cannot show first value).
        seat_share: the share of seats active users must reach in a week.
    """
    if marks:
        done = [(day, title) for title, day in marks if day is not None and day <= as_of]
        if not done:
            return None
        day, title = min(done)
        return FirstValue(day, f"milestone '{title}' done")
    if not seats:
        return None

    weeks: dict[int, list[int]] = defaultdict(list)
    for day, active in usage:
        if purchase <= day <= as_of:
            weeks[(day - purchase).days // WEEK].append(active)
    for week in sorted(weeks):
        last_day = purchase + timedelta(days=week * WEEK + WEEK - 1)
        figures = weeks[week]
        if last_day <= as_of and Decimal(sum(figures)) >= seat_share * seats * len(figures):
            share = f"{seat_share * 100:.0f}%"
            return FirstValue(last_day, f"active users reached {share} of {seats} seats "
                                        f"in the week ending {last_day.isoformat()}")
    return None
