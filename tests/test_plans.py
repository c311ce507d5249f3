"""Success plans and business reviews, round-tripped through the command line, with every
edit checked in the change log."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from csdesk.models import Account, ChangeLogEntry, Milestone, Objective, Task, Tombstone
from csdesk.services.context import AppContext

AS_OF = "2026-04-01"


@pytest.fixture
def acme(context: AppContext) -> int:
    with context.write() as session:
        account = Account(name="Acme", owner="Ann", tier=2)
        session.add_all([account, Account(name="Other", tier=1)])
        session.flush()
        return account.id


def _log(context: AppContext, entity: str, entity_id: int | str,
         op: str = "update") -> dict[str, tuple[Any, Any]]:
    """Field -> (old, new) of the change-log rows for one record."""
    with context.read() as session:
        rows = session.scalars(select(ChangeLogEntry).where(
            ChangeLogEntry.entity == entity, ChangeLogEntry.entity_id == str(entity_id),
            ChangeLogEntry.op == op).order_by(ChangeLogEntry.seq)).all()
        assert all(r.origin == "user" for r in rows)
        return {str(r.field): (json.loads(r.old_value) if r.old_value else None,
                               json.loads(r.new_value) if r.new_value else None) for r in rows}


def test_init_from_the_tier_template(run_cli, acme: int) -> None:
    result = run_cli("plan", "Acme", "init", "--as-of", AS_OF, "--json")
    assert result.code == 0, result.err
    plan = result.json()
    assert [o["title"] for o in plan["outcomes"]] == [
        "Adoption across the licensed teams", "The business result they bought the product for"
    ]
    utilisation = plan["outcomes"][0]["objectives"][0]
    assert (utilisation["baseline"], utilisation["target"], utilisation["status"]) == (
        "0", "70", "not_started")
    assert utilisation["due_on"] == "2026-06-30"          # 1 April + 90 days
    assert [(m["title"], m["due_on"], m["first_value"]) for m in plan["milestones"]] == [
        ("Kickoff held", "2026-04-08", False),
        ("First value reached", "2026-05-31", True),
        ("Business review", "2026-09-28", False),
    ]

    again = run_cli("plan", "Acme", "init")
    assert again.code == 1
    assert "Acme already has a success plan (2 outcomes, 3 milestones)" in again.err

    other = run_cli("plan", "Other", "init", "--template", "tier9")
    assert other.code == 1
    assert "unknown plan template 'tier9': use one of tier1, tier2, tier3" in other.err


def test_outcomes_and_objectives_round_trip_and_are_logged(run_cli, context: AppContext,
                                                           acme: int) -> None:
    added = run_cli("plan", "Acme", "outcome", "add", "--title", "Faster onboarding",
                    "--description", "New hires productive sooner", "--json")
    assert added.code == 0, added.err
    outcome_id = added.json()["outcomes"][0]["id"]

    result = run_cli("plan", "Acme", "objective", "add", "--outcome", outcome_id,
                     "--title", "Days to onboard", "--kpi", "median days", "--unit", "days",
                     "--baseline", "30", "--target", "10.0", "--current", "22",
                     "--owner", "Eva Lind", "--side", "theirs", "--due", "2026-06-30",
                     "--status", "on_track", "--as-of", AS_OF, "--json")
    assert result.code == 0, result.err
    objective = result.json()["outcomes"][0]["objectives"][0]
    assert objective["target"] == "10.0"
    assert objective["owner_side"] == "theirs"
    assert objective["progress"] == "0.4000"                 # (22 - 30) / (10 - 30)
    objective_id = objective["id"]

    update = run_cli("plan", "Acme", "objective", "update", objective_id, "--current", "18",
                     "--status", "at_risk")
    assert update.code == 0, update.err
    assert "current 22 → 18" in update.out and "status on_track → at_risk" in update.out
    assert _log(context, "objective", objective_id) == {
        "current": ("22", "18"), "status": ("on_track", "at_risk")}

    rename = run_cli("plan", "Acme", "outcome", "update", outcome_id, "--title", "Onboard fast")
    assert rename.code == 0
    assert _log(context, "outcome", outcome_id) == {
        "title": ("Faster onboarding", "Onboard fast")}

    shown = run_cli("plan", "Acme", "--as-of", AS_OF, "--json").json()
    shown_objective = shown["outcomes"][0]["objectives"][0]
    assert (shown_objective["current"], shown_objective["status"]) == ("18", "at_risk")
    assert shown["objective_status_counts"]["at_risk"] == 1

    text = run_cli("plan", "Acme", "--as-of", AS_OF)
    assert "Outcome " + outcome_id + ": Onboard fast" in text.out
    assert "Eva Lind (theirs)" in text.out and "60%" in text.out


def test_first_value_moves_and_done_dates_are_logged(run_cli, context: AppContext,
                                                     acme: int) -> None:
    first = run_cli("plan", "Acme", "milestone", "add", "--title", "Pilot live", "--due",
                    "2026-05-01", "--first-value", "--json").json()["milestones"][0]["id"]
    second = run_cli("plan", "Acme", "milestone", "add", "--title", "All teams live",
                     "--due", "2026-06-01", "--first-value", "--json")
    assert second.code == 0, second.err
    milestones = {m["title"]: m for m in second.json()["milestones"]}
    assert milestones["Pilot live"]["first_value"] is False
    assert milestones["All teams live"]["first_value"] is True
    assert second.json()["first_value_milestone"] == milestones["All teams live"]["id"]
    assert _log(context, "milestone", first) == {"is_first_value": (True, False)}

    done = run_cli("plan", "Acme", "milestone", "update", first, "--done", "2026-04-28")
    assert done.code == 0 and "done_on (none) → 2026-04-28" in done.out
    assert _log(context, "milestone", first)["done_on"] == (None, "2026-04-28")

    cleared = run_cli("plan", "Acme", "milestone", "update", first, "--not-done", "--due", "")
    assert cleared.code == 0, cleared.err
    with context.read() as session:
        milestone = session.get(Milestone, int(first))
        assert milestone is not None
        assert milestone.done_on is None and milestone.due_on is None


def test_plan_texts_are_stored_and_logged(run_cli, context: AppContext, acme: int) -> None:
    result = run_cli("plan", "Acme", "text", "--why", "Spreadsheets could not scale",
                     "--criteria", "Onboard in 10 days", "--summary", "On track",
                     "--risks", "Champion may leave")
    assert result.code == 0, result.err
    plan = run_cli("plan", "Acme", "--json").json()
    assert plan["why_they_bought"] == "Spreadsheets could not scale"
    assert plan["risks"] == "Champion may leave"
    log = _log(context, "success_plan", plan["plan_id"])
    assert log["executive_summary"] == (None, "On track")
    assert set(log) == {"why_they_bought", "success_criteria", "executive_summary", "risks"}


def test_deleting_an_outcome_removes_its_objectives_and_leaves_tombstones(
    run_cli, context: AppContext, acme: int
) -> None:
    outcome_id = run_cli("plan", "Acme", "outcome", "add", "--title", "Grow",
                         "--json").json()["outcomes"][0]["id"]
    objective = run_cli("plan", "Acme", "objective", "add", "--outcome", outcome_id, "--title",
                        "Seats", "--json").json()["outcomes"][0]["objectives"][0]["id"]
    result = run_cli("plan", "Acme", "outcome", "delete", outcome_id)
    assert result.code == 0, result.err
    assert run_cli("plan", "Acme", "--json").json()["outcomes"] == []
    with context.read() as session:
        assert session.get(Objective, int(objective)) is None
        tombs = {(t.entity, t.entity_id) for t in session.scalars(select(Tombstone))}
    assert tombs == {("outcome", outcome_id), ("objective", objective)}


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["objective", "update", "{objective}", "--status", "bogus"], 1,
         "objective {objective}: unknown status 'bogus': use one of not_started, on_track, "
         "at_risk, done"),
        (["objective", "update", "{objective}", "--current", "1,5"], 1,
         "'1,5' is not a decimal number"),
        (["objective", "update", "{objective}", "--side", "mine"], 1,
         "unknown owner side 'mine'"),
        (["objective", "update", "{objective}", "--due", "2026-13-01"], 2,
         "'2026-13-01' is not a date in the form YYYY-MM-DD"),
        (["objective", "update", "99", "--current", "3"], 1,
         "there is no objective 99 in Acme's success plan"),
        (["objective", "update", "x1"], 2, "'x1' is not an id"),
        (["objective", "add", "--outcome", "99", "--title", "T"], 1,
         "there is no outcome 99 in Acme's success plan"),
        (["outcome", "add", "--title", "  "], 1, "the outcome needs a title"),
        (["milestone", "update", "99", "--done", "2026-01-01"], 1,
         "there is no milestone 99 in Acme's success plan"),
    ],
)
def test_bad_input_is_refused_plainly_and_changes_nothing(
    run_cli, context: AppContext, acme: int, argv: list[str], code: int, message: str
) -> None:
    outcome = run_cli("plan", "Acme", "outcome", "add", "--title", "O",
                      "--json").json()["outcomes"][0]["id"]
    objective = run_cli("plan", "Acme", "objective", "add", "--outcome", outcome, "--title",
                        "KPI", "--current", "5", "--status", "on_track",
                        "--json").json()["outcomes"][0]["objectives"][0]["id"]
    with context.read() as session:
        before = session.scalar(select(ChangeLogEntry.seq).order_by(
            ChangeLogEntry.seq.desc()).limit(1))

    result = run_cli("plan", "Acme", *[a.format(objective=objective) for a in argv])
    assert result.code == code
    assert message.format(objective=objective) in result.err
    with context.read() as session:
        after = session.scalar(select(ChangeLogEntry.seq).order_by(
            ChangeLogEntry.seq.desc()).limit(1))
        stored = session.get(Objective, int(objective))
        assert stored is not None and (stored.current, stored.status) == ("5", "on_track")
    assert after == before


def test_an_objective_from_another_account_is_not_reachable(run_cli, acme: int) -> None:
    outcome = run_cli("plan", "Other", "outcome", "add", "--title", "Theirs",
                      "--json").json()["outcomes"][0]["id"]
    result = run_cli("plan", "Acme", "outcome", "update", outcome, "--title", "Mine")
    assert result.code == 1
    assert f"there is no outcome {outcome} in Acme's success plan" in result.err
    assert run_cli("plan", "Nobody").code == 1


def test_a_review_records_its_action_items_as_tasks(run_cli, context: AppContext,
                                                    acme: int) -> None:
    result = run_cli("review", "add", "Acme", "--kind", "qbr", "--date", "2026-03-10",
                     "--attendees", "Eva Lind (Acme)", "Ann", "--agenda", "Adoption; roadmap",
                     "--summary", "Usage up, one risk", "--action",
                     "Send the usage report;Ann;ours;2026-03-20", "--action",
                     "Name two admins;Eva Lind;theirs", "--as-of", "2026-03-10", "--json")
    assert result.code == 0, result.err
    review = result.json()
    assert review["kind"] == "QBR"
    assert review["attendees"] == ["Eva Lind (Acme)", "Ann"]
    assert [(a["title"], a["owner"], a["owner_side"], a["due_on"])
            for a in review["action_items"]] == [
        ("Send the usage report", "Ann", "ours", "2026-03-20"),
        ("Name two admins", "Eva Lind", "theirs", None),
    ]

    with context.read() as session:
        tasks = session.scalars(select(Task).order_by(Task.id)).all()
        assert [(t.source, t.review_id, t.account_id, t.status, t.raised_on) for t in tasks] == [
            ("review", int(review["id"]), acme, "open", date(2026, 3, 10))
        ] * 2
        created = session.scalars(select(ChangeLogEntry).where(
            ChangeLogEntry.op == "create",
            ChangeLogEntry.entity.in_(("business_review", "task")))).all()
        assert sorted(e.entity for e in created) == ["business_review", "task", "task"]

    listing = run_cli("review", "list", "Acme", "--json").json()
    assert [r["id"] for r in listing] == [review["id"]]
    text = run_cli("review", "list", "Acme")
    assert "Eva Lind (Acme), Ann" in text.out and "2 (2)" in text.out
    plan_text = run_cli("plan", "Acme")
    assert "Last review: QBR on 2026-03-10; 2 open action items" in plan_text.out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--kind", "XBR", "--date", "2026-03-10"], "unknown review kind 'XBR'"),
        (["--kind", "QBR", "--date", "2026-03-10", "--action", "Call;Ann;mine"],
         "action item 'Call': unknown owner side 'mine'"),
        (["--kind", "QBR", "--date", "2026-03-10", "--action", "Call;Ann;ours;soon"],
         "action item 'Call': 'soon' is not a date"),
        (["--kind", "QBR", "--date", "2026-03-10", "--action", ";Ann"],
         "needs a title"),
    ],
)
def test_a_bad_review_writes_nothing(run_cli, context: AppContext, acme: int,
                                     argv: list[str], message: str) -> None:
    result = run_cli("review", "add", "Acme", *argv)
    assert result.code == 1
    assert message in result.err
    assert run_cli("review", "list", "Acme", "--json").json() == []
    with context.read() as session:
        assert session.scalars(select(Task)).all() == []
