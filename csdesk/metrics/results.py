"""View models for metrics: one source of truth for the command line, window and reports.

A :class:`Metric` carries its value with what it was computed from (numerator,
denominator, parts), so a reader can trace it, and a note saying what to keep in mind
(currencies converted, no data and why).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from csdesk.metrics.definitions import COUNT, DAYS, MEAN, MONEY, POINTS, RATIO, definition
from csdesk.metrics.periods import Period
from csdesk.money import Money

Value = Decimal | Money | int | None

NO_DATA = "no data: "


@dataclass(frozen=True)
class Metric:
    """One figure: its definition, its value and how it was reached."""

    name: str
    label: str
    definition: str
    unit: str
    value: Value
    note: str = ""
    numerator: Value = None
    denominator: Value = None
    parts: tuple[tuple[str, Value], ...] = ()

    @classmethod
    def of(
        cls,
        name: str,
        value: Value,
        *,
        note: str = "",
        numerator: Value = None,
        denominator: Value = None,
        parts: tuple[tuple[str, Value], ...] = (),
    ) -> Metric:
        """A metric named in the definitions, with its value and how it was reached."""
        spec = definition(name)
        return cls(
            spec.name, spec.label, spec.sentence, spec.unit, value, note, numerator,
            denominator, parts,
        )

    @classmethod
    def no_data(cls, name: str, reason: str, **kwargs: Any) -> Metric:
        """A metric that cannot be computed: its value is None and the note says why."""
        return cls.of(name, None, note=NO_DATA + reason, **kwargs)

    @property
    def has_data(self) -> bool:
        return self.value is not None

    def part(self, key: str) -> Value:
        return dict(self.parts).get(key)

    def display(self) -> str:
        """The value as a person reads it ("95.2%", "$1,200.00", "+20.0"), or "no data"."""
        return display_value(self.value, self.unit)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            "definition": self.definition,
            "unit": self.unit,
            "value": json_value(self.value),
            "display": self.display(),
            "note": self.note or None,
            "numerator": json_value(self.numerator),
            "denominator": json_value(self.denominator),
            "parts": {key: json_value(value) for key, value in self.parts},
        }


def json_value(value: Value) -> Any:
    """Money as ``{"amount", "currency"}``, decimals as exact strings, counts as numbers."""
    if value is None or isinstance(value, int):
        return value
    if isinstance(value, Money):
        return value.to_json()
    return format(value, "f")


def display_value(value: Value, unit: str) -> str:
    if value is None:
        return "no data"
    if isinstance(value, Money):
        return value.format()
    if isinstance(value, int):
        return str(value)
    if unit == RATIO:
        return f"{_round(value * 100, 1)}%"
    if unit == POINTS:
        rounded = _round(value, 1)
        return f"+{rounded}" if rounded > 0 else str(rounded)
    if unit == DAYS:
        return f"{_round(value, 1).normalize():f} days"
    if unit in (MEAN, COUNT, MONEY):
        return str(_round(value, 2))
    return str(value)


def _round(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)


@dataclass(frozen=True)
class MetricGroup:
    """The metrics of one group of accounts (a tier, a CSM, ...), or of the whole book."""

    key: str | None
    label: str
    accounts: int
    metrics: tuple[Metric, ...]

    def get(self, name: str) -> Metric:
        for metric in self.metrics:
            if metric.name == name:
                return metric
        raise KeyError(name)

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "accounts": self.accounts,
            "metrics": {m.name: m.to_json() for m in self.metrics},
        }


@dataclass(frozen=True)
class OnboardingRow:
    """An account still onboarding at period end: time to first value at risk."""

    account_id: int
    account: str
    started_on: date
    days_elapsed: int
    target_days: int
    group: str | None = None

    @property
    def over_target(self) -> bool:
        return self.days_elapsed > self.target_days

    def to_json(self) -> dict[str, Any]:
        return {
            "account_id": str(self.account_id),
            "account": self.account,
            "group": self.group,
            "started_on": self.started_on.isoformat(),
            "days_elapsed": self.days_elapsed,
            "target_days": self.target_days,
            "over_target": self.over_target,
        }


@dataclass(frozen=True)
class MetricsReport:
    """Every metric for a period, for the whole book or per group."""

    period: Period
    as_of: date
    currency: str
    group_by: str | None
    groups: tuple[MetricGroup, ...]
    notes: tuple[str, ...] = ()
    ttv_at_risk: tuple[OnboardingRow, ...] = field(default=())

    def group(self, key: str | None = None) -> MetricGroup:
        for candidate in self.groups:
            if candidate.key == key:
                return candidate
        raise KeyError(key)

    def to_json(self) -> dict[str, Any]:
        return {
            "period": self.period.to_json(),
            "as_of": self.as_of.isoformat(),
            "currency": self.currency,
            "group_by": self.group_by,
            "notes": list(self.notes),
            "groups": [g.to_json() for g in self.groups],
            "ttv_at_risk": [row.to_json() for row in self.ttv_at_risk],
        }
