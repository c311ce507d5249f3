"""What the charts draw: small plain records a service's view model turns into."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class TrendPoint:
    """One reading of a value over time; ``value`` None is a gap (no data), never zero."""

    day: date
    value: float | None


@dataclass(frozen=True)
class RenewalBucket:
    """The renewable ARR due in one month, split by forecast category.

    Attributes:
        month: the first day of the month.
        amounts: category (stored spelling, or "unforecast") to exact amount.
    """

    month: date
    amounts: Mapping[str, Decimal] = field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        """The month's amounts added up."""
        return sum(self.amounts.values(), Decimal(0))


@dataclass(frozen=True)
class Bar:
    """One bar of a bar chart; ``colour`` is a key of the chart palette or a hex colour."""

    label: str
    value: float | None
    colour: str | None = None
    text: str | None = None


def plotted_values(points: Sequence[TrendPoint]) -> list[float]:
    """The values to plot: a gap (None) becomes NaN, which matplotlib leaves undrawn."""
    return [math.nan if p.value is None else float(p.value) for p in points]
