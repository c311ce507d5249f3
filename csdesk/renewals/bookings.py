"""What a closed renewal booked: renewal, renewal + upsell or downsell, expansion, or churn.

A closed-lost renewal is churn. A closed-won renewal compares the amount won with the ARR that
was up for renewal (both at the currency's precision, in the reporting currency when they
differ): equal is a renewal, more an upsell, less a downsell. A won renewal with nothing up
for renewal, and a won expansion opportunity, are expansion. A won renewal without an amount
is taken to have renewed as it was.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from csdesk.money import Money, RateTable
from csdesk.renewals.lines import AccountFacts, RenewalOpportunity, closed_renewal_target
from csdesk.renewals.schedule import RenewalContract


def booking_type(
    kind: str, is_won: bool, booked: Money | None, renewable: Money | None
) -> str | None:
    """The booking type of a closed opportunity (None: a lost expansion books nothing).

    ``booked`` and ``renewable`` must be in one currency.
    """
    if kind == "expansion":
        return "expansion" if is_won else None
    if not is_won:
        return "churn"
    if renewable is None or renewable.rounded().is_zero():
        return "expansion"
    if booked is None:
        return "renewal"
    difference = booked.rounded().amount - renewable.rounded().amount
    if difference > 0:
        return "renewal_upsell"
    if difference < 0:
        return "renewal_downsell"
    return "renewal"


@dataclass(frozen=True)
class Booking:
    """A closed opportunity and what it booked against the ARR up for renewal."""

    opportunity: RenewalOpportunity
    account: AccountFacts
    contract_id: int | None
    renewable: Money | None
    booked: Money | None
    booking_type: str

    @property
    def change(self) -> Money | None:
        """Booked minus renewable, when both are known (in the booked currency)."""
        if self.booked is None or self.renewable is None:
            return None
        return self.booked - self.renewable


def _same_currency(
    booked: Money | None, renewable: Money | None, rates: RateTable
) -> tuple[Money | None, Money | None]:
    if booked is None or renewable is None or booked.currency == renewable.currency:
        return booked, renewable
    return rates.convert(booked), rates.convert(renewable)


def closed_bookings(
    contracts: Sequence[RenewalContract],
    accounts: Mapping[int, AccountFacts],
    opportunities: Iterable[RenewalOpportunity],
    first: date,
    last: date,
    rates: RateTable,
) -> list[Booking]:
    """The bookings of opportunities closed from ``first`` to ``last``, oldest first.

    ``contracts`` should include ended ones: a renewal closes against the contract it renews.
    """
    by_id = {c.contract_id: c for c in contracts}
    by_account: dict[int, list[RenewalContract]] = defaultdict(list)
    for contract in contracts:
        by_account[contract.account_id].append(contract)

    bookings = []
    for opportunity in opportunities:
        closed = opportunity.close_date
        if not opportunity.is_closed or closed is None or not first <= closed <= last:
            continue
        if opportunity.account_id not in accounts:
            continue
        renewed = _renewed_contract(opportunity, by_id, by_account)
        renewable = renewed.arr if renewed else None
        booked, compared = _same_currency(opportunity.amount, renewable, rates)
        kind = booking_type(opportunity.kind, opportunity.is_won, booked, compared)
        if kind is None:
            continue
        bookings.append(
            Booking(
                opportunity=opportunity,
                account=accounts[opportunity.account_id],
                contract_id=renewed.contract_id if renewed else None,
                renewable=compared,
                booked=booked,
                booking_type=kind,
            )
        )
    bookings.sort(key=lambda b: (b.opportunity.close_date or first, b.opportunity.opportunity_id))
    return bookings


def _renewed_contract(
    opportunity: RenewalOpportunity,
    by_id: Mapping[int, RenewalContract],
    by_account: Mapping[int, list[RenewalContract]],
) -> RenewalContract | None:
    if opportunity.kind != "renewal":
        return None
    if opportunity.contract_id is not None and opportunity.contract_id in by_id:
        return by_id[opportunity.contract_id]
    key = closed_renewal_target(by_account.get(opportunity.account_id, []), opportunity)
    return by_id[key[0]] if key else None
