"""Reading periods the way a user types them: first and last day, both included."""

from __future__ import annotations

from datetime import date

import pytest

from csdesk.errors import ValidationError
from csdesk.metrics import parse_period

AS_OF = date(2026, 8, 15)


@pytest.mark.parametrize(
    ("text", "first", "last", "kind"),
    [
        (None, date(2025, 8, 16), date(2026, 8, 15), "ttm"),
        ("TTM", date(2025, 8, 16), date(2026, 8, 15), "ttm"),
        ("2026", date(2026, 1, 1), date(2026, 12, 31), "year"),
        ("2026Q1", date(2026, 1, 1), date(2026, 3, 31), "quarter"),
        ("2026-q3", date(2026, 7, 1), date(2026, 9, 30), "quarter"),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29), "month"),
        ("2026-01-01..2026-03-31", date(2026, 1, 1), date(2026, 3, 31), "range"),
    ],
)
def test_periods_as_typed(text: str | None, first: date, last: date, kind: str) -> None:
    period = parse_period(text, AS_OF)

    assert (period.start, period.end, period.kind) == (first, last, kind)


def test_trailing_twelve_months_from_a_leap_day() -> None:
    # From D minus one year plus one day: 2023-02-28 + 1 day.
    period = parse_period("ttm", date(2024, 2, 29))

    assert (period.start, period.end) == (date(2023, 3, 1), date(2024, 2, 29))
    assert period.days == 366


@pytest.mark.parametrize("text", ["2026Q5", "last year", "2026-13", "2026-03-31..2026-01-01"])
def test_periods_that_are_not_periods(text: str) -> None:
    with pytest.raises(ValidationError) as error:
        parse_period(text, AS_OF)

    assert "period" in str(error.value)
