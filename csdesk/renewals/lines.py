"""The renewal book: one line per renewal of a contract, with the opportunity that forecasts it.

An open renewal opportunity belongs to the renewal of the contract it names (the upcoming
renewal nearest its close date); one that names no contract belongs to the account's upcoming
renewal nearest its close date. Where several open opportunities meet on one renewal, the one
closing nearest the renewal date carries the forecast. A renewal without an open opportunity
takes the outcome of a closed one when that closed within a year before, or 90 days after,
the renewal date.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from csdesk.money import Money
from csdesk.renewals.categories import AT_RISK_CATEGORIES, UNFORECAST
from csdesk.renewals.schedule import RenewalContract, nearest_renewal, renewal_dates

CLOSED_BEFORE = timedelta(days=365)
CLOSED_AFTER = timedelta(days=90)

RenewalKey = tuple[int, date | None]


@dataclass(frozen=True)
class AccountFacts:
    """What the renewal book shows about the account a contract belongs to."""

    account_id: int
    name: str
    owner: str | None = None
    tier: int | None = None
    health_band: str | None = None

    @property
    def is_red(self) -> bool:
        return self.health_band == "red"


@dataclass(frozen=True)
class RenewalOpportunity:
    """A renewal or expansion opportunity, with its category already resolved."""

    opportunity_id: int
    account_id: int
    contract_id: int | None
    close_date: date | None
    amount: Money | None
    category: str | None
    is_closed: bool = False
    is_won: bool = False
    kind: str = "renewal"
    name: str | None = None


@dataclass(frozen=True)
class RenewalLine:
    """One renewal: a contract renewing on a date (None when evergreen) and its forecast."""

    contract: RenewalContract
    account: AccountFacts
    renewal_date: date | None
    opportunity: RenewalOpportunity | None = None

    @property
    def key(self) -> RenewalKey:
        return (self.contract.contract_id, self.renewal_date)

    @property
    def evergreen(self) -> bool:
        return self.renewal_date is None

    @property
    def renewable(self) -> Money:
        """The ARR up for renewal: the contract's ARR."""
        return self.contract.arr

    @property
    def notice_deadline(self) -> date | None:
        if self.renewal_date is None:
            return None
        return self.contract.notice_deadline(self.renewal_date)

    @property
    def anchor(self) -> date | None:
        """The date milestones count back from: the notice deadline, else the renewal date."""
        return self.notice_deadline or self.renewal_date

    @property
    def category(self) -> str:
        if self.opportunity is None or self.opportunity.category is None:
            return UNFORECAST
        return self.opportunity.category

    @property
    def close_date(self) -> date | None:
        return self.opportunity.close_date if self.opportunity else None

    @property
    def close_date_differs(self) -> bool:
        """The opportunity closes on another day than the contract renews."""
        return (
            self.renewal_date is not None
            and self.close_date is not None
            and self.close_date != self.renewal_date
        )

    @property
    def at_risk_by_category(self) -> bool:
        return self.category in AT_RISK_CATEGORIES

    @property
    def at_risk_by_health(self) -> bool:
        return self.account.is_red

    def days_left(self, as_of: date) -> int | None:
        return None if self.renewal_date is None else (self.renewal_date - as_of).days


def build_lines(
    contracts: Sequence[RenewalContract],
    accounts: Mapping[int, AccountFacts],
    opportunities: Iterable[RenewalOpportunity],
    as_of: date,
    until: date,
) -> list[RenewalLine]:
    """Every renewal from ``as_of`` to ``until`` (both included) and every evergreen contract.

    Evergreen contracts count only while active on ``as_of``. Lines come sorted by renewal
    date (evergreen last), then account name and contract id.
    """
    instances: list[tuple[RenewalContract, date | None]] = []
    for contract in contracts:
        if contract.evergreen:
            if contract.start <= as_of:
                instances.append((contract, None))
            continue
        instances.extend((contract, day) for day in renewal_dates(contract, as_of, until))

    linked = _link(contracts, instances, opportunities)
    lines = [
        RenewalLine(c, accounts[c.account_id], d, linked.get((c.contract_id, d)))
        for c, d in instances
        if c.account_id in accounts
    ]
    lines.sort(key=lambda line: (line.renewal_date or date.max, line.account.name.lower(),
                                 line.contract.contract_id))
    return lines


def _link(
    contracts: Sequence[RenewalContract],
    instances: Sequence[tuple[RenewalContract, date | None]],
    opportunities: Iterable[RenewalOpportunity],
) -> dict[RenewalKey, RenewalOpportunity]:
    by_id = {c.contract_id: c for c in contracts}
    by_account: dict[int, list[RenewalContract]] = defaultdict(list)
    for contract in contracts:
        by_account[contract.account_id].append(contract)
    upcoming: dict[int, list[date | None]] = defaultdict(list)
    for contract, day in instances:
        upcoming[contract.contract_id].append(day)
    keys = {(c.contract_id, d) for c, d in instances}

    open_candidates: dict[RenewalKey, list[RenewalOpportunity]] = defaultdict(list)
    closed_candidates: dict[RenewalKey, list[RenewalOpportunity]] = defaultdict(list)
    for opportunity in opportunities:
        if opportunity.kind != "renewal":
            continue
        own = by_id.get(opportunity.contract_id) if opportunity.contract_id else None
        choices = [own] if own else by_account.get(opportunity.account_id, [])
        if opportunity.is_closed:
            key = closed_renewal_target(choices, opportunity)
            if key in keys:
                closed_candidates[key].append(opportunity)
        else:
            key = _open_target(choices, upcoming, opportunity)
            if key is not None:
                open_candidates[key].append(opportunity)

    linked: dict[RenewalKey, RenewalOpportunity] = {}
    for key, candidates in closed_candidates.items():
        linked[key] = max(candidates, key=lambda o: (o.close_date or date.min, o.opportunity_id))
    for key, candidates in open_candidates.items():
        linked[key] = min(candidates, key=lambda o: (_distance(o.close_date, key[1]),
                                                     o.opportunity_id))
    return linked


def _distance(day: date | None, other: date | None) -> int:
    if day is None or other is None:
        return 10**6
    return abs((day - other).days)


def _open_target(
    choices: Sequence[RenewalContract],
    upcoming: Mapping[int, list[date | None]],
    opportunity: RenewalOpportunity,
) -> RenewalKey | None:
    """The upcoming renewal an open opportunity forecasts: the one nearest its close date.

    A close date already past points at the next renewal (the deal is late, not gone).
    Dated renewals come before evergreen contracts; ties go to the earlier renewal.
    """
    best: tuple[tuple[int, int, date, int], RenewalKey] | None = None
    for contract in choices:
        for day in upcoming.get(contract.contract_id, []):
            if day is None:
                rank = (1, 0, date.max, contract.contract_id)
            else:
                rank = (0, _distance(opportunity.close_date, day), day, contract.contract_id)
            if best is None or rank < best[0]:
                best = (rank, (contract.contract_id, day))
    return best[1] if best else None


def closed_renewal_target(
    choices: Sequence[RenewalContract], opportunity: RenewalOpportunity
) -> RenewalKey | None:
    """The renewal a closed opportunity decided, if it closed near enough to it."""
    closed = opportunity.close_date
    if closed is None:
        return None
    best: tuple[tuple[int, int], RenewalKey] | None = None
    for contract in choices:
        day = nearest_renewal(contract, closed)
        if day is None or not day - CLOSED_BEFORE <= closed <= day + CLOSED_AFTER:
            continue
        rank = (_distance(closed, day), contract.contract_id)
        if best is None or rank < best[0]:
            best = (rank, (contract.contract_id, day))
    return best[1] if best else None
