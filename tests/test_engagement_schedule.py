"""The touchpoint schedule: due dates across month ends and leap days, tiers, steps, moments."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from csdesk.engagement.history import AccountHistory, Trigger
from csdesk.engagement.plan import (
    DEFAULT_ENGAGEMENT_PLANS,
    Cadence,
    EngagementPlans,
    parse_engagement_plans,
)
from csdesk.engagement.schedule import Touchpoint, account_schedule, missed_cycles
from csdesk.errors import ValidationError

DEFAULT = parse_engagement_plans(DEFAULT_ENGAGEMENT_PLANS)


def plans(*touchpoints: dict[str, Any], every_tier: list[dict[str, Any]] | None = None
          ) -> EngagementPlans:
    """A plan document with the given tier-1 touchpoints."""
    return parse_engagement_plans({
        "activity_kinds": ["check_in", "call", "email", "onboarding", "webinar", "survey"],
        "every_tier": every_tier or [],
        "tiers": {"1": list(touchpoints)},
    })


def history(purchase: date, **events: list[date]) -> AccountHistory:
    return AccountHistory(7, purchase, {kind: sorted(days) for kind, days in events.items()})


def only(schedule: list[Touchpoint], key: str) -> Touchpoint:
    found = [t for t in schedule if t.key == key]
    assert len(found) == 1, schedule
    return found[0]


CHECK_IN_30 = {"key": "check_in", "label": "Check-in", "every_days": 30, "kinds": ["check_in"]}


def test_a_30_day_cadence_from_january_31_of_a_leap_year_is_due_on_march_1() -> None:
    schedule = account_schedule(history(date(2024, 1, 31)), plans(CHECK_IN_30).for_tier(1),
                                date(2024, 2, 10))

    touchpoint = only(schedule, "check_in")
    assert touchpoint.due_on == date(2024, 3, 1)
    assert touchpoint.days_until == 20
    assert touchpoint.last_done is None
    assert touchpoint.detail == "every 30 days since purchase"


def test_the_same_cadence_in_a_common_year_is_due_on_march_2() -> None:
    schedule = account_schedule(history(date(2023, 1, 31)), plans(CHECK_IN_30).for_tier(1),
                                date(2023, 2, 10))

    assert only(schedule, "check_in").due_on == date(2023, 3, 2)


@pytest.mark.parametrize(
    ("start", "months", "times", "expected"),
    [
        (date(2024, 1, 31), 1, 1, date(2024, 2, 29)),
        (date(2023, 1, 31), 1, 1, date(2023, 2, 28)),
        (date(2024, 1, 31), 1, 2, date(2024, 3, 31)),
        (date(2024, 2, 29), 12, 1, date(2025, 2, 28)),
        (date(2024, 2, 29), 12, 4, date(2028, 2, 29)),
        (date(2024, 8, 31), 6, 1, date(2025, 2, 28)),
    ],
)
def test_month_cadences_clamp_to_month_end_without_drifting(
    start: date, months: int, times: int, expected: date
) -> None:
    assert Cadence(months=months).after(start, times) == expected


def test_an_anniversary_touchpoint_from_february_29() -> None:
    yearly = {"key": "anniversary", "label": "Anniversary call", "every_months": 12,
              "kinds": ["call"]}
    account = history(date(2024, 2, 29))

    schedule = account_schedule(account, plans(yearly).for_tier(1), date(2025, 1, 15))

    touchpoint = only(schedule, "anniversary")
    assert touchpoint.due_on == date(2025, 2, 28)
    assert touchpoint.detail == "every 12 months since purchase"


def test_due_on_february_29_is_due_that_day_and_overdue_the_next() -> None:
    fortnightly = {**CHECK_IN_30, "every_days": 14}
    account = history(date(2024, 1, 1), check_in=[date(2024, 2, 15)])

    on_the_day = only(account_schedule(account, plans(fortnightly).for_tier(1),
                                       date(2024, 2, 29)), "check_in")
    next_day = only(account_schedule(account, plans(fortnightly).for_tier(1),
                                     date(2024, 3, 1)), "check_in")

    assert (on_the_day.due_on, on_the_day.status, on_the_day.missed) == (
        date(2024, 2, 29), "due_today", 0)
    assert (next_day.status, next_day.days_until, next_day.missed) == ("overdue", -1, 1)


def test_missed_cycles_count_every_due_date_that_passed() -> None:
    # Due 15 Jan, 29 Jan and 12 Feb have passed by 20 Feb; 26 Feb has not.
    assert missed_cycles(Cadence(days=14), date(2024, 1, 1), date(2024, 2, 20)) == 3
    assert missed_cycles(Cadence(days=14), date(2024, 1, 1), date(2024, 1, 15)) == 0
    assert missed_cycles(Cadence(months=1), date(2024, 1, 31), date(2024, 4, 1)) == 2


def test_an_activity_before_the_due_date_satisfies_it_early_and_resets_the_cycle() -> None:
    fortnightly = {**CHECK_IN_30, "every_days": 14}
    before = history(date(2024, 1, 1), check_in=[date(2024, 3, 1)])
    after = history(date(2024, 1, 1), check_in=[date(2024, 3, 1), date(2024, 3, 10)])

    due_before = only(account_schedule(before, plans(fortnightly).for_tier(1),
                                       date(2024, 3, 12)), "check_in")
    due_after = only(account_schedule(after, plans(fortnightly).for_tier(1),
                                      date(2024, 3, 12)), "check_in")

    assert due_before.due_on == date(2024, 3, 15)
    assert due_after.due_on == date(2024, 3, 24)
    assert due_after.last_done == date(2024, 3, 10)


def test_only_the_listed_kinds_satisfy_a_touchpoint_and_not_before_purchase() -> None:
    account = history(date(2024, 2, 1), check_in=[date(2024, 1, 20)],
                      email=[date(2024, 2, 20)])

    touchpoint = only(account_schedule(account, plans(CHECK_IN_30).for_tier(1),
                                       date(2024, 2, 25)), "check_in")

    assert touchpoint.due_on == date(2024, 3, 2)
    assert touchpoint.last_done is None


def test_moving_from_tier_2_to_tier_1_shortens_the_check_in_cadence() -> None:
    account = history(date(2023, 6, 1), check_in=[date(2024, 3, 1)])

    tier_2 = only(account_schedule(account, DEFAULT.for_tier(2), date(2024, 3, 10)), "check_in")
    tier_1 = only(account_schedule(account, DEFAULT.for_tier(1), date(2024, 3, 10)), "check_in")

    assert (tier_2.due_on, tier_2.detail) == (date(2024, 3, 31), "every 30 days")
    assert (tier_1.due_on, tier_1.detail) == (date(2024, 3, 15), "every 14 days")


def test_the_default_plans_follow_the_tiers() -> None:
    keys = {tier: [s.key for s in DEFAULT.for_tier(tier)] for tier in (1, 2, 3)}
    onboarding = ["onboarding_kickoff", "onboarding_training", "first_value_check",
                  "onboarding_complete", "survey"]

    assert keys[1] == onboarding + ["check_in", "qbr", "ebr"]
    assert keys[2] == onboarding + ["check_in", "business_review"]
    assert keys[3] == onboarding + ["digital_touch", "health_outreach"]
    cadences = {(t, s.key): s.every.days for t in (1, 2, 3) for s in DEFAULT.for_tier(t)
                if s.every}
    assert cadences == {(1, "check_in"): 14, (1, "qbr"): 90, (1, "ebr"): 180,
                        (2, "check_in"): 30, (2, "business_review"): 180,
                        (3, "digital_touch"): 30}


def test_onboarding_steps_are_done_in_order_and_drop_off_once_stale() -> None:
    purchase = date(2024, 1, 1)
    # The webinar on 3 Jan cannot count as training before the kickoff is done.
    account = history(purchase, webinar=[date(2024, 1, 3), date(2024, 1, 20)],
                      onboarding=[date(2024, 1, 5)])
    specs = DEFAULT.for_tier(3)

    mid_february = {t.key: t for t in account_schedule(account, specs, date(2024, 2, 15))}
    april = {t.key: t for t in account_schedule(account, specs, date(2024, 4, 10))}

    assert "onboarding_kickoff" not in mid_february
    assert "onboarding_training" not in mid_february
    assert mid_february["first_value_check"].due_on == date(2024, 3, 1)
    assert mid_february["onboarding_complete"].due_on == date(2024, 3, 31)
    # By 10 April the day-60 check is more than 30 days late and leaves the list.
    assert "first_value_check" not in april
    assert (april["onboarding_complete"].status, april["onboarding_complete"].days_until) == (
        "overdue", -10)


def test_survey_moments_at_90_180_270_days_then_every_180() -> None:
    account = history(date(2024, 1, 1), survey=[date(2024, 3, 20), date(2024, 7, 15)])
    specs = DEFAULT.for_tier(2)

    october = only(account_schedule(account, specs, date(2024, 10, 10)), "survey")
    next_spring = only(account_schedule(account, specs, date(2025, 3, 1)), "survey")

    # 20 Mar answers day 90 (31 Mar); 15 Jul answers day 180 (29 Jun) late; day 270 is
    # 27 Sep and nothing answered it.
    assert (october.due_on, october.missed, october.detail) == (
        date(2024, 9, 27), 1, "day 270 after purchase")
    # Day 450 (26 Mar 2025) has not come, so day 270 is still the one to do.
    assert (next_spring.due_on, next_spring.missed) == (date(2024, 9, 27), 1)
    later = only(account_schedule(account, specs, date(2025, 4, 1)), "survey")
    assert (later.due_on, later.missed) == (date(2025, 3, 26), 2)


def test_survey_answers_count_for_the_survey_touchpoint() -> None:
    account = AccountHistory(7, date(2024, 1, 1), {"survey_response": [date(2024, 3, 25)]})

    touchpoint = only(account_schedule(account, DEFAULT.for_tier(1), date(2024, 4, 15)),
                      "survey")

    assert touchpoint.due_on == date(2024, 6, 29)


def test_health_outreach_is_owed_after_an_alert_until_a_matching_touch() -> None:
    alert = Trigger(date(2024, 5, 1), "No product usage for 30 days")
    base = {"check_in": [date(2024, 4, 1)]}
    waiting = AccountHistory(7, date(2024, 1, 1), base, (alert,))
    answered = AccountHistory(7, date(2024, 1, 1), {**base, "email": [date(2024, 5, 2)]},
                              (alert,))
    snoozed = AccountHistory(7, date(2024, 1, 1), base,
                             (Trigger(date(2024, 5, 1), "x", snoozed_until=date(2024, 5, 20)),))

    outreach = only(account_schedule(waiting, DEFAULT.for_tier(3), date(2024, 5, 10)),
                    "health_outreach")

    assert (outreach.due_on, outreach.status) == (date(2024, 5, 8), "overdue")
    assert outreach.detail == "No product usage for 30 days (raised 2024-05-01)"
    for other in (answered, snoozed):
        keys = [t.key for t in account_schedule(other, DEFAULT.for_tier(3), date(2024, 5, 10))]
        assert "health_outreach" not in keys


def test_no_schedule_before_purchase_or_without_a_paid_contract() -> None:
    assert account_schedule(AccountHistory(7, None), DEFAULT.for_tier(1), date(2024, 1, 1)) == []
    assert account_schedule(history(date(2024, 6, 1)), DEFAULT.for_tier(1),
                            date(2024, 5, 1)) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"activity_kinds": []}, "'activity_kinds' must list"),
        ({"activity_kinds": ["survey_response"]}, "filled in by csdesk"),
        ({"tiers": {"4": []}}, "tier '4' is not 1, 2 or 3"),
        ({"tiers": {"1": [{"key": "x", "every_days": 0, "kinds": ["call"]}]}},
         "'every_days' must be a whole number of at least 1"),
        ({"tiers": {"1": [{"key": "x", "every_days": 7, "kinds": ["fax"]}]}},
         "activity kind 'fax' is not in activity_kinds"),
        ({"tiers": {"1": [{"key": "x", "every_days": 7, "due_day": 3, "kinds": ["call"]}]}},
         "give exactly one cadence"),
        ({"tiers": {"1": [{"key": "x", "due_day": 3, "kinds": ["call"]}]}},
         "put them in every_tier"),
        ({"tiers": {"1": [{"key": "Bad Key", "every_days": 7, "kinds": ["call"]}]}},
         "'key' must be lower-case"),
        ({"every_tier": [{"key": "s", "at_days": [180, 90], "kinds": ["call"]}]},
         "'at_days' must go up"),
        ({"tiers": {"1": [{"key": "check_in", "every_days": 14, "kinds": ["call"]}],
                    "2": [{"key": "check_in", "trigger": "alert", "within_days": 3,
                           "kinds": ["call"]}]}},
         "different kind of cadence in different tiers"),
    ],
)
def test_bad_plan_documents_say_where_and_what(change: dict[str, Any], message: str) -> None:
    document = {**DEFAULT_ENGAGEMENT_PLANS, **change}

    with pytest.raises(ValidationError, match=message):
        parse_engagement_plans(document)
