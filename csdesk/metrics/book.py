"""ARR of each account through a period, in one currency for the whole book.

A book in one currency stays in it. A book in several is converted into the reporting
currency through the user's rates table, and every figure built on it says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from csdesk.errors import ValidationError
from csdesk.metrics.periods import Period
from csdesk.money import Money, RateTable
from csdesk.revenue import ContractTerms, contract_arr


@dataclass
class Converter:
    """Expresses money in the book's currency and remembers which currencies it converted."""

    currency: str
    rates: RateTable | None = None
    converted: set[str] = field(default_factory=set)

    def amount(self, money: Money) -> Decimal:
        if money.currency == self.currency or money.is_zero():
            return money.amount
        if self.rates is None:
            raise ValueError(f"{money.currency} amount in a {self.currency} book")
        self.converted.add(money.currency)
        return self.rates.convert(money).amount

    def fork(self) -> Converter:
        """The same conversion, remembering its own converted currencies."""
        return Converter(self.currency, self.rates)

    def money(self, amount: Decimal) -> Money:
        return Money(amount, self.currency)

    def note(self) -> str:
        if not self.converted:
            return ""
        codes = ", ".join(sorted(self.converted))
        return f"includes {codes} converted to {self.currency} at your rates table"


def book_converter(currencies: Iterable[str], rates: RateTable) -> Converter:
    """One currency: no conversion. Several: the reporting currency, every rate required.

    Raises:
        ValidationError: a currency in the book has no rate, naming it and how to add one.
    """
    found = set(currencies)
    if len(found) == 1:
        return Converter(found.pop())
    if not found:
        return Converter(rates.reporting_currency)

    reporting = rates.reporting_currency
    missing = sorted(c for c in found if c != reporting and c not in rates.rates)
    if missing:
        codes = ", ".join(missing)
        raise ValidationError(
            f"the book has contracts in several currencies and your rates table has no rate "
            f"from {codes} to {reporting}: add one with `csdesk rates set {missing[0]} <rate>` "
            f"(how many {reporting} one {missing[0]} is worth)"
        )
    return Converter(reporting, rates)


def contract_currencies(contracts: Iterable[ContractTerms], period: Period) -> set[str]:
    """Currencies of the paid contracts active on some day of the period."""
    return {
        c.amount.currency
        for c in contracts
        if c.start <= period.end and (c.end is None or c.end >= period.start)
        and not contract_arr(c).is_zero()
    }


def arr_on_day(contracts: Iterable[ContractTerms], day: date, convert: Converter) -> Decimal:
    """The ARR of the contracts active on ``day``, in the book's currency."""
    return sum(
        (convert.amount(contract_arr(c)) for c in contracts if c.is_active(day)), Decimal(0)
    )


@dataclass(frozen=True)
class AccountArr:
    """An account's ARR on the period's first and last day and how often it came and went."""

    account_id: int
    start: Decimal
    end: Decimal
    gained: int
    lost: int

    @property
    def customer_at_start(self) -> bool:
        return self.start > 0

    @property
    def customer_at_end(self) -> bool:
        return self.end > 0


def account_arr(
    account_id: int, contracts: tuple[ContractTerms, ...], period: Period, convert: Converter
) -> AccountArr:
    """Follow an account's ARR day by day through the period.

    ARR only changes on a contract's start or end date, so those days (and the first) are
    the only ones to look at. Each rise from zero is a new customer, each fall to zero a
    customer lost: an account that leaves and returns is both.
    """
    days = {period.start}
    for contract in contracts:
        for day in (contract.start, contract.end):
            if day is not None and period.start < day <= period.end:
                days.add(day)

    gained = lost = 0
    previous: Decimal | None = None
    for day in sorted(days):
        arr = arr_on_day(contracts, day, convert)
        if previous is not None:
            gained += int(previous <= 0 < arr)
            lost += int(arr <= 0 < previous)
        previous = arr

    start = arr_on_day(contracts, period.start, convert)
    end = arr_on_day(contracts, period.end, convert)
    return AccountArr(account_id, start, end, gained, lost)


def arr_lost_on(contracts: tuple[ContractTerms, ...], day: date, convert: Converter) -> Decimal:
    """ARR the account had the day before ``day`` and no longer has on ``day`` (never negative)."""
    before = arr_on_day(contracts, day - timedelta(days=1), convert)
    after = arr_on_day(contracts, day, convert)
    return max(before - after, Decimal(0))
