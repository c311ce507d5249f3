"""`csdesk health`, `health config` and `alerts run` through the real command line."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from csdesk.health.definitions import DEFINITIONS
from csdesk.models import (
    Account,
    Activity,
    Contact,
    Contract,
    CsmPulse,
    FeatureUsage,
    SupportCase,
    SurveyResponse,
    UsageDaily,
)
from csdesk.services.context import AppContext

D = date(2026, 3, 31)
AS_OF = ("--as-of", D.isoformat())


def day(n: int) -> date:
    return D - timedelta(days=n)


@pytest.fixture
def book(context: AppContext) -> AppContext:
    """Acme is DOMAIN.md's worked example; Beta has too little data to be scored."""
    with context.write() as session:
        acme = Account(name="Acme", tier=1, licensed_seats=20, owner="Dana")
        beta = Account(name="Beta", tier=2, licensed_seats=5)
        session.add_all([acme, beta])
        session.flush()
        for account in (acme, beta):
            session.add(Contract(account_id=account.id, start_date=date(2025, 1, 1),
                                 end_date=date(2026, 6, 1), amount_minor=100, currency="EUR"))
        for n in range(120):  # 10 users a day now, 11.11 in the 90 days before
            users = 10 if n < 30 else (12 if n < 40 else 11)
            session.add(UsageDaily(account_id=acme.id, day=day(n), active_users=users))
        for i in range(1, 11):
            session.add(FeatureUsage(account_id=beta.id, day=day(50), feature=f"f{i}",
                                     count=50))
        for i in range(1, 4):
            session.add(FeatureUsage(account_id=acme.id, day=day(1), feature=f"f{i}", count=1))
        session.add(SupportCase(account_id=acme.id, priority="high", opened_at=datetime(
            2026, 3, 27, tzinfo=UTC)))
        eva = Contact(account_id=acme.id, first_name="Eva", last_name="Lind",
                      roles="executive_sponsor,champion")
        session.add(eva)
        session.flush()
        session.add(Activity(account_id=acme.id, contact_id=eva.id, kind="meeting",
                             occurred_on=day(20), summary="check-in"))
        session.add(CsmPulse(account_id=acme.id, score=4, recorded_on=day(2)))
    return context


def test_one_account_in_json_is_the_worked_example_with_definitions(book, run_cli) -> None:
    result = run_cli("health", "Acme", "--json", *AS_OF)
    assert result.code == 0, result.err
    data = result.json()
    assert data["health_score"]["value"] == 69.63
    assert data["health_score"]["definition"] == DEFINITIONS["health_score"]
    assert data["band"]["value"] == "yellow"
    measures = {m["name"]: m for m in data["measures"]}
    assert measures["sentiment"]["no_data"] is True and measures["sentiment"]["value"] is None
    assert measures["license_utilisation"]["raw"]["u"] == 0.5
    assert measures["engagement"]["value"] == 78.57
    assert measures["csm_pulse"]["weight"] == 10
    for figure in [data["health_score"], data["band"], data["trend"], *data["measures"],
                   *data["drivers"]]:
        assert figure["name"] in DEFINITIONS and figure["definition"]
    assert data["drivers"][0]["measure"] == "license_utilisation"
    assert data["drivers"][0]["value"] == round(20 / 85 * 50, 2)


def test_one_account_as_text(book, run_cli) -> None:
    result = run_cli("health", "Acme", *AS_OF)
    assert result.code == 0, result.err
    assert "health 69.63 yellow (scorecard default)" in result.out
    assert "Sentiment" in result.out and "no data" in result.out
    assert "what pulls the score down" in result.out


def test_all_accounts_table_and_json(book, run_cli) -> None:
    text = run_cli("health", *AS_OF)
    assert text.code == 0, text.err
    assert "Acme" in text.out and "69.63" in text.out and "License utilisation" in text.out
    assert "1 yellow" in text.out and "1 not scored" in text.out
    rows = run_cli("health", "--json", *AS_OF).json()
    assert [r["account"]["name"] for r in rows] == ["Acme", "Beta"]
    assert rows[1]["status"] == "insufficient_data" and rows[1]["health_score"]["value"] is None


def test_config_shows_domain_defaults(book, run_cli) -> None:
    data = run_cli("health", "config", "--json").json()
    default = data["scorecards"]["default"]
    assert default["bands"] == {"green": 70, "yellow": 40}
    assert {m["name"]: m["weight"] for m in default["measures"]} == {
        "license_utilisation": 20, "usage_trend": 15, "feature_adoption": 10, "support": 15,
        "sentiment": 15, "engagement": 15, "csm_pulse": 10}
    # Only 0-10 is NPS by definition; other scales need an explicit mapping (never guessed).
    assert data["inputs"]["nps_scales"] == {"0-10": {"promoter_min": 9, "detractor_max": 6}}
    assert "scorecard default" in run_cli("health", "config").out


def test_config_set_changes_a_tier_scorecard_and_the_score(book, run_cli) -> None:
    result = run_cli("health", "config", "set", "--scorecard", "tier:1", "--measure", "support",
                     "--weight", "30", *AS_OF)
    assert result.code == 0, result.err
    assert "history restated" in result.out
    data = run_cli("health", "Acme", "--json", *AS_OF).json()
    assert data["scorecard"] == "tier:1"
    # (20x50 + 15x76 + 10x50 + 30x90 + 15x78.571 + 10x75) / 100
    assert data["health_score"]["value"] == round(
        (1000 + 1140 + 500 + 2700 + 15 * 100 * 22 / 28 + 750) / 100, 2)
    assert run_cli("health", "Beta", "--json", *AS_OF).json()["scorecard"] == "default"


def test_band_thresholds_and_measures_switched_off(book, run_cli) -> None:
    assert run_cli("health", "config", "set", "--band", "green=65", *AS_OF).code == 0
    assert run_cli("health", "Acme", "--json", *AS_OF).json()["band"]["value"] == "green"
    assert run_cli("health", "config", "set", "--measure", "pulse", "--off", *AS_OF).code == 0
    data = run_cli("health", "Acme", "--json", *AS_OF).json()
    pulse = next(m for m in data["measures"] if m["name"] == "csm_pulse")
    assert pulse["off"] is True
    assert data["health_score"]["total_weight"] == 90
    assert run_cli("health", "config", "reset", "--scorecard", "default", *AS_OF).code == 0
    assert run_cli("health", "Acme", "--json", *AS_OF).json()["health_score"]["value"] == 69.63


def test_nps_on_1_to_10_follows_the_configured_mapping(book, run_cli) -> None:
    with book.write() as session:
        acme = session.query(Account).filter_by(name="Acme").one()
        eva = session.query(Contact).filter_by(account_id=acme.id).one()
        session.add(SurveyResponse(account_id=acme.id, contact_id=eva.id, kind="nps", score=9,
                                   scale_min=1, scale_max=10, answered_on=day(5)))

    def sentiment() -> dict:
        data = run_cli("health", "Acme", "--json", *AS_OF).json()
        return next(m for m in data["measures"] if m["name"] == "sentiment")

    assert sentiment()["value"] is None  # a 1-10 answer is never guessed: no mapping, no data
    mapping = [f"{raw}={raw}" for raw in range(1, 11)]
    assert run_cli("survey-scales", "set", "1-10", *mapping).code == 0
    assert sentiment()["value"] == 100  # the shared mapping makes 9 a promoter
    assert run_cli("health", "config", "set", "--nps-scale", "1-10:10:7", *AS_OF).code == 0
    assert sentiment()["value"] == 50  # the scorecard's own mapping wins: a passive, NPS 0


@pytest.mark.parametrize(("argv", "message"), [
    (("--measure", "support", "--weight", "-5"), "weight must be at least 0"),
    (("--measure", "tickets2", "--weight", "5"), "unknown measure 'tickets2'"),
    (("--band", "green=30"), "yellow threshold (40) must be below green (30)"),
    (("--band", "blue=3"), "--band takes green=N or yellow=N"),
    (("--measure", "usage", "--points", "0:100,-0.5:0"), "inputs must increase"),
    (("--measure", "sentiment", "--points", "0:0,1:100"), "formula"),
    (("--measure", "support", "--param", "urgent=3"), "no parameter urgent"),
    (("--scorecard", "tier:7", "--band", "green=80"), "unknown scorecard 'tier:7'"),
    (("--cadence", "1=zero"), "must be a number"),
    ((), "nothing to change"),
])
def test_config_set_refuses_bad_input_plainly(book, run_cli, argv, message) -> None:
    result = run_cli("health", "config", "set", *argv, *AS_OF)
    assert result.code == 1
    assert message in result.err
    assert result.err.count("\n") == 1
    config = run_cli("health", "config", "--json").json()
    assert list(config["scorecards"]) == ["default"]
    assert config["scorecards"]["default"]["bands"]["green"] == 70


@pytest.mark.parametrize("argv", [
    ("health", "Acme", "--weight", "3"),
    ("health", "config", "frobnicate"),
    ("health", "config", "--measure", "support"),
    ("health", "Acme", "extra"),
    ("health", "--since", "2026-01-01"),
])
def test_misplaced_words_are_usage_errors(book, run_cli, argv) -> None:
    result = run_cli(*argv)
    assert result.code == 2
    assert "usage:" in result.err


def test_unknown_account_is_a_plain_error(book, run_cli) -> None:
    result = run_cli("health", "Nobody", *AS_OF)
    assert result.code == 1 and "no account matches 'Nobody'" in result.err


def test_backfill_reports_what_it_wrote(book, run_cli) -> None:
    result = run_cli("health", "backfill", "--json", *AS_OF)
    assert result.code == 0, result.err
    data = result.json()
    assert data["accounts"] == 2 and data["last"] == D.isoformat()
    history = run_cli("health", "Acme", "--json", *AS_OF).json()["history"]
    assert history[-1] == {"as_of": D.isoformat(), "status": "scored", "score": 69.63,
                           "band": "yellow", "granularity": "daily"}


def test_alerts_run_raises_tasks_once(book, run_cli) -> None:
    first = run_cli("alerts", "run", "--json", *AS_OF)
    assert first.code == 0, first.err
    raised = {(c["account"]["name"], c["rule"]) for c in first.json()["raised"]}
    # Acme renews on 2026-06-01 (in 62 days) while yellow; Beta is not scored.
    assert ("Acme", "renewal_at_risk") in raised and ("Beta", "renewal_at_risk") in raised
    again = run_cli("alerts", "run", "--json", *AS_OF).json()
    assert again["raised"] == []
    assert {(c["account"]["name"], c["rule"]) for c in again["updated"]} == raised
    text = run_cli("alerts", "run", *AS_OF).out
    assert text.startswith(f"alerts as of {D.isoformat()}: 0 raised, {len(raised)} updated")


def test_only_chosen_activity_kinds_count_as_touchpoints(book, run_cli) -> None:
    def engagement() -> dict:
        data = run_cli("health", "Acme", "--json", *AS_OF).json()
        return next(m for m in data["measures"] if m["name"] == "engagement")

    assert run_cli("health", "config", "set", "--touchpoints", "email,call", *AS_OF).code == 0
    assert engagement()["no_data"] is True  # the portfolio logged meetings only
    assert "CSM touchpoints: email, call" in run_cli("health", "config").out
    assert run_cli("health", "config", "set", "--touchpoints", "meeting", *AS_OF).code == 0
    assert engagement()["value"] == 78.57
    assert run_cli("health", "config", "set", "--touchpoints", "all", *AS_OF).code == 0
    assert "CSM touchpoints: every activity" in run_cli("health", "config").out
