"""The demo book's renewals: a believable answer, checked against its own contracts."""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from csdesk.models import Account, Contract
from csdesk.revenue import contract_arr
from csdesk.services.accounts import contract_terms
from csdesk.services.context import AppContext

AS_OF = date(2026, 4, 1)


def _expected_renewals(contracts: list[Contract], until: date) -> set[tuple[str, str]]:
    """Each paid recurring contract's next renewal up to ``until``, by the DOMAIN.md rule."""
    expected = set()
    for c in contracts:
        if not c.recurring or c.is_trial or c.amount_minor <= 0:
            continue
        if c.end_date is not None:
            if AS_OF <= c.end_date <= until:
                expected.add((str(c.id), c.end_date.isoformat()))
            continue
        if c.amount_period == "month" and c.billing_frequency == "monthly" and (
                c.term_months in (None, 1)):
            continue                                   # evergreen: no dated renewal
        step = c.term_months or 12
        number = 1
        while (day := c.start_date + relativedelta(months=step * number)) < AS_OF:
            number += 1
        if day <= until:
            expected.add((str(c.id), day.isoformat()))
    return expected


def test_demo_renewals_within_180_days(run_cli, context: AppContext) -> None:
    made = run_cli("demo", "--accounts", "30", "--as-of", AS_OF.isoformat())
    assert made.code == 0, made.err

    result = run_cli("renewals", "--within", "180", "--as-of", AS_OF.isoformat(), "--json")
    assert result.code == 0, result.err
    data = result.json()
    rows = data["renewals"]

    with context.read() as session:
        contracts = list(session.scalars(select(Contract)))
        tiers = {a.id: a.tier_override or a.tier for a in session.scalars(select(Account))}
    by_id = {str(c.id): c for c in contracts}

    assert len(rows) >= 3, "a demo book of 30 accounts should have renewals within 180 days"
    assert {(r["contract"]["id"], r["renewal_date"]) for r in rows} == _expected_renewals(
        contracts, AS_OF + timedelta(days=180))

    for row in rows:
        contract = by_id[row["contract"]["id"]]
        renewal = date.fromisoformat(row["renewal_date"])
        assert row["days_left"] == (renewal - AS_OF).days
        assert row["renewable_arr"] == contract_arr(contract_terms(contract)).to_json()
        if contract.auto_renew and contract.notice_days:
            assert row["notice_deadline"] == (
                renewal - timedelta(days=contract.notice_days)).isoformat()
        else:
            assert row["notice_deadline"] is None
        expected_count = {1: 5, 2: 3, 3: 2}.get(tiers[contract.account_id] or 3, 2)
        assert len(row["milestones"]) == expected_count
        assert row["category"] in {"commit", "best_case", "pipeline", "at_risk", "churn",
                                   "closed_won", "closed_lost", "unforecast"}

    days = [r["days_left"] for r in rows]
    assert days == sorted(days)

    text = run_cli("renewals", "--within", "180", "--as-of", AS_OF.isoformat())
    assert f"{len(rows)} renewals by {(AS_OF + timedelta(days=180)).isoformat()}" in text.out
