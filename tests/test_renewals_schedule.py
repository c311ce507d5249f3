"""Renewal dates, notice deadlines and milestone dates, worked out by hand."""

from __future__ import annotations

from datetime import date

import pytest

from csdesk.errors import ValidationError
from csdesk.money import Money
from csdesk.renewals.milestones import (
    DEFAULT_SCHEDULE,
    milestone_dates,
    milestone_source_key,
    milestones_to_raise,
    parse_schedule,
    specs_for_tier,
)
from csdesk.renewals.schedule import (
    RenewalContract,
    nearest_renewal,
    next_renewal,
    renewal_dates,
)


def contract(start: date, end: date | None = None, **fields: object) -> RenewalContract:
    values: dict[str, object] = {"arr": Money.of("12000", "USD")}
    values.update(fields)
    return RenewalContract(1, 1, start, end, **values)  # type: ignore[arg-type]


def test_a_contract_with_an_end_date_renews_on_it() -> None:
    ending = contract(date(2025, 7, 1), date(2026, 7, 1))
    assert next_renewal(ending, date(2026, 3, 1)) == date(2026, 7, 1)
    assert next_renewal(ending, date(2026, 7, 1)) == date(2026, 7, 1)
    assert next_renewal(ending, date(2026, 7, 2)) is None
    assert renewal_dates(ending, date(2026, 1, 1), date(2026, 12, 31)) == [date(2026, 7, 1)]
    assert renewal_dates(ending, date(2026, 7, 2), date(2027, 12, 31)) == []


def test_ninety_day_notice_moves_the_milestones_back() -> None:
    auto = contract(date(2025, 7, 1), date(2026, 7, 1), auto_renew=True, notice_days=90)
    # 1 July 2026 is day 182 of the year; day 92 is 2 April.
    assert auto.notice_deadline(date(2026, 7, 1)) == date(2026, 4, 2)

    dates = milestone_dates(date(2026, 4, 2), specs_for_tier(DEFAULT_SCHEDULE, 2))
    assert [(m.spec.name, m.on) for m in dates] == [
        ("T-90", date(2026, 1, 2)),
        ("T-60", date(2026, 2, 1)),
        ("T-30", date(2026, 3, 3)),
    ]


def test_a_notice_period_without_auto_renew_has_no_deadline() -> None:
    manual = contract(date(2025, 7, 1), date(2026, 7, 1), auto_renew=False, notice_days=90)
    assert manual.notice_deadline(date(2026, 7, 1)) is None
    no_notice = contract(date(2025, 7, 1), date(2026, 7, 1), auto_renew=True)
    assert no_notice.notice_deadline(date(2026, 7, 1)) is None


def test_month_to_month_is_evergreen_and_has_no_dated_renewal() -> None:
    monthly = contract(date(2024, 1, 15), amount_period="month", billing_frequency="monthly",
                       auto_renew=True)
    assert monthly.evergreen
    assert next_renewal(monthly, date(2026, 3, 1)) is None
    assert renewal_dates(monthly, date(2024, 1, 1), date(2030, 1, 1)) == []

    # Quoted per month but invoiced yearly: an annual subscription renewing each year.
    annual_billing = contract(date(2024, 1, 15), amount_period="month", billing_frequency="annual")
    assert not annual_billing.evergreen
    assert next_renewal(annual_billing, date(2026, 3, 1)) == date(2027, 1, 15)


def test_an_open_ended_annual_contract_renews_on_each_anniversary() -> None:
    annual = contract(date(2023, 5, 15))
    assert next_renewal(annual, date(2026, 3, 1)) == date(2026, 5, 15)
    assert next_renewal(annual, date(2026, 5, 15)) == date(2026, 5, 15)
    assert next_renewal(annual, date(2026, 5, 16)) == date(2027, 5, 15)
    # Before the start, the first renewal is the first anniversary.
    assert next_renewal(annual, date(2020, 1, 1)) == date(2024, 5, 15)
    assert renewal_dates(annual, date(2024, 1, 1), date(2026, 5, 15)) == [
        date(2024, 5, 15), date(2025, 5, 15), date(2026, 5, 15)
    ]


def test_multi_year_terms() -> None:
    three_years = contract(date(2024, 3, 1), date(2027, 3, 1), amount_period="term")
    assert renewal_dates(three_years, date(2025, 1, 1), date(2026, 12, 31)) == []
    assert next_renewal(three_years, date(2025, 1, 1)) == date(2027, 3, 1)

    rolling_two_years = contract(date(2025, 1, 10), term_months=24)
    assert renewal_dates(rolling_two_years, date(2025, 1, 1), date(2030, 1, 1)) == [
        date(2027, 1, 10), date(2029, 1, 10)
    ]


def test_month_end_anniversaries_come_back_to_the_31st() -> None:
    quarterly = contract(date(2025, 1, 31), term_months=3, amount_period="quarter")
    assert renewal_dates(quarterly, date(2025, 1, 1), date(2026, 2, 28)) == [
        date(2025, 4, 30), date(2025, 7, 31), date(2025, 10, 31), date(2026, 1, 31)
    ]
    semi = contract(date(2025, 8, 31), term_months=6)
    assert renewal_dates(semi, date(2025, 9, 1), date(2028, 9, 30)) == [
        date(2026, 2, 28), date(2026, 8, 31), date(2027, 2, 28), date(2027, 8, 31),
        date(2028, 2, 29), date(2028, 8, 31)
    ]
    month_end = contract(date(2025, 4, 30), date(2026, 4, 30))
    assert next_renewal(month_end, date(2026, 4, 1)) == date(2026, 4, 30)


def test_a_leap_day_start_renews_on_28_february_except_in_leap_years() -> None:
    leap = contract(date(2024, 2, 29))
    assert renewal_dates(leap, date(2024, 3, 1), date(2028, 12, 31)) == [
        date(2025, 2, 28), date(2026, 2, 28), date(2027, 2, 28), date(2028, 2, 29)
    ]
    assert next_renewal(leap, date(2027, 3, 1)) == date(2028, 2, 29)


def test_nearest_renewal_looks_both_ways() -> None:
    annual = contract(date(2023, 5, 15))
    assert nearest_renewal(annual, date(2025, 6, 1)) == date(2025, 5, 15)
    assert nearest_renewal(annual, date(2026, 4, 20)) == date(2026, 5, 15)
    assert nearest_renewal(annual, date(2023, 1, 1)) == date(2024, 5, 15)


def test_tier_one_milestones_count_back_from_the_renewal() -> None:
    dates = milestone_dates(date(2026, 12, 31), specs_for_tier(DEFAULT_SCHEDULE, 1))
    assert [(m.spec.name, m.on) for m in dates] == [
        ("T-180", date(2026, 7, 4)),
        ("T-120", date(2026, 9, 2)),
        ("T-90", date(2026, 10, 2)),
        ("T-60", date(2026, 11, 1)),
        ("T-30", date(2026, 12, 1)),
    ]
    assert [m.spec.title for m in dates][1] == "Value summary to the sponsor"
    assert [m.spec.name for m in milestone_dates(date(2026, 12, 31),
                                                 specs_for_tier(DEFAULT_SCHEDULE, 3))] == [
        "T-60", "T-30"
    ]
    # No tier yet: the lightest schedule.
    assert specs_for_tier(DEFAULT_SCHEDULE, None) == specs_for_tier(DEFAULT_SCHEDULE, 3)


def test_only_the_latest_reached_milestone_is_raised_and_none_after_the_anchor() -> None:
    anchor = date(2026, 12, 31)
    dates = milestone_dates(anchor, specs_for_tier(DEFAULT_SCHEDULE, 1))
    assert milestones_to_raise(dates, anchor, date(2026, 7, 3)) == []
    assert [m.spec.name for m in milestones_to_raise(dates, anchor, date(2026, 7, 4))] == [
        "T-180"
    ]
    assert [m.spec.name for m in milestones_to_raise(dates, anchor, date(2026, 10, 20))] == [
        "T-90"
    ]
    assert [m.spec.name for m in milestones_to_raise(dates, anchor, anchor)] == ["T-30"]
    assert milestones_to_raise(dates, anchor, date(2027, 1, 1)) == []

    t90 = dates[2].spec
    assert milestone_source_key(7, date(2026, 12, 31), t90) == "milestone:7:2026-12-31:T-90"


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "expected an object"),
        ({"4": []}, "'4' is not a tier"),
        ({"1": [{"days": -5, "title": "x"}]}, "days must be a whole number"),
        ({"1": [{"days": 30}]}, "T-30 milestone needs a title"),
        ({"2": [{"days": 30, "title": "a"}, {"days": 30, "title": "b"}]}, "same day"),
    ],
)
def test_a_bad_milestone_schedule_is_refused_with_the_reason(document: object,
                                                              message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        parse_schedule(document)


def test_a_custom_schedule_is_sorted_earliest_first() -> None:
    schedule = parse_schedule({"2": [{"days": 14, "title": "Sign"}, {"days": 45, "title": "Call"}]})
    assert [s.name for s in schedule[2]] == ["T-45", "T-14"]
