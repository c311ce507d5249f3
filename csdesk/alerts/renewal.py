"""An account's next renewal date, as the alert "renewal within 90 days while not green" reads it.

Delegates to :mod:`csdesk.renewals.schedule`, so alerts and the renewals views agree: an
active contract renews on its end date, an open-ended one on each anniversary of its term,
and a month-to-month contract has no dated renewal.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from csdesk.health.facts import ContractRecord
from csdesk.money import Money
from csdesk.renewals.schedule import RenewalContract, next_renewal


def next_account_renewal(contracts: Iterable[ContractRecord], day: date) -> date | None:
    """The earliest renewal on or after ``day`` among the recurring contracts active on it."""
    dates = []
    for contract in contracts:
        if not contract.is_active(day) or not contract.recurring or contract.is_trial:
            continue
        terms = RenewalContract(
            contract_id=contract.id, account_id=0, start=contract.start, end=contract.end,
            arr=Money(Decimal(0), contract.currency), term_months=contract.term_months,
            amount_period=contract.amount_period, billing_frequency=contract.billing_frequency,
        )
        renewal = next_renewal(terms, day)
        if renewal is not None:
            dates.append(renewal)
    return min(dates) if dates else None
