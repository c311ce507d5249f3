"""ARR, NRR, GRR, logo retention and churn, and renewal rates on hand-built portfolios."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from test_metrics_builder import Book

from csdesk.errors import ValidationError
from csdesk.money import Money
from csdesk.services.context import AppContext
from csdesk.services.metrics import set_rate

AS_OF = date(2025, 1, 31)


def value(report, name, group=None):  # type: ignore[no-untyped-def]
    return report.group(group).get(name).value


@pytest.fixture
def book(context: AppContext) -> Book:
    """Five accounts through 2024 (amounts are ARR in USD).

    A  12,000 all year (2023-01-01 to 2025-01-01)             start 12,000  end 12,000
    B  1,000 a month, ends 2024-06-01, not renewed            start 12,000  end 0
    C  24,000 open-ended since 2023-03-01, plus a 36,000
       add-on from 2024-04-01 (expansion larger than B's churn) start 24,000  end 60,000
    D  new on 2024-07-01, 6,000 open-ended                     start 0       end 6,000
    E  a trial only: never a customer                          start 0       end 0
    F  12,000 to 2024-09-01, renewed that day at 18,000         start 12,000  end 18,000
    """
    book = Book(context)
    a = book.account("A", tier=1, owner="Ann")
    b = book.account("B", tier=2, owner="Bob")
    c = book.account("C", tier=1, owner="Ann")
    d = book.account("D", tier=3, owner="Bob")
    e = book.account("E", tier=3)
    f = book.account("F", tier=2, owner="Ann")
    book.contract(a, date(2023, 1, 1), date(2025, 1, 1), "12000")
    book.contract(b, date(2023, 6, 1), date(2024, 6, 1), "1000", period="month",
                  billing_frequency="monthly")
    book.contract(c, date(2023, 3, 1), None, "24000")
    book.contract(c, date(2024, 4, 1), None, "36000")
    book.contract(d, date(2024, 7, 1), None, "6000")
    book.contract(e, date(2024, 2, 1), date(2024, 3, 1), "5000", is_trial=True)
    book.contract(f, date(2023, 9, 1), date(2024, 9, 1), "12000")
    book.contract(f, date(2024, 9, 1), date(2025, 9, 1), "18000")
    return book


def test_arr_and_revenue_retention(book: Book) -> None:
    report = book.metrics("2024", AS_OF)

    # ARR on 2024-12-31: A 12,000 + C 60,000 + D 6,000 + F 18,000.
    assert value(report, "arr") == Money.of("96000", "USD")
    # Base: A, B, C, F with 12,000 + 12,000 + 24,000 + 12,000 = 60,000 on 2024-01-01.
    # At the end they have 12,000 + 0 + 60,000 + 18,000 = 90,000: NRR 150%.
    nrr = report.group().get("nrr")
    assert nrr.value == Decimal("1.5")
    assert nrr.numerator == Money.of("90000", "USD")
    assert nrr.denominator == Money.of("60000", "USD")
    # GRR keeps min(end, start): 12,000 + 0 + 24,000 + 12,000 = 48,000 of 60,000.
    assert value(report, "grr") == Decimal("0.8")
    assert value(report, "revenue_churn") == Decimal("0.2")
    assert report.currency == "USD"
    assert report.notes == ()


def test_logo_counts_retention_and_churn(book: Book) -> None:
    report = book.metrics("2024", AS_OF)

    # Customers on 2024-01-01: A, B, C, F (E's trial does not make a customer).
    assert value(report, "customers_start") == 4
    # On 2024-12-31: A, C, D, F. D is new; B was lost.
    assert value(report, "customers_end") == 4
    assert value(report, "new_customers") == 1
    assert value(report, "customers_lost") == 1
    # Logo retention (4 - 1) / 4; logo churn 1 / 4.
    retention = report.group().get("logo_retention")
    assert (retention.value, retention.numerator, retention.denominator) == (
        Decimal("0.75"), 3, 4
    )
    assert value(report, "logo_churn") == Decimal("0.25")


def test_renewal_rates_follow_the_renewals_due_not_the_base(book: Book) -> None:
    report = book.metrics("2024", AS_OF)

    # Due in 2024: B on 2024-06-01 (12,000, renewed into nothing), C's open-ended contract on
    # its anniversary 2024-03-01 (24,000, still running), F on 2024-09-01 (12,000 into 18,000).
    # Gross: (0 + 24,000 + 12,000) / 48,000 = 75%. Net: (0 + 24,000 + 18,000) / 48,000.
    gross = report.group().get("gross_renewal_rate")
    assert gross.value == Decimal("0.75")
    assert gross.part("renewals") == 3
    net = report.group().get("net_renewal_rate")
    assert net.value == Decimal("0.875")
    assert net.numerator == Money.of("42000", "USD")
    assert "renewals due" in net.label and "NRR" not in net.label


def test_metrics_by_tier_and_by_csm(book: Book) -> None:
    by_tier = book.metrics("2024", AS_OF, by="tier")

    # Tier 1: A and C. Start 36,000, end 72,000: NRR 200%, GRR 100%.
    assert value(by_tier, "nrr", "1") == Decimal(2)
    assert value(by_tier, "grr", "1") == Decimal(1)
    # Tier 2: B and F. Start 24,000, end 18,000 (F only): NRR 75%; GRR 12,000 / 24,000.
    assert value(by_tier, "nrr", "2") == Decimal("0.75")
    assert value(by_tier, "grr", "2") == Decimal("0.5")
    # Tier 3: D is new, E never paid: no base, so no NRR (not 0).
    tier3 = by_tier.group("3").get("nrr")
    assert tier3.value is None and tier3.note.startswith("no data")
    assert by_tier.group("3").label == "Tier 3 (Tech touch)"
    # The whole book is still there first.
    assert by_tier.groups[0].key is None and value(by_tier, "nrr") == Decimal("1.5")

    by_csm = book.metrics("2024", AS_OF, by="csm")
    # Ann: A, C, F: start 48,000, end 90,000. E has no owner.
    assert value(by_csm, "nrr", "Ann") == Decimal("90000") / Decimal("48000")
    assert [g.key for g in by_csm.groups] == [None, "Ann", "Bob", "(none)"]


def test_an_account_that_churns_and_returns_within_the_period(context: AppContext) -> None:
    """G leaves on 2024-03-01 and returns on 2024-05-01 at half its ARR; H stays.

    G counts as a customer lost and, on its return, as a new customer, so logo retention is
    (2 customers at end - 1 new) / 2 = 50% and logo churn 1 / 2. NRR and GRR compare ARR on
    the first and last days: (6,000 + 12,000) / 24,000 = 75% for both.
    """
    book = Book(context)
    g = book.account("G")
    h = book.account("H")
    book.contract(g, date(2023, 1, 1), date(2024, 3, 1), "12000")
    book.contract(g, date(2024, 5, 1), None, "6000")
    book.contract(h, date(2023, 7, 1), None, "12000")

    report = book.metrics("2024", AS_OF)

    assert value(report, "customers_start") == 2
    assert value(report, "customers_end") == 2
    assert value(report, "new_customers") == 1
    assert value(report, "customers_lost") == 1
    assert value(report, "logo_retention") == Decimal("0.5")
    assert value(report, "logo_churn") == Decimal("0.5")
    assert value(report, "nrr") == Decimal("0.75")
    assert value(report, "grr") == Decimal("0.75")
    # G's renewal on 2024-03-01 renewed into nothing that day (its return was two months
    # later); H renewed on its anniversary 2024-07-01: 12,000 / 24,000.
    assert value(report, "gross_renewal_rate") == Decimal("0.5")


def test_period_boundaries_contract_ending_on_the_last_day_or_the_day_after(
    context: AppContext,
) -> None:
    """2024Q1 runs 2024-01-01 to 2024-03-31, both included.

    P's end date is 2024-03-31: that is its first day without it, so P has no ARR on the
    last day and is lost. Q's end date is 2024-04-01: Q still has ARR on 2024-03-31.
    R starts on the first day: a customer at the start, not a new one.
    Start 36,000; end 0 + 12,000 + 12,000 = 24,000: NRR = GRR = 2/3; logo churn 1/3.
    """
    book = Book(context)
    p = book.account("P")
    q = book.account("Q")
    r = book.account("R")
    book.contract(p, date(2023, 1, 1), date(2024, 3, 31), "12000")
    book.contract(q, date(2023, 1, 1), date(2024, 4, 1), "12000")
    book.contract(r, date(2024, 1, 1), None, "1000", period="month", billing_frequency="monthly")

    report = book.metrics("2024Q1", AS_OF)

    assert report.period.start == date(2024, 1, 1) and report.period.end == date(2024, 3, 31)
    assert value(report, "customers_start") == 3
    assert value(report, "new_customers") == 0
    assert value(report, "customers_lost") == 1
    assert value(report, "nrr") == Decimal(24000) / Decimal(36000)
    assert value(report, "grr") == Decimal(24000) / Decimal(36000)
    assert value(report, "logo_churn") == Decimal(1) / Decimal(3)
    # Only P's renewal (2024-03-31) is due in the quarter; Q's is on 2024-04-01. R is
    # month-to-month: evergreen, never due.
    gross = report.group().get("gross_renewal_rate")
    assert gross.value == Decimal(0) and gross.denominator == Money.of("12000", "USD")


def test_monthly_and_multi_year_term_contracts_are_annualised(context: AppContext) -> None:
    """M pays 500 a month: ARR 6,000. T pays 36,000 for a 3-year term: ARR 12,000.

    T's price drops to 30,000 for its next 3-year term from 2026-01-01 (ARR 10,000).
    From 2025-07-01 to 2026-06-30: start 6,000 + 12,000; end 6,000 + 10,000: NRR 16/18.
    """
    book = Book(context)
    m = book.account("M")
    t = book.account("T")
    book.contract(m, date(2025, 6, 1), None, "500", period="month", billing_frequency="monthly")
    book.contract(t, date(2023, 1, 1), date(2026, 1, 1), "36000", period="term",
                  term_months=36, billing_frequency="upfront")
    book.contract(t, date(2026, 1, 1), date(2029, 1, 1), "30000", period="term",
                  term_months=36, billing_frequency="upfront")

    # Period 2025: M is new in June; T has ARR 12,000 all year.
    report = book.metrics("2025", date(2026, 12, 31))
    assert value(report, "arr") == Money.of("18000", "USD")
    assert value(report, "nrr") == Decimal(1)
    assert value(report, "new_customers") == 1

    report = book.metrics("2025-07-01..2026-06-30", date(2026, 12, 31))
    assert value(report, "arr") == Money.of("16000", "USD")
    assert value(report, "nrr") == Decimal(16000) / Decimal(18000)
    # T's renewal on 2026-01-01: 12,000 renewable, renewed at 10,000 ARR.
    assert value(report, "gross_renewal_rate") == Decimal(10000) / Decimal(12000)
    assert value(report, "net_renewal_rate") == Decimal(10000) / Decimal(12000)


def test_a_contract_in_another_currency_needs_a_rate(context: AppContext) -> None:
    """U pays 12,000 USD, V 10,000 EUR a year. At 1 EUR = 1.10 USD the book is 23,000 USD."""
    book = Book(context)
    u = book.account("U")
    v = book.account("V")
    book.contract(u, date(2023, 1, 1), None, "12000", "USD")
    book.contract(v, date(2023, 1, 1), date(2024, 7, 1), "10000", "EUR")

    with pytest.raises(ValidationError) as missing:
        book.metrics("2024", AS_OF)
    assert "EUR" in str(missing.value) and "csdesk rates set EUR" in str(missing.value)

    with context.write() as session:
        set_rate(session, "EUR", "1.10", AS_OF)
    report = book.metrics("2024", AS_OF)

    # Start: 12,000 + 11,000 = 23,000 USD; V left mid-year: end 12,000. NRR 12,000 / 23,000.
    nrr = report.group().get("nrr")
    assert nrr.denominator == Money.of("23000.00", "USD")
    assert nrr.value == Decimal(12000) / Decimal(23000)
    assert "EUR" in nrr.note and "rates table" in nrr.note
    assert any("EUR" in note for note in report.notes)


def test_a_book_in_one_foreign_currency_needs_no_rate(context: AppContext) -> None:
    """Every contract in EUR (reporting currency USD): figures stay in EUR, unconverted."""
    book = Book(context)
    w = book.account("W")
    book.contract(w, date(2023, 1, 1), None, "10000", "EUR")

    report = book.metrics("2024", AS_OF)

    assert report.currency == "EUR"
    assert value(report, "arr") == Money.of("10000", "EUR")
    assert report.group().get("nrr").note == ""
    assert report.notes == ()


def test_an_empty_book_says_no_data_rather_than_zero(context: AppContext) -> None:
    report = Book(context).metrics("2024", AS_OF)

    for name in ("nrr", "grr", "revenue_churn", "logo_retention", "logo_churn",
                 "gross_renewal_rate", "net_renewal_rate", "nps", "csat", "ttv"):
        metric = report.group().get(name)
        assert metric.value is None, name
        assert metric.note.startswith("no data: "), name


def test_a_period_still_running_is_cut_at_the_as_of_date(book: Book) -> None:
    report = book.metrics("2025", date(2025, 10, 1))

    assert report.period.end == date(2025, 10, 1)
    assert any("figures are to 2025-10-01" in note for note in report.notes)
    # On 2025-01-01 (A's end date, so A is gone): C 60,000 + D 6,000 + F 18,000 = 84,000.
    # F's contract ended on 2025-09-01, so on 2025-10-01: 66,000.
    assert value(report, "nrr") == Decimal(66000) / Decimal(84000)
    assert value(report, "customers_lost") == 1


def test_a_period_starting_after_the_as_of_date_is_refused(book: Book) -> None:
    with pytest.raises(ValidationError, match="after the as-of date"):
        book.metrics("2026Q1", date(2025, 12, 31))
