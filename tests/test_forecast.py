"""The renewal forecast over a hand-built book: roll-up, expected renewal rates, ARR at risk,
booking types and the timeline. Every expected figure is worked out in the comments."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csdesk.errors import ValidationError
from csdesk.money import Money, RateTable
from csdesk.renewals.bookings import booking_type, closed_bookings
from csdesk.renewals.categories import (
    DEFAULT_MAPPING_DOCUMENT,
    opportunity_category,
    parse_mapping,
    parse_probabilities,
)
from csdesk.renewals.forecast import arr_at_risk, expect, next_quarters, quarter_forecast
from csdesk.renewals.lines import AccountFacts, RenewalOpportunity, build_lines
from csdesk.renewals.schedule import RenewalContract
from csdesk.renewals.timeline import build_timeline

AS_OF = date(2026, 4, 1)
RATES = RateTable("USD", {"EUR": Decimal("1.10")})
PROBABILITIES = parse_probabilities({})


def usd(amount: str) -> Money:
    return Money.of(amount, "USD")


def ending(contract_id: int, account_id: int, end: date, arr: str) -> RenewalContract:
    return RenewalContract(contract_id, account_id, date(end.year - 1, end.month, 1), end,
                           usd(arr))


def opportunity(opp_id: int, account_id: int, contract_id: int | None, close: date,
                amount: str | None, category: str | None, **fields: object) -> RenewalOpportunity:
    return RenewalOpportunity(opp_id, account_id, contract_id, close,
                              usd(amount) if amount else None, category,
                              **fields)  # type: ignore[arg-type]


ACCOUNTS = {
    1: AccountFacts(1, "Alpha", "ann", 1, "green"),
    2: AccountFacts(2, "Bravo", "ann", 2, "red"),
    3: AccountFacts(3, "Charlie", "bob", 3, "green"),
    4: AccountFacts(4, "Delta", "bob", 2, "yellow"),
    5: AccountFacts(5, "Echo", "ann", 3, "red"),
    6: AccountFacts(6, "Foxtrot", "bob", 3, "red"),
    7: AccountFacts(7, "Golf", "ann", 1, None),
}
CONTRACTS = [
    ending(11, 1, date(2026, 5, 1), "100000"),     # commit at 110,000
    ending(12, 2, date(2026, 6, 15), "50000"),     # at risk, and red
    ending(13, 3, date(2026, 6, 30), "20000"),     # no opportunity
    ending(14, 4, date(2026, 8, 1), "40000"),      # best case at 60,000
    ending(15, 5, date(2026, 9, 30), "10000"),     # churn, and red
    RenewalContract(16, 6, date(2024, 1, 15), None, usd("12000"), amount_period="month",
                    billing_frequency="monthly"),  # evergreen, red
    ending(17, 7, date(2026, 8, 15), "30000"),     # commit at 50,000
]
OPPORTUNITIES = [
    opportunity(101, 1, 11, date(2026, 4, 20), "110000", "commit"),
    opportunity(102, 2, 12, date(2026, 6, 15), "50000", "at_risk"),
    opportunity(104, 4, None, date(2026, 8, 1), "60000", "best_case"),
    opportunity(105, 5, 15, date(2026, 9, 30), "10000", "churn"),
    opportunity(107, 7, 17, date(2026, 8, 15), "50000", "commit"),
]


def book() -> list:
    return build_lines(CONTRACTS, ACCOUNTS, OPPORTUNITIES, AS_OF, date(2027, 9, 30))


def test_each_renewal_gets_its_opportunity_and_evergreen_comes_last() -> None:
    lines = book()
    assert [(x.contract.contract_id, x.renewal_date, x.category) for x in lines] == [
        (11, date(2026, 5, 1), "commit"),
        (12, date(2026, 6, 15), "at_risk"),
        (13, date(2026, 6, 30), "unforecast"),
        (14, date(2026, 8, 1), "best_case"),   # linked by the account: it names no contract
        (17, date(2026, 8, 15), "commit"),
        (15, date(2026, 9, 30), "churn"),
        (16, None, "unforecast"),
    ]
    assert lines[0].close_date_differs          # closes 20 April, renews 1 May
    assert not lines[1].close_date_differs


def test_quarterly_roll_up_and_expected_renewal_rates() -> None:
    priced = [expect(x, PROBABILITIES, RATES) for x in book() if x.renewal_date]
    q2, q3, q4, q1 = (quarter_forecast(q, priced, PROBABILITIES, AS_OF, "USD")
                      for q in next_quarters(AS_OF))
    assert [q.quarter.label for q in (q2, q3, q4, q1)] == ["2026-Q2", "2026-Q3", "2026-Q4",
                                                           "2027-Q1"]

    # Q2: Alpha 0.9 x 110,000 = 99,000; Bravo 0.2 x 50,000 = 10,000; Charlie 0.8 x 20,000 =
    # 16,000. Renewable 170,000; expected 125,000, none above its renewable ARR.
    assert q2.count == 3
    assert q2.renewable == usd("170000")
    assert q2.expected == usd("125000")
    assert q2.expected_gross == usd("125000")
    assert q2.gross_renewal_rate == Decimal(125000) / Decimal(170000)

    # Q3: Delta 0.6 x 60,000 = 36,000; Golf 0.9 x 50,000 = 45,000 but gross counts at most
    # its 30,000; Echo churn 0. Renewable 80,000; expected 81,000; gross 66,000.
    assert q3.renewable == usd("80000")
    assert q3.expected == usd("81000")
    assert q3.expected_gross == usd("66000")
    assert q3.gross_renewal_rate == Decimal("0.825")
    assert q3.net_renewal_rate == Decimal("1.0125")

    assert q4.count == 0 and q4.gross_renewal_rate is None

    q3_categories = {t.category: t for t in q3.categories}
    assert q3_categories["commit"].count == 1
    assert q3_categories["commit"].forecast == usd("50000")
    assert q3_categories["best_case"].expected == usd("36000")
    assert q3_categories["churn"].renewable == usd("10000")
    assert q3_categories["churn"].expected == usd("0")


def test_gross_renewal_rate_never_exceeds_one_even_when_every_renewal_upsells() -> None:
    contracts = [ending(1, 1, date(2026, 5, 1), "1000"), ending(2, 2, date(2026, 5, 2), "1000")]
    opportunities = [opportunity(1, 1, 1, date(2026, 5, 1), "5000", "closed_won",
                                 is_closed=True, is_won=True),
                     opportunity(2, 2, 2, date(2026, 5, 2), "3000", "commit")]
    lines = build_lines(contracts, ACCOUNTS, opportunities, AS_OF, date(2026, 12, 31))
    priced = [expect(x, PROBABILITIES, RATES) for x in lines]
    quarter = quarter_forecast(next_quarters(AS_OF)[0], priced, PROBABILITIES, AS_OF, "USD")
    # Net: 5,000 + 0.9 x 3,000 = 7,700 over 2,000; gross: 1,000 + 1,000 over 2,000.
    assert quarter.net_renewal_rate == Decimal("3.85")
    assert quarter.gross_renewal_rate == Decimal(1)


def test_arr_at_risk_shows_both_parts_and_counts_the_overlap_once() -> None:
    lines = book()
    # Within 90 days (to 30 June): Alpha, Bravo, Charlie, and Foxtrot (evergreen).
    # Category: Bravo 50,000. Red: Bravo 50,000 + Foxtrot 12,000. Overlap: Bravo.
    risk = arr_at_risk(lines, AS_OF, 90, RATES)
    assert risk.until == date(2026, 6, 30)
    assert risk.by_category == usd("50000")
    assert risk.by_health == usd("62000")
    assert risk.overlap == usd("50000")
    assert risk.total == usd("62000")
    assert {x.contract.contract_id for x in risk.lines} == {12, 16}

    # Within 183 days (to 1 October) Echo joins: churn forecast and red.
    wider = arr_at_risk(lines, AS_OF, 183, RATES)
    assert wider.by_category == usd("60000")
    assert wider.by_health == usd("72000")
    assert wider.overlap == usd("60000")
    assert wider.total == usd("72000")


def test_an_evergreen_contract_counts_in_arr_at_risk_only_when_red_or_forecast_at_risk() -> None:
    healthy = dict(ACCOUNTS)
    healthy[6] = AccountFacts(6, "Foxtrot", "bob", 3, "green")
    lines = build_lines(CONTRACTS, healthy, OPPORTUNITIES, AS_OF, date(2026, 12, 31))
    assert arr_at_risk(lines, AS_OF, 90, RATES).by_health == usd("50000")

    # A churn opportunity naming the evergreen contract puts it at risk by category.
    churning = [*OPPORTUNITIES, opportunity(106, 6, 16, date(2026, 5, 1), None, "churn")]
    lines = build_lines(CONTRACTS, healthy, churning, AS_OF, date(2026, 12, 31))
    assert arr_at_risk(lines, AS_OF, 90, RATES).by_category == usd("62000")


def test_the_open_opportunity_wins_and_a_recent_closed_one_decides_otherwise() -> None:
    contracts = [ending(1, 1, date(2026, 6, 1), "1000"), ending(2, 2, date(2026, 6, 1), "1000")]
    opportunities = [
        # Account 1: closed won in March for the June renewal, and a stray open one.
        opportunity(1, 1, 1, date(2026, 3, 15), "1000", "closed_won", is_closed=True,
                    is_won=True),
        opportunity(2, 1, 1, date(2026, 6, 20), "1000", "pipeline"),
        # Account 2: lost two years ago, too long before this renewal to be about it.
        opportunity(3, 2, 2, date(2024, 5, 1), "1000", "closed_lost", is_closed=True),
    ]
    lines = build_lines(contracts, ACCOUNTS, opportunities, AS_OF, date(2026, 12, 31))
    assert [(x.contract.contract_id, x.category) for x in lines] == [
        (1, "pipeline"), (2, "unforecast")
    ]
    lines = build_lines(contracts, ACCOUNTS, opportunities[:1], AS_OF, date(2026, 12, 31))
    assert lines[0].category == "closed_won"


def test_amounts_in_another_currency_are_converted_for_the_forecast() -> None:
    euro = RenewalContract(1, 1, date(2025, 5, 1), date(2026, 5, 1), Money.of("10000", "EUR"))
    deal = RenewalOpportunity(1, 1, 1, date(2026, 5, 1), Money.of("12000", "EUR"), "commit")
    line = build_lines([euro], ACCOUNTS, [deal], AS_OF, date(2026, 12, 31))[0]
    priced = expect(line, PROBABILITIES, RATES)
    assert priced.renewable == usd("11000")            # 10,000 x 1.10
    assert priced.expected == usd("11880")             # 0.9 x 12,000 x 1.10
    assert priced.expected_gross == usd("11000")


@pytest.mark.parametrize(
    ("kind", "won", "booked", "renewable", "expected"),
    [
        ("renewal", True, "100000", "100000", "renewal"),
        ("renewal", True, "120000", "100000", "renewal_upsell"),
        ("renewal", True, "80000", "100000", "renewal_downsell"),
        ("renewal", False, "100000", "100000", "churn"),
        ("renewal", True, None, "100000", "renewal"),
        ("renewal", True, "5000", None, "expansion"),
        ("expansion", True, "5000", None, "expansion"),
        ("expansion", False, "5000", None, None),
        # 10,000 over 36 months is 3,333.33... a year: 3,333.33 booked is a plain renewal.
        ("renewal", True, "3333.33", str(Decimal(10000) * 12 / 36), "renewal"),
    ],
)
def test_booking_types(kind: str, won: bool, booked: str | None, renewable: str | None,
                       expected: str | None) -> None:
    assert booking_type(kind, won, usd(booked) if booked else None,
                        usd(renewable) if renewable else None) == expected


def test_closed_bookings_find_the_contract_they_renewed() -> None:
    contracts = [ending(1, 1, date(2026, 2, 1), "1000"), ending(2, 2, date(2026, 3, 1), "2000")]
    closed = [
        opportunity(1, 1, None, date(2026, 1, 20), "1200", "closed_won", is_closed=True,
                    is_won=True),
        opportunity(2, 2, 2, date(2026, 2, 25), None, "closed_lost", is_closed=True),
        opportunity(3, 2, None, date(2026, 3, 5), "500", "closed_won", is_closed=True,
                    is_won=True, kind="expansion"),
        opportunity(4, 1, None, date(2025, 6, 1), "900", "closed_won", is_closed=True,
                    is_won=True),
        opportunity(5, 1, None, date(2026, 3, 10), "900", "commit"),
    ]
    bookings = closed_bookings(contracts, ACCOUNTS, closed, date(2026, 1, 1), date(2026, 3, 31),
                               RATES)
    assert [(b.opportunity.opportunity_id, b.contract_id, b.booking_type) for b in bookings] == [
        (1, 1, "renewal_upsell"), (2, 2, "churn"), (3, None, "expansion")
    ]
    assert bookings[0].change == usd("200")


def test_crm_values_map_onto_categories_and_closed_always_wins() -> None:
    mapping = parse_mapping(DEFAULT_MAPPING_DOCUMENT)
    assert opportunity_category(None, "Best Case", False, False, mapping) == "best_case"
    assert opportunity_category(None, "commit", False, False, mapping) == "commit"
    assert opportunity_category(None, "contractsent", False, False, mapping) == "commit"
    assert opportunity_category(None, "Omitted", False, False, mapping) == "at_risk"
    assert opportunity_category(None, "Commit", True, False, mapping) == "closed_lost"
    assert opportunity_category(None, "Pipeline", True, True, mapping) == "closed_won"
    assert opportunity_category("pipeline", "Commit", False, False, mapping) == "pipeline"
    assert opportunity_category(None, "98765", False, False, mapping) is None

    custom = parse_mapping({"hubspot": {"98765": "best_case"}})
    assert opportunity_category(None, "98765", False, False, custom) == "best_case"
    with pytest.raises(ValidationError, match="'98765' maps to unknown category 'likely'"):
        parse_mapping({"hubspot": {"98765": "likely"}})


def test_probabilities_default_and_validate() -> None:
    assert PROBABILITIES["commit"] == Decimal("0.9")
    assert PROBABILITIES["unforecast"] == Decimal("0.8")
    assert parse_probabilities({"commit": 0.95})["commit"] == Decimal("0.95")
    with pytest.raises(ValidationError, match="not from 0 to 1"):
        parse_probabilities({"commit": "1.5"})
    with pytest.raises(ValidationError, match="'maybe' is not a forecast category"):
        parse_probabilities({"maybe": "0.5"})


def test_timeline_buckets_by_month_with_categories_and_health() -> None:
    euro = RenewalContract(20, 3, date(2025, 5, 10), date(2026, 5, 10), Money.of("1000", "EUR"))
    timeline = build_timeline(
        build_lines([*CONTRACTS, euro], ACCOUNTS, OPPORTUNITIES, AS_OF, date(2027, 9, 30)),
        AS_OF, RATES, months=18,
    )
    assert len(timeline.months) == 18
    assert timeline.months[0].label == "2026-04" and timeline.months[-1].label == "2027-09"
    may, june, august = timeline.months[1], timeline.months[2], timeline.months[4]
    # May: Alpha 100,000 (commit, green) and 1,000 EUR = 1,100 USD (unforecast, green).
    assert may.count == 2
    assert may.renewable == usd("101100")
    assert may.by_category["commit"] == usd("100000")
    assert may.by_category["unforecast"] == usd("1100")
    assert may.by_health["green"] == usd("101100")
    # June: Bravo 50,000 at risk and red; Charlie 20,000 unforecast and green.
    assert june.by_health == {"green": usd("20000"), "yellow": usd("0"), "red": usd("50000"),
                              "unknown": usd("0")}
    # August: Delta 40,000 (yellow) and Golf 30,000 (no health yet).
    assert august.by_health["yellow"] == usd("40000")
    assert august.by_health["unknown"] == usd("30000")
    assert timeline.evergreen_count == 1 and timeline.evergreen_arr == usd("12000")
    assert timeline.converted_from == frozenset({"EUR"})
    assert "EUR converted" in timeline.note
    assert sum(m.count for m in timeline.months) == 7


@given(st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=10**7),
        st.one_of(st.none(), st.integers(min_value=0, max_value=10**8)),
        st.sampled_from(["commit", "best_case", "pipeline", "at_risk", "churn", None]),
        st.integers(min_value=0, max_value=360),
    ),
    min_size=1, max_size=20,
))
@settings(max_examples=60, deadline=None)
def test_expected_gross_renewal_rate_is_never_above_one(renewals: list) -> None:
    contracts, opportunities = [], []
    for number, (renewable, amount, category, days) in enumerate(renewals, start=1):
        end = date(2026, 4, 2) + timedelta(days=days)
        contracts.append(RenewalContract(number, 1, date(2025, 1, 1), end,
                                         Money.from_minor(renewable, "USD")))
        if category is not None:
            opportunities.append(RenewalOpportunity(
                number, 1, number, end,
                None if amount is None else Money.from_minor(amount, "USD"), category))
    lines = build_lines(contracts, ACCOUNTS, opportunities, AS_OF, date(2027, 12, 31))
    priced = [expect(x, PROBABILITIES, RATES) for x in lines]
    for quarter in next_quarters(AS_OF):
        result = quarter_forecast(quarter, priced, PROBABILITIES, AS_OF, "USD")
        if result.count:
            assert result.gross_renewal_rate is not None and result.net_renewal_rate is not None
            assert 0 <= result.gross_renewal_rate <= 1
            assert result.gross_renewal_rate <= result.net_renewal_rate
