"""Each health measure's scoring points, interpolation, "no data" and "stale", by hand."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from csdesk.health.config import load_config
from csdesk.health.facts import (
    AccountFacts,
    AccountProfile,
    CaseRecord,
    ContactRecord,
    ContractRecord,
    PortfolioFacts,
    PulseRecord,
    SurveyRecord,
    UsageFacts,
)
from csdesk.health.measures import MeasureInputs, evaluate
from csdesk.health.score import score_account
from csdesk.health.scoring import band_of, interpolate

D = date(2026, 3, 31)
CONFIG = load_config(None)
CARD = CONFIG.scorecards["default"]
KEYS = tuple(f"f{i}" for i in range(1, 11))
FULL = PortfolioFacts(D, KEYS, False, True, True, True)


def run(key: str, facts: AccountFacts, profile: AccountProfile | None = None,
        portfolio: PortfolioFacts = FULL, config=CONFIG):
    profile = profile or AccountProfile(1, "Acme", tier=2, licensed_seats=20)
    inputs = MeasureInputs(facts.day, profile, facts, portfolio, config.options,
                           profile.tier_on(facts.day))
    return evaluate(config.scorecards["default"].measure(key), inputs)


def usage(users_recent: int = 0, users_baseline: int = 0, first: date | None = date(2025, 1, 1),
          events_recent: int = 0, events_baseline: int = 0, events_first: date | None = None
          ) -> UsageFacts:
    return UsageFacts(first, users_recent, users_baseline, events_first, events_recent,
                      events_baseline, None)


# ---- the interpolation itself ---------------------------------------------------------------

def test_interpolation_is_linear_between_points_and_flat_beyond() -> None:
    points = [(-0.5, 0), (-0.25, 40), (0, 100)]
    assert interpolate(points, -1) == 0
    assert interpolate(points, -0.5) == 0
    assert interpolate(points, -0.375) == pytest.approx(20)
    assert interpolate(points, -0.25) == 40
    assert interpolate(points, -0.1) == pytest.approx(76)
    assert interpolate(points, 0) == 100
    assert interpolate(points, 3) == 100


def test_bands_use_the_unrounded_score() -> None:
    assert band_of(69.999, 70, 40) == "yellow"  # shows as 70.00 yet is not green
    assert band_of(70.0, 70, 40) == "green"
    assert band_of(40.0, 70, 40) == "yellow"
    assert band_of(39.9999, 70, 40) == "red"


# ---- license utilisation: u <= 0.2 -> 0, u >= 0.8 -> 100 -------------------------------------

@pytest.mark.parametrize(("daily_users", "expected"), [
    (2, 0.0),      # u = 0.1
    (4, 0.0),      # u = 0.2
    (10, 50.0),    # u = 0.5: (0.5 - 0.2) / 0.6
    (13, 75.0),    # u = 0.65
    (16, 100.0),   # u = 0.8
    (30, 100.0),   # u = 1.5
])
def test_license_utilisation_points(daily_users: int, expected: float) -> None:
    result = run("license_utilisation", AccountFacts(D, usage(users_recent=daily_users * 30)))
    assert result.score == pytest.approx(expected)
    assert result.raw["average_daily_active_users"] == daily_users
    assert result.raw["licensed_seats"] == 20
    assert result.raw["u"] == pytest.approx(daily_users / 20)


def test_license_utilisation_averages_only_since_the_usage_feed_started() -> None:
    # Feed started 10 days ago: 100 user-days over 10 days is 10 a day, not 100 / 30.
    facts = AccountFacts(D, usage(users_recent=100, first=D - timedelta(days=9)))
    result = run("license_utilisation", facts)
    assert result.raw["days_averaged"] == 10
    assert result.score == pytest.approx(50.0)


def test_license_utilisation_without_seats_or_users_is_no_data() -> None:
    no_seats = AccountProfile(1, "Acme", tier=2, licensed_seats=None)
    assert run("license_utilisation", AccountFacts(D, usage(300)), no_seats).status == "no_data"
    events_only = usage(first=None, events_first=date(2025, 1, 1), events_recent=500)
    result = run("license_utilisation", AccountFacts(D, events_only))
    assert result.status == "no_data" and result.score is None


def test_seats_of_active_contracts_win_over_the_account_figure() -> None:
    profile = AccountProfile(1, "Acme", tier=2, licensed_seats=100, contracts=(
        ContractRecord(1, date(2025, 1, 1), None, seats=15),
        ContractRecord(2, date(2025, 1, 1), date(2026, 1, 1), seats=50),  # ended
    ))
    result = run("license_utilisation", AccountFacts(D, usage(users_recent=9 * 30)), profile)
    assert result.raw["licensed_seats"] == 15
    assert result.raw["u"] == pytest.approx(0.6)


# ---- usage trend: r <= -0.5 -> 0, r = -0.25 -> 40, r >= 0 -> 100 ---------------------------

@pytest.mark.parametrize(("recent_daily", "baseline_daily", "expected"), [
    (5, 10, 0.0),       # r = -0.5
    (2, 10, 0.0),       # r = -0.8
    (6.25, 10, 20.0),   # r = -0.375: halfway from 0 to 40
    (7.5, 10, 40.0),    # r = -0.25
    (9, 10, 76.0),      # r = -0.1: DOMAIN.md's example
    (10, 10, 100.0),    # r = 0
    (15, 10, 100.0),    # r = +0.5
])
def test_usage_trend_points(recent_daily: float, baseline_daily: int, expected: float) -> None:
    # Sums are over 30 and 90 days; the factor 4 keeps them whole numbers.
    facts = AccountFacts(D, usage(int(recent_daily * 30 * 4), baseline_daily * 90 * 4))
    result = run("usage_trend", facts)
    assert result.score == pytest.approx(expected)
    assert result.raw["r"] == pytest.approx(recent_daily / baseline_daily - 1)


def test_usage_trend_uses_events_when_there_are_no_active_users() -> None:
    facts = AccountFacts(D, usage(first=None, events_first=date(2025, 1, 1),
                                  events_recent=30 * 90, events_baseline=90 * 100))
    result = run("usage_trend", facts)
    assert result.raw["metric"] == "events"
    assert result.score == pytest.approx(76.0)


def test_usage_history_but_none_in_either_window_scores_zero() -> None:
    result = run("usage_trend", AccountFacts(D, usage(0, 0)))
    assert result.status == "scored" and result.score == 0


def test_usage_from_nothing_in_the_baseline_is_growth() -> None:
    result = run("usage_trend", AccountFacts(D, usage(300, 0)))
    assert result.score == 100 and result.raw["r"] is None


def test_usage_trend_needs_a_baseline_and_some_usage() -> None:
    young = AccountFacts(D, usage(300, 0, first=D - timedelta(days=20)))
    assert run("usage_trend", young).status == "no_data"
    assert run("usage_trend", AccountFacts(D, usage(first=None))).status == "no_data"


def test_usage_trend_baseline_averages_only_covered_days() -> None:
    # Feed started 60 days ago: the baseline has 30 covered days, 300 users -> 10 a day.
    facts = AccountFacts(D, usage(270, 300, first=D - timedelta(days=59)))
    result = run("usage_trend", facts)
    assert result.raw["baseline_days"] == 30
    assert result.raw["r"] == pytest.approx(-0.1)


# ---- feature adoption: a = 0 -> 0, a >= 0.6 -> 100 -------------------------------------------

@pytest.mark.parametrize(("used", "expected"), [(0, 0.0), (3, 50.0), (6, 100.0), (10, 100.0)])
def test_feature_adoption_points(used: int, expected: float) -> None:
    facts = AccountFacts(D, features_used=frozenset([*KEYS[:used], "not_key"]))
    result = run("feature_adoption", facts)
    assert result.score == pytest.approx(expected)
    assert result.raw["key_features_used"] == sorted(KEYS[:used])


def test_feature_adoption_without_feature_data_is_no_data() -> None:
    assert run("feature_adoption", AccountFacts(D, features_used=None)).status == "no_data"
    empty = PortfolioFacts(D, (), False, True, True, True)
    assert run("feature_adoption", AccountFacts(D, features_used=frozenset()),
               portfolio=empty).status == "no_data"


# ---- support -----------------------------------------------------------------------------

def case(i: int, priority: str, opened_days_ago: int, closed_days_ago: int | None = None,
         escalated: bool = False) -> CaseRecord:
    closed = D - timedelta(days=closed_days_ago) if closed_days_ago is not None else None
    return CaseRecord(i, D - timedelta(days=opened_days_ago), closed, priority, escalated)


def support_csat(i: int, score: int, days_ago: int = 5) -> SurveyRecord:
    return SurveyRecord(i, None, "csat", score, 1, 5, D - timedelta(days=days_ago),
                        topic="support")


def test_support_deductions_add_up_with_a_floor() -> None:
    one_high = AccountFacts(D, cases=(case(1, "high", 5),))
    assert run("support", one_high).score == 90

    mixed = AccountFacts(D, cases=(
        case(1, "urgent", 3),                          # open urgent: -25
        case(2, "high", 10, escalated=True),           # open high -10, escalation -15
        case(3, "high", 20, closed_days_ago=2),        # closed: nothing
        case(4, "normal", 60, 50, escalated=True),     # escalated in 90 days: -15
        case(5, "urgent", 200, 150, escalated=True),   # out of the window
    ), surveys=(support_csat(10, 5), support_csat(11, 2), support_csat(12, 1)))
    result = run("support", mixed)
    # 100 - 25 - 10 - 15 - 15 - 20 (support CSAT 1 of 3 = 33% < 60%)
    assert result.score == 15
    assert result.raw["open_urgent"] == [1] and result.raw["open_high"] == [2]
    assert result.raw["escalations"] == [2, 4]
    assert result.raw["support_csat_percentage"] == pytest.approx(100 / 3)

    many = AccountFacts(D, cases=tuple(case(i, "urgent", 2) for i in range(5)))
    assert run("support", many).score == 0


def test_support_without_tickets_in_90_days_is_100_and_needs_a_source() -> None:
    assert run("support", AccountFacts(D)).score == 100
    no_source = PortfolioFacts(D, KEYS, False, False, True, True)
    assert run("support", AccountFacts(D), portfolio=no_source).status == "no_data"


def test_support_csat_at_60_percent_is_not_penalised() -> None:
    answers = tuple(support_csat(i, 5 if i < 3 else 1) for i in range(5))  # 3 of 5 = 60%
    assert run("support", AccountFacts(D, surveys=answers)).score == 100


# ---- sentiment ----------------------------------------------------------------------------

def nps(i: int, contact: int | None, score: int, days_ago: int = 10, low: int = 0,
        high: int = 10) -> SurveyRecord:
    return SurveyRecord(i, contact, "nps", score, low, high, D - timedelta(days=days_ago))


def test_sentiment_uses_each_contacts_latest_nps_answer_within_12_months() -> None:
    answers = (
        nps(1, 1, 2, days_ago=100), nps(2, 1, 10, days_ago=10),  # contact 1: promoter now
        nps(3, 2, 9), nps(4, 3, 7), nps(5, 4, 3),                # promoter, passive, detractor
        nps(6, 5, 0, days_ago=400),                              # older than 12 months
    )
    result = run("sentiment", AccountFacts(D, surveys=answers))
    # 2 promoters, 1 passive, 1 detractor of 4: NPS = 25 -> (25 + 100) / 2 = 62.5
    assert result.raw["account_nps"] == 25
    assert result.score == 62.5


def test_sentiment_averages_nps_with_relationship_csat() -> None:
    answers = (nps(1, 1, 10), nps(2, 2, 10),  # NPS 100 -> 100
               SurveyRecord(3, 1, "csat", 4, 1, 5, D - timedelta(days=3)),
               SurveyRecord(4, 2, "csat", 2, 1, 5, D - timedelta(days=3)),
               support_csat(5, 1))            # support CSAT: not in sentiment
    result = run("sentiment", AccountFacts(D, surveys=answers))
    assert result.raw["relationship_csat_percentage"] == 50
    assert result.score == 75


def test_no_survey_data_at_all_is_no_data_not_zero() -> None:
    result = run("sentiment", AccountFacts(D))
    assert result.status == "no_data" and result.score is None


def test_nps_on_a_1_to_10_scale_counts_through_its_explicit_mapping() -> None:
    answers = (nps(1, 1, 9, low=1), nps(2, 2, 6, low=1), nps(3, 3, 8, low=1))
    # Without a mapping a 1-10 answer is not guessed: no data.
    assert run("sentiment", AccountFacts(D, surveys=answers)).status == "no_data"

    # Mapped like 0-10 (promoter from 9, detractor up to 6): NPS 0 -> 50.
    usual = load_config({"inputs": {"nps_scales": {
        "1-10": {"promoter_min": 9, "detractor_max": 6}}}})
    assert run("sentiment", AccountFacts(D, surveys=answers), config=usual).score == 50

    stricter = load_config({"inputs": {"nps_scales": {
        "1-10": {"promoter_min": 10, "detractor_max": 7}}}})
    result = run("sentiment", AccountFacts(D, surveys=answers), config=stricter)
    # Now 9 and 8 are passive, 6 a detractor: 0 promoters, 1 detractor of 3 -> NPS -33.3.
    assert result.raw["account_nps"] == pytest.approx(-100 / 3)
    assert result.score == pytest.approx((100 - 100 / 3) / 2)


def test_nps_on_an_unmapped_scale_is_set_aside_never_guessed() -> None:
    answers = (nps(1, 1, 5, low=1, high=5),)
    result = run("sentiment", AccountFacts(D, surveys=answers))
    assert result.status == "no_data"
    assert result.raw["unmapped_answers"] == 1
    assert result.raw["unmapped_nps_scales"] == ["1-5"]


# ---- engagement: d <= c -> 100, d >= 3c -> 0, minus 20 without a sponsor touch --------------

def touched(days_ago: int, sponsor_days_ago: int | None = None) -> AccountFacts:
    sponsor = D - timedelta(days=sponsor_days_ago) if sponsor_days_ago is not None else None
    return AccountFacts(D, last_touch=D - timedelta(days=days_ago), last_sponsor_touch=sponsor)


@pytest.mark.parametrize(("tier", "days", "expected"), [
    (1, 14, 100.0), (1, 20, 100 * 22 / 28), (1, 28, 50.0), (1, 42, 0.0), (1, 60, 0.0),
    (2, 30, 100.0), (2, 60, 50.0), (2, 90, 0.0),
    (3, 90, 100.0), (3, 180, 50.0), (None, 180, 50.0),
])
def test_engagement_against_the_tiers_cadence(tier: int | None, days: int, expected: float
                                              ) -> None:
    profile = AccountProfile(1, "Acme", tier=tier)
    result = run("engagement", touched(days, sponsor_days_ago=days), profile)
    assert result.score == pytest.approx(expected)
    assert result.raw["days_since_touchpoint"] == days


def test_engagement_loses_20_without_a_sponsor_touch_in_90_days_in_tiers_1_and_2() -> None:
    tier1, tier3 = AccountProfile(1, "A", tier=1), AccountProfile(2, "B", tier=3)
    assert run("engagement", touched(10, None), tier1).score == 80
    assert run("engagement", touched(10, 90), tier1).score == 80
    assert run("engagement", touched(10, 89), tier1).score == 100
    # d = 40 against 14: 100 x (42 - 40) / 28 = 7.14, minus 20, floored at 0.
    assert run("engagement", touched(40, None), tier1).score == 0
    assert run("engagement", touched(10, None), tier3).score == 100


def test_engagement_without_touchpoints_counts_from_the_customer_start() -> None:
    profile = AccountProfile(1, "Acme", tier=2, contracts=(
        ContractRecord(1, D - timedelta(days=45), None),))
    result = run("engagement", AccountFacts(D), profile)
    assert result.raw["counted_from"] == "customer start"
    assert result.score == pytest.approx(100 * 0.75 - 20)  # d/c = 1.5; no sponsor touch


def test_engagement_needs_logged_activities_somewhere_in_the_portfolio() -> None:
    none_logged = PortfolioFacts(D, KEYS, False, True, False, True)
    assert run("engagement", touched(5), portfolio=none_logged).status == "no_data"


# ---- CSM pulse ------------------------------------------------------------------------------

@pytest.mark.parametrize(("pulse", "expected"), [(1, 0), (2, 25), (3, 50), (4, 75), (5, 100)])
def test_pulse_points(pulse: int, expected: float) -> None:
    facts = AccountFacts(D, pulse=PulseRecord(D - timedelta(days=30), pulse))
    assert run("csm_pulse", facts).score == expected


def test_a_pulse_older_than_30_days_is_stale_and_left_out() -> None:
    facts = AccountFacts(D, pulse=PulseRecord(D - timedelta(days=31), 5))
    result = run("csm_pulse", facts)
    assert result.status == "stale" and result.score is None
    assert result.raw["age_days"] == 31
    assert run("csm_pulse", AccountFacts(D)).status == "no_data"


# ---- the overall score ----------------------------------------------------------------------

def worked_example() -> tuple[AccountProfile, AccountFacts]:
    """DOMAIN.md's example: u 0.5, r -0.1, a 0.3, one open high ticket, no surveys,
    d = 20 against c = 14, pulse 4."""
    sponsor = ContactRecord(7, "Eva Lind", frozenset({"executive_sponsor"}))
    profile = AccountProfile(1, "Acme", tier=1, licensed_seats=20, contacts=(sponsor,))
    facts = AccountFacts(
        D,
        usage=usage(users_recent=300, users_baseline=1000),  # 10 a day; 11.11 a day
        features_used=frozenset(KEYS[:3]),
        cases=(case(1, "high", 4),),
        last_touch=D - timedelta(days=20),
        last_sponsor_touch=D - timedelta(days=20),
        pulse=PulseRecord(D - timedelta(days=2), 4),
    )
    return profile, facts


def test_domain_worked_example_scores_69_63_yellow() -> None:
    profile, facts = worked_example()
    result = score_account(profile, facts, FULL, CONFIG)
    scores = {m.key: m.score for m in result.measures}
    assert scores["license_utilisation"] == pytest.approx(50)
    assert scores["usage_trend"] == pytest.approx(76)
    assert scores["feature_adoption"] == pytest.approx(50)
    assert scores["support"] == 90
    assert scores["sentiment"] is None
    assert scores["engagement"] == pytest.approx(78.57, abs=0.005)
    assert scores["csm_pulse"] == 75
    assert result.weight_with_data == 85
    assert round(result.score, 2) == 69.63
    assert result.band == "yellow"


def test_drivers_are_shortfalls_largest_first_adding_up_to_100_minus_score() -> None:
    profile, facts = worked_example()
    result = score_account(profile, facts, FULL, CONFIG)
    drivers = result.drivers()
    assert [d.key for d in drivers][:2] == ["license_utilisation", "feature_adoption"]
    assert drivers[0].shortfall == pytest.approx(20 / 85 * 50)
    assert sum(d.shortfall for d in drivers) == pytest.approx(100 - result.score)


def test_less_than_half_the_weight_with_data_is_insufficient() -> None:
    # Pulse (10) + engagement (15) + support (15) = 40 of 100: not scored.
    facts = AccountFacts(D, cases=(), last_touch=D, last_sponsor_touch=D,
                         pulse=PulseRecord(D, 5))
    profile = AccountProfile(1, "Acme", tier=1)
    result = score_account(profile, facts, FULL, CONFIG)
    assert result.status == "insufficient_data"
    assert result.score is None and result.band is None
    assert result.weight_with_data == 40


def test_exactly_half_the_weight_is_enough() -> None:
    # Support 15 + engagement 15 + license 20 = 50 of 100.
    facts = AccountFacts(D, usage=usage(users_recent=300, first=D - timedelta(days=10)),
                         last_touch=D, last_sponsor_touch=D)
    profile = AccountProfile(1, "Acme", tier=1, licensed_seats=20)
    result = score_account(profile, facts, FULL, CONFIG)
    assert result.weight_with_data == 50 and result.status == "scored"


def test_a_stale_pulse_counts_as_no_data_for_the_weight() -> None:
    profile, facts = worked_example()
    stale = AccountFacts(**{**{f: getattr(facts, f) for f in facts.__slots__},
                            "pulse": PulseRecord(D - timedelta(days=40), 5)})
    result = score_account(profile, stale, FULL, CONFIG)
    assert result.weight_with_data == 75
    assert result.measure("csm_pulse").status == "stale"


def test_a_measure_switched_off_leaves_the_total_weight() -> None:
    config = load_config({"scorecards": {"default": {"measures": {
        "sentiment": {"enabled": False}}}}})
    profile, facts = worked_example()
    result = score_account(profile, facts, FULL, config)
    assert result.total_weight == 85
    assert result.measure("sentiment").status == "off"
    assert round(result.score, 2) == 69.63
