"""Churn by reason: events and lost ARR by tier, segment, cohort and quarter, with feedback."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from test_metrics_builder import Book

from csdesk.errors import ValidationError
from csdesk.models import ChurnEvent
from csdesk.money import Money
from csdesk.services.context import AppContext
from csdesk.services.metrics import set_rate

AS_OF = date(2025, 1, 31)


def usd(amount: str) -> Money:
    return Money.of(amount, "USD")


@pytest.fixture
def churn_book(context: AppContext) -> Book:
    """Churn events around 2024.

    K1 tier 1, Enterprise, customer since 2022-02-01: 2024-02-10 budget, 50,000 recorded,
       "Budget cut"
    K2 tier 2, SMB, 12,000 a year 2023-05-01 to 2024-05-20: 2024-05-20 competitor, no amount
       recorded, so the ARR lost that day: 12,000. "Moved to a rival"
    K3 tier 2, SMB, first paid 2023-08-15: 2024-11-03 budget, 8,000 recorded, no words
    K4: 2023-12-30 (before the period); K5: 2025-01-05 (after it)
    2024 totals: 3 events, 70,000 lost. Budget 2 / 58,000; competitor 1 / 12,000.
    """
    book = Book(context)
    k1 = book.account("K1", tier=1, segment="Enterprise", customer_since=date(2022, 2, 1))
    k2 = book.account("K2", tier=2, segment="SMB")
    k3 = book.account("K3", tier=2, segment="SMB")
    k4 = book.account("K4", tier=3)
    k5 = book.account("K5", tier=3)
    book.contract(k2, date(2023, 5, 1), date(2024, 5, 20), "12000")
    book.contract(k3, date(2023, 8, 15), date(2024, 11, 3), "8000")
    book.churn(k1, date(2024, 2, 10), "budget", lost="50000", feedback="Budget cut")
    book.churn(k2, date(2024, 5, 20), "competitor", feedback=" Moved to a rival ")
    book.churn(k3, date(2024, 11, 3), "budget", lost="8000")
    book.churn(k4, date(2023, 12, 30), "pricing", lost="1000")
    book.churn(k5, date(2025, 1, 5), "pricing", lost="1000")
    return book


def test_churn_totals_and_reasons(churn_book: Book) -> None:
    report = churn_book.churn_report("2024", AS_OF)

    assert report.events.value == 3
    assert report.lost_arr.value == usd("70000")
    budget = report.line("budget")
    assert (budget.events, budget.lost_arr) == (2, usd("58000"))
    assert [(f.account, f.text) for f in budget.feedback] == [("K1", "Budget cut")]
    competitor = report.line("competitor")
    assert (competitor.events, competitor.lost_arr) == (1, usd("12000"))
    assert competitor.feedback[0].text == "Moved to a rival"
    # The whole taxonomy is listed, in order, even with no events.
    assert [line.reason for line in report.by_reason][:3] == ["budget", "product_fit",
                                                              "poor_adoption"]
    assert report.line("pricing").events == 0
    assert any("1 of 3 events" in note for note in report.notes)


def test_churn_by_tier_segment_cohort_and_quarter(churn_book: Book) -> None:
    report = churn_book.churn_report("2024", AS_OF)

    def slices(dimension: str) -> list[tuple[str, int, Money]]:
        return [(s.key, s.events, s.lost_arr) for s in report.slices_by(dimension)]

    assert slices("tier") == [("1", 1, usd("50000")), ("2", 2, usd("20000"))]
    assert slices("segment") == [("Enterprise", 1, usd("50000")), ("SMB", 2, usd("20000"))]
    # Cohort: the quarter each became a customer (customer_since, else first paid contract).
    assert slices("cohort") == [
        ("2022Q1", 1, usd("50000")), ("2023Q2", 1, usd("12000")), ("2023Q3", 1, usd("8000")),
    ]
    assert slices("quarter") == [
        ("2024Q1", 1, usd("50000")), ("2024Q2", 1, usd("12000")), ("2024Q4", 1, usd("8000")),
    ]
    # Within a slice the reasons keep the taxonomy's order.
    smb = report.slices_by("segment")[1]
    assert [(line.reason, line.events) for line in smb.by_reason] == [
        ("budget", 1), ("competitor", 1),
    ]


def test_a_quarter_with_no_churn_is_zero_but_a_book_without_churn_is_no_data(
    churn_book: Book, context: AppContext
) -> None:
    report = churn_book.churn_report("2024Q3", AS_OF)
    assert report.events.value == 0
    assert report.lost_arr.value == usd("0")

    with context.write() as session:
        for event in session.scalars(select(ChurnEvent)):
            session.delete(event)
    report = churn_book.churn_report("2024", AS_OF)
    assert report.events.value is None and report.events.note.startswith("no data")


def test_lost_arr_in_another_currency_needs_a_rate(churn_book: Book, context: AppContext) -> None:
    k6 = churn_book.account("K6", tier=1)
    churn_book.churn(k6, date(2024, 8, 1), "pricing", lost="10000", currency="EUR")

    with pytest.raises(ValidationError, match="csdesk rates set EUR"):
        churn_book.churn_report("2024", AS_OF)

    with context.write() as session:
        set_rate(session, "EUR", "1.1", AS_OF)
    report = churn_book.churn_report("2024", AS_OF)
    # 70,000 USD + 10,000 EUR at 1.1 = 81,000 USD.
    assert report.lost_arr.value == usd("81000")
    assert "EUR" in report.lost_arr.note
