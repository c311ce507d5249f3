"""Reporting periods: a first and a last day, both included (DOMAIN.md "Periods")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from csdesk.errors import ValidationError

PERIOD_HELP = (
    "ttm (trailing 12 months, the default), a year (2026), a quarter (2026Q3), a month "
    "(2026-03) or first..last days (2026-01-01..2026-03-31)"
)

_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-?q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")


@dataclass(frozen=True)
class Period:
    """A reporting period from ``start`` to ``end``, both days included."""

    start: date
    end: date
    label: str
    kind: str

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValidationError(
                f"period {self.label}: its last day {self.end} is before its first {self.start}"
            )

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def ending(self, last_day: date) -> Period:
        """The same period cut short at ``last_day`` (for a period not over yet)."""
        return Period(self.start, min(self.end, last_day), self.label, self.kind)

    def to_json(self) -> dict[str, str]:
        return {
            "label": self.label,
            "kind": self.kind,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
        }


def trailing_twelve_months(as_of: date) -> Period:
    """From ``as_of`` minus one year plus one day, to ``as_of``."""
    start = as_of - relativedelta(years=1) + timedelta(days=1)
    return Period(start, as_of, f"TTM to {as_of.isoformat()}", "ttm")


def year(number: int) -> Period:
    return Period(date(number, 1, 1), date(number, 12, 31), str(number), "year")


def quarter(number: int, which: int) -> Period:
    start = date(number, 3 * which - 2, 1)
    end = start + relativedelta(months=3) - timedelta(days=1)
    return Period(start, end, f"{number}Q{which}", "quarter")


def month(number: int, which: int) -> Period:
    start = date(number, which, 1)
    end = start + relativedelta(months=1) - timedelta(days=1)
    return Period(start, end, f"{number}-{which:02d}", "month")


def quarter_of(day: date) -> str:
    """The quarter a day falls in, as ``2026Q3``."""
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def parse_period(text: str | None, as_of: date) -> Period:
    """Read a period the way a user types it; ``None`` or ``ttm`` is the trailing year.

    Args:
        text: the period as typed (see ``PERIOD_HELP``).
        as_of: the day "trailing 12 months" ends on.

    Returns:
        The period, first and last day included.

    Raises:
        ValidationError: the text is not a period csdesk understands.
    """
    cleaned = (text or "ttm").strip().lower().replace(" ", "")
    if cleaned == "ttm":
        return trailing_twelve_months(as_of)
    try:
        if match := _YEAR.match(cleaned):
            return year(int(match.group(1)))
        if match := _QUARTER.match(cleaned):
            return quarter(int(match.group(1)), int(match.group(2)))
        if match := _MONTH.match(cleaned):
            return month(int(match.group(1)), int(match.group(2)))
        if match := _RANGE.match(cleaned):
            first, last = (date.fromisoformat(g) for g in match.groups())
            label = f"{first.isoformat()}..{last.isoformat()}"
            return Period(first, last, label, "range")
    except ValueError:
        pass
    raise ValidationError(f"'{text}' is not a period; use {PERIOD_HELP}")


def effective_period(period: Period, as_of: date) -> tuple[Period, list[str]]:
    """The part of ``period`` known on ``as_of``, and a note when it was cut short.

    Raises:
        ValidationError: the period starts after ``as_of``.
    """
    if period.start > as_of:
        raise ValidationError(
            f"period {period.label} starts on {period.start.isoformat()}, after the as-of date "
            f"{as_of.isoformat()}: there is nothing to measure yet"
        )
    if period.end <= as_of:
        return period, []
    note = (
        f"Period {period.label} runs to {period.end.isoformat()}; figures are to "
        f"{as_of.isoformat()} (the as-of date)."
    )
    return period.ending(as_of), [note]
