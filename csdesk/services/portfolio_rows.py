"""The portfolio table's rows, read in a handful of set-based queries so 100,000 accounts load fast.

``list_accounts`` builds one ORM object per account; the window's portfolio table needs only a
few columns per account but for every account at once. This service reads each source (the
accounts, their contracts, their latest health snapshots, their last activity) in one Core
select each, and joins them in Python by account id. ARR comes from :mod:`csdesk.revenue` and
the next renewal from :mod:`csdesk.renewals.schedule`, the same functions everything else uses.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import cache, lru_cache
from typing import Any, NamedTuple

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from csdesk.errors import CsdeskError
from csdesk.models import Account, Activity, Contract, HealthSnapshot
from csdesk.money import Money, RateTable, currency_exponent
from csdesk.renewals.schedule import RenewalContract, next_renewal
from csdesk.revenue import PERIODS_PER_YEAR, ContractTerms, contract_arr

logger = logging.getLogger(__name__)

TREND_WINDOW_DAYS = 30
# DOMAIN.md: a change under 5 points between two snapshots 30 days apart is "flat".
FLAT_POINTS = 5.0


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
    arr: Money | None
    arr_reporting: Decimal | None  # for sorting and totals; None when a rate is missing
    arr_problem: str | None
    renewal_date: date | None
    days_left: int | None
    last_touch: date | None


@dataclass(frozen=True)
class _Health:
    score: float | None
    band: str | None
    status: str


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
        Rows ordered by account name.
    """
    health = _latest_health(session, as_of, account_id)
    earlier = _latest_health(session, as_of - timedelta(days=TREND_WINDOW_DAYS), account_id)
    contracts = _contracts_by_account(session, account_id)
    last_touch = _last_touch(session, as_of, account_id)

    stmt = select(
        Account.id,
        Account.name,
        Account.owner,
        func.coalesce(Account.tier_override, Account.tier),
        Account.segment,
        func.coalesce(Account.stage_override, Account.journey_stage),
    ).order_by(Account.name, Account.id)
    if account_id is not None:
        stmt = stmt.where(Account.id == account_id)

    rows = []
    for key, name, owner, tier, segment, stage in session.execute(stmt):
        now = health.get(key)
        before = earlier.get(key)
        arr, arr_reporting, problem = _arr(contracts.get(key, ()), as_of, rates)
        renewal = _next_renewal(contracts.get(key, ()), as_of)
        trend, points = _trend(now, before)
        rows.append(
            PortfolioRow(
                id=key,
                name=name,
                owner=owner,
                tier=tier,
                segment=segment,
                stage=stage,
                health_score=now.score if now else None,
                band=now.band if now else None,
                health_status=now.status if now else None,
                trend=trend,
                trend_points=points,
                arr=arr,
                arr_reporting=arr_reporting,
                arr_problem=problem,
                renewal_date=renewal,
                days_left=(renewal - as_of).days if renewal else None,
                last_touch=last_touch.get(key),
            )
        )
    logger.debug("portfolio rows loaded: %d accounts", len(rows))
    return rows


def _latest_health(session: Session, day: date, account_id: int | None) -> dict[int, _Health]:
    # The latest snapshot on or before ``day``: one seek per account on the (account, day)
    # primary key, instead of grouping every snapshot ever taken.
    latest_day = (
        select(func.max(HealthSnapshot.as_of))
        .where(HealthSnapshot.account_id == Account.id, HealthSnapshot.as_of <= day)
        .correlate(Account)
        .scalar_subquery()
    )
    stmt = select(
        HealthSnapshot.account_id, HealthSnapshot.score, HealthSnapshot.band, HealthSnapshot.status
    ).join(Account, and_(HealthSnapshot.account_id == Account.id,
                         HealthSnapshot.as_of == latest_day))
    if account_id is not None:
        stmt = stmt.where(Account.id == account_id)
    return {
        key: _Health(score, band, status)
        for key, score, band, status in session.execute(stmt)
    }


def _trend(now: _Health | None, before: _Health | None) -> tuple[str | None, float | None]:
    if now is None or before is None or now.score is None or before.score is None:
        return None, None
    points = now.score - before.score
    if abs(points) < FLAT_POINTS:
        return "flat", points
    return ("up" if points > 0 else "down"), points


class _ContractRow(NamedTuple):
    start: date
    end: date | None
    minor: int
    currency: str
    period: str
    term_months: int | None
    counts: bool  # recurring and not a trial: it has ARR and renewals
    billing: str
    contract_id: int
    account_id: int


def _contracts_by_account(
    session: Session, account_id: int | None
) -> dict[int, list[_ContractRow]]:
    stmt = select(
        Contract.start_date, Contract.end_date, Contract.amount_minor, Contract.currency,
        Contract.amount_period, Contract.term_months, Contract.recurring, Contract.is_trial,
        Contract.billing_frequency, Contract.id, Contract.account_id,
    )
    if account_id is not None:
        stmt = stmt.where(Contract.account_id == account_id)
    grouped: dict[int, list[_ContractRow]] = defaultdict(list)
    for (start, end, minor, currency, period, term, recurring, trial, billing, contract_id,
         owner_id) in session.execute(stmt):
        grouped[owner_id].append(_ContractRow(start, end, minor, currency, period, term,
                                              bool(recurring and not trial), billing,
                                              contract_id, owner_id))
    return grouped


@cache
def _exponent(currency: str) -> int:
    return currency_exponent(currency)


def _contract_arr(contract: _ContractRow) -> Money:
    """revenue.contract_arr, with the common per-period case done in integer minor units."""
    if not contract.counts:
        return Money.zero(contract.currency)
    factor = PERIODS_PER_YEAR.get(contract.period)
    if factor is None:  # a term price: the exact Decimal division lives in revenue.py
        return contract_arr(ContractTerms(
            start=contract.start, end=contract.end,
            amount=Money.from_minor(contract.minor, contract.currency),
            amount_period=contract.period, term_months=contract.term_months,
            contract_id=contract.contract_id, account_id=contract.account_id))
    annual = contract.minor * int(factor)
    return Money(Decimal(annual).scaleb(-_exponent(contract.currency)), contract.currency)


def _arr(
    contracts: Sequence[_ContractRow], as_of: date, rates: RateTable
) -> tuple[Money | None, Decimal | None, str | None]:
    """The account's ARR (in its own currency when it has one), and that figure converted."""
    active = [_contract_arr(c) for c in contracts
              if c.start <= as_of and (c.end is None or as_of < c.end)]
    if not active:
        return Money.zero(rates.reporting_currency), Decimal(0), None
    currencies = {m.currency for m in active}
    if len(currencies) == 1:
        currency = currencies.pop()
        total = Money(sum((m.amount for m in active), Decimal(0)), currency)
        try:
            converted: Decimal | None = total.amount * rates.rate(currency)
        except CsdeskError as exc:
            return total, None, str(exc)
        return total, converted, None
    try:
        money = rates.total(active).money
    except CsdeskError as exc:
        return None, None, str(exc)
    return money, money.amount, None


def _next_renewal(contracts: Iterable[_ContractRow], as_of: date) -> date | None:
    dates = [day for c in contracts if c.counts
             and (day := _renewal_after(c.start, c.end, c.term_months, c.period, c.billing,
                                        as_of)) is not None]
    return min(dates, default=None)


@lru_cache(maxsize=65_536)
def _renewal_after(start: date, end: date | None, term: int | None, period: str,
                   billing: str, as_of: date) -> date | None:
    # Many contracts share a start date and terms, so each distinct case is worked out once
    # by the renewal schedule itself.
    contract = RenewalContract(contract_id=0, account_id=0, start=start, end=end,
                               arr=_NO_ARR, term_months=term, amount_period=period,
                               billing_frequency=billing)
    return next_renewal(contract, as_of)


_NO_ARR = Money(Decimal(0), "XXX")


def _last_touch(session: Session, as_of: date, account_id: int | None) -> dict[int, date]:
    stmt = select(Activity.account_id, func.max(Activity.occurred_on)).where(
        Activity.occurred_on <= as_of
    )
    if account_id is not None:
        stmt = stmt.where(Activity.account_id == account_id)
    stmt = stmt.group_by(Activity.account_id)
    return {account_id: day for account_id, day in session.execute(stmt)}


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
