"""Touchpoints, compliance and logging on a real portfolio, through the command line."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from csdesk.models import (
    Account,
    Activity,
    BusinessReview,
    ChangeLogEntry,
    Contact,
    Contract,
    SurveyResponse,
)
from csdesk.services.context import AppContext

CHECK_INS_ONLY = {
    "activity_kinds": ["check_in", "call", "email"],
    "every_tier": [],
    "tiers": {
        "1": [{"key": "check_in", "label": "Check-in", "every_days": 14,
               "kinds": ["check_in", "call"]}],
        "2": [{"key": "check_in", "label": "Check-in", "every_days": 30,
               "kinds": ["check_in", "call"]}],
        "3": [],
    },
}


def d(month: int, day: int) -> date:
    return date(2024, month, day)


@pytest.fixture
def book(context: AppContext, run_cli: Any, tmp_path: Path) -> dict[str, int]:
    """Acme (Dana, tier 1) and Beta (Lee, tier 2), customers since 1 Jan 2024, check-ins only.

    Acme checked in on 10 Jan, 20 Jan and 25 Feb; Beta on 25 Jan and 10 Mar.
    """
    with context.write(origin="user") as s:
        acme = Account(name="Acme", owner="Dana", tier=1)
        beta = Account(name="Beta", owner="Lee", tier=2)
        s.add_all([acme, beta])
        s.flush()
        for account, minor in ((acme, 12_000_000), (beta, 4_000_000)):
            s.add(Contract(account_id=account.id, start_date=d(1, 1), amount_minor=minor,
                           currency="USD"))
        for account, days in ((acme, [d(1, 10), d(1, 20), d(2, 25)]),
                              (beta, [d(1, 25), d(3, 10)])):
            s.add_all(Activity(account_id=account.id, kind="check_in", occurred_on=day,
                               summary="check-in") for day in days)
        s.add(Contact(account_id=acme.id, first_name="Ann", last_name="Smith",
                      email="ann@acme.example"))
        ids = {"Acme": acme.id, "Beta": beta.id}
    plan_file = tmp_path / "plans.json"
    plan_file.write_text(json.dumps(CHECK_INS_ONLY))
    assert run_cli("touchpoints", "plan", "--file", str(plan_file)).code == 0
    return ids


def due_dates(run_cli: Any, *args: str) -> dict[str, str]:
    result = run_cli("touchpoints", "--all", "--json", *args)
    assert result.code == 0, result.err
    return {f"{r['account']['name']}:{r['touchpoint']}": r["due_on"]
            for r in result.json()["touchpoints"]}


def test_compliance_per_account_csm_and_tier_worked_by_hand(book, run_cli) -> None:
    # Acme (14 days): on time 10 Jan, 20 Jan, 25 Feb; missed 3 Feb, 17 Feb, 10 Mar -> 3 of 6.
    # Beta (30 days): on time 25 Jan and 10 Mar; missed 24 Feb -> 2 of 3.
    result = run_cli("touchpoints", "compliance", "--all", "--json", "--from", "2024-01-01",
                     "--as-of", "2024-03-20")

    assert result.code == 0, result.err
    report = result.json()
    assert report["window"] == {"start": "2024-01-01", "end": "2024-03-20"}
    assert report["total"] == {"total": "all", "due": 9, "on_time": 5, "compliance": 0.5556}
    assert [(x["owner"], x["due"], x["on_time"]) for x in report["by_owner"]] == [
        ("Dana", 6, 3), ("Lee", 3, 2)]
    assert [(x["tier"], x["due"], x["on_time"]) for x in report["by_tier"]] == [
        (1, 6, 3), (2, 3, 2)]
    assert [(x["account"], x["compliance"]) for x in report["by_account"]] == [
        ({"id": str(book["Acme"]), "name": "Acme"}, 0.5),
        ({"id": str(book["Beta"]), "name": "Beta"}, 0.6667)]
    assert [(x["touchpoint"], x["due"]) for x in report["by_touchpoint"]] == [("check_in", 9)]


def test_compliance_text_for_my_accounts(book, run_cli) -> None:
    run_cli("me", "Dana")

    result = run_cli("touchpoints", "compliance", "--window-days", "30", "--as-of", "2024-03-20")

    # 20 Feb to 20 Mar: 25 Feb on time, 10 Mar missed.
    assert result.code == 0, result.err
    assert "2024-02-20 to 2024-03-20, Dana's accounts" in result.out
    assert "total: 1 of 2 touchpoints on time (50.0%)" in result.out


def test_changing_the_tier_recomputes_the_schedule(book, run_cli) -> None:
    before = due_dates(run_cli, "--as-of", "2024-03-15")

    run_cli("tier", "set", "Beta", "1", "--reason", "new executive sponsor", "--as-of",
            "2024-03-12")
    after = due_dates(run_cli, "--as-of", "2024-03-15")

    assert before["Beta:check_in"] == "2024-04-09"
    assert after["Beta:check_in"] == "2024-03-24"
    assert after["Acme:check_in"] == before["Acme:check_in"] == "2024-03-10"


def test_changing_the_cadence_recomputes_the_schedule(book, run_cli, tmp_path: Path) -> None:
    plans = json.loads(json.dumps(CHECK_INS_ONLY))
    plans["tiers"]["2"][0]["every_days"] = 20
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(plans))

    assert run_cli("touchpoints", "plan", "--file", str(changed)).code == 0

    assert due_dates(run_cli, "--as-of", "2024-03-15")["Beta:check_in"] == "2024-03-30"


def test_overdue_and_due_within_filters(book, run_cli) -> None:
    overdue = run_cli("touchpoints", "--all", "--overdue", "--json", "--as-of", "2024-03-15")
    within = run_cli("touchpoints", "--all", "--due-within", "30", "--json",
                     "--as-of", "2024-03-15")

    rows = overdue.json()["touchpoints"]
    assert [(r["account"]["name"], r["due_on"], r["days_overdue"], r["missed"]) for r in rows] \
        == [("Acme", "2024-03-10", 5, 1)]
    assert [r["account"]["name"] for r in within.json()["touchpoints"]] == ["Acme", "Beta"]


def test_me_owner_and_all_choose_whose_touchpoints(book, run_cli) -> None:
    def names(*args: str) -> list[str]:
        result = run_cli("touchpoints", "--json", "--as-of", "2024-03-15", *args)
        assert result.code == 0, result.err
        return [r["account"]["name"] for r in result.json()["touchpoints"]]

    unset_text = run_cli("touchpoints", "--as-of", "2024-03-15")
    unset = names()
    run_cli("me", "Dana")

    assert unset == ["Acme", "Beta"]
    assert unset_text.out.splitlines()[0].startswith("`me` is not set")
    assert names() == ["Acme"]
    assert names("--owner", "lee") == ["Beta"]
    assert names("--all") == ["Acme", "Beta"]
    nobody = run_cli("touchpoints", "--owner", "Robin", "--as-of", "2024-03-15")
    assert "no account is owned by Robin (owners: Dana, Lee)" in nobody.out
    both = run_cli("touchpoints", "--owner", "Lee", "--all")
    assert both.code == 2


def test_log_round_trip_records_the_activity_through_the_change_log(
    book, run_cli, context
) -> None:
    run_cli("me", "Dana")

    result = run_cli("log", "Acme", "--kind", "call", "--date", "2024-03-18", "--summary",
                     "Pricing questions before the QBR", "--contact", "ann smith",
                     "--as-of", "2024-03-20")

    assert result.code == 0, result.err
    assert result.out.startswith("logged call with Acme on 2024-03-18")
    assert "Check-in: next due 2024-04-01 (in 12 days)" in result.out
    with context.read() as s:
        activity = s.scalars(select(Activity).where(Activity.kind == "call")).one()
        contact = s.scalars(select(Contact)).one()
        entry = s.scalars(select(ChangeLogEntry).where(
            ChangeLogEntry.entity == "activity",
            ChangeLogEntry.entity_id == str(activity.id))).one()
    assert (activity.account_id, activity.occurred_on, activity.contact_id, activity.author) == (
        book["Acme"], d(3, 18), contact.id, "Dana")
    assert (entry.op, entry.origin, entry.actor, entry.context) == (
        "create", "user", "Dana", "log activity")
    assert json.loads(entry.new_value)["summary"] == "Pricing questions before the QBR"
    assert due_dates(run_cli, "--as-of", "2024-03-20")["Acme:check_in"] == "2024-04-01"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--kind", "fax", "--summary", "x"], "'fax' is not an activity kind; use one of: "
                                              "check_in, call, email"),
        (["--kind", "call", "--summary", "x", "--date", "2024-03-21"],
         "the activity date 2024-03-21 is after today (2024-03-20)"),
        (["--kind", "call", "--summary", "   "], "give a short summary"),
        (["--kind", "call", "--summary", "x" * 501], "the summary has 501 characters"),
        (["--kind", "call", "--summary", "x", "--contact", "Bob"],
         "Acme has no contact 'Bob' (contacts: Ann Smith)"),
    ],
)
def test_log_refuses_bad_input_and_stores_nothing(book, run_cli, context, args: list[str],
                                                  message: str) -> None:
    result = run_cli("log", "Acme", "--as-of", "2024-03-20", *args)

    assert result.code == 1
    assert message in result.err
    with context.read() as s:
        assert s.scalars(select(Activity).where(Activity.kind != "check_in")).all() == []


def test_log_needs_a_date_in_the_right_form(book, run_cli) -> None:
    result = run_cli("log", "Acme", "--kind", "call", "--summary", "x", "--date", "18/03/2024")

    assert result.code == 2
    assert "'18/03/2024' is not a date in the form YYYY-MM-DD" in result.err


def test_reviews_held_and_survey_answers_count_as_activities(context, run_cli) -> None:
    with context.write(origin="user") as s:
        acme = Account(name="Acme", owner="Dana", tier=1)
        s.add(acme)
        s.flush()
        s.add(Contract(account_id=acme.id, start_date=d(1, 1), amount_minor=12_000_000,
                       currency="USD"))
        s.add(BusinessReview(account_id=acme.id, kind="QBR", held_on=d(3, 1)))
        s.add(BusinessReview(account_id=acme.id, kind="EBR", held_on=d(9, 1)))
        s.add(SurveyResponse(account_id=acme.id, kind="nps", score=9, scale_min=0,
                             scale_max=10, answered_on=d(3, 25)))

    rows = due_dates(run_cli, "--as-of", "2024-04-15")

    assert rows["Acme:qbr"] == "2024-05-30"        # 1 Mar + 90 days
    assert rows["Acme:ebr"] == "2024-06-29"        # purchase + 180: the EBR is still ahead
    assert rows["Acme:check_in"] == "2024-03-15"   # a QBR is a conversation too
    assert rows["Acme:survey"] == "2024-06-29"     # day 90 answered on 25 Mar
