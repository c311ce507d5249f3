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
from typing import Any, NamedTuple

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from csdesk.errors import CsdeskError
from csdesk.models import Account, Activity, Contract, HealthSnapshot
from csdesk.money import Money, RateTable
from csdesk.renewals.schedule import RenewalContract, next_renewal
from csdesk.revenue import ContractTerms, contract_arr

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
    latest_stmt = select(
        HealthSnapshot.account_id, func.max(HealthSnapshot.as_of).label("day")
    ).where(HealthSnapshot.as_of <= day)
    if account_id is not None:
        latest_stmt = latest_stmt.where(HealthSnapshot.account_id == account_id)
    latest = latest_stmt.group_by(HealthSnapshot.account_id).subquery()
    stmt = select(
        HealthSnapshot.account_id, HealthSnapshot.score, HealthSnapshot.band, HealthSnapshot.status
    ).join(
        latest,
        and_(HealthSnapshot.account_id == latest.c.account_id,
             HealthSnapshot.as_of == latest.c.day),
    )
    return {
        account_id: _Health(score, band, status)
        for account_id, score, band, status in session.execute(stmt)
    }


def _trend(now: _Health | None, before: _Health | None) -> tuple[str | None, float | None]:
    if now is None or before is None or now.score is None or before.score is None:
        return None, None
    points = now.score - before.score
    if abs(points) < FLAT_POINTS:
        return "flat", points
    return ("up" if points > 0 else "down"), points


class _ContractRow(NamedTuple):
    terms: ContractTerms
    renewal: RenewalContract


def _contracts_by_account(
    session: Session, account_id: int | None
) -> dict[int, list[_ContractRow]]:
    stmt = select(
        Contract.id,
        Contract.account_id,
        Contract.start_date,
        Contract.end_date,
        Contract.amount_minor,
        Contract.currency,
        Contract.amount_period,
        Contract.term_months,
        Contract.recurring,
        Contract.is_trial,
        Contract.billing_frequency,
        Contract.auto_renew,
        Contract.notice_days,
    )
    if account_id is not None:
        stmt = stmt.where(Contract.account_id == account_id)
    grouped: dict[int, list[_ContractRow]] = defaultdict(list)
    for row in session.execute(stmt):
        (contract_id, account_id, start, end, minor, currency, period, term,
         recurring, trial, billing, auto_renew, notice) = row
        terms = ContractTerms(
            start=start, end=end, amount=Money.from_minor(minor, currency),
            amount_period=period, term_months=term, recurring=recurring, is_trial=trial,
            contract_id=contract_id, account_id=account_id,
        )
        renewal = RenewalContract(
            contract_id=contract_id, account_id=account_id, start=start, end=end,
            arr=Money.zero(currency), term_months=term, amount_period=period,
            billing_frequency=billing, auto_renew=auto_renew, notice_days=notice,
        )
        grouped[account_id].append(_ContractRow(terms, renewal))
    return grouped


def _arr(
    contracts: Sequence[_ContractRow], as_of: date, rates: RateTable
) -> tuple[Money | None, Decimal | None, str | None]:
    """The account's ARR (in its own currency when it has one), and that figure converted."""
    active = [contract_arr(c.terms) for c in contracts if c.terms.is_active(as_of)]
    if not active:
        return Money.zero(rates.reporting_currency), Decimal(0), None
    try:
        converted = rates.total(active).money.amount
    except CsdeskError as exc:
        converted, problem = None, str(exc)
    else:
        problem = None
    currencies = {m.currency for m in active}
    if len(currencies) == 1:
        total = sum((m.amount for m in active), Decimal(0))
        return Money(total, currencies.pop()), converted, problem
    if converted is None:
        return None, None, problem
    return Money(converted, rates.reporting_currency), converted, None


def _next_renewal(contracts: Iterable[_ContractRow], as_of: date) -> date | None:
    dates = [
        day
        for c in contracts
        if c.terms.recurring and not c.terms.is_trial
        and (day := next_renewal(c.renewal, as_of)) is not None
    ]
    return min(dates, default=None)


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
