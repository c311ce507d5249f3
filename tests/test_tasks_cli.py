"""`csdesk tasks`: list, filter, snooze and close through the real command line."""

from __future__ import annotations

from datetime import date

import pytest

from csdesk.models import Account
from csdesk.services.context import AppContext
from csdesk.services.tasks import raise_task

D = date(2026, 3, 31)


@pytest.fixture
def tasks(context: AppContext) -> dict[str, int]:
    with context.write() as session:
        acme, beta = Account(name="Acme"), Account(name="Beta")
        session.add_all([acme, beta])
        session.flush()
        ids = {
            "red": raise_task(session, account_id=acme.id, source="alert",
                              source_key="alert:red_band", title="Reach out: health is red",
                              as_of=D, severity="reach_out").task.id,
            "pulse": raise_task(session, account_id=acme.id, source="alert",
                                source_key="alert:pulse_stale", title="Update the CSM pulse",
                                as_of=D, severity="watch").task.id,
            "beta": raise_task(session, account_id=beta.id, source="alert",
                               source_key="alert:no_usage", title="Watch: no usage",
                               as_of=D, severity="watch").task.id,
        }
    return ids


def test_list_all_open_and_by_account(tasks, run_cli) -> None:
    everything = run_cli("tasks", "--json", "--as-of", D.isoformat())
    assert everything.code == 0, everything.err
    assert {t["title"] for t in everything.json()} == {
        "Reach out: health is red", "Update the CSM pulse", "Watch: no usage"}
    acme = run_cli("tasks", "--json", "--account", "Acme").json()
    assert {t["reason"] for t in acme} == {"alert:red_band", "alert:pulse_stale"}
    text = run_cli("tasks", "--as-of", D.isoformat())
    assert "3 tasks" in text.out and "Reach out: health is red" in text.out


def test_snooze_hides_a_task_from_open_until_its_date(tasks, run_cli) -> None:
    task = str(tasks["red"])
    result = run_cli("tasks", "snooze", task, "--until", "2026-04-10", "--as-of", D.isoformat())
    assert result.code == 0, result.err
    assert "snoozed until 2026-04-10" in result.out

    def open_ids(on: str) -> set[str]:
        return {t["id"] for t in run_cli("tasks", "--open", "--json", "--as-of", on).json()}

    assert task not in open_ids("2026-04-09")
    assert task in open_ids("2026-04-10")
    listed = run_cli("tasks", "--as-of", "2026-04-01").out
    assert "snoozed to 2026-04-10" in listed


def test_close_once_then_refuse(tasks, run_cli) -> None:
    task = str(tasks["pulse"])
    assert run_cli("tasks", "close", task).code == 0
    closed = next(t for t in run_cli("tasks", "--json").json() if t["id"] == task)
    assert closed["status"] == "done" and closed["closed_by"]
    again = run_cli("tasks", "close", task)
    assert again.code == 1 and "already closed" in again.err
    snooze = run_cli("tasks", "snooze", task, "--until", "2026-05-01", "--as-of", D.isoformat())
    assert snooze.code == 1 and "only open tasks can be snoozed" in snooze.err
    assert task not in {t["id"] for t in run_cli("tasks", "--open", "--json").json()}


@pytest.mark.parametrize(("argv", "code", "message"), [
    (("tasks", "close", "999"), 1, "there is no task 999"),
    (("tasks", "snooze", "1", "--until", "2026-03-01", "--as-of", "2026-03-31"), 1,
     "is not after"),
    (("tasks", "snooze", "1"), 2, "snooze needs --until DATE"),
    (("tasks", "close"), 2, "say which task to close"),
    (("tasks", "--until", "2026-04-01"), 2, "give an action"),
    (("tasks", "close", "1", "--until", "2026-04-01"), 2, "--until goes with snooze"),
    (("tasks", "delete", "1"), 2, "invalid choice"),
    (("tasks", "snooze", "1", "--until", "31/04/2026"), 2, "not a date"),
])
def test_bad_task_commands_say_what_is_wrong(tasks, run_cli, argv, code, message) -> None:
    result = run_cli(*argv)
    assert result.code == code
    assert message in result.err
