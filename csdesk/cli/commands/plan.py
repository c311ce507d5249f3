"""Commands for success plans (`plan`) and business reviews (`review`)."""

from __future__ import annotations

import argparse
import logging
from typing import Any

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
from csdesk.errors import ValidationError
from csdesk.plans.view import PlanView, ReviewView
from csdesk.services import plans
from csdesk.services.context import AppContext
from csdesk.services.plans import FieldChange
from csdesk.vocabulary import label

logger = logging.getLogger(__name__)

ORDER = 45


def _optional_date(text: str) -> Any:
    """A date, or an empty string to clear one."""
    return None if text.strip() == "" else parse_date_option(text)


def _options(common: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """--json and --as-of again after an action, without hiding the ones given before it."""
    options = argparse.ArgumentParser(add_help=False, parents=[common])
    options.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                         help="print the plan as JSON after the change")
    options.add_argument("--as-of", type=parse_date_option, default=argparse.SUPPRESS,
                         metavar="DATE", help="work as of this date (YYYY-MM-DD)")
    return options


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the plan and review commands."""
    plan = subparsers.add_parser(
        "plan", parents=[common], help="show or edit an account's success plan",
        description="Without an action, show the plan. Actions: init, outcome, objective, "
        "milestone, text.",
    )
    plan.add_argument("account", metavar="ACCOUNT", help="csdesk id, CRM id or name")
    add_json(plan)
    add_as_of(plan)
    plan.set_defaults(handler=run_plan, action=None)
    options = _options(common)
    actions = plan.add_subparsers(dest="action", metavar="ACTION")

    init = actions.add_parser("init", parents=[options], help="start the plan from a template")
    init.add_argument("--template", help="tier1, tier2 or tier3 (default: the account's tier)")

    _register_outcome(actions, options)
    _register_objective(actions, options)
    _register_milestone(actions, options)

    text = actions.add_parser("text", parents=[options], help="set the plan's texts")
    text.add_argument("--why", help="why they bought")
    text.add_argument("--criteria", help="success criteria")
    text.add_argument("--summary", help="executive summary")
    text.add_argument("--risks", help="risks and blockers")

    _register_review(subparsers, common)


def _register_outcome(actions: Any, options: argparse.ArgumentParser) -> None:
    outcome = actions.add_parser("outcome", parents=[options], help="add, update or delete")
    verbs = outcome.add_subparsers(dest="verb", metavar="add|update|delete", required=True)
    add = verbs.add_parser("add", parents=[options])
    add.add_argument("--title", required=True)
    add.add_argument("--description")
    update = verbs.add_parser("update", parents=[options])
    update.add_argument("id", type=record_id)
    update.add_argument("--title")
    update.add_argument("--description")
    update.add_argument("--position", type=record_id)
    delete = verbs.add_parser("delete", parents=[options])
    delete.add_argument("id", type=record_id)


def _objective_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--kpi", help="what is measured")
    parser.add_argument("--unit", help="unit of the KPI (%%, hours, EUR...)")
    parser.add_argument("--baseline", help="value at the start (exact decimal)")
    parser.add_argument("--target", help="value to reach (exact decimal)")
    parser.add_argument("--current", help="value now (exact decimal)")
    parser.add_argument("--owner", help="who owns it")
    parser.add_argument("--side", help="ours or theirs")
    parser.add_argument("--due", type=_optional_date, default=argparse.SUPPRESS,
                        metavar="DATE", help="due date (YYYY-MM-DD; empty to clear)")
    parser.add_argument("--status", help="not_started, on_track, at_risk or done")


def _register_objective(actions: Any, options: argparse.ArgumentParser) -> None:
    objective = actions.add_parser("objective", parents=[options], help="add, update or delete")
    verbs = objective.add_subparsers(dest="verb", metavar="add|update|delete", required=True)
    add = verbs.add_parser("add", parents=[options])
    add.add_argument("--outcome", type=record_id, required=True, metavar="ID")
    add.add_argument("--title", required=True)
    _objective_options(add)
    update = verbs.add_parser("update", parents=[options])
    update.add_argument("id", type=record_id)
    update.add_argument("--outcome", type=record_id, metavar="ID", help="move under this outcome")
    update.add_argument("--title")
    _objective_options(update)
    delete = verbs.add_parser("delete", parents=[options])
    delete.add_argument("id", type=record_id)


def _register_milestone(actions: Any, options: argparse.ArgumentParser) -> None:
    milestone = actions.add_parser("milestone", parents=[options], help="add, update or delete")
    verbs = milestone.add_subparsers(dest="verb", metavar="add|update|delete", required=True)
    add = verbs.add_parser("add", parents=[options])
    add.add_argument("--title", required=True)
    update = verbs.add_parser("update", parents=[options])
    update.add_argument("id", type=record_id)
    update.add_argument("--title")
    update.add_argument("--not-done", action="store_true", help="clear the done date")
    update.add_argument("--no-first-value", action="store_true",
                        help="no longer the first-value milestone")
    for parser in (add, update):
        parser.add_argument("--due", type=_optional_date, default=argparse.SUPPRESS,
                            metavar="DATE", help="due date (YYYY-MM-DD; empty to clear)")
        parser.add_argument("--done", type=parse_date_option, metavar="DATE",
                            help="done on this date")
        parser.add_argument("--first-value", action="store_true",
                            help="this milestone marks first value (unmarks any other)")
        parser.add_argument("--owner")
        parser.add_argument("--side", help="ours or theirs")
    delete = verbs.add_parser("delete", parents=[options])
    delete.add_argument("id", type=record_id)


def _register_review(subparsers: Any, common: argparse.ArgumentParser) -> None:
    review = subparsers.add_parser("review", parents=[common],
                                   help="record or list business reviews (QBR, EBR)")
    verbs = review.add_subparsers(dest="verb", metavar="add|list", required=True)
    add = verbs.add_parser("add", parents=[common], help="record a business review")
    add.add_argument("account", metavar="ACCOUNT")
    add.add_argument("--kind", required=True, help="QBR or EBR")
    add.add_argument("--date", required=True, type=parse_date_option, dest="held_on")
    add.add_argument("--attendees", nargs="+", default=[], metavar="NAME",
                     help="who attended (several names, or one text separated by ;)")
    add.add_argument("--agenda")
    add.add_argument("--summary")
    add.add_argument("--action", action="append", default=[], metavar="TEXT;OWNER;SIDE;DUE",
                     help="an action item (repeat for more); it becomes a task")
    add_json(add)
    add_as_of(add)
    add.set_defaults(handler=run_review_add)
    listing = verbs.add_parser("list", parents=[common], help="list an account's reviews")
    listing.add_argument("account", metavar="ACCOUNT")
    add_json(listing)
    listing.set_defaults(handler=run_review_list)


# Running ---------------------------------------------------------------------------------


def _given(args: argparse.Namespace, mapping: dict[str, str]) -> dict[str, Any]:
    """The options the user gave, renamed to the service's field names.

    ``--due`` is absent unless given, and may be given empty to clear the date (None).
    """
    given = {}
    for option, field in mapping.items():
        value = getattr(args, option, None)
        if value is not None or (option == "due" and hasattr(args, "due")):
            given[field] = value
    return given


OBJECTIVE_OPTIONS = {"outcome": "outcome_id", "title": "title", "kpi": "kpi", "unit": "unit",
                     "baseline": "baseline", "target": "target", "current": "current",
                     "owner": "owner", "side": "owner_side", "due": "due_on",
                     "status": "status"}
MILESTONE_OPTIONS = {"title": "title", "due": "due_on", "done": "done_on", "owner": "owner",
                     "side": "owner_side"}
TEXT_OPTIONS = {"why": "why_they_bought", "criteria": "success_criteria",
                "summary": "executive_summary", "risks": "risks"}


def _milestone_changes(args: argparse.Namespace) -> dict[str, Any]:
    changes = _given(args, MILESTONE_OPTIONS)
    if getattr(args, "not_done", False):
        if "done_on" in changes:
            raise ValidationError("give either --done or --not-done, not both")
        changes["done_on"] = None
    if args.first_value and getattr(args, "no_first_value", False):
        raise ValidationError("give either --first-value or --no-first-value, not both")
    if args.first_value:
        changes["is_first_value"] = True
    elif getattr(args, "no_first_value", False):
        changes["is_first_value"] = False
    return changes


def _edit(context: AppContext, args: argparse.Namespace) -> str:
    """Apply the action in one unit of work; return the confirmation to print."""
    key, day, action, verb = args.account, as_of(args), args.action, getattr(args, "verb", None)
    with context.write("user", context=f"plan {action} {verb or ''}".strip()) as session:
        if action == "init":
            plan = plans.init_plan(session, key, day, args.template)
            return f"success plan {plan.id} started"
        if action == "text":
            return _changed("plan texts", plans.set_plan_texts(session, key,
                                                               _given(args, TEXT_OPTIONS)))
        if action == "outcome":
            if verb == "add":
                outcome = plans.add_outcome(session, key, args.title, args.description)
                return f"outcome {outcome.id} added"
            if verb == "update":
                changes = _given(args, {"title": "title", "description": "description",
                                        "position": "position"})
                return _changed(f"outcome {args.id}",
                                plans.update_outcome(session, key, args.id, changes))
            plans.delete_outcome(session, key, args.id)
            return f"outcome {args.id} deleted with its objectives"
        if action == "objective":
            if verb == "add":
                values = _given(args, OBJECTIVE_OPTIONS)
                values.pop("outcome_id", None)
                objective = plans.add_objective(session, key, args.outcome, values)
                return f"objective {objective.id} added"
            if verb == "update":
                return _changed(f"objective {args.id}", plans.update_objective(
                    session, key, args.id, _given(args, OBJECTIVE_OPTIONS)))
            plans.delete_objective(session, key, args.id)
            return f"objective {args.id} deleted"
        if verb == "add":
            milestone = plans.add_milestone(session, key, _milestone_changes(args))
            return f"milestone {milestone.id} added"
        if verb == "update":
            return _changed(f"milestone {args.id}", plans.update_milestone(
                session, key, args.id, _milestone_changes(args)))
        plans.delete_milestone(session, key, args.id)
        return f"milestone {args.id} deleted"


def _changed(what: str, changes: list[FieldChange]) -> str:
    if not changes:
        return f"{what}: nothing changed"
    parts = [f"{c.field} {_plain(c.old)} → {_plain(c.new)}" for c in changes]
    return f"{what} updated: " + "; ".join(parts)


def _plain(value: Any) -> str:
    if value is None or value == "":
        return "(none)"
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def run_plan(args: argparse.Namespace) -> int:
    """Show the plan, or apply one edit and confirm it."""
    with portfolio(args) as context:
        message = _edit(context, args) if args.action else None
        with context.read() as session:
            view = plans.plan_view(session, args.account, as_of(args))
    if getattr(args, "json", False):
        print_json(view.to_json())
        return 0
    if message:
        print(message)
        return 0
    print_plan(view)
    return 0


def print_plan(view: PlanView) -> None:
    """The plan as text: texts, outcomes with objectives, milestones, recent reviews."""
    print(f"Success plan: {view.account_name} (account {view.account_id}, tier "
          f"{view.tier or '-'})")
    if view.plan_id is None:
        print(f"  no plan yet: start one with `csdesk plan {view.account_id} init`")
    for heading, text in (("Why they bought", view.why_they_bought),
                          ("Success criteria", view.success_criteria),
                          ("Executive summary", view.executive_summary),
                          ("Risks", view.risks)):
        if text:
            print(f"  {heading}: {text}")
    for outcome in view.outcomes:
        print()
        print(f"Outcome {outcome.id}: {outcome.title}")
        if outcome.description:
            print(f"  {outcome.description}")
        if outcome.objectives:
            print_table(
                ["id", "objective", "KPI", "baseline", "target", "current", "progress",
                 "owner", "due", "status"],
                [(o.id, o.title, " ".join(p for p in (o.kpi, f"({o.unit})" if o.unit else "")
                                          if p) or None,
                  o.baseline, o.target, o.current,
                  None if o.progress is None else f"{o.progress * 100:.0f}%",
                  f"{o.owner or '-'} ({o.owner_side})", o.due_on,
                  label(o.status) + (" (overdue)" if o.overdue else ""))
                 for o in outcome.objectives],
            )
    if view.milestones:
        print()
        print("Milestones")
        print_table(
            ["id", "milestone", "due", "done", "owner", ""],
            [(m.id, m.title, m.due_on, m.done_on, f"{m.owner or '-'} ({m.owner_side})",
              ("first value " if m.is_first_value else "") + ("overdue" if m.overdue else ""))
             for m in view.milestones],
        )
    if view.reviews:
        print()
        latest = view.reviews[0]
        print(f"Last review: {latest.kind} on {latest.held_on.isoformat()}; "
              f"{len(view.open_action_items)} open action items")


def run_review_add(args: argparse.Namespace) -> int:
    """Record a business review and its action items."""
    with portfolio(args) as context:
        with context.write("user", context="review add") as session:
            review = plans.add_review(
                session, args.account, args.kind, args.held_on, as_of(args),
                attendees=args.attendees, agenda=args.agenda, summary=args.summary,
                actions=args.action,
            )
            review_id = review.id
        with context.read() as session:
            view = next(r for r in plans.list_reviews(session, args.account)
                        if r.id == review_id)
    if args.json:
        print_json(view.to_json())
        return 0
    print(f"{view.kind} {view.id} on {view.held_on.isoformat()} recorded with "
          f"{len(view.action_items)} action items")
    for item in view.action_items:
        print(f"  task {item.task_id}: {item.title} ({item.owner or '-'}, {item.owner_side}, "
              f"due {item.due_on.isoformat() if item.due_on else '-'})")
    return 0


def run_review_list(args: argparse.Namespace) -> int:
    """List an account's business reviews."""
    with portfolio(args) as context, context.read() as session:
        reviews = plans.list_reviews(session, args.account)
    if args.json:
        print_json([r.to_json() for r in reviews])
        return 0
    if not reviews:
        print("no business reviews recorded (add one with `csdesk review add`)")
        return 0
    print_table(["id", "kind", "date", "attendees", "action items (open)", "summary"],
                [_review_row(r) for r in reviews])
    return 0


def _review_row(review: ReviewView) -> tuple[Any, ...]:
    open_items = sum(1 for a in review.action_items if a.status == "open")
    return (review.id, review.kind, review.held_on, ", ".join(review.attendees) or None,
            f"{len(review.action_items)} ({open_items})", review.summary)
