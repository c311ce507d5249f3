"""The CSM's day on a hand-built book: what is due, alerts, milestones, reviews, whose."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from csdesk.models import Account, Activity, BusinessReview, Contract, Task
from csdesk.services.context import AppContext
from csdesk.services.engagement import save_plans
from csdesk.services.renewals import run_milestones
from csdesk.services.settings import set_setting
from csdesk.services.tasks import close_task
from csdesk.services.upkeep import TASKS_RAISED_UP_TO

AS_OF = "2024-06-01"
PLANS = {
    "activity_kinds": ["check_in", "qbr", "email"],
    "every_tier": [],
    "tiers": {
        "1": [{"key": "check_in", "label": "Check-in", "every_days": 14, "kinds": ["check_in"]},
              {"key": "qbr", "label": "Quarterly business review", "every_days": 90,
               "kinds": ["qbr"], "review": True}],
        "2": [{"key": "check_in", "label": "Check-in", "every_days": 30, "kinds": ["check_in"]}],
        "3": [],
    },
}


def d(month: int, day: int, year: int = 2024) -> date:
    return date(year, month, day)


def task(account: Account, title: str, source: str = "alert", **extra: Any) -> Task:
    fields: dict[str, Any] = {"raised_on": d(5, 30), "due_on": d(5, 30), "status": "open"}
    fields.update(extra)
    return Task(account_id=account.id, title=title, source=source,
                source_key=f"{source}:{title}", **fields)


@pytest.fixture
def book(context: AppContext) -> dict[str, int]:
    """Dana owns Acme (tier 1) and Beta (tier 2); Lee owns Carl (tier 2). As of 1 Jun 2024:

    - Acme: renews on 15 Dec (T-180 not reached); check-in 10 May, due 24 May (overdue);
      QBR 20 Mar, next due 18 Jun; a QBR is planned for 20 Jun; an open and a closed alert.
    - Beta: check-in 5 May, due 4 Jun; contract ends 1 Aug, so its T-90 milestone (3 May) is
      reached; a snoozed alert; a task due 5 Jun and one due 30 Jul.
    - Carl: check-in 10 Jan, due 9 Feb (overdue); an open alert.
    """
    with context.write(origin="user") as s:
        save_plans(s, PLANS)
        acme = Account(name="Acme", owner="Dana", tier=1)
        beta = Account(name="Beta", owner="Dana", tier=2)
        carl = Account(name="Carl", owner="Lee", tier=2)
        s.add_all([acme, beta, carl])
        s.flush()
        s.add_all([
            Contract(account_id=acme.id, start_date=d(12, 15, 2023), amount_minor=20_000_000,
                     currency="USD"),
            Contract(account_id=beta.id, start_date=d(8, 1, 2023), end_date=d(8, 1),
                     amount_minor=5_000_000, currency="USD"),
            Contract(account_id=carl.id, start_date=d(1, 1, 2023), amount_minor=5_000_000,
                     currency="USD"),
        ])
        for account, kind, day in ((acme, "check_in", d(5, 10)), (acme, "qbr", d(3, 20)),
                                   (beta, "check_in", d(5, 5)), (carl, "check_in", d(1, 10))):
            s.add(Activity(account_id=account.id, kind=kind, occurred_on=day, summary=kind))
        s.add(BusinessReview(account_id=acme.id, kind="QBR", held_on=d(6, 20)))
        s.add_all([
            task(acme, "Usage down 30% against the 90-day baseline", severity="high"),
            task(acme, "No product usage for 7 days", status="done"),
            task(beta, "Health fell to red", snoozed_until=d(6, 10)),
            task(carl, "Urgent ticket open more than 7 days"),
            task(beta, "Send the roadmap", source="manual", due_on=d(6, 5)),
            task(beta, "Plan the onsite", source="manual", due_on=d(7, 30)),
        ])
        # The alert rules and milestones already ran for this day: these tests are about how
        # the day reads, so `today` must not raise more tasks on top of the ones above.
        set_setting(s, TASKS_RAISED_UP_TO.key, AS_OF)
        return {"Acme": acme.id, "Beta": beta.id, "Carl": carl.id}


def day(run_cli: Any, *args: str) -> dict[str, Any]:
    result = run_cli("today", "--json", "--as-of", AS_OF, *args)
    assert result.code == 0, result.err
    data: dict[str, Any] = result.json()
    return data


def test_my_day_lists_what_is_due_for_my_accounts(book, run_cli) -> None:
    run_cli("me", "Dana")

    plan = day(run_cli)

    assert plan["scope"] == {"owner": "Dana", "basis": "me"}
    assert plan["accounts"] == 2
    assert [(r["account"]["name"], r["touchpoint"], r["due_on"], r["days_overdue"])
            for r in plan["overdue"]] == [("Acme", "check_in", "2024-05-24", 8)]
    assert [(r["account"]["name"], r["due_on"], r["days_until"]) for r in plan["due_soon"]] == [
        ("Beta", "2024-06-04", 3)]
    assert [(a["account"]["name"], a["title"]) for a in plan["alerts"]] == [
        ("Acme", "Usage down 30% against the 90-day baseline")]
    assert [(m["account"]["name"], m["milestone"], m["reached_on"], m["renewal_on"],
             m["task_id"]) for m in plan["renewal_milestones"]] == [
        ("Beta", "T-90", "2024-05-03", "2024-08-01", None)]
    assert [(r["account"]["name"], r["kind"], r["on"], r["planned"]) for r in plan["reviews"]] \
        == [("Acme", "Quarterly business review", "2024-06-18", False),
            ("Acme", "QBR", "2024-06-20", True)]
    assert [t["title"] for t in plan["tasks"]] == ["Send the roadmap"]


def test_all_and_owner_show_other_books(book, run_cli) -> None:
    run_cli("me", "Dana")

    everyone = day(run_cli, "--all")
    lee = day(run_cli, "--owner", "LEE")

    assert [r["account"]["name"] for r in everyone["overdue"]] == ["Carl", "Acme"]
    assert sorted(a["account"]["name"] for a in everyone["alerts"]) == ["Acme", "Carl"]
    assert [r["account"]["name"] for r in lee["overdue"]] == ["Carl"]
    assert lee["renewal_milestones"] == [] and lee["reviews"] == []


def test_without_me_the_day_says_so_and_shows_everyone(book, run_cli) -> None:
    result = run_cli("today", "--as-of", AS_OF)

    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0] == "Your day, Saturday 2024-06-01: every account (3 customers)"
    assert lines[1].startswith("`me` is not set")
    assert "Carl · Check-in · due 2024-02-09, 113 days overdue (4 missed); last 2024-01-10" \
        in result.out


def test_the_text_day_reads_as_a_plan(book, run_cli) -> None:
    run_cli("me", "Dana")

    out = run_cli("today", "--as-of", AS_OF).out

    assert "Overdue touchpoints (1)\n  Acme · Check-in · due 2024-05-24, 8 days overdue; " \
           "last 2024-05-10" in out
    assert "Due in the next 7 days (1)\n  Beta · Check-in · due 2024-06-04, in 3 days" in out
    assert "Alerts to handle (1)\n  Acme · Usage down 30% against the 90-day baseline · " \
           "raised 2024-05-30 [high]" in out
    assert "Renewal milestones reached (1)\n  Beta · T-90 Health and stakeholder review · " \
           "reached 2024-05-03 · renews 2024-08-01" in out
    assert "Acme · QBR planned 2024-06-20" in out
    assert "Other tasks due (1)\n  Beta · Send the roadmap · due 2024-06-05" in out


def test_a_raised_milestone_shows_its_task_until_it_is_closed(book, run_cli, context) -> None:
    run_cli("me", "Dana")
    with context.write(origin="user") as s:
        raised = run_milestones(s, date(2024, 6, 1)).raised
        task_ids = [r.task_id for r in raised]

    with_task = day(run_cli)["renewal_milestones"]
    with context.write(origin="user") as s:
        close_task(s, task_ids[0], "Dana")
    after = day(run_cli)["renewal_milestones"]

    assert len(task_ids) == 1
    assert [(m["milestone"], m["task_id"]) for m in with_task] == [("T-90", str(task_ids[0]))]
    assert after == []


def test_an_owner_nobody_has_is_named(book, run_cli) -> None:
    result = run_cli("today", "--owner", "Robin", "--as-of", AS_OF)

    assert result.code == 0
    assert "no account is owned by Robin (owners: Dana, Lee)" in result.out


def test_csdesk_without_a_display_prints_the_day(book, run_cli, monkeypatch) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    run_cli("me", "Lee")

    result = run_cli()

    assert result.code == 0, result.err
    assert result.out.startswith("No display available")
    assert "Lee's accounts (1 customers)" in result.out
    assert "Carl · Check-in · due 2024-02-09" in result.out
