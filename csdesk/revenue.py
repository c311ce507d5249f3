"""Annual recurring revenue of contracts and accounts (DOMAIN.md, "Revenue and retention").

Pure functions over :class:`ContractTerms`, so metrics, tiers, renewals and the views all
compute ARR the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from csdesk.money import Money, RateTable

PERIODS_PER_YEAR = {"month": Decimal(12), "quarter": Decimal(4), "year": Decimal(1)}


@dataclass(frozen=True)
class ContractTerms:
    """What ARR needs to know about a contract."""

    start: date
    end: date | None
    amount: Money
    amount_period: str
    term_months: int | None = None
    recurring: bool = True
    is_trial: bool = False
    contract_id: int | None = None
    account_id: int | None = None

    def is_active(self, day: date) -> bool:
        """Active on ``day``: started, and the end date (first day without it) not reached."""
        return self.start <= day and (self.end is None or day < self.end)

    def term_length_months(self) -> int | None:
        if self.term_months:
            return self.term_months
        if self.end is None:
            return None
        delta = relativedelta(self.end, self.start)
        months = delta.years * 12 + delta.months
        # A term that ends mid-month still counts the started month (e.g. 1 Jan to 15 Jul).
        return months + (1 if delta.days > 0 else 0)


def contract_arr(terms: ContractTerms) -> Money:
    """Annualised recurring value: monthly x 12, quarterly x 4, annual x 1, term x 12 / months."""
    if not terms.recurring or terms.is_trial:
        return Money.zero(terms.amount.currency)
    if terms.amount_period in PERIODS_PER_YEAR:
        return terms.amount * PERIODS_PER_YEAR[terms.amount_period]
    months = terms.term_length_months()
    if not months:
        raise ValueError(f"contract {terms.contract_id}: a term price needs a term length")
    return terms.amount * Decimal(12) / months


def arr_on(contracts: Iterable[ContractTerms], day: date, rates: RateTable) -> Money:
    """Total ARR of the contracts active on ``day``.

    One currency stays in that currency; several are converted to the reporting currency.
    """
    active = [contract_arr(c) for c in contracts if c.is_active(day)]
    currencies = {m.currency for m in active}
    if not active:
        return Money.zero(rates.reporting_currency)
    if len(currencies) == 1:
        total = Money.zero(active[0].currency)
        for money in active:
            total = total + money
        return total
    return rates.total(active).money


def arr_in_reporting(contracts: Iterable[ContractTerms], day: date, rates: RateTable) -> Money:
    """ARR on ``day`` always expressed in the reporting currency."""
    return rates.total(contract_arr(c) for c in contracts if c.is_active(day)).money
