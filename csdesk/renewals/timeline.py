"""The renewal timeline: renewals bucketed by month, ready for a chart.

Each month holds its renewals' count and renewable ARR in the reporting currency, split by
forecast category and by health band. Plain dataclasses, so a chart, a table and JSON all draw
from the same numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta

from csdesk.money import Money, RateTable
from csdesk.renewals.categories import ROLLUP_CATEGORIES
from csdesk.renewals.lines import RenewalLine

HEALTH_BANDS = ("green", "yellow", "red", "unknown")


def health_key(band: str | None) -> str:
    """The health column a band falls in (no band: unknown)."""
    return band if band in HEALTH_BANDS else "unknown"


@dataclass(frozen=True)
class TimelineMonth:
    """The renewals of one calendar month."""

    month: date
    count: int
    renewable: Money
    by_category: dict[str, Money]
    by_health: dict[str, Money]

    @property
    def label(self) -> str:
        return self.month.strftime("%Y-%m")

    def to_json(self) -> dict[str, Any]:
        return {
            "month": self.label,
            "count": self.count,
            "renewable_arr": self.renewable.to_json(),
            "by_category": {k: v.to_json() for k, v in self.by_category.items()},
            "by_health": {k: v.to_json() for k, v in self.by_health.items()},
        }


@dataclass(frozen=True)
class RenewalTimeline:
    """Months from the as-of month on; evergreen contracts are summed apart (no date)."""

    as_of: date
    currency: str
    months: tuple[TimelineMonth, ...]
    evergreen_count: int
    evergreen_arr: Money
    converted_from: frozenset[str] = field(default=frozenset())

    @property
    def note(self) -> str:
        if not self.converted_from:
            return ""
        return f"includes {', '.join(sorted(self.converted_from))} converted at your rates table"

    def to_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "currency": self.currency,
            "converted_from": sorted(self.converted_from),
            "note": self.note,
            "months": [m.to_json() for m in self.months],
            "evergreen": {"count": self.evergreen_count, "arr": self.evergreen_arr.to_json()},
        }


def month_starts(as_of: date, months: int) -> list[date]:
    """First days of ``months`` calendar months from the month of ``as_of``."""
    first = as_of.replace(day=1)
    return [first + relativedelta(months=i) for i in range(months)]


def build_timeline(
    lines: Sequence[RenewalLine], as_of: date, rates: RateTable, months: int = 18
) -> RenewalTimeline:
    """Bucket the lines' renewals from ``as_of`` into ``months`` calendar months."""
    currency = rates.reporting_currency
    starts = month_starts(as_of, months)
    index = {(d.year, d.month): i for i, d in enumerate(starts)}
    counts = [0] * months
    categories = [dict.fromkeys(ROLLUP_CATEGORIES, Money.zero(currency)) for _ in starts]
    bands = [dict.fromkeys(HEALTH_BANDS, Money.zero(currency)) for _ in starts]
    evergreen_count = 0
    evergreen_arr = Money.zero(currency)
    converted: set[str] = set()

    for line in lines:
        slot = None
        if line.renewal_date is not None and line.renewal_date >= as_of:
            slot = index.get((line.renewal_date.year, line.renewal_date.month))
        if line.renewal_date is not None and slot is None:
            continue
        if line.renewable.currency != currency:
            converted.add(line.renewable.currency)
        amount = rates.convert(line.renewable)
        if slot is None:
            evergreen_count += 1
            evergreen_arr = evergreen_arr + amount
            continue
        counts[slot] += 1
        categories[slot][line.category] = categories[slot][line.category] + amount
        band = health_key(line.account.health_band)
        bands[slot][band] = bands[slot][band] + amount

    buckets = tuple(
        TimelineMonth(
            month=start,
            count=counts[i],
            renewable=_total(categories[i].values(), currency),
            by_category=categories[i],
            by_health=bands[i],
        )
        for i, start in enumerate(starts)
    )
    return RenewalTimeline(as_of, currency, buckets, evergreen_count, evergreen_arr,
                           frozenset(converted))


def _total(amounts: Any, currency: str) -> Money:
    total = Money.zero(currency)
    for money in amounts:
        total = total + money
    return total
