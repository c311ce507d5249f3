"""Properties that hold for any portfolio, and figures that only depend on what was known."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from test_metrics_builder import Book

from csdesk.metrics import MetricInputs, compute_metrics, parse_period
from csdesk.metrics.inputs import AccountFacts
from csdesk.models import Task
from csdesk.money import Money, RateTable
from csdesk.revenue import ContractTerms
from csdesk.services.context import AppContext

RATES = RateTable("USD", {"EUR": Decimal("1.1"), "GBP": Decimal("1.25")})
FIRST_DAY = date(2022, 1, 1)


@st.composite
def contracts(draw: st.DrawFn, account_id: int) -> ContractTerms:
    start = FIRST_DAY + timedelta(days=draw(st.integers(0, 1500)))
    length = draw(st.one_of(st.none(), st.integers(1, 1100)))
    period = draw(st.sampled_from(("month", "quarter", "year", "term")))
    term = draw(st.integers(1, 60)) if period == "term" else None
    cents = draw(st.integers(0, 10_000_000))
    return ContractTerms(
        start=start,
        end=start + timedelta(days=length) if length else None,
        amount=Money.from_minor(cents, draw(st.sampled_from(("USD", "EUR", "GBP")))),
        amount_period=period,
        term_months=term,
        is_trial=draw(st.booleans().map(lambda b: b and cents % 5 == 0)),
        contract_id=draw(st.integers(1, 10**6)),
        account_id=account_id,
    )


@st.composite
def portfolios(draw: st.DrawFn) -> MetricInputs:
    count = draw(st.integers(1, 8))
    accounts = tuple(
        AccountFacts(
            id=n,
            name=f"Account {n}",
            contracts=tuple(draw(st.lists(contracts(n), max_size=5))),
            tier=draw(st.sampled_from((1, 2, 3, None))),
        )
        for n in range(1, count + 1)
    )
    return MetricInputs(accounts=accounts)


@settings(max_examples=150, deadline=None)
@given(
    portfolio=portfolios(),
    period=st.sampled_from(("2023", "2024", "2024Q2", "2023Q4", "ttm", "2023-02-14..2024-09-30")),
)
def test_grr_never_exceeds_one_and_the_identities_hold(
    portfolio: MetricInputs, period: str
) -> None:
    as_of = date(2024, 12, 31)
    report = compute_metrics(portfolio, parse_period(period, as_of), as_of, RATES, "tier")

    for group in report.groups:
        grr = group.get("grr")
        if grr.value is None:
            continue
        assert Decimal(0) <= grr.value <= Decimal(1)
        assert group.get("nrr").value >= 0
        assert grr.value + group.get("revenue_churn").value == Decimal(1)
        logos = group.get("logo_retention").value + group.get("logo_churn").value
        assert abs(logos - 1) < Decimal("1e-25")
        gross = group.get("gross_renewal_rate")
        if gross.value is not None:
            assert Decimal(0) <= gross.value <= Decimal(1)
            assert gross.value <= group.get("net_renewal_rate").value


def _portfolio_as_known_on(book: Book, day: date) -> dict[str, int]:
    """A portfolio with one of everything the metrics read, all dated on or before ``day``."""
    ids = {}
    for name, tier in (("A", 1), ("B", 2), ("C", 3)):
        ids[name] = book.account(name, tier=tier, licensed_seats=4)
    book.contract(ids["A"], date(2023, 1, 1), None, "12000")
    book.contract(ids["B"], date(2023, 6, 1), date(2024, 6, 1), "1000", period="month",
                  billing_frequency="monthly")
    book.contract(ids["C"], date(2024, 10, 1), None, "6000")
    contact = book.contact(ids["A"], "Ann")
    book.answer(ids["A"], "nps", 4, date(2024, 11, 1), contact_id=contact)
    book.answer(ids["A"], "csat", 5, date(2024, 11, 2), scale=(1, 5), topic="support")
    book.churn(ids["B"], date(2024, 6, 1), "budget", feedback="No budget")
    book.follow_up(ids["A"], date(2024, 11, 2))
    book.usage(ids["C"], {date(2024, 10, 1) + timedelta(days=n): 1 for n in range(60)})
    book.first_value(ids["A"], date(2023, 2, 1))
    book.health(ids["A"], date(2024, 12, 1), "yellow", 50.0)
    assert day >= date(2024, 12, 1)
    return ids


def _add_later_data(book: Book, context: AppContext, ids: dict[str, int], day: date) -> None:
    """Everything dated after ``day``: it must not move any figure computed as of ``day``."""
    later = day + timedelta(days=3)
    newcomer = book.account("D", tier=1)
    book.contract(newcomer, later, None, "99000", "JPY")  # no JPY rate: would fail if read
    book.contract(ids["A"], later, None, "50000")
    book.contract(ids["B"], later, None, "7000")
    contact = book.contact(ids["A"], "Ben")
    book.answer(ids["A"], "nps", 10, later, contact_id=contact)
    book.answer(ids["A"], "csat", 1, later, scale=(1, 5), topic="support")
    book.churn(ids["C"], later, "pricing", lost="6000")
    book.follow_up(ids["B"], later, closed=later)
    book.usage(ids["C"], {later + timedelta(days=n): 4 for n in range(14)})
    book.health(ids["A"], later, "red", 10.0)
    book.health(ids["C"], later, "green", 90.0)
    with context.write() as session:
        task = session.scalars(select(Task).where(Task.status == "open")).one()
        task.status = "done"
        task.closed_at = datetime(later.year, later.month, later.day, 12, tzinfo=UTC)


def test_data_dated_after_the_as_of_date_changes_nothing(context: AppContext, run_cli) -> None:
    day = date(2024, 12, 31)
    book = Book(context)
    ids = _portfolio_as_known_on(book, day)
    commands = [
        ("metrics", "--as-of", day.isoformat(), "--json"),
        ("metrics", "--as-of", day.isoformat(), "--period", "2024Q4", "--by", "tier", "--json"),
        ("churn", "--as-of", day.isoformat(), "--json"),
    ]
    before = [run_cli(*command) for command in commands]
    assert all(result.code == 0 for result in before), [r.err for r in before]

    _add_later_data(book, context, ids, day)
    after = [run_cli(*command) for command in commands]

    assert [r.json() for r in after] == [r.json() for r in before]
    # And the later data is really there: as of a later day the figures move.
    moved = run_cli("metrics", "--as-of", "2025-01-20", "--json")
    assert moved.code == 1 and "JPY" in moved.err
