"""Churn by reason: events and lost ARR per reason, by tier, segment, cohort and quarter.

Lost ARR is the amount recorded with the churn event; when none was recorded it is the
ARR the account's contracts lost on the churn date (the day before minus that day). The
customer's own words stay next to the figures.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from csdesk.metrics.book import Converter, arr_lost_on, book_converter, contract_currencies
from csdesk.metrics.inputs import AccountFacts, ChurnRecord, MetricInputs
from csdesk.metrics.periods import Period, effective_period, quarter_of
from csdesk.metrics.results import Metric
from csdesk.metrics.value import first_paid_contract
from csdesk.money import Money, RateTable
from csdesk.vocabulary import CHURN_REASONS, TIER_LABELS, label

DIMENSIONS = ("tier", "segment", "cohort", "quarter")


@dataclass(frozen=True)
class Feedback:
    """What a churned customer said, with who and when."""

    account_id: int
    account: str
    churned_on: date
    reason: str
    text: str

    def to_json(self) -> dict[str, Any]:
        return {
            "account_id": str(self.account_id),
            "account": self.account,
            "churned_on": self.churned_on.isoformat(),
            "reason": self.reason,
            "text": self.text,
        }


@dataclass(frozen=True)
class ChurnLine:
    """One churn reason: how many events and how much ARR went with them."""

    reason: str
    events: int
    lost_arr: Money
    feedback: tuple[Feedback, ...] = ()

    @property
    def label(self) -> str:
        return label(self.reason)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "reason": self.reason,
            "label": self.label,
            "churn_events": self.events,
            "churn_lost_arr": self.lost_arr.to_json(),
        }
        if self.feedback:
            data["feedback"] = [f.to_json() for f in self.feedback]
        return data


@dataclass(frozen=True)
class ChurnSlice:
    """The churn of one tier, segment, cohort or quarter, by reason."""

    dimension: str
    key: str
    label: str
    events: int
    lost_arr: Money
    by_reason: tuple[ChurnLine, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "dimension": self.dimension,
            "key": self.key,
            "label": self.label,
            "churn_events": self.events,
            "churn_lost_arr": self.lost_arr.to_json(),
            "by_reason": [line.to_json() for line in self.by_reason],
        }


@dataclass(frozen=True)
class ChurnReport:
    """Churn in a period: totals, every reason of the taxonomy, and the slices."""

    period: Period
    as_of: date
    currency: str
    events: Metric
    lost_arr: Metric
    by_reason: tuple[ChurnLine, ...]
    slices: tuple[ChurnSlice, ...]
    notes: tuple[str, ...] = ()

    def line(self, reason: str) -> ChurnLine:
        return next(line for line in self.by_reason if line.reason == reason)

    def slices_by(self, dimension: str) -> list[ChurnSlice]:
        return [s for s in self.slices if s.dimension == dimension]

    def to_json(self) -> dict[str, Any]:
        return {
            "period": self.period.to_json(),
            "as_of": self.as_of.isoformat(),
            "currency": self.currency,
            "notes": list(self.notes),
            "totals": {m.name: m.to_json() for m in (self.events, self.lost_arr)},
            "by_reason": [line.to_json() for line in self.by_reason],
            "by": {
                dimension: [s.to_json() for s in self.slices_by(dimension)]
                for dimension in DIMENSIONS
            },
            "definitions": {m.name: m.definition for m in (self.events, self.lost_arr)},
        }


@dataclass(frozen=True)
class _Loss:
    record: ChurnRecord
    account: AccountFacts
    lost: Decimal
    derived: bool


def compute_churn(
    inputs: MetricInputs, period: Period, as_of: date, rates: RateTable
) -> ChurnReport:
    """Churn events dated in ``period`` (known on ``as_of``), by reason and by slice.

    Raises:
        ValidationError: a period starting after ``as_of``, or a currency without a rate.
    """
    effective, notes = effective_period(period, as_of)
    accounts = {a.id: a for a in inputs.accounts}
    records = [
        r for r in inputs.churn_events
        if effective.contains(r.churned_on) and r.account_id in accounts
    ]
    convert = _converter(records, [accounts[r.account_id] for r in records], effective, rates)
    losses = [_loss(r, accounts[r.account_id], convert) for r in records]

    known = any(r.churned_on <= effective.end for r in inputs.churn_events)
    events, lost = _totals(losses, convert, known)
    derived = sum(1 for loss in losses if loss.derived)
    if derived:
        notes.append(
            f"Lost ARR of {derived} of {len(losses)} events was not recorded with the event: "
            "it is the ARR the account's contracts lost on the churn date."
        )
    if convert.note():
        notes.append(f"Lost ARR {convert.note()}.")

    return ChurnReport(
        period=effective,
        as_of=as_of,
        currency=convert.currency,
        events=events,
        lost_arr=lost,
        by_reason=tuple(_lines(losses, convert, CHURN_REASONS, with_feedback=True)),
        slices=tuple(_slices(losses, convert)),
        notes=tuple(notes),
    )


def _converter(
    records: Sequence[ChurnRecord], accounts: Sequence[AccountFacts], period: Period,
    rates: RateTable,
) -> Converter:
    currencies = {r.lost_arr.currency for r in records if r.lost_arr is not None}
    # Lost ARR may be read on the day before the period's first day.
    reach = Period(period.start - timedelta(days=1), period.end, period.label, period.kind)
    for account in accounts:
        currencies |= contract_currencies(account.contracts, reach)
    return book_converter(currencies, rates)


def _loss(record: ChurnRecord, account: AccountFacts, convert: Converter) -> _Loss:
    if record.lost_arr is not None:
        return _Loss(record, account, convert.amount(record.lost_arr), derived=False)
    lost = arr_lost_on(account.contracts, record.churned_on, convert)
    return _Loss(record, account, lost, derived=True)


def _totals(losses: Sequence[_Loss], convert: Converter, known: bool) -> tuple[Metric, Metric]:
    if not known:
        reason = "no churn events recorded"
        return Metric.no_data("churn_events", reason), Metric.no_data("churn_lost_arr", reason)
    total = sum((loss.lost for loss in losses), Decimal(0))
    return (
        Metric.of("churn_events", len(losses)),
        Metric.of("churn_lost_arr", convert.money(total), note=convert.note(),
                  denominator=len(losses)),
    )


def _lines(
    losses: Sequence[_Loss], convert: Converter, reasons: Sequence[str], with_feedback: bool
) -> list[ChurnLine]:
    lines = []
    for reason in reasons:
        mine = [loss for loss in losses if loss.record.reason == reason]
        feedback = tuple(
            Feedback(loss.account.id, loss.account.name, loss.record.churned_on, reason,
                     loss.record.feedback.strip())
            for loss in sorted(mine, key=lambda x: (x.record.churned_on, x.record.id))
            if with_feedback and loss.record.feedback and loss.record.feedback.strip()
        )
        total = sum((loss.lost for loss in mine), Decimal(0))
        lines.append(ChurnLine(reason, len(mine), convert.money(total), feedback))
    return lines


def _slices(losses: Sequence[_Loss], convert: Converter) -> list[ChurnSlice]:
    keys: dict[str, Callable[[_Loss], tuple[str, str]]] = {
        "tier": _tier_key,
        "segment": lambda x: (x.account.segment or "(none)", x.account.segment or "(no segment)"),
        "cohort": _cohort_key,
        "quarter": lambda x: (quarter_of(x.record.churned_on),) * 2,
    }
    slices = []
    for dimension in DIMENSIONS:
        grouped: dict[tuple[str, str], list[_Loss]] = {}
        for loss in losses:
            grouped.setdefault(keys[dimension](loss), []).append(loss)
        for (key, text) in sorted(grouped, key=lambda k: (k[0].startswith("("), k[0])):
            mine = grouped[(key, text)]
            lines = [line for line in _lines(mine, convert, CHURN_REASONS, False) if line.events]
            total = sum((loss.lost for loss in mine), Decimal(0))
            slices.append(ChurnSlice(dimension, key, text, len(mine), convert.money(total),
                                     tuple(lines)))
    return slices


def _tier_key(loss: _Loss) -> tuple[str, str]:
    tier = loss.account.tier
    if not tier:
        return "(none)", "(no tier)"
    return str(tier), f"Tier {tier} ({TIER_LABELS.get(tier, '')})"


def _cohort_key(loss: _Loss) -> tuple[str, str]:
    """The quarter the account became a customer (its first paid contract's start)."""
    since = loss.account.customer_since
    first = first_paid_contract(loss.account)
    if since is None and first is not None:
        since = first.start
    if since is None:
        return "(none)", "(unknown cohort)"
    return (quarter_of(since),) * 2
