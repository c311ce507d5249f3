"""Time to first value, the onboarding at-risk list, health bands and journey stages."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from test_metrics_builder import Book

from csdesk.services.context import AppContext

AS_OF = date(2025, 1, 31)


def days(first: date, count: int, active: int) -> dict[date, int]:
    return {first + timedelta(days=n): active for n in range(count)}


@pytest.fixture
def ttv_book(context: AppContext) -> Book:
    """Seven accounts and how they reach first value (period 2024, target 60 days).

    T1 starts 2024-01-10, first-value milestone done 2024-02-19:          40 days
    T2 starts 2024-03-01, 10 seats, no milestone. Week 0 (03-01..03-07)
       averages 2 active users; week 1 (03-08..03-14) averages (4+6)/2 = 5,
       half the seats, so first value is that week's last day, 03-14:      13 days
    T3 starts 2024-05-01, milestone marked but never done: still onboarding,
       244 days by 2024-12-31 (past the target)
    T4 reached value in 2023: not in the 2024 median
    T5 starts 2024-11-15, 20 seats, 1 active user a day: still onboarding,
       46 days by 2024-12-31 (within the target)
    T6 starts 2024-04-01, milestone done 2024-06-30:                       90 days
    T7 starts 2024-07-02, milestone done 2024-08-01:                       30 days
    Median of 13, 30, 40, 90 = (30 + 40) / 2 = 35.
    """
    book = Book(context)
    t1 = book.account("T1", onboarding_kickoff=date(2024, 1, 20))
    book.contract(t1, date(2024, 1, 10), None, "12000")
    book.first_value(t1, date(2024, 2, 19))

    t2 = book.account("T2", licensed_seats=10)
    book.contract(t2, date(2024, 3, 1), None, "12000")
    book.usage(t2, days(date(2024, 3, 1), 7, 2))
    book.usage(t2, {date(2024, 3, 9): 4, date(2024, 3, 12): 6})

    t3 = book.account("T3")
    book.contract(t3, date(2024, 5, 1), None, "12000")
    book.first_value(t3, None)

    t4 = book.account("T4")
    book.contract(t4, date(2023, 6, 1), None, "12000")
    book.first_value(t4, date(2023, 7, 1))

    t5 = book.account("T5", licensed_seats=20)
    book.contract(t5, date(2024, 11, 15), None, "12000")
    book.usage(t5, days(date(2024, 11, 15), 60, 1))

    t6 = book.account("T6")
    book.contract(t6, date(2024, 4, 1), None, "12000")
    book.first_value(t6, date(2024, 6, 30))

    t7 = book.account("T7")
    book.contract(t7, date(2024, 7, 2), None, "12000")
    book.first_value(t7, date(2024, 8, 1))
    return book


def test_time_to_first_value_is_the_median_over_accounts_reaching_it(ttv_book: Book) -> None:
    ttv = ttv_book.metrics("2024", AS_OF).group().get("ttv")

    assert ttv.value == Decimal(35)
    assert ttv.denominator == 4
    assert dict(ttv.parts) == {"fastest": 13, "slowest": 90}
    assert ttv.display() == "35 days"


def test_time_to_value_from_the_onboarding_kickoff(ttv_book: Book) -> None:
    # T1's kickoff was 2024-01-20: 30 days. Median of 13, 30, 30, 90 = 30.
    ttv = ttv_book.metrics("2024", AS_OF, kickoff=True).group().get("ttv")

    assert ttv.value == Decimal(30)


def test_accounts_still_onboarding_are_listed_against_the_target(ttv_book: Book) -> None:
    report = ttv_book.metrics("2024", AS_OF)

    rows = [(r.account, r.days_elapsed, r.over_target) for r in report.ttv_at_risk]
    assert rows == [("T3", 244, True), ("T5", 46, False)]
    at_risk = report.group().get("ttv_at_risk")
    assert at_risk.value == 2 and at_risk.part("past_target") == 1
    assert "1 past the 60-day target" in at_risk.note


def test_a_quarter_counts_only_first_value_reached_in_it(ttv_book: Book) -> None:
    # 2024Q1: T1 (40 days, 2024-02-19) and T2 (13 days, 2024-03-14): median 26.5.
    ttv = ttv_book.metrics("2024Q1", AS_OF).group().get("ttv")

    assert ttv.value == Decimal("26.5")


def test_health_distribution_reads_the_latest_snapshot_by_period_end(context: AppContext) -> None:
    """Customers at 2024-12-31: H1 green; H2 yellow (its red snapshot is from 2025);
    H3 not scored (insufficient data); H4 never scored. H5 churned in 2024: not counted."""
    book = Book(context)
    ids = {}
    for name, stage in (("H1", "adopt"), ("H2", "value"), ("H3", None), ("H4", "onboard"),
                        ("H5", "churned")):
        ids[name] = book.account(name, journey_stage=stage)
        end = date(2024, 6, 1) if name == "H5" else None
        book.contract(ids[name], date(2023, 1, 1), end, "12000")
    book.health(ids["H1"], date(2024, 11, 1), "red", 30.0)
    book.health(ids["H1"], date(2024, 12, 1), "green", 80.0)
    book.health(ids["H2"], date(2024, 11, 1), "yellow", 55.0)
    book.health(ids["H2"], date(2025, 1, 10), "red", 20.0)
    book.health(ids["H3"], date(2024, 12, 1), None, None)
    book.health(ids["H5"], date(2024, 5, 1), "red", 10.0)

    health = book.metrics("2024", AS_OF).group().get("health_distribution")

    assert dict(health.parts) == {
        "green": 1, "yellow": 1, "red": 0, "insufficient_data": 1, "no_snapshot": 1,
    }
    assert (health.value, health.denominator) == (2, 4)


def test_health_distribution_without_any_snapshot_says_no_data(context: AppContext) -> None:
    book = Book(context)
    book.contract(book.account("A"), date(2023, 1, 1), None, "12000")

    health = book.metrics("2024", AS_OF).group().get("health_distribution")

    assert health.value is None and health.note.startswith("no data")


def test_journey_stage_counts_use_the_override_when_set(context: AppContext) -> None:
    book = Book(context)
    book.contract(book.account("S1", journey_stage="adopt"), date(2023, 1, 1), None, "1000")
    book.contract(book.account("S2", journey_stage="value", stage_override="renew"),
                  date(2023, 1, 1), None, "1000")
    book.contract(book.account("S3"), date(2023, 1, 1), None, "1000")
    book.contract(book.account("S4", journey_stage="adopt"), date(2024, 2, 1), None, "1000")
    # A prospect with no contract yet, and one whose contract starts after the period.
    book.account("S5", journey_stage="onboard")
    book.contract(book.account("S6", journey_stage="onboard"), date(2025, 1, 5), None, "1000")

    stages = book.metrics("2024", AS_OF).group().get("journey_stages")

    assert stages.value == 4
    counts = {k: v for k, v in stages.parts if v}
    assert counts == {"adopt": 2, "renew": 1, "unknown": 1}
