"""The portfolio table's rows, read in two set-based queries so 100,000 accounts load fast.

``list_accounts`` builds one ORM object per account; the window's portfolio table needs only a
few columns per account but for every account at once. This service reads the contracts in one
Core select, in account order, and sums up each account's ARR and next renewal as they stream
by; then the accounts with their latest health snapshots and last touch in a second select.
It keeps the values as the driver returns them wherever it can: dates are compared as ISO
text, money is summed in integer minor units and becomes one exact Decimal per account. ARR
follows :mod:`csdesk.revenue` and the next renewal comes from :mod:`csdesk.renewals.schedule`,
the same rules everything else uses.

The table takes its rows as plain tuples in :class:`PortfolioRow`'s field order
(:func:`load_portfolio_table`): Python's garbage collector stops tracking an exact tuple of
plain values but never a named tuple, and 100,000 tracked rows would more than double every
later full collection, a stall of the whole window each time.

The table can show its first screenful before the rest is read: :func:`load_first_rows` reads
the names alone, picks the first rows in the table's default order (by name) and reads only
those in full.
"""

from __future__ import annotations

import heapq
import logging
from collections.abc import Collection, Iterable, Iterator, Sequence
from datetime import date, timedelta
from decimal import Decimal
from functools import cache, lru_cache
from itertools import groupby
from operator import itemgetter
from typing import Any, NamedTuple

from sqlalchemy import Integer, String, and_, func, select, type_coerce
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql import Select

from csdesk.errors import CsdeskError
from csdesk.models import Account, Activity, Contract, HealthSnapshot
from csdesk.money import Money, RateTable, currency_exponent
from csdesk.renewals.schedule import RenewalContract, next_renewal
from csdesk.revenue import PERIODS_PER_YEAR, ContractTerms, contract_arr

logger = logging.getLogger(__name__)

TREND_WINDOW_DAYS = 30
# DOMAIN.md: a change under 5 points between two snapshots 30 days apart is "flat".
FLAT_POINTS = 5.0
# The ``in_`` lists of a first screenful stay well under SQLite's bound-parameter limit.
FIRST_ROWS_MAX = 2_000


class PortfolioRow(NamedTuple):
    """One account as the portfolio table shows it (plain values, cheap to hold 100k of)."""

    id: int
    name: str
    owner: str | None
    tier: int | None
    segment: str | None
    stage: str | None
    health_score: float | None
    band: str | None
    health_status: str | None
    trend: str | None  # "up", "down", "flat" or None without a snapshot 30 days earlier
    trend_points: float | None
    arr_amount: Decimal | None  # exact, in ``arr_currency``; None when a rate is missing
    arr_currency: str | None
    arr_reporting: Decimal | None  # for sorting and totals; None when a rate is missing
    arr_problem: str | None
    renewal_date: date | None
    days_left: int | None
    last_touch: date | None

    @property
    def arr(self) -> Money | None:
        """The account's ARR: in its own currency when it has one, else the reporting one."""
        if self.arr_amount is None or self.arr_currency is None:
            return None
        return Money(self.arr_amount, self.arr_currency)


# Where each PortfolioRow field sits in a plain row tuple.
FIELDS = {field: number for number, field in enumerate(PortfolioRow._fields)}

PlainRow = tuple[Any, ...]


def name_key(name: str) -> str:
    """The order of account names in the portfolio table (any case, any script)."""
    return name.casefold()


def load_portfolio_rows(
    session: Session, as_of: date, rates: RateTable, account_id: int | None = None
) -> list[PortfolioRow]:
    """Every account with its health, trend, ARR, next renewal and last touch as of ``as_of``.

    Args:
        session: an open read session.
        as_of: the day the figures are for.
        rates: conversion into the reporting currency (used for the sortable ARR figure).
        account_id: only this account (the account workspace's header).

    Returns:
        Rows ordered by :func:`name_key` of the account name (ties: by the lower-case name,
        then by id).
    """
    return [PortfolioRow._make(values)
            for values in load_portfolio_table(session, as_of, rates, account_id)]


def load_portfolio_table(
    session: Session, as_of: date, rates: RateTable, account_id: int | None = None
) -> list[PlainRow]:
    """:func:`load_portfolio_rows` as plain tuples in the field order of :class:`PortfolioRow`.

    ``PortfolioRow._make(values)`` turns one into a row; ``FIELDS`` gives each field's place.
    """
    only = None if account_id is None else (account_id,)
    rows = _read_rows(session, as_of, rates, only)
    logger.debug("portfolio rows loaded: %d accounts", len(rows))
    return rows


def load_first_rows(
    session: Session, as_of: date, rates: RateTable, count: int
) -> tuple[list[PlainRow], int]:
    """The first ``count`` rows of :func:`load_portfolio_table`, read without the others.

    Only the names of the other accounts are read, to find which rows come first.

    Args:
        session: an open read session.
        as_of: the day the figures are for.
        rates: conversion into the reporting currency.
        count: how many rows (at most ``FIRST_ROWS_MAX``).

    Returns:
        The rows (plain tuples), in the same order as :func:`load_portfolio_table`, and the
        number of accounts.
    """
    if not 0 <= count <= FIRST_ROWS_MAX:
        raise ValueError(f"count must be between 0 and {FIRST_ROWS_MAX}, not {count}")
    names = session.connection().execute(
        select(Account.id, Account.name).order_by(*_NAME_ORDER))
    # Streamed: only the ``count`` first names are ever held, not 100,000 row objects.
    counted = _Counted(names)
    first = heapq.nsmallest(count, counted, key=_row_name_key)  # stable, as sort() is
    rows = _read_rows(session, as_of, rates, [account_id for account_id, _ in first])
    return rows, counted.count


def _row_name_key(row: Any) -> str:
    return name_key(row[1])


# The order both reads start from: close to name_key's, and the same for ties.
_NAME_ORDER = (func.lower(Account.name), Account.id)


class _Counted:
    """Passes items through and counts them."""

    def __init__(self, items: Iterable[Any]) -> None:
        self.items = items
        self.count = 0

    def __iter__(self) -> Iterator[Any]:
        for item in self.items:
            self.count += 1
            yield item


def _read_rows(
    session: Session, as_of: date, rates: RateTable, only: Collection[int] | None
) -> list[PlainRow]:
    connection = session.connection()
    money = _contract_figures(connection.execute(_contracts_statement(only)), as_of, rates)
    no_contract = (*_ArrCalculator(as_of, rates)(()), None)

    rows = []
    for (key, name, owner, tier, segment, stage, score, band, status, earlier_score,
         touch) in connection.execute(_accounts_statement(as_of, only)):
        trend, points = _trend(score, earlier_score)
        arr_amount, arr_currency, arr_reporting, problem, renewal = money.get(key, no_contract)
        rows.append((
            key, name, owner, tier, segment, stage,
            score, band, status, trend, points,
            arr_amount, arr_currency, arr_reporting, problem,
            renewal, None if renewal is None else (renewal - as_of).days,
            None if touch is None else date.fromisoformat(touch),
        ))
    # SQLite gave them in ASCII lower-case order, nearly this one already, so the sort is a
    # single quick pass rather than a long hold of the interpreter while the window waits.
    rows.sort(key=_row_name_key)  # stable: ties stay in SQLite's order
    return rows


def _contract_figures(
    contracts: Iterable[Any], as_of: date, rates: RateTable
) -> dict[int, tuple[Any, ...]]:
    """Each account's ARR figures and next renewal, from its contracts in account order."""
    arr_of = _ArrCalculator(as_of, rates)
    figures = {}
    for key, rows in groupby(contracts, key=itemgetter(0)):
        mine = [_ContractRow(*row) for row in rows]
        figures[key] = (*arr_of(mine), _next_renewal(mine, as_of))
    return figures


def _iso(column: Any) -> Any:
    # Dates as the ISO text SQLite stores: parsing each one into a date object is most of
    # the cost of a 100,000-row read, and ISO text compares in date order.
    return type_coerce(column, String)


def _latest_snapshot_day(day: date) -> Any:
    # The latest snapshot on or before ``day``: one seek per account on the (account, day)
    # primary key, instead of grouping every snapshot ever taken.
    return (
        select(func.max(HealthSnapshot.as_of))
        .where(HealthSnapshot.account_id == Account.id, HealthSnapshot.as_of <= day)
        .correlate(Account)
        .scalar_subquery()
    )


def _accounts_statement(
    as_of: date, only: Collection[int] | None
) -> Select[*tuple[Any, ...]]:
    now = aliased(HealthSnapshot)
    before = aliased(HealthSnapshot)
    earlier = as_of - timedelta(days=TREND_WINDOW_DAYS)
    # Also one index seek per account, on (account_id, occurred_on).
    last_touch = (
        select(func.max(_iso(Activity.occurred_on)))
        .where(Activity.account_id == Account.id, Activity.occurred_on <= as_of)
        .correlate(Account)
        .scalar_subquery()
    )
    stmt: Select[*tuple[Any, ...]] = (
        select(
            Account.id,
            Account.name,
            Account.owner,
            func.coalesce(Account.tier_override, Account.tier),
            Account.segment,
            func.coalesce(Account.stage_override, Account.journey_stage),
            now.score,
            now.band,
            now.status,
            before.score,
            last_touch,
        )
        .select_from(Account)
        .outerjoin(now, and_(now.account_id == Account.id,
                             now.as_of == _latest_snapshot_day(as_of)))
        .outerjoin(before, and_(before.account_id == Account.id,
                                before.as_of == _latest_snapshot_day(earlier)))
        .order_by(*_NAME_ORDER)
    )
    if only is not None:
        stmt = stmt.where(Account.id.in_(only))
    return stmt


class _ContractRow(NamedTuple):
    account_id: int
    start: str  # ISO dates
    end: str | None
    minor: int
    currency: str
    period: str
    term_months: int | None
    recurring: int
    trial: int
    billing: str
    contract_id: int


def _contracts_statement(only: Collection[int] | None) -> Select[*tuple[Any, ...]]:
    stmt = select(
        Contract.account_id, _iso(Contract.start_date), _iso(Contract.end_date),
        Contract.amount_minor, Contract.currency, Contract.amount_period, Contract.term_months,
        type_coerce(Contract.recurring, Integer), type_coerce(Contract.is_trial, Integer),
        Contract.billing_frequency, Contract.id,
    ).order_by(Contract.account_id, Contract.id)
    if only is not None:
        stmt = stmt.where(Contract.account_id.in_(only))
    return stmt


def _trend(score: float | None, earlier: float | None) -> tuple[str | None, float | None]:
    if score is None or earlier is None:
        return None, None
    points = score - earlier
    if abs(points) < FLAT_POINTS:
        return "flat", points
    return ("up" if points > 0 else "down"), points


@cache
def _exponent(currency: str) -> int:
    return currency_exponent(currency)


_ANNUAL_FACTOR = {period: int(factor) for period, factor in PERIODS_PER_YEAR.items()}


class _ArrCalculator:
    """An account's ARR from its contracts, as :func:`csdesk.revenue.arr_on` defines it.

    The common case (one currency, prices per month, quarter or year) is summed in integer
    minor units; term prices and mixed currencies take the exact Money path of revenue.py.
    """

    def __init__(self, as_of: date, rates: RateTable) -> None:
        self.as_of = as_of
        self.today = as_of.isoformat()
        self.rates = rates
        self.zero = (Decimal(0), rates.reporting_currency, Decimal(0), None)
        self._rates: dict[str, Decimal | str] = {}

    def rate(self, currency: str) -> Decimal | str:
        """The rate into the reporting currency, or the message saying it is missing."""
        found = self._rates.get(currency)
        if found is None:
            try:
                found = self.rates.rate(currency)
            except CsdeskError as exc:
                found = str(exc)
            self._rates[currency] = found
        return found

    def __call__(
        self, contracts: Sequence[_ContractRow]
    ) -> tuple[Decimal | None, str | None, Decimal | None, str | None]:
        today = self.today
        active = [c for c in contracts if c.start <= today and (c.end is None or today < c.end)]
        if not active:
            return self.zero

        currency = active[0].currency
        if any(c.currency != currency for c in active):
            return self._mixed(active)
        amount = self._amount(active, currency)
        rate = self.rate(currency)
        if isinstance(rate, str):
            return amount, currency, None, rate
        reporting = amount if currency == self.rates.reporting_currency else amount * rate
        return amount, currency, reporting, None

    def _amount(self, active: Sequence[_ContractRow], currency: str) -> Decimal:
        minor = 0
        exact = Decimal(0)
        for contract in active:
            if not contract.recurring or contract.trial:
                continue
            factor = _ANNUAL_FACTOR.get(contract.period)
            if factor is None:
                exact += _exact_arr(contract).amount
            else:
                minor += contract.minor * factor
        amount = Decimal(minor).scaleb(-_exponent(currency))
        return amount + exact if exact else amount

    def _mixed(
        self, active: Sequence[_ContractRow]
    ) -> tuple[Decimal | None, str | None, Decimal | None, str | None]:
        try:
            money = self.rates.total(_exact_arr(c) for c in active).money
        except CsdeskError as exc:
            return None, None, None, str(exc)
        return money.amount, money.currency, money.amount, None


def _exact_arr(contract: _ContractRow) -> Money:
    """revenue.contract_arr itself, for term prices and mixed currencies."""
    return contract_arr(ContractTerms(
        start=date.fromisoformat(contract.start),
        end=None if contract.end is None else date.fromisoformat(contract.end),
        amount=Money.from_minor(contract.minor, contract.currency),
        amount_period=contract.period, term_months=contract.term_months,
        recurring=bool(contract.recurring), is_trial=bool(contract.trial),
        contract_id=contract.contract_id, account_id=contract.account_id))


def _next_renewal(contracts: Sequence[_ContractRow], as_of: date) -> date | None:
    first = None
    for c in contracts:
        if not c.recurring or c.trial:
            continue
        day = _renewal_after(c.start, c.end, c.term_months, c.period, c.billing, as_of)
        if day is not None and (first is None or day < first):
            first = day
    return first


@lru_cache(maxsize=65_536)
def _renewal_after(start: str, end: str | None, term: int | None, period: str,
                   billing: str, as_of: date) -> date | None:
    # Many contracts share a start date and terms, so each distinct case is worked out once
    # by the renewal schedule itself.
    contract = RenewalContract(contract_id=0, account_id=0, start=date.fromisoformat(start),
                               end=None if end is None else date.fromisoformat(end),
                               arr=_NO_ARR, term_months=term, amount_period=period,
                               billing_frequency=billing)
    return next_renewal(contract, as_of)


_NO_ARR = Money(Decimal(0), "XXX")


def search_accounts(session: Session, text: str, limit: int = 20) -> list[dict[str, Any]]:
    """Accounts whose name contains ``text`` (any case), names starting with it first.

    Returns:
        Plain dicts with ``id``, ``name``, ``owner`` and ``tier``.
    """
    needle = text.strip().lower()
    if not needle:
        return []
    starts = func.lower(Account.name).like(f"{_escape(needle)}%", escape="\\")
    stmt = (
        select(
            Account.id,
            Account.name,
            Account.owner,
            func.coalesce(Account.tier_override, Account.tier),
        )
        .where(func.lower(Account.name).like(f"%{_escape(needle)}%", escape="\\"))
        .order_by(starts.desc(), Account.name, Account.id)
        .limit(limit)
    )
    return [
        {"id": account_id, "name": name, "owner": owner, "tier": tier}
        for account_id, name, owner, tier in session.execute(stmt)
    ]


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
