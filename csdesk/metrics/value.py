"""Time to first value, and the accounts still onboarding (time to first value at risk).

First value is decided by :func:`csdesk.journey.first_value.first_value`: a success-plan
milestone marked "first value" (the day it was done), or else the first week in which
active users reach half the licensed seats (dated on that week's last day).

An account with neither a first-value milestone nor usage figures and seats cannot show
first value; it is listed as still onboarding only when its journey stage says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from csdesk.journey.first_value import first_value
from csdesk.metrics.inputs import AccountFacts
from csdesk.metrics.periods import Period
from csdesk.metrics.results import Metric, OnboardingRow
from csdesk.revenue import ContractTerms, contract_arr

TTV_TARGET_DAYS = 60


@dataclass(frozen=True)
class ValueJourney:
    """When an account started and when (if ever, by the period end) it reached value."""

    account: AccountFacts
    started_on: date
    first_value_on: date | None
    measurable: bool = True

    @property
    def days_to_value(self) -> int | None:
        if self.first_value_on is None:
            return None
        return max((self.first_value_on - self.started_on).days, 0)


def first_paid_contract(account: AccountFacts) -> ContractTerms | None:
    paid = [c for c in account.contracts if not contract_arr(c).is_zero()]
    return min(paid, key=lambda c: (c.start, c.contract_id or 0), default=None)


def value_journey(
    account: AccountFacts,
    until: date,
    marks: Sequence[date | None],
    usage: Sequence[tuple[date, int]],
    from_kickoff: bool = False,
) -> ValueJourney | None:
    """Start and first value of one account, as known on ``until`` (None: never paid)."""
    first = first_paid_contract(account)
    if first is None or first.start > until:
        return None
    started = first.start
    if from_kickoff and account.onboarding_kickoff and account.onboarding_kickoff <= until:
        started = account.onboarding_kickoff

    seats = account.licensed_seats or account.contract_seats.get(first.contract_id or -1)
    if not marks and (not seats or not any(day <= until for day, _ in usage)):
        return ValueJourney(account, started, None, measurable=False)
    reached = first_value(started, until, [("first value", day) for day in marks], usage, seats)
    return ValueJourney(account, started, reached.on if reached else None)


def journeys(
    accounts: Iterable[AccountFacts],
    until: date,
    marks: Mapping[int, tuple[date | None, ...]],
    usage: Mapping[int, tuple[tuple[date, int], ...]],
    from_kickoff: bool = False,
) -> list[ValueJourney]:
    """The value journey of every account that has had a paid contract by ``until``."""
    found = (
        value_journey(a, until, marks.get(a.id, ()), usage.get(a.id, ()), from_kickoff)
        for a in accounts
    )
    return [j for j in found if j is not None]


def ttv_metric(found: Sequence[ValueJourney], period: Period) -> Metric:
    """Median days to first value over the accounts that reached it in the period."""
    reached = sorted(
        j.days_to_value
        for j in found
        if j.first_value_on is not None and j.days_to_value is not None
        and period.contains(j.first_value_on)
    )
    if not reached:
        return Metric.no_data("ttv", "no account reached first value in the period")
    middle = len(reached) // 2
    if len(reached) % 2:
        median = Decimal(reached[middle])
    else:
        median = Decimal(reached[middle - 1] + reached[middle]) / 2
    return Metric.of(
        "ttv", median, denominator=len(reached),
        parts=(("fastest", reached[0]), ("slowest", reached[-1])),
    )


def still_onboarding(
    found: Sequence[ValueJourney],
    customers_at_end: set[int],
    period: Period,
    target_days: int = TTV_TARGET_DAYS,
) -> list[OnboardingRow]:
    """Customers at period end without first value yet, longest waiting first.

    Those whose first value cannot be seen (no milestone, no usage) count only when their
    journey stage is "onboard".
    """
    rows = [
        OnboardingRow(
            j.account.id, j.account.name, j.started_on,
            (period.end - j.started_on).days, target_days,
        )
        for j in found
        if j.first_value_on is None and j.account.id in customers_at_end
        and (j.measurable or j.account.stage == "onboard")
    ]
    return sorted(rows, key=lambda r: (-r.days_elapsed, r.account, r.account_id))


def at_risk_metric(
    rows: Sequence[OnboardingRow],
    found: Sequence[ValueJourney],
    customers_at_end: set[int],
    target_days: int = TTV_TARGET_DAYS,
) -> Metric:
    """How many customers are still onboarding, how many past the target, and how many
    cannot show first value at all (no milestone, no usage figures)."""
    over = sum(1 for r in rows if r.over_target)
    listed = {r.account_id for r in rows}
    unseen = sum(
        1 for j in found
        if not j.measurable and j.account.id in customers_at_end and j.account.id not in listed
    )
    notes = [f"{over} past the {target_days}-day target"] if rows else []
    if unseen:
        notes.append(
            f"{unseen} customers have no first-value milestone and no usage figures, so "
            "their first value cannot be seen"
        )
    return Metric.of(
        "ttv_at_risk", len(rows), note="; ".join(notes),
        parts=(("past_target", over), ("target_days", target_days), ("no_source", unseen)),
    )
