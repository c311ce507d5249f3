"""Commands for engagement and the journey: touchpoints, log, stage and stages."""

from __future__ import annotations

import argparse
import logging
from datetime import date
from pathlib import Path

from csdesk.cli.commands.tiers import read_json_file
from csdesk.cli.common import (
    add_as_of,
    add_json,
    as_of,
    parse_date_option,
    portfolio,
    print_json,
    print_table,
)
from csdesk.engagement.compliance import Window, window_ending
from csdesk.engagement.plan import DEFAULT_ENGAGEMENT_PLANS, EngagementPlans, describe
from csdesk.errors import ValidationError
from csdesk.journey.rules import DEFAULT_JOURNEY_RULES
from csdesk.services.context import load_rates
from csdesk.services.engagement import (
    ENGAGEMENT_PLANS,
    ScheduleRow,
    account_touchpoints,
    compliance_report,
    load_plans,
    log_activity,
    save_plans,
    touchpoint_schedule,
)
from csdesk.services.journey import (
    JOURNEY_RULES,
    StageMove,
    apply_stages,
    clear_stage_override,
    load_journey_rules,
    save_journey_rules,
    set_stage_override,
    stage_overview,
)
from csdesk.services.settings import get_setting
from csdesk.services.today import OwnerScope, resolve_scope, unknown_owner_note
from csdesk.vocabulary import JOURNEY_STAGES, TIER_LABELS

logger = logging.getLogger(__name__)

ORDER = 31


def _days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of days") from None
    if not 0 <= days <= 3660:
        raise argparse.ArgumentTypeError(f"{days} days is out of range (0 to 3660)")
    return days


def add_scope(parser: argparse.ArgumentParser) -> None:
    """``--owner X`` or ``--all``; without either, the accounts of `me`."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--owner", help="the accounts of this CSM instead of yours")
    group.add_argument("--all", action="store_true", dest="show_all",
                       help="every account, whoever owns it")


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    touchpoints = subparsers.add_parser(
        "touchpoints", parents=[common], help="touchpoints due, overdue and their compliance",
        description="The engagement schedule: each account's open touchpoints (check-ins, "
        "reviews, onboarding steps, surveys, digital touches) with their due dates. A "
        "touchpoint is due its cadence after the last matching activity (or after purchase) "
        "and overdue once that date has passed. Shows your accounts (`csdesk me`) unless "
        "--owner or --all says otherwise.")
    touchpoints.add_argument("--overdue", action="store_true", help="only overdue touchpoints")
    touchpoints.add_argument("--due-within", type=_days, metavar="DAYS",
                             help="only touchpoints due within DAYS days (overdue included)")
    add_scope(touchpoints)
    add_json(touchpoints)
    add_as_of(touchpoints)
    touchpoints.set_defaults(handler=run_touchpoints)
    actions = touchpoints.add_subparsers(dest="action", metavar="ACTION")

    compliance = actions.add_parser(
        "compliance", parents=[common],
        help="touchpoints done on time / touchpoints due, per account, CSM, tier",
        description="Compliance over a window (default: the 90 days up to the as-of date). A "
        "touchpoint counts on the day it was done on time, or on its due date when that "
        "passed without it. Accounts that are customers on the window's last day count.")
    compliance.add_argument("--window-days", type=_days, default=90, metavar="DAYS",
                            help="length of the window ending on the as-of date (default 90)")
    compliance.add_argument("--from", dest="start", type=parse_date_option, metavar="DATE",
                            help="first day of the window instead of --window-days")
    compliance.add_argument("--by", choices=("account", "owner", "tier", "touchpoint"),
                            help="how to group the table (default: owner for --all, else "
                                 "account)")
    add_scope(compliance)
    add_json(compliance)
    add_as_of(compliance)
    compliance.set_defaults(handler=run_compliance)

    plan = actions.add_parser("plan", parents=[common],
                              help="show or replace the engagement plans of the tiers")
    group = plan.add_mutually_exclusive_group()
    group.add_argument("--file", type=Path,
                       metavar="JSON", help="replace the plans with this JSON file")
    group.add_argument("--reset", action="store_true", help="go back to the default plans")
    add_json(plan)
    plan.set_defaults(handler=run_plan)

    log = subparsers.add_parser(
        "log", parents=[common], help="record an activity with a customer (a call, a review...)")
    log.add_argument("key", metavar="ACCOUNT", help="csdesk id, CRM id or name")
    log.add_argument("--kind", required=True, help="the kind of activity (see `touchpoints "
                     "plan` for the list)")
    log.add_argument("--date", type=parse_date_option, metavar="DATE",
                     help="when it happened (default: today)")
    log.add_argument("--summary", required=True, help="one line on what happened")
    log.add_argument("--contact", metavar="NAME", help="the customer contact involved")
    add_json(log)
    add_as_of(log)
    log.set_defaults(handler=run_log)

    stage = subparsers.add_parser("stage", parents=[common],
                                  help="apply the journey stage rules, or set a stage by hand")
    stage_actions = stage.add_subparsers(dest="action", metavar="ACTION", required=True)
    apply = stage_actions.add_parser("apply", parents=[common],
                                     help="run the stage rules and record stage changes")
    add_json(apply)
    add_as_of(apply)
    apply.set_defaults(handler=run_stage_apply)
    set_parser = stage_actions.add_parser("set", parents=[common],
                                          help="put an account in a stage by hand")
    set_parser.add_argument("key", metavar="ACCOUNT", help="csdesk id, CRM id or name")
    set_parser.add_argument("stage", choices=JOURNEY_STAGES, metavar="STAGE",
                            help=", ".join(JOURNEY_STAGES))
    set_parser.add_argument("--reason", required=True, help="why (kept with the stage history)")
    add_as_of(set_parser)
    set_parser.set_defaults(handler=run_stage_set)
    clear = stage_actions.add_parser("clear", parents=[common],
                                     help="drop the manual stage; the rules decide again")
    clear.add_argument("key", metavar="ACCOUNT", help="csdesk id, CRM id or name")
    add_as_of(clear)
    clear.set_defaults(handler=run_stage_clear)
    rules = stage_actions.add_parser("rules", parents=[common],
                                     help="show or replace the journey stage rules")
    group = rules.add_mutually_exclusive_group()
    group.add_argument("--file", type=Path, metavar="JSON",
                       help="replace the rules with this JSON file (checked first)")
    group.add_argument("--reset", action="store_true", help="go back to the default rules")
    rules.set_defaults(handler=run_stage_rules)

    stages = subparsers.add_parser("stages", parents=[common],
                                   help="accounts by journey stage, with time in stage")
    stages.add_argument("--owner", help="only accounts owned by this CSM")
    stages.add_argument("--stage", choices=JOURNEY_STAGES, help="only accounts in this stage")
    add_json(stages)
    add_as_of(stages)
    stages.set_defaults(handler=run_stages)


# touchpoints -------------------------------------------------------------------------------


def status_text(row: ScheduleRow) -> str:
    """'5 days overdue (2 missed)', 'due today' or 'in 3 days'."""
    touchpoint = row.touchpoint
    if touchpoint.is_overdue:
        text = f"{-touchpoint.days_until} days overdue"
        return text + (f" ({touchpoint.missed} missed)" if touchpoint.missed > 1 else "")
    if touchpoint.days_until == 0:
        return "due today"
    return f"in {touchpoint.days_until} days"


def scope_heading(scope: OwnerScope, accounts: int) -> str:
    """Whose accounts a view shows, for its first line."""
    whose = "every account" if scope.owner is None else f"{scope.owner}'s accounts"
    return f"{whose} ({accounts} customers)"


def run_touchpoints(args: argparse.Namespace) -> int:
    day = as_of(args)
    with portfolio(args) as context, context.read() as session:
        scope = resolve_scope(session, args.owner, args.show_all)
        missing = unknown_owner_note(session, scope)
        schedule = touchpoint_schedule(session, day, load_rates(session), scope.owner)

    rows = list(schedule.rows)
    if args.overdue:
        rows = [r for r in rows if r.touchpoint.is_overdue]
    if args.due_within is not None:
        rows = [r for r in rows if r.touchpoint.days_until <= args.due_within]

    if args.json:
        print_json({"as_of": day.isoformat(), "scope": scope.to_json(),
                    "accounts": schedule.accounts, "touchpoints": [r.to_json() for r in rows]})
        return 0
    if scope.note:
        print(scope.note)
    if missing:
        print(missing)
        return 0
    print(f"Touchpoints for {scope_heading(scope, schedule.accounts)} as of {day.isoformat()}")
    if not rows:
        print("nothing matches" if schedule.rows else "no touchpoints (no current customers)")
        return 0
    print_table(
        ["account", "tier", "touchpoint", "due", "status", "last done", "cadence"],
        [(r.account.name, r.account.tier, r.touchpoint.label, r.touchpoint.due_on,
          status_text(r), r.touchpoint.last_done, r.cadence) for r in rows],
    )
    overdue = sum(1 for r in rows if r.touchpoint.is_overdue)
    print(f"{len(rows)} touchpoints, {overdue} overdue")
    return 0


def _window(args: argparse.Namespace, day: date) -> Window:
    if args.start is None:
        if args.window_days < 1:
            raise ValidationError("--window-days must be at least 1")
        return window_ending(day, args.window_days)
    if args.start > day:
        raise ValidationError(f"--from {args.start.isoformat()} is after the as-of date "
                              f"{day.isoformat()}")
    return Window(args.start, day)


def run_compliance(args: argparse.Namespace) -> int:
    day = as_of(args)
    window = _window(args, day)
    with portfolio(args) as context, context.read() as session:
        scope = resolve_scope(session, args.owner, args.show_all)
        missing = unknown_owner_note(session, scope)
        report = compliance_report(session, window, load_rates(session), scope.owner)
    if args.json:
        data = report.to_json()
        data["scope"] = scope.to_json()
        print_json(data)
        return 0
    if scope.note:
        print(scope.note)
    if missing:
        print(missing)
        return 0
    by = args.by or ("account" if scope.owner else "owner")
    lines = report.groups[by]
    print(f"Engagement compliance, {window.start.isoformat()} to {window.end.isoformat()}, "
          f"{'every account' if scope.owner is None else scope.owner + chr(39) + 's accounts'}")
    print_table([by, "due", "on time", "compliance"],
                [(line.label, line.count.due, line.count.on_time, _percent(line.count.rate))
                 for line in lines])
    total = report.total
    print(f"total: {total.on_time} of {total.due} touchpoints on time "
          f"({_percent(total.rate)})")
    return 0


def _percent(rate: float | None) -> str:
    return "-" if rate is None else f"{rate * 100:.1f}%"


def run_plan(args: argparse.Namespace) -> int:
    with portfolio(args) as context:
        if args.file or args.reset:
            document = DEFAULT_ENGAGEMENT_PLANS if args.reset else read_json_file(args.file)
            with context.write(origin="user", context="engagement plans") as session:
                save_plans(session, document)
            print("engagement plans " + ("reset to the defaults" if args.reset else "replaced")
                  + "; the schedule follows at once")
            return 0
        with context.read() as session:
            plans = load_plans(session)
            document = get_setting(session, ENGAGEMENT_PLANS.key)
    if args.json:
        print_json(document)
        return 0
    _print_plans(plans)
    return 0


def _print_plans(plans: EngagementPlans) -> None:
    print("activity kinds: " + ", ".join(plans.activity_kinds))
    for tier, name in TIER_LABELS.items():
        print(f"\ntier {tier} {name.lower()}:")
        print_table(["touchpoint", "cadence", "satisfied by"],
                    [(s.label + (" (review)" if s.review else ""), describe(s),
                      ", ".join(sorted(s.kinds))) for s in plans.for_tier(tier)])


# log ---------------------------------------------------------------------------------------


def run_log(args: argparse.Namespace) -> int:
    day = as_of(args)
    on = args.date or day
    with portfolio(args) as context:
        with context.write(origin="user", context="log activity") as session:
            account, activity = log_activity(session, args.key, args.kind.strip(), on,
                                             args.summary, day, context.actor, args.contact)
            account_id, name, activity_id = account.id, account.name, activity.id
        with context.read() as session:
            rows = [r for r in account_touchpoints(session, account_id, day, load_rates(session))
                    if args.kind.strip() in r.kinds]
    if args.json:
        print_json({"activity_id": str(activity_id), "account": {"id": str(account_id),
                    "name": name}, "kind": args.kind.strip(), "date": on.isoformat(),
                    "touchpoints": [r.to_json() for r in rows]})
        return 0
    print(f"logged {args.kind.strip()} with {name} on {on.isoformat()} (activity {activity_id})")
    for row in rows:
        print(f"  {row.touchpoint.label}: next due {row.touchpoint.due_on.isoformat()} "
              f"({status_text(row)})")
    return 0


# stages ------------------------------------------------------------------------------------


def _stage_move_text(move: StageMove) -> str:
    before = move.old_stage or "no stage"
    return (f"{move.name}: {before} -> {move.new_stage} from {move.entered_on.isoformat()} "
            f"({move.source}: {move.reason})")


def run_stage_apply(args: argparse.Namespace) -> int:
    day = as_of(args)
    with portfolio(args) as context, context.write(origin="user", context="stage apply") as s:
        result = apply_stages(s, day, load_rates(s))
    if args.json:
        print_json(result.to_json())
        return 0
    for move in result.moves:
        print(_stage_move_text(move))
    print(f"journey stages as of {day}: {len(result.moves)} changed, {result.unchanged} "
          "unchanged")
    return 0


def run_stage_set(args: argparse.Namespace) -> int:
    day = as_of(args)
    with portfolio(args) as context, context.write(origin="user", context="stage set") as s:
        move = set_stage_override(s, args.key, args.stage, args.reason, day)
    print(_stage_move_text(move) if move else
          f"the stage is now set by hand to {args.stage} (it already was {args.stage})")
    return 0


def run_stage_clear(args: argparse.Namespace) -> int:
    day = as_of(args)
    with portfolio(args) as context, context.write(origin="user", context="stage clear") as s:
        account, move = clear_stage_override(s, args.key, day, load_rates(s))
        name, stage = account.name, account.journey_stage
    print(_stage_move_text(move) if move else
          f"{name}: stage set by hand removed; the rules give {stage or 'no stage'}")
    return 0


def run_stage_rules(args: argparse.Namespace) -> int:
    with portfolio(args) as context:
        if args.file or args.reset:
            document = DEFAULT_JOURNEY_RULES if args.reset else read_json_file(args.file)
            with context.write(origin="user", context="journey rules") as session:
                save_journey_rules(session, document)
            print("journey rules " + ("reset to the defaults" if args.reset else "replaced") +
                  "; run `csdesk stage apply` to move the accounts")
            return 0
        with context.read() as session:
            load_journey_rules(session)
            document = get_setting(session, JOURNEY_RULES.key)
    print_json(document)
    return 0


def run_stages(args: argparse.Namespace) -> int:
    day = as_of(args)
    with portfolio(args) as context, context.read() as session:
        rows = stage_overview(session, day, load_rates(session), owner=args.owner)
    if args.stage:
        rows = [r for r in rows if r.stage == args.stage]
    if args.json:
        print_json([r.to_json() for r in rows])
        return 0
    if not rows:
        print("no accounts match")
        return 0
    print_table(
        ["id", "account", "owner", "stage", "since", "days", "by", "reason"],
        [(r.account_id, r.name, r.owner, (r.stage or "-") + (" *" if r.pending else ""),
          r.since, r.days_in_stage, r.source, r.reason) for r in rows],
    )
    counts = {s: sum(1 for r in rows if r.stage == s) for s in JOURNEY_STAGES}
    print(f"{len(rows)} accounts: " + ", ".join(f"{s} {n}" for s, n in counts.items() if n))
    pending = sum(1 for r in rows if r.pending)
    if pending:
        print(f"* {pending} accounts would move by the rules as of {day}; run "
              "`csdesk stage apply` to record it")
    return 0

