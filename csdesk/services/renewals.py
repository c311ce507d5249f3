"""Renewals: the upcoming renewals, the forecast, the timeline and the milestone tasks.

Loads the book with a handful of set-based queries (contracts, accounts with their latest
health band, renewal and expansion opportunities), then leaves the arithmetic to
:mod:`csdesk.renewals`. The schedule of milestones, the CRM mapping and the probabilities are
JSON settings a team can change.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from csdesk.models import Account, Contract, HealthSnapshot, Opportunity, Task
from csdesk.money import Money, RateTable
from csdesk.renewals.bookings import Booking, booking_type, closed_bookings
from csdesk.renewals.categories import (
    DEFAULT_MAPPING_DOCUMENT,
    DEFAULT_PROBABILITIES_DOCUMENT,
    map_crm_value,
    opportunity_category,
    parse_mapping,
    parse_probabilities,
)
from csdesk.renewals.forecast import (
    ArrAtRisk,
    ExpectedRenewal,
    QuarterForecast,
    arr_at_risk,
    category_totals,
    currencies_of,
    expect,
    next_quarters,
    quarter_forecast,
    quarter_of,
)
from csdesk.renewals.lines import AccountFacts, RenewalLine, RenewalOpportunity, build_lines
from csdesk.renewals.milestones import (
    DEFAULT_SCHEDULE_DOCUMENT,
    MilestoneDate,
    milestone_dates,
    milestone_source_key,
    milestones_to_raise,
    parse_schedule,
    specs_for_tier,
)
from csdesk.renewals.schedule import RenewalContract
from csdesk.renewals.timeline import RenewalTimeline, build_timeline
from csdesk.revenue import ContractTerms, contract_arr
from csdesk.services.settings import declare, get_setting
from csdesk.services.tasks import raise_task

logger = logging.getLogger(__name__)

MILESTONES = declare(
    "renewals.milestones",
    DEFAULT_SCHEDULE_DOCUMENT,
    "Renewal milestones per tier: days before the notice deadline (or renewal) and the step",
)
FORECAST_MAPPING = declare(
    "renewals.forecast_mapping",
    DEFAULT_MAPPING_DOCUMENT,
    "CRM forecast values (Salesforce ForecastCategoryName, HubSpot deal stage) per category",
)
FORECAST_PROBABILITIES = declare(
    "renewals.forecast_probabilities",
    DEFAULT_PROBABILITIES_DOCUMENT,
    "Share of a renewal's forecast amount expected to book, per forecast category",
)
AT_RISK_HORIZON = declare(
    "renewals.at_risk_horizon_days", 90, "Days ahead that ARR at risk looks for renewals"
)

DEFAULT_WINDOW = relativedelta(months=18)
# Health history is daily for 90 days and weekly before: a week-old snapshot is current.
SNAPSHOT_FRESH_DAYS = 7


# Loading -----------------------------------------------------------------------------------


def load_contracts(
    session: Session, account_ids: Collection[int] | None = None
) -> list[RenewalContract]:
    """Every recurring, non-trial contract with ARR above zero, ended ones included."""
    stmt = select(
        Contract.id, Contract.account_id, Contract.name, Contract.start_date, Contract.end_date,
        Contract.term_months, Contract.billing_frequency, Contract.amount_minor,
        Contract.currency, Contract.amount_period, Contract.auto_renew, Contract.notice_days,
    ).where(Contract.recurring.is_(True), Contract.is_trial.is_(False))
    if account_ids is not None:
        stmt = stmt.where(Contract.account_id.in_(list(account_ids)))
    contracts = []
    for row in session.execute(stmt):
        amount = Money.from_minor(row.amount_minor, row.currency)
        terms = ContractTerms(row.start_date, row.end_date, amount, row.amount_period,
                              row.term_months, contract_id=row.id)
        arr = contract_arr(terms)
        if arr.amount <= 0:
            continue
        contracts.append(
            RenewalContract(
                contract_id=row.id, account_id=row.account_id, start=row.start_date,
                end=row.end_date, arr=arr, term_months=row.term_months,
                amount_period=row.amount_period, billing_frequency=row.billing_frequency,
                auto_renew=bool(row.auto_renew), notice_days=row.notice_days, name=row.name,
            )
        )
    return contracts


def load_accounts(
    session: Session,
    as_of: date,
    account_ids: Collection[int] | None = None,
    with_health: bool = True,
) -> dict[int, AccountFacts]:
    """Every account with its effective tier and its health band on ``as_of``.

    The band is the one of the latest health snapshot on or before ``as_of`` (one index
    lookup per account, so a long snapshot history stays cheap). Accounts without a snapshot
    from the week before are scored on the spot by the health service. ``with_health=False``
    skips that scoring, for uses that never look at health (only snapshot bands are kept).
    """
    def latest(column: Any) -> Any:
        return (
            select(column)
            .where(HealthSnapshot.account_id == Account.id, HealthSnapshot.as_of <= as_of)
            .order_by(HealthSnapshot.as_of.desc())
            .limit(1)
            .correlate(Account)
            .scalar_subquery()
        )

    stmt = select(
        Account.id, Account.name, Account.owner,
        func.coalesce(Account.tier_override, Account.tier),
        latest(HealthSnapshot.band), latest(HealthSnapshot.as_of),
    )
    if account_ids is not None:
        stmt = stmt.where(Account.id.in_(list(account_ids)))
    rows = session.execute(stmt).all()
    fresh_from = as_of - timedelta(days=SNAPSHOT_FRESH_DAYS)
    stale = [row[0] for row in rows if with_health and (row[5] is None or row[5] < fresh_from)]
    scored = _bands_now(session, as_of, stale) if stale else {}
    return {
        row[0]: AccountFacts(row[0], row[1], row[2], row[3],
                             scored.get(row[0], row[4]) if row[0] in scored else row[4])
        for row in rows
    }


def _bands_now(session: Session, as_of: date, account_ids: list[int]) -> dict[int, str | None]:
    # Imported here: the health service is heavier and unrelated to most renewal work.
    from csdesk.services.health import compute_health

    results = compute_health(session, as_of, None, account_ids)
    return {account_id: result.band for account_id, result in results.items()}


def load_opportunities(
    session: Session, account_ids: Collection[int] | None = None
) -> list[RenewalOpportunity]:
    """Renewal and expansion opportunities, each with its forecast category resolved."""
    mapping = parse_mapping(get_setting(session, FORECAST_MAPPING.key))
    stmt = select(
        Opportunity.id, Opportunity.account_id, Opportunity.contract_id, Opportunity.close_date,
        Opportunity.amount_minor, Opportunity.currency, Opportunity.forecast_category,
        Opportunity.crm_forecast_value, Opportunity.is_closed, Opportunity.is_won,
        Opportunity.kind, Opportunity.name,
    ).where(Opportunity.kind.in_(("renewal", "expansion")))
    if account_ids is not None:
        stmt = stmt.where(Opportunity.account_id.in_(list(account_ids)))
    opportunities = []
    for row in session.execute(stmt):
        amount = None
        if row.amount_minor is not None and row.currency:
            amount = Money.from_minor(row.amount_minor, row.currency)
        category = opportunity_category(row.forecast_category, row.crm_forecast_value,
                                        bool(row.is_closed), bool(row.is_won), mapping)
        opportunities.append(
            RenewalOpportunity(
                opportunity_id=row.id, account_id=row.account_id, contract_id=row.contract_id,
                close_date=row.close_date, amount=amount, category=category,
                is_closed=bool(row.is_closed), is_won=bool(row.is_won), kind=row.kind,
                name=row.name,
            )
        )
    return opportunities


def probabilities(session: Session) -> dict[str, Decimal]:
    """The forecast probability of each category, from the settings."""
    return parse_probabilities(get_setting(session, FORECAST_PROBABILITIES.key))


def map_crm_forecast(
    session: Session, value: str | None, is_closed: bool, is_won: bool, system: str | None = None
) -> str | None:
    """csdesk's forecast category for a CRM value, by the configured mapping.

    For importers and sync, which store the result in ``Opportunity.forecast_category``.
    """
    if is_closed:
        return "closed_won" if is_won else "closed_lost"
    mapping = parse_mapping(get_setting(session, FORECAST_MAPPING.key))
    return map_crm_value(mapping, value, system)


@dataclass(frozen=True)
class RenewalBook:
    """Everything the renewal views compute from, loaded once."""

    contracts: list[RenewalContract]
    accounts: dict[int, AccountFacts]
    opportunities: list[RenewalOpportunity]

    def lines(self, as_of: date, until: date) -> list[RenewalLine]:
        return build_lines(self.contracts, self.accounts, self.opportunities, as_of, until)


def load_book(
    session: Session,
    as_of: date,
    account_ids: Collection[int] | None = None,
    with_health: bool = True,
) -> RenewalBook:
    """The renewal book of every account, or only of ``account_ids``.

    ``with_health=False`` takes health bands from stored snapshots only (see
    :func:`load_accounts`), for callers that do not show health.
    """
    return RenewalBook(load_contracts(session, account_ids),
                       load_accounts(session, as_of, account_ids, with_health),
                       load_opportunities(session, account_ids))


def _first_per_contract(lines: Iterable[RenewalLine]) -> list[RenewalLine]:
    seen: set[int] = set()
    first = []
    for line in lines:
        if line.contract.contract_id not in seen:
            seen.add(line.contract.contract_id)
            first.append(line)
    return first


# The renewal list ------------------------------------------------------------------------


def _money_json(money: Money | None) -> dict[str, str] | None:
    return money.to_json() if money is not None else None


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


@dataclass(frozen=True)
class RenewalRow:
    """One upcoming renewal as the list shows it."""

    line: RenewalLine
    as_of: date
    milestones: tuple[MilestoneDate, ...]
    booking_type: str | None
    next_for_account: bool

    @property
    def next_milestone(self) -> MilestoneDate | None:
        upcoming = [m for m in self.milestones if not m.reached(self.as_of)]
        return upcoming[0] if upcoming else None

    @property
    def last_reached_milestone(self) -> MilestoneDate | None:
        reached = [m for m in self.milestones if m.reached(self.as_of)]
        return reached[-1] if reached else None

    def to_json(self) -> dict[str, Any]:
        line = self.line
        opportunity = line.opportunity
        return {
            "account": {"id": str(line.account.account_id), "name": line.account.name},
            "owner": line.account.owner,
            "tier": line.account.tier,
            "contract": {"id": str(line.contract.contract_id), "name": line.contract.name},
            "renewal_date": _iso(line.renewal_date),
            "days_left": line.days_left(self.as_of),
            "auto_renew": line.contract.auto_renew,
            "notice_days": line.contract.notice_days,
            "notice_deadline": _iso(line.notice_deadline),
            "renewable_arr": line.renewable.to_json(),
            "category": line.category,
            "opportunity": None if opportunity is None else {
                "id": str(opportunity.opportunity_id),
                "name": opportunity.name,
                "close_date": _iso(opportunity.close_date),
                "amount": _money_json(opportunity.amount),
                "is_closed": opportunity.is_closed,
            },
            "close_date_differs": line.close_date_differs,
            "health_band": line.account.health_band,
            "milestones": [m.to_json(self.as_of) for m in self.milestones],
            "booking_type": self.booking_type,
            "next_for_account": self.next_for_account,
        }


@dataclass(frozen=True)
class RenewalList:
    """The dated renewals in a window, and the evergreen contracts that have none."""

    as_of: date
    until: date
    rows: tuple[RenewalRow, ...]
    evergreen: tuple[RenewalLine, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "until": self.until.isoformat(),
            "renewals": [row.to_json() for row in self.rows],
            "evergreen": [
                {
                    "account": {"id": str(e.account.account_id), "name": e.account.name},
                    "contract": {"id": str(e.contract.contract_id), "name": e.contract.name},
                    "arr": e.renewable.to_json(),
                    "category": e.category,
                    "health_band": e.account.health_band,
                }
                for e in self.evergreen
            ],
        }


def _schedule(session: Session) -> dict[int, Any]:
    return parse_schedule(get_setting(session, MILESTONES.key))


def _line_booking_type(line: RenewalLine, rates: RateTable) -> str | None:
    opportunity = line.opportunity
    if opportunity is None or not opportunity.is_closed:
        return None
    booked, renewable = opportunity.amount, line.renewable
    if booked is not None and booked.currency != renewable.currency:
        booked, renewable = rates.convert(booked), rates.convert(renewable)
    return booking_type("renewal", opportunity.is_won, booked, renewable)


def upcoming_renewals(
    session: Session,
    as_of: date,
    rates: RateTable,
    within_days: int = 365,
    owner: str | None = None,
) -> RenewalList:
    """Each contract's next renewal due within ``within_days`` days of ``as_of``.

    Args:
        session: an open portfolio session.
        as_of: the day the list is for.
        rates: converts opportunity amounts to compare them with renewable ARR.
        within_days: how far ahead to look (the renewal date, not the close date, counts).
        owner: only accounts owned by this CSM (any letter case).
    """
    until = as_of + timedelta(days=within_days)
    book = load_book(session, as_of)
    lines = book.lines(as_of, max(until, as_of + DEFAULT_WINDOW))
    if owner:
        lines = [x for x in lines if (x.account.owner or "").lower() == owner.lower()]

    schedule = _schedule(session)
    rows = []
    accounts_seen: set[int] = set()
    for line in _first_per_contract(lines):
        if line.renewal_date is None or line.renewal_date > until:
            continue
        anchor = line.anchor or line.renewal_date
        specs = specs_for_tier(schedule, line.account.tier)
        rows.append(
            RenewalRow(
                line=line,
                as_of=as_of,
                milestones=tuple(milestone_dates(anchor, specs)),
                booking_type=_line_booking_type(line, rates),
                next_for_account=line.account.account_id not in accounts_seen,
            )
        )
        accounts_seen.add(line.account.account_id)

    evergreen = tuple(x for x in lines if x.evergreen)
    logger.info("renewals: %d due by %s, %d evergreen", len(rows), until, len(evergreen))
    return RenewalList(as_of, until, tuple(rows), evergreen)


def account_next_renewals(session: Session, as_of: date) -> dict[int, RenewalLine]:
    """Each account's next dated renewal (its earliest), for alerts and the day view.

    Health bands on these lines come from stored snapshots only.
    """
    book = load_book(session, as_of, with_health=False)
    nearest: dict[int, RenewalLine] = {}
    for line in book.lines(as_of, as_of + relativedelta(years=6)):
        if line.renewal_date is not None:
            nearest.setdefault(line.account.account_id, line)
    return nearest


# The forecast ----------------------------------------------------------------------------


def _rate_json(rate: Decimal | None) -> str | None:
    return None if rate is None else str(rate.quantize(Decimal("0.0001")))


def _category_json(totals: Iterable[Any]) -> list[dict[str, Any]]:
    return [
        {
            "category": t.category,
            "count": t.count,
            "probability": str(t.probability),
            "renewable_arr": t.renewable.to_json(),
            "forecast": t.forecast.to_json(),
            "expected": t.expected.to_json(),
        }
        for t in totals
    ]


def _quarter_json(q: QuarterForecast) -> dict[str, Any]:
    return {
        "quarter": q.quarter.label,
        "from": q.first_day.isoformat(),
        "to": q.quarter.end.isoformat(),
        "count": q.count,
        "renewable_arr": q.renewable.to_json(),
        "expected": q.expected.to_json(),
        "expected_gross": q.expected_gross.to_json(),
        "expected_gross_renewal_rate": _rate_json(q.gross_renewal_rate),
        "expected_net_renewal_rate": _rate_json(q.net_renewal_rate),
        "by_category": _category_json(q.categories),
    }


def _at_risk_json(risk: ArrAtRisk) -> dict[str, Any]:
    return {
        "horizon_days": risk.horizon_days,
        "until": risk.until.isoformat(),
        "by_category": risk.by_category.to_json(),
        "by_health": risk.by_health.to_json(),
        "overlap": risk.overlap.to_json(),
        "total": risk.total.to_json(),
        "renewals": [
            {
                "account": {"id": str(x.account.account_id), "name": x.account.name},
                "contract": {"id": str(x.contract.contract_id), "name": x.contract.name},
                "renewal_date": _iso(x.renewal_date),
                "renewable_arr": x.renewable.to_json(),
                "category": x.category,
                "health_band": x.account.health_band,
                "at_risk_by_category": x.at_risk_by_category,
                "at_risk_by_health": x.at_risk_by_health,
            }
            for x in risk.lines
        ],
    }


def _booking_json(b: Booking) -> dict[str, Any]:
    return {
        "opportunity": {"id": str(b.opportunity.opportunity_id), "name": b.opportunity.name},
        "account": {"id": str(b.account.account_id), "name": b.account.name},
        "contract_id": str(b.contract_id) if b.contract_id is not None else None,
        "close_date": _iso(b.opportunity.close_date),
        "renewable_arr": _money_json(b.renewable),
        "booked": _money_json(b.booked),
        "change": _money_json(b.change),
        "booking_type": b.booking_type,
    }


METHOD = (
    "Expected = forecast amount (the renewal opportunity's amount, else the renewable ARR) x "
    "the probability of its category; unforecast renewals use the unforecast probability. "
    "Gross renewal rate = sum(min(expected, renewable)) / sum(renewable); net renewal rate "
    "= sum(expected) / sum(renewable), over the dated renewals due in the quarter (from the "
    "as-of date in the current one). Evergreen contracts count in ARR at risk only."
)


@dataclass(frozen=True)
class ForecastSummary:
    """The renewal forecast: four quarters, the roll-up by category, ARR at risk, bookings."""

    as_of: date
    currency: str
    quarters: tuple[QuarterForecast, ...]
    priced: tuple[ExpectedRenewal, ...]
    probabilities: dict[str, Decimal]
    at_risk: ArrAtRisk
    bookings: tuple[Booking, ...]
    converted_from: frozenset[str]

    @property
    def by_category(self) -> tuple[Any, ...]:
        return category_totals(self.priced, self.probabilities, self.currency)

    @property
    def note(self) -> str:
        if not self.converted_from:
            return ""
        codes = ", ".join(sorted(self.converted_from))
        return f"includes {codes} converted at your rates table"

    def to_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "currency": self.currency,
            "converted_from": sorted(self.converted_from),
            "note": self.note,
            "method": METHOD,
            "probabilities": {k: str(v) for k, v in self.probabilities.items()},
            "by_category": _category_json(self.by_category),
            "quarters": [_quarter_json(q) for q in self.quarters],
            "arr_at_risk": _at_risk_json(self.at_risk),
            "bookings": [_booking_json(b) for b in self.bookings],
        }


def forecast_summary(
    session: Session, as_of: date, rates: RateTable, horizon_days: int | None = None
) -> ForecastSummary:
    """The renewal forecast for the quarter holding ``as_of`` and the three after it.

    Args:
        session: an open portfolio session.
        as_of: the day the forecast is made on.
        rates: converts every amount to the reporting currency.
        horizon_days: how far ahead ARR at risk looks (default: the setting, 90 days).

    Returns:
        The roll-up by quarter and category with expected renewal rates, ARR at risk with
        both its parts, and the bookings of renewals closed this quarter so far.
    """
    horizon = horizon_days if horizon_days is not None else int(
        get_setting(session, AT_RISK_HORIZON.key))
    quarters = next_quarters(as_of)
    book = load_book(session, as_of)
    lines = book.lines(as_of, max(quarters[-1].end, as_of + timedelta(days=horizon)))
    chances = probabilities(session)

    currency = rates.reporting_currency
    in_quarters = [x for x in lines if x.renewal_date is not None
                   and x.renewal_date <= quarters[-1].end]
    priced = tuple(expect(x, chances, rates) for x in in_quarters)
    at_risk = arr_at_risk(lines, as_of, horizon, rates)
    bookings = closed_bookings(book.contracts, book.accounts, book.opportunities,
                               quarter_of(as_of).start, as_of, rates)
    converted = (currencies_of(in_quarters) | currencies_of(list(at_risk.lines))) - {currency}

    logger.info("forecast as of %s: %d renewals in four quarters", as_of, len(priced))
    return ForecastSummary(
        as_of=as_of,
        currency=currency,
        quarters=tuple(quarter_forecast(q, priced, chances, as_of, currency) for q in quarters),
        priced=priced,
        probabilities=chances,
        at_risk=at_risk,
        bookings=tuple(bookings),
        converted_from=frozenset(converted),
    )


def closed_renewals(
    session: Session, first: date, last: date, rates: RateTable
) -> list[Booking]:
    """Renewal and expansion opportunities closed from ``first`` to ``last``, with types."""
    book = load_book(session, last, with_health=False)
    return closed_bookings(book.contracts, book.accounts, book.opportunities, first, last, rates)


def renewal_timeline(
    session: Session, as_of: date, rates: RateTable, months: int = 18
) -> RenewalTimeline:
    """Renewals per month for ``months`` months from the month of ``as_of``, for charts."""
    book = load_book(session, as_of)
    until = as_of.replace(day=1) + relativedelta(months=months) - timedelta(days=1)
    return build_timeline(book.lines(as_of, until), as_of, rates, months)


# Milestone tasks --------------------------------------------------------------------------


@dataclass(frozen=True)
class RaisedMilestone:
    """A milestone task raised by one run."""

    line: RenewalLine
    milestone: MilestoneDate
    task_id: int


@dataclass(frozen=True)
class MilestoneRun:
    """What one run raised, and how many milestones already had their task."""

    as_of: date
    raised: tuple[RaisedMilestone, ...]
    already_raised: int

    def to_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "already_raised": self.already_raised,
            "raised": [
                {
                    "task_id": str(r.task_id),
                    "account": r.line.account.name,
                    "contract_id": str(r.line.contract.contract_id),
                    "renewal_date": _iso(r.line.renewal_date),
                    "milestone": r.milestone.spec.name,
                    "title": r.milestone.spec.title,
                    "due_on": r.milestone.on.isoformat(),
                }
                for r in self.raised
            ],
        }


def run_milestones(session: Session, as_of: date) -> MilestoneRun:
    """Raise a task for each renewal milestone reached by ``as_of`` (call in a unit of work).

    A milestone gets its task once: a task with its reason, open or done, is never raised
    again, so running this daily (or twice a day) is safe.
    """
    schedule = _schedule(session)
    book = load_book(session, as_of, with_health=False)
    longest = max((s.days for specs in schedule.values() for s in specs), default=0)
    notice = max((c.notice_days or 0 for c in book.contracts), default=0)
    lines = _first_per_contract(book.lines(as_of, as_of + timedelta(days=longest + notice)))

    known = set(session.scalars(select(Task.source_key).where(Task.source == "milestone")))
    raised: list[RaisedMilestone] = []
    already = 0
    for line in lines:
        if line.renewal_date is None or line.anchor is None:
            continue
        dates = milestone_dates(line.anchor, specs_for_tier(schedule, line.account.tier))
        for milestone in milestones_to_raise(dates, line.anchor, as_of):
            key = milestone_source_key(line.contract.contract_id, line.renewal_date,
                                       milestone.spec)
            if key in known:
                already += 1
                continue
            task = raise_task(
                session,
                account_id=line.account.account_id,
                source="milestone",
                source_key=key,
                title=f"{line.account.name}: {milestone.spec.name} {milestone.spec.title}",
                detail=_milestone_detail(line),
                as_of=as_of,
                due_on=milestone.on,
                owner=line.account.owner,
            ).task
            raised.append(RaisedMilestone(line, milestone, task.id))
            known.add(key)

    logger.info("renewal milestones as of %s: %d tasks raised, %d already raised",
                as_of, len(raised), already)
    return MilestoneRun(as_of, tuple(raised), already)


def _milestone_detail(line: RenewalLine) -> str:
    name = line.contract.name or f"contract {line.contract.contract_id}"
    detail = f"{name} renews on {_iso(line.renewal_date)} (renewable ARR {line.renewable})"
    if line.notice_deadline:
        detail += f"; notice deadline {line.notice_deadline.isoformat()}"
    return detail + "."
