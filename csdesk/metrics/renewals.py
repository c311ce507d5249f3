"""Gross and net renewal rate over the renewal cohort: the renewals due in the period.

Not to be confused with NRR/GRR, which follow the whole base of customers. A contract with
an end date renews on that date, and what it renewed into is the account's contracts that
start that same day. An open-ended contract renews on each anniversary of its start, one
term apart (yearly when it has no term) and, as it is still running, renews at its own ARR.
Month-to-month contracts (quoted per month, invoiced monthly, no longer term) are
evergreen: they have no dated renewal.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from csdesk.metrics.book import Converter
from csdesk.metrics.inputs import AccountFacts
from csdesk.metrics.periods import Period
from csdesk.metrics.results import Metric
from csdesk.revenue import ContractTerms, contract_arr

DEFAULT_CYCLE_MONTHS = 12


@dataclass(frozen=True)
class Renewal:
    """One renewal due: the account, the day, what was up for renewal and what renewed."""

    account_id: int
    due_on: date
    renewable: Decimal
    renewed: Decimal


def is_evergreen(contract: ContractTerms, billing: str | None) -> bool:
    """Month-to-month: open-ended, quoted per month, invoiced monthly, no longer term."""
    return (
        contract.end is None
        and contract.amount_period == "month"
        and billing == "monthly"
        and contract.term_months in (None, 1)
    )


def anniversaries(contract: ContractTerms, period: Period, billing: str | None) -> list[date]:
    """Renewal days of an open-ended contract inside the period (none when evergreen)."""
    if contract.end is not None or is_evergreen(contract, billing):
        return []
    term = contract.term_months or DEFAULT_CYCLE_MONTHS
    days = []
    step = 1
    while (day := contract.start + relativedelta(months=term * step)) <= period.end:
        if day >= period.start:
            days.append(day)
        step += 1
    return days


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
            due_days = anniversaries(contract, period, billing)
            ends_now = contract.end is not None and period.contains(contract.end)
            if not due_days and not ends_now:
                continue
            value = convert.amount(contract_arr(contract))
            if contract.end is not None and ends_now:
                ending[contract.end] += value
            due.extend(Renewal(account.id, day, value, value) for day in due_days)

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
