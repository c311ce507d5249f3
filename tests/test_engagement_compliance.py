"""Engagement compliance worked out by hand: on-time touchpoints / touchpoints due."""

from __future__ import annotations

from datetime import date

from csdesk.engagement.compliance import (
    ComplianceCount,
    Occurrence,
    Window,
    account_occurrences,
    count_in_window,
    recurring_occurrences,
    window_ending,
)
from csdesk.engagement.history import AccountHistory, Trigger
from csdesk.engagement.plan import DEFAULT_ENGAGEMENT_PLANS, Cadence, parse_engagement_plans
from csdesk.tiers.assign import TierSpan

DEFAULT = parse_engagement_plans(DEFAULT_ENGAGEMENT_PLANS)
JAN_1 = date(2024, 1, 1)


def d(month: int, day: int) -> date:
    return date(2024, month, day)


def outcomes(found: list[Occurrence]) -> list[tuple[date, date, bool]]:
    return [(o.due_on, o.counted_on, o.on_time) for o in found]


def test_each_cycle_is_on_time_or_missed_and_missed_cycles_keep_accruing() -> None:
    # 14-day check-ins from 1 Jan; check-ins on 10 Jan, 20 Jan and 25 Feb; as of 20 Mar.
    found = recurring_occurrences("check_in", JAN_1, [d(1, 10), d(1, 20), d(2, 25)],
                                  [(date.min, Cadence(days=14))], d(3, 20))

    assert outcomes(found) == [
        (d(1, 15), d(1, 10), True),    # done 10 Jan, before 15 Jan
        (d(1, 24), d(1, 20), True),    # done 20 Jan, before 24 Jan
        (d(2, 3), d(2, 3), False),     # nothing by 3 Feb
        (d(2, 17), d(2, 17), False),   # the next cycle runs from 3 Feb: nothing by 17 Feb
        (d(3, 2), d(2, 25), True),     # 25 Feb is within the cycle due 2 Mar
        (d(3, 10), d(3, 10), False),   # nothing by 10 Mar; 24 Mar is not due yet
    ]
    assert count_in_window(found, Window(JAN_1, d(3, 20))) == {"check_in": ComplianceCount(6, 3)}
    assert count_in_window(found, Window(d(2, 1), d(3, 20))) == {
        "check_in": ComplianceCount(4, 1)}


def test_an_activity_on_the_due_date_is_on_time_and_a_due_date_today_is_not_counted() -> None:
    found = recurring_occurrences("check_in", JAN_1, [d(1, 15)], [(date.min, Cadence(days=14))],
                                  d(1, 29))

    assert outcomes(found) == [(d(1, 15), d(1, 15), True)]


def test_compliance_follows_the_tier_history() -> None:
    # Tier 2 (30 days) until 1 Mar, tier 1 (14 days) after; check-ins 20 Jan and 25 Feb.
    history = AccountHistory(1, JAN_1, {"check_in": [d(1, 20), d(2, 25)]})
    timeline = [TierSpan(date.min, 2), TierSpan(d(3, 1), 1)]

    found = [o for o in account_occurrences(history, DEFAULT, timeline, d(3, 31))
             if o.key == "check_in"]

    assert outcomes(found) == [
        (d(1, 31), d(1, 20), True),
        (d(2, 19), d(2, 19), False),
        (d(3, 20), d(2, 25), True),
        (d(3, 10), d(3, 10), False),   # from 1 Mar the 14-day cadence runs from 25 Feb
        (d(3, 24), d(3, 24), False),
    ]


def test_a_cadence_change_that_leaves_the_open_cycle_overdue_counts_one_miss_that_day() -> None:
    segments = [(date.min, Cadence(days=30)), (d(3, 15), Cadence(days=14))]

    found = recurring_occurrences("check_in", JAN_1, [d(1, 20), d(2, 25)], segments, d(3, 31))

    assert outcomes(found) == [
        (d(1, 31), d(1, 20), True),
        (d(2, 19), d(2, 19), False),
        (d(3, 20), d(2, 25), True),    # the cycle after the miss runs from 19 Feb
        (d(3, 10), d(3, 15), False),   # under the new cadence it was due 10 Mar: missed
        (d(3, 29), d(3, 29), False),   # the next cycle runs from the change
    ]


def test_a_touchpoint_that_starts_applying_does_not_count_earlier_cycles() -> None:
    # Tier 3 until 1 Mar: no check-ins are due. Tier 1 from 1 Mar; the last check-in was in
    # January, so the first tier-1 cycle is missed on 1 Mar, then one every 14 days.
    segments = [(date.min, None), (d(3, 1), Cadence(days=14))]

    found = recurring_occurrences("check_in", JAN_1, [d(1, 5)], segments, d(3, 20))

    assert outcomes(found) == [(d(1, 19), d(3, 1), False), (d(3, 15), d(3, 15), False)]


def test_onboarding_steps_surveys_and_outreach_count_once_each() -> None:
    history = AccountHistory(
        1, JAN_1,
        {"onboarding": [d(1, 5), d(2, 10), d(2, 20)], "check_in": [d(1, 12)],
         "survey": [d(3, 20), d(7, 15)], "email": [d(5, 3)]},
        (Trigger(d(5, 1), "usage down"), Trigger(d(6, 1), "no usage", closed_on=d(6, 5))),
    )

    found = account_occurrences(history, DEFAULT, [TierSpan(date.min, 3)], d(10, 10))
    by_key: dict[str, list[tuple[date, date, bool]]] = {}
    for occurrence in found:
        by_key.setdefault(occurrence.key, []).append(
            (occurrence.due_on, occurrence.counted_on, occurrence.on_time))

    assert by_key["onboarding_kickoff"] == [(d(1, 8), d(1, 5), True)]
    # The check-in on 12 Jan cannot be the first-value check before training is done.
    assert by_key["onboarding_training"] == [(d(1, 31), d(1, 31), False)]
    assert by_key["first_value_check"] == [(d(3, 1), d(2, 20), True)]
    assert by_key["onboarding_complete"] == [(d(3, 31), d(3, 31), False)]
    assert by_key["survey"] == [(d(3, 31), d(3, 20), True), (d(6, 29), d(6, 29), False),
                                (d(9, 27), d(9, 27), False)]
    assert by_key["health_outreach"] == [(d(5, 8), d(5, 3), True), (d(6, 8), d(6, 5), True)]


def test_windows_and_rates() -> None:
    assert window_ending(d(3, 31), 90) == Window(d(1, 2), d(3, 31))
    assert ComplianceCount(9, 5).rate == 5 / 9
    assert ComplianceCount().rate is None
