"""When a contract renews (DOMAIN.md, "Renewals").

A contract with an end date renews on that date (the first day without it). One without an end
date renews on each anniversary of its start, one term apart: its ``term_months`` when set,
otherwise yearly. A month-to-month contract (quoted per month, invoiced monthly, no end date
and no longer term) is *evergreen*: it has no dated renewal, yet it still counts in ARR and in
the at-risk figures.

Anniversaries are always counted from the start date, never from the previous anniversary,
so a contract starting on 31 January renews on the last day of each shorter month and returns
to the 31st when the month has one; one starting on 29 February renews on 28 February in
common years.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from dateutil.relativedelta import relativedelta

from csdesk.money import Money

DEFAULT_CYCLE_MONTHS = 12


@lru_cache(maxsize=65536)
def _months_after(start: date, months: int) -> date:
    # Cached: contracts cluster on a few start dates, and a book has thousands of them.
    return start + relativedelta(months=months)


@dataclass(frozen=True)
class RenewalContract:
    """What renewal dates and the forecast need to know about one recurring contract."""

    contract_id: int
    account_id: int
    start: date
    end: date | None
    arr: Money
    term_months: int | None = None
    amount_period: str = "year"
    billing_frequency: str = "annual"
    auto_renew: bool = False
    notice_days: int | None = None
    name: str | None = None

    @property
    def evergreen(self) -> bool:
        """Month-to-month: no end date, quoted and invoiced monthly, no longer term."""
        return (
            self.end is None
            and self.amount_period == "month"
            and self.billing_frequency == "monthly"
            and self.term_months in (None, 1)
        )

    def cycle_months(self) -> int | None:
        """Months between anniversaries of an open-ended contract (None when not cycling)."""
        if self.end is not None or self.evergreen:
            return None
        return self.term_months or DEFAULT_CYCLE_MONTHS

    def anniversary(self, number: int) -> date:
        """The ``number``-th anniversary (1 = the first renewal), counted from the start."""
        cycle = self.cycle_months()
        if cycle is None:
            raise ValueError(f"contract {self.contract_id} has no anniversaries")
        return _months_after(self.start, cycle * number)

    def notice_deadline(self, renewal_date: date) -> date | None:
        """Last day to give notice: the renewal date minus the notice period (auto-renew only)."""
        if not self.auto_renew or not self.notice_days:
            return None
        return renewal_date - timedelta(days=self.notice_days)


def _first_anniversary_on_or_after(contract: RenewalContract, day: date) -> tuple[int, date]:
    """The number and date of the first anniversary on or after ``day``."""
    cycle = contract.cycle_months() or DEFAULT_CYCLE_MONTHS
    months = (day.year - contract.start.year) * 12 + (day.month - contract.start.month)
    # This anniversary falls in day's month or before it, so at most one step forward.
    number = max(1, months // cycle)
    anniversary = contract.anniversary(number)
    while anniversary < day:
        number += 1
        anniversary = contract.anniversary(number)
    return number, anniversary


def renewal_dates(contract: RenewalContract, first: date, last: date) -> list[date]:
    """The contract's dated renewals from ``first`` to ``last``, both included."""
    if contract.end is not None:
        return [contract.end] if first <= contract.end <= last else []
    if contract.cycle_months() is None:
        return []

    number, day = _first_anniversary_on_or_after(contract, first)
    dates = []
    while day <= last:
        dates.append(day)
        number += 1
        day = contract.anniversary(number)
    return dates


def next_renewal(contract: RenewalContract, as_of: date) -> date | None:
    """The first renewal on or after ``as_of`` (None: evergreen, or already ended)."""
    if contract.end is not None:
        return contract.end if contract.end >= as_of else None
    if contract.cycle_months() is None:
        return None
    return _first_anniversary_on_or_after(contract, as_of)[1]


def nearest_renewal(contract: RenewalContract, day: date) -> date | None:
    """The renewal, past or future, closest to ``day`` (the later one on a tie)."""
    if contract.end is not None:
        return contract.end
    if contract.cycle_months() is None:
        return None
    number, after = _first_anniversary_on_or_after(contract, day)
    if number == 1:
        return after
    before = contract.anniversary(number - 1)
    return before if day - before < after - day else after
