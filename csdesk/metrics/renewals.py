"""Gross and net renewal rate over the renewal cohort: the renewals due in the period.

Not to be confused with NRR/GRR, which follow the whole base of customers. Renewal days
come from the renewals schedule (:mod:`csdesk.renewals.schedule`). A contract with an end
date renews on that date, and what it renewed into is the account's contracts that start
that same day. An open-ended contract renews on each anniversary and, as it is still
running, renews at its own ARR. Month-to-month contracts are evergreen: never due.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from csdesk.metrics.book import Converter
from csdesk.metrics.inputs import AccountFacts
from csdesk.metrics.periods import Period
from csdesk.metrics.results import Metric
from csdesk.renewals.schedule import RenewalContract, renewal_dates
from csdesk.revenue import ContractTerms, contract_arr


@dataclass(frozen=True)
class Renewal:
    """One renewal due: the account, the day, what was up for renewal and what renewed."""

    account_id: int
    due_on: date
    renewable: Decimal
    renewed: Decimal


def due_dates(contract: ContractTerms, period: Period, billing: str | None) -> list[date]:
    """The contract's renewal days inside the period, by the renewals schedule."""
    schedule = RenewalContract(
        contract_id=contract.contract_id or 0,
        account_id=contract.account_id or 0,
        start=contract.start,
        end=contract.end,
        arr=contract_arr(contract),
        term_months=contract.term_months,
        amount_period=contract.amount_period,
        billing_frequency=billing or "annual",
    )
    return renewal_dates(schedule, period.start, period.end)


def renewals_due(
    accounts: Iterable[AccountFacts], period: Period, convert: Converter
) -> list[Renewal]:
    """Every renewal due in the period, with the ARR renewable and the ARR renewed."""
    due: list[Renewal] = []
    for account in accounts:
        paid = [c for c in account.contracts if not contract_arr(c).is_zero()]
        ending: dict[date, Decimal] = defaultdict(Decimal)
        for contract in paid:
            billing = account.contract_billing.get(contract.contract_id or -1)
            days = due_dates(contract, period, billing)
            if not days:
                continue
            value = convert.amount(contract_arr(contract))
            if contract.end is not None:
                ending[contract.end] += value
            else:
                # Still running on its anniversary: it renewed at its own ARR.
                due.extend(Renewal(account.id, day, value, value) for day in days)

        for day, renewable in ending.items():
            renewed = sum(
                (convert.amount(contract_arr(c)) for c in paid if c.start == day), Decimal(0)
            )
            due.append(Renewal(account.id, day, renewable, renewed))
    return due


def renewal_metrics(renewals: list[Renewal], convert: Converter) -> list[Metric]:
    """Gross and net renewal rate of the renewals due."""
    names = ("gross_renewal_rate", "net_renewal_rate")
    if not renewals:
        return [Metric.no_data(name, "no renewals due in the period") for name in names]

    renewable = sum((r.renewable for r in renewals), Decimal(0))
    renewed = sum((r.renewed for r in renewals), Decimal(0))
    kept = sum((min(r.renewed, r.renewable) for r in renewals), Decimal(0))
    note = convert.note()
    count = (("renewals", len(renewals)),)
    return [
        Metric.of(
            "gross_renewal_rate", kept / renewable, note=note, numerator=convert.money(kept),
            denominator=convert.money(renewable), parts=count,
        ),
        Metric.of(
            "net_renewal_rate", renewed / renewable, note=note,
            numerator=convert.money(renewed), denominator=convert.money(renewable), parts=count,
        ),
    ]
