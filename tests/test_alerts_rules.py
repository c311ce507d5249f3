"""Each alert rule of DOMAIN.md, on hand-built accounts, and the occurrence decision."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from csdesk.alerts.occurrences import QUIET, RAISE, UPDATE, TaskMemory, days_to_check, decide
from csdesk.alerts.renewal import next_account_renewal
from csdesk.alerts.rules import DEFAULT_RULES, AccountState, Alert, evaluate_rules, load_rules
from csdesk.errors import ValidationError
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
from csdesk.health.score import HealthResult, score_account

D = date(2026, 3, 31)
CONFIG = load_config(None)
PORTFOLIO = PortfolioFacts(D, (), False, True, True, True)
LIVE = (ContractRecord(1, date(2025, 1, 1), date(2027, 1, 1)),)


def state(facts: AccountFacts | None = None, profile: AccountProfile | None = None,
          earlier: HealthResult | None = None, health: HealthResult | None = None
          ) -> AccountState:
    facts = facts or AccountFacts(D, usage=UsageFacts(last_used_day=D))
    profile = profile or AccountProfile(1, "Acme", tier=3, contracts=LIVE)
    health = health or score_account(profile, facts, PORTFOLIO, CONFIG)
    return AccountState(profile, facts, PORTFOLIO, health, earlier, CONFIG.options)


def fired(s: AccountState) -> dict[str, Alert]:
    return {a.rule: a for a in evaluate_rules(s, DEFAULT_RULES)}


def health(score: float | None, day: date = D) -> HealthResult:
    band = None if score is None else "green" if score >= 70 else "yellow" if score >= 40 \
        else "red"
    return HealthResult(1, day, "default", "scored" if score is not None else
                        "insufficient_data", score, band, (), 100, 100)


def test_a_quiet_healthy_account_raises_nothing() -> None:
    assert fired(state(health=health(85))) == {}


@pytest.mark.parametrize(("idle", "severity"), [(6, None), (7, "watch"), (29, "watch"),
                                                (30, "reach_out"), (90, "reach_out")])
def test_no_usage_for_7_days_watch_for_30_reach_out(idle: int, severity: str | None) -> None:
    last = D - timedelta(days=idle)
    alerts = fired(state(AccountFacts(D, usage=UsageFacts(last_used_day=last)),
                         health=health(85)))
    if severity is None:
        assert "no_usage" not in alerts
        return
    alert = alerts["no_usage"]
    assert alert.severity == severity
    assert alert.source_key == "alert:no_usage"
    assert f"{idle} days" in alert.title
    assert alert.since == last + timedelta(days=30 if severity == "reach_out" else 7)


def test_an_account_never_used_counts_from_its_start() -> None:
    profile = AccountProfile(1, "New", tier=3, contracts=(
        ContractRecord(1, D - timedelta(days=31), None),))
    alert = fired(state(AccountFacts(D), profile, health=health(85)))["no_usage"]
    assert alert.severity == "reach_out" and "never used" in alert.detail


def test_usage_down_30_percent_against_the_baseline() -> None:
    def facts(recent: int) -> AccountFacts:
        return AccountFacts(D, usage=UsageFacts(date(2025, 1, 1), recent, 90 * 10,
                                                last_used_day=D))
    assert "usage_drop" not in fired(state(facts(30 * 7 + 1), health=health(85)))
    alert = fired(state(facts(30 * 7), health=health(85)))["usage_drop"]  # exactly -30%
    assert "30%" in alert.title


def test_health_down_15_points_in_30_days() -> None:
    before = health(80, D - timedelta(days=30))
    assert "health_drop" not in fired(state(health=health(65.1), earlier=before))
    alert = fired(state(health=health(65), earlier=before))["health_drop"]
    assert "15.0 points" in alert.title
    assert "health_drop" not in fired(state(health=health(50), earlier=health(None)))


def test_band_red() -> None:
    assert "red_band" in fired(state(health=health(39.99)))
    assert "red_band" not in fired(state(health=health(40)))


def nps(i: int, contact: int, score: int, days_ago: int, low: int = 0) -> SurveyRecord:
    return SurveyRecord(i, contact, "nps", score, low, 10, D - timedelta(days=days_ago))


def test_nps_detractor_in_the_last_30_days_asks_for_a_follow_up() -> None:
    eva = ContactRecord(7, "Eva Lind", frozenset({"champion"}))
    profile = AccountProfile(1, "Acme", tier=3, contracts=LIVE, contacts=(eva,))
    facts = AccountFacts(D, usage=UsageFacts(last_used_day=D), surveys=(
        nps(1, 7, 3, days_ago=5), nps(2, 7, 9, days_ago=40)))
    alert = fired(state(facts, profile, health=health(85)))["nps_detractor"]
    assert alert.severity == "follow_up"
    assert alert.title == "Follow up: NPS detractor (Eva Lind, 3 of 10)"
    assert alert.since == D - timedelta(days=5)

    old = AccountFacts(D, usage=UsageFacts(last_used_day=D), surveys=(nps(1, 7, 3, 30),))
    assert "nps_detractor" not in fired(state(old, profile, health=health(85)))
    on_1_to_10 = AccountFacts(D, usage=UsageFacts(last_used_day=D), surveys=(
        nps(1, 7, 6, days_ago=1, low=1),))
    # A 1-10 answer is a detractor only through an explicit mapping of that scale.
    unmapped = state(on_1_to_10, profile, health=health(85))
    assert "nps_detractor" not in fired(unmapped)
    mapped = load_config({"inputs": {"nps_scales": {
        "1-10": {"promoter_min": 9, "detractor_max": 6}}}})
    assert "nps_detractor" in fired(replace(unmapped, options=mapped.options))


def test_champion_or_sponsor_who_left() -> None:
    left = ContactRecord(7, "Eva Lind", frozenset({"executive_sponsor"}), True, D - timedelta(5))
    user = ContactRecord(8, "Bo", frozenset({"user"}), True, D - timedelta(days=5))
    later = ContactRecord(9, "Cy", frozenset({"champion"}), True, D + timedelta(days=5))
    profile = AccountProfile(1, "Acme", tier=3, contracts=LIVE, contacts=(left, user, later))
    alert = fired(state(profile=profile, health=health(85)))["contact_left"]
    assert alert.title == "Reach out: executive sponsor Eva Lind left"
    quiet = AccountProfile(1, "Acme", tier=3, contracts=LIVE, contacts=(user, later))
    assert "contact_left" not in fired(state(profile=quiet, health=health(85)))


def test_renewal_within_90_days_while_not_green() -> None:
    ending = (ContractRecord(1, date(2025, 6, 30), D + timedelta(days=90)),)
    profile = AccountProfile(1, "Acme", tier=3, contracts=ending)
    alert = fired(state(profile=profile, health=health(60)))["renewal_at_risk"]
    assert "in 90 days" in alert.title and "yellow" in alert.title
    assert "renewal_at_risk" not in fired(state(profile=profile, health=health(70)))
    far = AccountProfile(1, "Acme", tier=3, contracts=(
        ContractRecord(1, date(2025, 6, 30), D + timedelta(days=91)),))
    assert "renewal_at_risk" not in fired(state(profile=far, health=health(20)))


def test_renewal_dates_end_date_or_anniversary_never_for_month_to_month() -> None:
    assert next_account_renewal([ContractRecord(1, date(2025, 1, 1), date(2026, 7, 1))],
                                D) == date(2026, 7, 1)
    annual = ContractRecord(2, date(2024, 5, 15), None)
    assert next_account_renewal([annual], D) == date(2026, 5, 15)
    monthly = ContractRecord(3, date(2024, 5, 15), None, amount_period="month",
                             billing_frequency="monthly")
    assert next_account_renewal([monthly], D) is None
    ended = ContractRecord(4, date(2024, 1, 1), date(2026, 1, 1))
    assert next_account_renewal([ended, annual], D) == date(2026, 5, 15)


def test_urgent_ticket_open_more_than_7_days() -> None:
    def facts(*cases: CaseRecord) -> AccountFacts:
        return AccountFacts(D, usage=UsageFacts(last_used_day=D), cases=cases)
    seven = CaseRecord(1, D - timedelta(days=7), None, "urgent")
    eight = CaseRecord(2, D - timedelta(days=8), None, "urgent")
    closed = CaseRecord(3, D - timedelta(days=20), D - timedelta(days=1), "urgent")
    high = CaseRecord(4, D - timedelta(days=20), None, "high")
    assert "urgent_ticket" not in fired(state(facts(seven, closed, high), health=health(85)))
    alert = fired(state(facts(seven, eight), health=health(85)))["urgent_ticket"]
    assert alert.title == "Escalate: urgent ticket open 8 days"


def test_csm_pulse_stale() -> None:
    def facts(age: int) -> AccountFacts:
        return AccountFacts(D, usage=UsageFacts(last_used_day=D),
                            pulse=PulseRecord(D - timedelta(days=age), 4))
    assert "pulse_stale" not in fired(state(facts(30), health=health(85)))
    assert "pulse_stale" in fired(state(facts(31), health=health(85)))


def test_churned_accounts_raise_no_alerts() -> None:
    ended = AccountProfile(1, "Gone", tier=3, contracts=(
        ContractRecord(1, date(2024, 1, 1), date(2026, 1, 1)),))
    assert fired(state(AccountFacts(D), ended, health=health(10))) == {}
    marked = AccountProfile(1, "Gone", tier=3, stage="churned", contracts=LIVE)
    assert fired(state(AccountFacts(D), marked, health=health(10))) == {}


def test_rules_can_be_switched_off_and_are_checked() -> None:
    rules = load_rules({"red_band": {"enabled": False}})
    assert evaluate_rules(state(health=health(10)), rules) == []
    with pytest.raises(ValidationError, match="unknown alert rule"):
        load_rules({"nope": {}})
    with pytest.raises(ValidationError, match="cannot be"):
        load_rules({"no_usage": {"watch_days": -1}})


# ---- occurrences ---------------------------------------------------------------------------

ALERT = Alert(1, "red_band", "reach_out", "t", "d")


def test_an_open_task_is_refreshed_and_no_task_means_a_new_one() -> None:
    assert decide(ALERT, D, None, lambda d: True) == RAISE
    open_task = TaskMemory(5, "open", D - timedelta(days=9), D - timedelta(days=1))
    assert decide(ALERT, D, open_task, lambda d: False) == UPDATE


def test_a_closed_task_stays_closed_while_the_same_occurrence_lasts() -> None:
    closed = TaskMemory(5, "done", D - timedelta(days=20), D - timedelta(days=10))
    checked: list[date] = []

    def held(day: date) -> bool:
        checked.append(day)
        return True

    assert decide(ALERT, D, closed, held) == QUIET
    assert checked == [D - timedelta(days=n) for n in range(9, 0, -1)]
    # The condition cleared for a day in between: a new occurrence.
    assert decide(ALERT, D, closed, lambda d: d != D - timedelta(days=4)) == RAISE


def test_an_occurrence_dated_after_the_task_was_last_seen_is_new() -> None:
    closed = TaskMemory(5, "done", D - timedelta(days=20), D - timedelta(days=10))
    newer = Alert(1, "nps_detractor", "follow_up", "t", "d", since=D - timedelta(days=3))
    older = Alert(1, "nps_detractor", "follow_up", "t", "d", since=D - timedelta(days=15))
    assert decide(newer, D, closed, lambda d: True) == RAISE
    assert decide(older, D, closed, lambda d: True) == QUIET


def test_the_look_back_is_at_most_90_days() -> None:
    days = days_to_check(D - timedelta(days=400), D)
    assert len(days) == 90 and days[0] == D - timedelta(days=90)
    assert days_to_check(D, D) == [] and days_to_check(D + timedelta(days=3), D) == []
