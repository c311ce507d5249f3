"""The renewal forecast: expected bookings per quarter and category, and ARR at risk.

Method (stated in the product too). Every figure is in the reporting currency. For each dated
renewal due in a quarter, the *forecast amount* is the amount of the opportunity that carries
it, or the renewable ARR when there is no opportunity or it has no amount. The *expected*
amount is the forecast amount times the probability of the renewal's category (unforecast
renewals use the unforecast probability). The expected **gross renewal rate** of a quarter is
sum(min(expected, renewable)) / sum(renewable) over its renewals, so it never exceeds 100%;
the expected **net renewal rate** is sum(expected) / sum(renewable). These are rates of the
renewal cohort, not the whole-base NRR and GRR. Evergreen contracts have no dated renewal and
are left out of the quarters; they do count in ARR at risk.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from csdesk.money import Money, RateTable
from csdesk.renewals.categories import ROLLUP_CATEGORIES
from csdesk.renewals.lines import RenewalLine


@dataclass(frozen=True)
class Quarter:
    """A calendar quarter, first to last day."""

    start: date
    end: date

    @property
    def label(self) -> str:
        return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"


def quarter_of(day: date) -> Quarter:
    """The calendar quarter holding ``day``."""
    start = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return Quarter(start, start + relativedelta(months=3) - timedelta(days=1))


def next_quarters(as_of: date, count: int = 4) -> list[Quarter]:
    """The quarter holding ``as_of`` and the ones after it."""
    first = quarter_of(as_of)
    return [quarter_of(first.start + relativedelta(months=3 * i)) for i in range(count)]


@dataclass(frozen=True)
class ExpectedRenewal:
    """One renewal's figures in the reporting currency."""

    line: RenewalLine
    renewable: Money
    forecast: Money
    probability: Decimal

    @property
    def expected(self) -> Money:
        return self.forecast * self.probability

    @property
    def expected_gross(self) -> Money:
        return self.expected if self.expected.amount < self.renewable.amount else self.renewable


def expect(
    line: RenewalLine, probabilities: Mapping[str, Decimal], rates: RateTable
) -> ExpectedRenewal:
    """Price one renewal: its renewable ARR, forecast amount and category probability."""
    renewable = rates.convert(line.renewable)
    amount = line.opportunity.amount if line.opportunity else None
    forecast = rates.convert(amount) if amount is not None else renewable
    return ExpectedRenewal(line, renewable, forecast, probabilities[line.category])


def currencies_of(lines: Sequence[RenewalLine]) -> set[str]:
    """Every currency the lines' amounts are quoted in."""
    found = {line.renewable.currency for line in lines}
    found |= {
        line.opportunity.amount.currency
        for line in lines
        if line.opportunity is not None and line.opportunity.amount is not None
    }
    return found


@dataclass(frozen=True)
class CategoryTotal:
    """Renewals of one forecast category: count, renewable, forecast and expected amounts."""

    category: str
    count: int
    renewable: Money
    forecast: Money
    expected: Money
    probability: Decimal


def _ratio(part: Money, whole: Money) -> Decimal | None:
    return None if whole.is_zero() else part.amount / whole.amount


@dataclass(frozen=True)
class QuarterForecast:
    """The renewals due in one quarter (from the as-of date, for the current one)."""

    quarter: Quarter
    first_day: date
    count: int
    renewable: Money
    expected: Money
    expected_gross: Money
    categories: tuple[CategoryTotal, ...]

    @property
    def gross_renewal_rate(self) -> Decimal | None:
        return _ratio(self.expected_gross, self.renewable)

    @property
    def net_renewal_rate(self) -> Decimal | None:
        return _ratio(self.expected, self.renewable)


def _sum(amounts: Sequence[Money], currency: str) -> Money:
    total = Money.zero(currency)
    for money in amounts:
        total = total + money
    return total


def category_totals(
    priced: Sequence[ExpectedRenewal], probabilities: Mapping[str, Decimal], currency: str
) -> tuple[CategoryTotal, ...]:
    """One total per category (all of them, zero where nothing falls in it)."""
    totals = []
    for category in ROLLUP_CATEGORIES:
        chosen = [p for p in priced if p.line.category == category]
        totals.append(
            CategoryTotal(
                category=category,
                count=len(chosen),
                renewable=_sum([p.renewable for p in chosen], currency),
                forecast=_sum([p.forecast for p in chosen], currency),
                expected=_sum([p.expected for p in chosen], currency),
                probability=probabilities[category],
            )
        )
    return tuple(totals)


def quarter_forecast(
    quarter: Quarter,
    priced: Sequence[ExpectedRenewal],
    probabilities: Mapping[str, Decimal],
    as_of: date,
    currency: str,
) -> QuarterForecast:
    """Roll up the dated renewals due from max(quarter start, as_of) to the quarter's end."""
    first = max(quarter.start, as_of)
    due = [
        p for p in priced
        if p.line.renewal_date is not None and first <= p.line.renewal_date <= quarter.end
    ]
    return QuarterForecast(
        quarter=quarter,
        first_day=first,
        count=len(due),
        renewable=_sum([p.renewable for p in due], currency),
        expected=_sum([p.expected for p in due], currency),
        expected_gross=_sum([p.expected_gross for p in due], currency),
        categories=category_totals(due, probabilities, currency),
    )


@dataclass(frozen=True)
class ArrAtRisk:
    """Renewable ARR due within a horizon that is at risk, by category and by red health.

    A renewal both in an at-risk category and red counts in both parts and once in the total.
    """

    horizon_days: int
    until: date
    by_category: Money
    by_health: Money
    overlap: Money
    lines: tuple[RenewalLine, ...] = field(default=())

    @property
    def total(self) -> Money:
        return self.by_category + self.by_health - self.overlap


def arr_at_risk(
    lines: Sequence[RenewalLine], as_of: date, horizon_days: int, rates: RateTable
) -> ArrAtRisk:
    """ARR at risk over the next ``horizon_days`` days (evergreen contracts always count).

    Each contract counts once, with its first renewal inside the horizon.
    """
    until = as_of + timedelta(days=horizon_days)
    currency = rates.reporting_currency
    seen: set[int] = set()
    at_risk: list[RenewalLine] = []
    for line in lines:
        due = line.renewal_date is None or as_of <= line.renewal_date <= until
        if not due or line.contract.contract_id in seen:
            continue
        seen.add(line.contract.contract_id)
        if line.at_risk_by_category or line.at_risk_by_health:
            at_risk.append(line)

    def total(chosen: list[RenewalLine]) -> Money:
        return _sum([rates.convert(line.renewable) for line in chosen], currency)

    return ArrAtRisk(
        horizon_days=horizon_days,
        until=until,
        by_category=total([x for x in at_risk if x.at_risk_by_category]),
        by_health=total([x for x in at_risk if x.at_risk_by_health]),
        overlap=total([x for x in at_risk if x.at_risk_by_category and x.at_risk_by_health]),
        lines=tuple(at_risk),
    )
