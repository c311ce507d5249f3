"""Commands for tasks: list them, snooze one, close one."""

from __future__ import annotations

import argparse
import logging
from datetime import date

from csdesk.cli.common import (
    add_as_of,
    add_json,
    as_of,
    parse_date_option,
    portfolio,
    print_json,
    print_table,
    record_id,
)
from csdesk.models import Task
from csdesk.services.accounts import find_account
from csdesk.services.tasks import close_task, list_tasks, snooze_task, task_json

logger = logging.getLogger(__name__)

ORDER = 36


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    tasks = subparsers.add_parser(
        "tasks", parents=[common], help="the CSM's tasks: list, snooze, close",
        usage="csdesk tasks [--json] [--open] [--account ACCOUNT] [--as-of DATE]\n"
              "       csdesk tasks snooze ID --until DATE\n"
              "       csdesk tasks close ID",
        description="Tasks come from alerts, renewal milestones, review action items or by "
        "hand. A snoozed task is hidden from --open until its date.")
    tasks.add_argument("action", nargs="?", choices=("snooze", "close"), metavar="ACTION",
                       help="snooze or close (default: list)")
    tasks.add_argument("task_id", nargs="?", type=record_id, metavar="ID",
                       help="the task's id")
    add_json(tasks)
    add_as_of(tasks)
    tasks.add_argument("--open", action="store_true",
                       help="only open tasks that are not snoozed past the date")
    tasks.add_argument("--account", metavar="ACCOUNT", help="only this account's tasks")
    tasks.add_argument("--until", type=parse_date_option, metavar="DATE",
                       help="with snooze: hide the task until this day")
    tasks.set_defaults(handler=run_tasks, tasks_parser=tasks)


def _status(task: Task, day: date) -> str:
    if task.status == "done":
        return "done"
    if task.snoozed_until is not None and task.snoozed_until > day:
        return f"snoozed to {task.snoozed_until.isoformat()}"
    return "open"


def run_tasks(args: argparse.Namespace) -> int:
    parser: argparse.ArgumentParser = args.tasks_parser
    if args.action is None:
        if args.task_id is not None or args.until is not None:
            parser.error("give an action: `tasks snooze ID --until DATE` or `tasks close ID`")
        return run_list(args)
    if args.task_id is None:
        parser.error(f"say which task to {args.action}: csdesk tasks {args.action} ID")
    if args.action == "snooze":
        if args.until is None:
            parser.error("snooze needs --until DATE")
        return run_snooze(args)
    if args.until is not None:
        parser.error("--until goes with snooze")
    return run_close(args)


def run_list(args: argparse.Namespace) -> int:
    day = as_of(args)
    with portfolio(args) as context, context.read() as session:
        account_id = find_account(session, args.account).id if args.account else None
        rows = list_tasks(session, day, open_only=args.open, account_id=account_id)
        data = [task_json(task, name) for task, name in rows]
        table = [(task.id, name, task.title, task.severity, task.due_on, _status(task, day))
                 for task, name in rows]
    if args.json:
        print_json(data)
        return 0
    if not table:
        print("no tasks" + (" open" if args.open else ""))
        return 0
    print_table(["id", "account", "task", "severity", "due", "status"], table)
    print(f"{len(table)} tasks")
    return 0


def run_snooze(args: argparse.Namespace) -> int:
    with portfolio(args) as context, context.write(context="tasks snooze") as session:
        task = snooze_task(session, args.task_id, args.until, as_of(args))
        title = task.title
    print(f"task {args.task_id} snoozed until {args.until.isoformat()}: {title}")
    return 0


def run_close(args: argparse.Namespace) -> int:
    with portfolio(args) as context, context.write(context="tasks close") as session:
        task = close_task(session, args.task_id, context.actor)
        title = task.title
    print(f"task {args.task_id} closed: {title}")
    return 0
