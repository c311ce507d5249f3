"""The portfolio table's rows: every figure of a hand-built book, and the first screenful."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from csdesk.models import Account, Activity, Contract, CurrencyRate, HealthSnapshot
from csdesk.money import Money
from csdesk.services.context import AppContext, load_rates
from csdesk.services.portfolio_rows import (
    PortfolioRow,
    load_first_rows,
    load_portfolio_rows,
    load_portfolio_table,
)

AS_OF = date(2026, 6, 30)


def _snapshot(account_id: int, day: date, score: float, band: str) -> HealthSnapshot:
    return HealthSnapshot(account_id=account_id, as_of=day, status="scored", score=score,
                          band=band, scorecard="default", measures=json.dumps([]))


@pytest.fixture
def book(context: AppContext) -> dict[str, int]:
    """Four accounts; 1 EUR = 1.10 USD, 1 GBP = 1.25 USD, no CHF rate; USD reports."""
    with context.write("user") as session:
        acme = Account(name="acme corp", owner="Ana Ito", tier=1, journey_stage="adopt")
        beta = Account(name="Beta Ltd", owner="Ben Okoro", tier=2, journey_stage="renew")
        chalet = Account(name="Chalet SA", tier=3)
        zeta = Account(name="Zeta", owner="Ana Ito", tier=3)
        session.add_all([acme, beta, chalet, zeta])
        session.flush()
        session.add_all([
            CurrencyRate(currency="EUR", rate="1.1"),
            CurrencyRate(currency="GBP", rate="1.25"),
            # acme: USD 10,000 a year renewing each 1 March, and EUR 1,000 a month, evergreen.
            Contract(account_id=acme.id, start_date=date(2025, 3, 1), amount_minor=1_000_000,
                     currency="USD", amount_period="year"),
            Contract(account_id=acme.id, start_date=date(2026, 1, 1), amount_minor=100_000,
                     currency="EUR", amount_period="month", billing_frequency="monthly"),
            # Beta: GBP 7,000 for a 7-month term ending 1 August, and a GBP trial.
            Contract(account_id=beta.id, start_date=date(2026, 1, 1), end_date=date(2026, 8, 1),
                     amount_minor=700_000, currency="GBP", amount_period="term"),
            Contract(account_id=beta.id, start_date=date(2026, 6, 1), amount_minor=50_000,
                     currency="GBP", amount_period="month", is_trial=True),
            # Chalet: CHF 5,000 a year since 15 September 2025, and no CHF rate.
            Contract(account_id=chalet.id, start_date=date(2025, 9, 15), amount_minor=500_000,
                     currency="CHF", amount_period="year"),
            # Zeta: a contract that ended in March.
            Contract(account_id=zeta.id, start_date=date(2025, 3, 1), end_date=date(2026, 3, 1),
                     amount_minor=900_000, currency="USD", amount_period="year"),
            _snapshot(acme.id, date(2026, 5, 20), 50.0, "yellow"),
            _snapshot(acme.id, date(2026, 6, 25), 42.0, "yellow"),
            _snapshot(acme.id, date(2026, 7, 1), 90.0, "green"),  # after the as-of date
            Activity(account_id=acme.id, kind="call", occurred_on=date(2026, 6, 1),
                     summary="Kick-off"),
            Activity(account_id=acme.id, kind="call", occurred_on=date(2026, 7, 15),
                     summary="Planned"),
        ])
        return {"acme": acme.id, "beta": beta.id, "chalet": chalet.id, "zeta": zeta.id}


def test_rows_carry_every_figure(context: AppContext, book: dict[str, int]) -> None:
    with context.read() as session:
        rows = load_portfolio_rows(session, AS_OF, load_rates(session))

    # Any case: "acme corp" comes first although "B" sorts before "a" in code points.
    assert [r.name for r in rows] == ["acme corp", "Beta Ltd", "Chalet SA", "Zeta"]
    acme, beta, chalet, zeta = rows

    # Two currencies: 10,000 + 12 x 1,000 x 1.10 = 23,200 USD.
    assert acme.arr == Money(Decimal("23200"), "USD")
    assert acme.arr_reporting == Decimal("23200")
    # The latest snapshot on or before 30 June (42) against the one on or before 31 May (50).
    assert (acme.health_score, acme.band, acme.trend, acme.trend_points) == (
        42.0, "yellow", "down", -8.0)
    # The yearly contract renews on 1 March 2027, 244 days on; the monthly one is evergreen.
    assert (acme.renewal_date, acme.days_left) == (date(2027, 3, 1), 244)
    assert acme.last_touch == date(2026, 6, 1)
    assert (acme.owner, acme.tier, acme.stage) == ("Ana Ito", 1, "adopt")

    # A 7-month term price: 7,000 x 12 / 7 = 12,000 GBP a year, 15,000 USD; the trial adds 0.
    assert beta.arr == Money(Decimal("12000"), "GBP")
    assert beta.arr_reporting == Decimal("15000")
    assert (beta.renewal_date, beta.days_left) == (date(2026, 8, 1), 32)
    assert (beta.health_score, beta.band, beta.trend, beta.last_touch) == (None, None, None, None)

    # No CHF rate: the amount is still shown, it just cannot be converted or sorted.
    assert chalet.arr == Money(Decimal("5000"), "CHF")
    assert chalet.arr_reporting is None
    assert chalet.arr_problem is not None and "CHF" in chalet.arr_problem
    assert (chalet.renewal_date, chalet.days_left) == (date(2026, 9, 15), 77)

    # Nothing active: zero in the reporting currency, and no renewal ahead.
    assert zeta.arr == Money(Decimal(0), "USD")
    assert (zeta.renewal_date, zeta.days_left) == (None, None)


def test_first_rows_are_the_head_of_every_row(context: AppContext, book: dict[str, int]) -> None:
    with context.read() as session:
        rates = load_rates(session)
        every = load_portfolio_rows(session, AS_OF, rates)
        table = load_portfolio_table(session, AS_OF, rates)
        first, total = load_first_rows(session, AS_OF, rates, 2)
        nothing, _ = load_first_rows(session, AS_OF, rates, 0)
        one = load_portfolio_rows(session, AS_OF, rates, book["beta"])

    # The table's plain rows hold the same values, in the same order.
    assert [PortfolioRow._make(values) for values in table] == every
    assert type(table[0]) is tuple
    assert total == 4
    assert first == table[:2]
    assert [PortfolioRow._make(values).name for values in first] == ["acme corp", "Beta Ltd"]
    assert nothing == []
    assert one == [every[1]]
