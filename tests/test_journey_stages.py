"""Journey stage rules, one stage at a time, and first value by milestone or usage."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from csdesk.journey.first_value import FirstValue, first_value
from csdesk.journey.rules import DEFAULT_JOURNEY_RULES, parse_journey_rules
from csdesk.journey.stages import (
    Expansion,
    JourneyFacts,
    Renewal,
    Sentiment,
    StageDecision,
    account_nps,
    decide_stage,
)

RULES = parse_journey_rules(DEFAULT_JOURNEY_RULES)
PURCHASE = date(2023, 1, 1)
AS_OF = date(2024, 6, 1)


def customer(**changes: object) -> JourneyFacts:
    """A customer since 1 Jan 2023 with an active contract, and nothing else known."""
    base: dict[str, object] = {"account_id": 1, "purchase": PURCHASE, "paid_active": True,
                               "latest_paid_start": PURCHASE}
    base.update(changes)
    return JourneyFacts(**base)  # type: ignore[arg-type]


def stage(facts: JourneyFacts, as_of: date = AS_OF) -> StageDecision:
    return decide_stage(facts, RULES, as_of)


def test_no_stage_before_the_first_paid_contract() -> None:
    assert stage(customer(purchase=None, paid_active=False)).stage is None
    assert stage(customer(purchase=date(2024, 7, 1))).stage is None


def test_onboard_in_the_first_90_days_until_first_value() -> None:
    purchase = date(2024, 5, 2)
    onboarding = stage(customer(purchase=purchase, latest_paid_start=purchase))
    reached = stage(customer(purchase=purchase, latest_paid_start=purchase,
                             first_value=FirstValue(date(2024, 5, 20), "milestone done")))

    assert onboarding == StageDecision(
        "onboard", purchase, "day 31 of the 90-day onboarding; first value not reached yet")
    assert (reached.stage, reached.since) == ("value", date(2024, 5, 20))


def test_adopt_after_onboarding_without_first_value() -> None:
    decision = stage(customer())

    assert decision.stage == "adopt"
    assert decision.since == PURCHASE + timedelta(days=90)


def test_value_once_first_value_is_reached() -> None:
    decision = stage(customer(first_value=FirstValue(date(2023, 3, 1), "milestone 'Go-live' done")))

    assert decision == StageDecision("value", date(2023, 3, 1),
                                     "first value on 2023-03-01: milestone 'Go-live' done")


def test_renew_from_the_tier_horizon_before_the_renewal() -> None:
    renewal = Renewal(on=date(2024, 8, 30), anchor=date(2024, 8, 30), horizon_days=90)

    opening = stage(customer(renewal=renewal))
    day_before = stage(customer(renewal=renewal), date(2024, 5, 31))

    assert renewal.window_opens == date(2024, 6, 1)
    assert (opening.stage, opening.since) == ("renew", date(2024, 6, 1))
    assert opening.reason == ("renews on 2024-08-30; the T-90 milestone opened the renewal "
                              "window on 2024-06-01")
    assert day_before.stage == "adopt"


def test_the_renewal_window_counts_back_from_the_notice_deadline() -> None:
    renewal = Renewal(on=date(2024, 9, 30), anchor=date(2024, 7, 31), horizon_days=60)

    decision = stage(customer(renewal=renewal))

    assert (decision.stage, decision.since) == ("renew", date(2024, 6, 1))
    assert decision.reason.endswith("(counted from the notice deadline 2024-07-31)")


def test_expand_with_an_open_expansion_opportunity_outside_the_renewal_window() -> None:
    expansion = Expansion(date(2024, 4, 10), "200 more seats")
    in_window = Renewal(on=date(2024, 7, 1), anchor=date(2024, 7, 1), horizon_days=90)

    assert stage(customer(expansion=expansion)) == StageDecision(
        "expand", date(2024, 4, 10), "expansion opportunity open: 200 more seats")
    assert stage(customer(expansion=expansion, renewal=in_window)).stage == "renew"


def test_advocate_needs_a_promoter_nps_and_green_health() -> None:
    promoters = Sentiment(Decimal(100), 2, date(2024, 5, 1), "green")

    assert stage(customer(sentiment=promoters)) == StageDecision(
        "advocate", date(2024, 5, 1), "account NPS +100 from 2 answers and health green")
    assert stage(customer(sentiment=Sentiment(Decimal(40), 5, date(2024, 5, 1), "green"))
                 ).stage == "adopt"
    assert stage(customer(sentiment=Sentiment(Decimal(100), 2, date(2024, 5, 1), "yellow"))
                 ).stage == "adopt"
    assert stage(customer(sentiment=Sentiment(None, 0, None, "green"))).stage == "adopt"


def test_churned_after_the_last_paid_contract_ends() -> None:
    decision = stage(customer(paid_active=False, last_paid_end=date(2024, 3, 1)))

    assert decision == StageDecision("churned", date(2024, 3, 1),
                                     "no active paid contract since 2024-03-01")


def test_churned_when_a_churn_is_recorded_unless_a_new_contract_started_since() -> None:
    churn = {"churned_on": date(2024, 5, 15), "churn_reason": "product_fit"}

    recorded = stage(customer(**churn))
    came_back = stage(customer(**churn, latest_paid_start=date(2024, 5, 20)))

    assert recorded == StageDecision("churned", date(2024, 5, 15),
                                     "churn recorded on 2024-05-15 (product fit)")
    assert came_back.stage == "adopt"


def test_first_value_from_a_marked_milestone_wins_over_usage() -> None:
    usage = [(date(2024, 1, 2), 10)]
    marks = [("Go-live", date(2024, 2, 1)), ("Second site", None)]

    reached = first_value(date(2024, 1, 1), date(2024, 3, 1), marks, usage, seats=10)
    not_yet = first_value(date(2024, 1, 1), date(2024, 3, 1), [("Go-live", None)], usage,
                          seats=10)

    assert reached == FirstValue(date(2024, 2, 1), "milestone 'Go-live' done")
    assert not_yet is None


def test_first_value_from_usage_is_the_first_full_week_at_half_the_seats() -> None:
    purchase = date(2024, 1, 1)
    # Week 0 (1-7 Jan) averages 4 of 10 seats; week 1 (8-14 Jan) averages (5 + 6 + 4) / 3 = 5.
    usage = [(date(2024, 1, 2), 4), (date(2024, 1, 5), 4), (date(2024, 1, 8), 5),
             (date(2024, 1, 10), 6), (date(2024, 1, 12), 4)]

    reached = first_value(purchase, date(2024, 1, 20), [], usage, seats=10)
    week_not_over = first_value(purchase, date(2024, 1, 13), [], usage, seats=10)
    no_seats = first_value(purchase, date(2024, 1, 20), [], usage, seats=None)

    assert reached is not None and reached.on == date(2024, 1, 14)
    assert reached.source == ("active users reached 50% of 10 seats in the week ending "
                              "2024-01-14")
    assert week_not_over is None
    assert no_seats is None


def test_account_nps_is_promoters_minus_detractors() -> None:
    assert account_nps([10, 9, 7, 3]) == Decimal(25)
    assert account_nps([6]) == Decimal(-100)
    assert account_nps([]) is None
