"""``csdesk today``: the CSM's day as a readable plan (or JSON)."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable, Sequence
from typing import Any

from csdesk.cli.commands.touchpoints import add_scope, scope_heading, status_text
from csdesk.cli.common import add_as_of, add_json, as_of, portfolio, print_json
from csdesk.services.context import load_rates
from csdesk.services.engagement import ScheduleRow
from csdesk.services.today import (
    DayPlan,
    MilestoneItem,
    ReviewItem,
    TaskItem,
    plan_day,
    resolve_scope,
    unknown_owner_note,
)
from csdesk.services.upkeep import raise_due_tasks

logger = logging.getLogger(__name__)

ORDER = 11

# Longer sections are cut here in text; the other commands and --json list everything.
SECTION_LIMIT = 15


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    today = subparsers.add_parser(
        "today", parents=[common], help="your day: touchpoints due, alerts, milestones, reviews",
        description="What to do today for your accounts (`csdesk me`): overdue touchpoints and "
        "those due in the next 7 days, open alerts, renewal milestones reached, and business "
        "reviews coming up.")
    add_scope(today)
    add_json(today)
    add_as_of(today)
    today.set_defaults(handler=print_today)


def print_today(args: argparse.Namespace) -> int:
    """Print the day plan; also what ``csdesk`` prints when no window can open."""
    day = as_of(args)
    with portfolio(args) as context:
        # The day's alerts and renewal milestones become tasks before the plan is read.
        raise_due_tasks(context, day)
        with context.read() as session:
            scope = resolve_scope(session, getattr(args, "owner", None),
                                  bool(getattr(args, "show_all", False)))
            missing = unknown_owner_note(session, scope)
            plan = plan_day(session, day, load_rates(session), scope)
    if getattr(args, "json", False):
        print_json(plan.to_json())
        return 0
    _print_plan(plan, missing)
    return 0


def _print_plan(plan: DayPlan, missing: str | None) -> None:
    print(f"Your day, {plan.as_of.strftime('%A')} {plan.as_of.isoformat()}: "
          f"{scope_heading(plan.scope, plan.accounts)}")
    if plan.scope.note:
        print(plan.scope.note)
    if missing:
        print(missing)
        return
    if plan.is_empty:
        print("\nNothing is due: no overdue touchpoints, alerts, milestones or reviews.")
        return

    _section("Overdue touchpoints", plan.overdue, _touchpoint_line, "csdesk touchpoints --overdue")
    _section("Due in the next 7 days", plan.due_soon, _touchpoint_line,
             "csdesk touchpoints --due-within 7")
    _section("Alerts to handle", plan.alerts, _alert_line, "csdesk tasks --open")
    _section("Renewal milestones reached", plan.milestones, _milestone_line, "csdesk renewals")
    _section("Business reviews coming up", plan.reviews, _review_line, "csdesk touchpoints")
    _section("Other tasks due", plan.tasks, _task_line, "csdesk tasks --open")


def _section(title: str, items: Sequence[Any], line: Callable[[Any], str], more: str) -> None:
    if not items:
        return
    print(f"\n{title} ({len(items)})")
    for item in items[:SECTION_LIMIT]:
        print("  " + line(item))
    if len(items) > SECTION_LIMIT:
        print(f"  ... and {len(items) - SECTION_LIMIT} more (`{more}`)")


def _touchpoint_line(row: ScheduleRow) -> str:
    t = row.touchpoint
    last = f"; last {t.last_done.isoformat()}" if t.last_done else ""
    return (f"{row.account.name} · {t.label} · due {t.due_on.isoformat()}, {status_text(row)}"
            f"{last}")


def _alert_line(task: TaskItem) -> str:
    raised = f" · raised {task.raised_on.isoformat()}" if task.raised_on else ""
    severity = f" [{task.severity}]" if task.severity else ""
    return f"{task.account or 'no account'} · {task.title}{raised}{severity} (task {task.task_id})"


def _milestone_line(item: MilestoneItem) -> str:
    renews = f" · renews {item.renewal_on.isoformat()}" if item.renewal_on else ""
    task = f" (task {item.task_id})" if item.task_id is not None else ""
    return (f"{item.account} · {item.milestone} {item.title} · reached "
            f"{item.reached_on.isoformat()}{renews}{task}")


def _review_line(item: ReviewItem) -> str:
    what = "planned" if item.planned else "due"
    return f"{item.account} · {item.kind} {what} {item.on.isoformat()}"


def _task_line(task: TaskItem) -> str:
    due = f" · due {task.due_on.isoformat()}" if task.due_on else ""
    who = task.account or "no account"
    return f"{who} · {task.title}{due} ({task.source}, task {task.task_id})"
