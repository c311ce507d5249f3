"""Journey stages on a real portfolio: apply with entry dates, overrides, time in stage."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select

from csdesk.models import (
    Account,
    ChurnEvent,
    Contact,
    Contract,
    HealthSnapshot,
    Milestone,
    Opportunity,
    StageChange,
    SuccessPlan,
    SurveyResponse,
)
from csdesk.services.context import AppContext, load_rates
from csdesk.services.journey import stage_overview


def contract(account: Account, start: date, end: date | None = None) -> Contract:
    return Contract(account_id=account.id, start_date=start, end_date=end,
                    amount_minor=1_000_000, currency="USD")


@pytest.fixture
def book(context: AppContext) -> dict[str, int]:
    """One account per stage, as of 15 Oct 2024 (see each comment)."""
    with context.write(origin="user") as s:
        names = ["Newco", "Renewer", "Grower", "Valued", "Stalled", "Gone", "Prospect"]
        accounts = {n: Account(name=n, owner="Dana", tier=2 if n == "Renewer" else 3)
                    for n in names}
        s.add_all(accounts.values())
        s.flush()
        a = accounts
        # Newco bought on 1 Sep 2024: onboarding.
        s.add(contract(a["Newco"], date(2024, 9, 1)))
        # Renewer (tier 2) renews on 1 Nov 2024: the T-90 window opened on 3 Aug.
        s.add(contract(a["Renewer"], date(2023, 11, 1), date(2024, 11, 1)))
        # Grower has an expansion opportunity open since 20 Sep 2024.
        s.add(contract(a["Grower"], date(2023, 1, 1)))
        s.add(Opportunity(account_id=a["Grower"].id, kind="expansion", name="More seats",
                          created_at=datetime(2024, 9, 20, 15, 0, tzinfo=UTC)))
        # Valued reached its first-value milestone on 10 Apr 2023.
        s.add(contract(a["Valued"], date(2023, 2, 1)))
        plan = SuccessPlan(account_id=a["Valued"].id)
        s.add(plan)
        s.flush()
        s.add(Milestone(plan_id=plan.id, title="First report live", is_first_value=True,
                        done_on=date(2023, 4, 10)))
        # Stalled bought on 1 Mar 2023 and never showed value: adopt from 30 May 2023.
        s.add(contract(a["Stalled"], date(2023, 3, 1)))
        # Gone's contract ended on 1 Mar 2024 and a churn was recorded that day.
        s.add(contract(a["Gone"], date(2022, 3, 1), date(2024, 3, 1)))
        s.add(ChurnEvent(account_id=a["Gone"].id, churned_on=date(2024, 3, 1), reason="budget"))
        return {name: account.id for name, account in accounts.items()}


def entries(context: AppContext, account_id: int) -> list[tuple[Any, ...]]:
    with context.read() as s:
        rows = s.scalars(select(StageChange).where(StageChange.account_id == account_id)
                         .order_by(StageChange.id))
        return [(c.stage, c.entered_on, c.source) for c in rows]


def test_apply_gives_each_account_its_stage_from_the_day_its_condition_began(
    book, run_cli, context
) -> None:
    result = run_cli("stage", "apply", "--as-of", "2024-10-15", "--json")

    assert result.code == 0, result.err
    moves = {m["account"]["name"]: (m["new_stage"], m["entered_on"])
             for m in result.json()["changes"]}
    assert moves == {
        "Newco": ("onboard", "2024-09-01"),
        "Renewer": ("renew", "2024-08-03"),
        "Grower": ("expand", "2024-09-20"),
        "Valued": ("value", "2023-04-10"),
        "Stalled": ("adopt", "2023-05-30"),
        "Gone": ("churned", "2024-03-01"),
    }
    assert result.json()["unchanged"] == 1
    with context.read() as s:
        assert s.get(Account, book["Prospect"]).journey_stage is None
        assert s.get(Account, book["Grower"]).journey_stage == "expand"

    again = run_cli("stage", "apply", "--as-of", "2024-10-16", "--json").json()
    assert again["changes"] == [] and again["unchanged"] == 7


@pytest.mark.parametrize(("band", "stage"), [("green", "advocate"), ("yellow", "adopt")])
def test_promoters_with_green_health_are_advocates(context, band: str, stage: str) -> None:
    # Health snapshots are derived data that opening the portfolio brings up to date, so this
    # test calls the service on the open portfolio rather than the command line.
    with context.write(origin="user") as s:
        fan = Account(name="Fan", owner="Dana", tier=3)
        s.add(fan)
        s.flush()
        s.add(contract(fan, date(2023, 1, 1)))
        for first, score, answered in (("Ann", 10, date(2024, 6, 1)),
                                       ("Bo", 9, date(2024, 7, 1)),
                                       ("Cy", 3, date(2023, 6, 1))):
            person = Contact(account_id=fan.id, first_name=first)
            s.add(person)
            s.flush()
            s.add(SurveyResponse(account_id=fan.id, contact_id=person.id, kind="nps",
                                 score=score, scale_min=0, scale_max=10, answered_on=answered))
        s.add(HealthSnapshot(account_id=fan.id, as_of=date(2024, 10, 1), status="scored",
                             score=82.0, band=band, scorecard="default", measures="{}"))

    with context.read() as s:
        rows = stage_overview(s, date(2024, 10, 15), load_rates(s))

    # Cy's detractor answer is older than 12 months, so two promoters make NPS +100.
    fan = rows[0]
    assert fan.stage == stage
    if stage == "advocate":
        assert fan.since == date(2024, 7, 1)
        assert fan.reason == "account NPS +100 from 2 answers and health green"


def test_stages_show_time_in_stage(book, run_cli) -> None:
    run_cli("stage", "apply", "--as-of", "2024-10-15")

    result = run_cli("stages", "--json", "--as-of", "2024-10-20")
    text = run_cli("stages", "--as-of", "2024-10-20", "--stage", "onboard")

    rows = {r["account"]["name"]: r for r in result.json()}
    assert (rows["Newco"]["stage"], rows["Newco"]["since"], rows["Newco"]["days_in_stage"]) == (
        "onboard", "2024-09-01", 49)
    assert rows["Gone"]["reason"] == "churn recorded on 2024-03-01 (budget)"
    assert rows["Prospect"]["stage"] is None
    assert not any(r["pending"] for r in rows.values())
    assert "Newco" in text.out and "Grower" not in text.out
    assert "1 accounts: onboard 1" in text.out


def test_later_runs_record_moves_in_order(book, run_cli, context) -> None:
    run_cli("stage", "apply", "--as-of", "2024-10-15")

    result = run_cli("stage", "apply", "--as-of", "2024-12-01")

    # Newco's 90 days ended on 30 Nov; Renewer's contract ended on 1 Nov.
    assert "Newco: onboard -> adopt from 2024-11-30" in result.out
    assert "Renewer: renew -> churned from 2024-11-01" in result.out
    assert entries(context, book["Newco"]) == [("onboard", date(2024, 9, 1), "rule"),
                                               ("adopt", date(2024, 11, 30), "rule")]


def test_an_override_wins_until_cleared(book, run_cli, context) -> None:
    run_cli("stage", "apply", "--as-of", "2024-10-15")

    set_result = run_cli("stage", "set", "Stalled", "value", "--reason",
                         "sponsor confirmed the ROI", "--as-of", "2024-10-16")
    run_cli("stage", "apply", "--as-of", "2024-10-17")
    during = {r["account"]["name"]: r for r in
              run_cli("stages", "--json", "--as-of", "2024-10-18").json()}["Stalled"]
    clear_result = run_cli("stage", "clear", "Stalled", "--as-of", "2024-10-20")

    assert set_result.code == 0, set_result.err
    assert (during["stage"], during["source"], during["since"], during["rule_stage"]) == (
        "value", "override", "2024-10-16", "adopt")
    assert during["reason"] == "set by hand: sponsor confirmed the ROI"
    assert clear_result.code == 0, clear_result.err
    assert entries(context, book["Stalled"]) == [("adopt", date(2023, 5, 30), "rule"),
                                                 ("value", date(2024, 10, 16), "override"),
                                                 ("adopt", date(2024, 10, 20), "rule")]
    with context.read() as s:
        account = s.get(Account, book["Stalled"])
        assert (account.stage_override, account.stage_override_reason) == (None, None)


def test_stage_commands_refuse_bad_input(book, run_cli, context) -> None:
    no_reason = run_cli("stage", "set", "Newco", "value")
    bad_stage = run_cli("stage", "set", "Newco", "delighted", "--reason", "x")
    nothing = run_cli("stage", "clear", "Newco")

    assert no_reason.code == 2 and "--reason" in no_reason.err
    assert bad_stage.code == 2 and "invalid choice" in bad_stage.err
    assert nothing.code == 1 and "Newco has no stage set by hand" in nothing.err
    assert entries(context, book["Newco"]) == []


def test_edited_rules_move_accounts_and_bad_rules_are_refused(book, run_cli, tmp_path) -> None:
    shorter = tmp_path / "rules.json"
    shorter.write_text('{"onboarding_days": 30}')
    wrong = tmp_path / "wrong.json"
    wrong.write_text('{"advocate_health_band": "blue"}')

    replaced = run_cli("stage", "rules", "--file", str(shorter))
    refused = run_cli("stage", "rules", "--file", str(wrong))
    rows = {r["account"]["name"]: r for r in
            run_cli("stages", "--json", "--as-of", "2024-10-15").json()}

    assert replaced.code == 0, replaced.err
    assert refused.code == 1 and "'advocate_health_band' must be green, yellow or red" in \
        refused.err
    # Newco bought on 1 Sep: with 30-day onboarding it is past onboarding by 15 Oct.
    assert (rows["Newco"]["stage"], rows["Newco"]["since"]) == ("adopt", "2024-10-01")
