"""Commands for tiers and for who you are: tiers, tier set/clear, me."""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path
from typing import Any

from csdesk.cli.common import add_as_of, add_json, as_of, portfolio, print_json, print_table
from csdesk.errors import ValidationError
from csdesk.services.context import load_rates
from csdesk.services.settings import get_setting
from csdesk.services.tiers import (
    TIER_RULES,
    TierMove,
    apply_tiers,
    clear_tier_override,
    load_tier_rules,
    save_tier_rules,
    set_tier_override,
    tier_history,
    tier_overview,
)
from csdesk.services.today import account_owners, get_me, owner_has_accounts, set_me
from csdesk.tiers.rules import DEFAULT_TIER_RULES
from csdesk.vocabulary import TIER_LABELS

logger = logging.getLogger(__name__)

ORDER = 30


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    tiers = subparsers.add_parser(
        "tiers", parents=[common], help="accounts by tier, with the rule or override behind it",
        description="List accounts with their tier (1 high touch, 2 mid touch, 3 tech touch), "
        "the rule that gives it or the manual override that wins over the rules.")
    add_json(tiers)
    add_as_of(tiers)
    tiers.add_argument("--owner", help="only accounts owned by this CSM")
    tiers.set_defaults(handler=run_tiers)
    actions = tiers.add_subparsers(dest="action", metavar="ACTION")

    apply = actions.add_parser("apply", parents=[common],
                               help="re-evaluate the rules and record tier changes")
    add_json(apply)
    add_as_of(apply)
    apply.set_defaults(handler=run_apply)

    rules = actions.add_parser("rules", parents=[common], help="show or replace the tier rules")
    group = rules.add_mutually_exclusive_group()
    group.add_argument("--file", type=Path, metavar="JSON",
                       help="replace the rules with this JSON file (checked first)")
    group.add_argument("--reset", action="store_true", help="go back to the default rules")
    rules.set_defaults(handler=run_rules)

    history = actions.add_parser("history", parents=[common],
                                 help="an account's tier changes, oldest first")
    history.add_argument("key", metavar="ACCOUNT", help="csdesk id, CRM id or name")
    add_json(history)
    history.set_defaults(handler=run_history)

    tier = subparsers.add_parser("tier", parents=[common],
                                 help="set or clear an account's tier by hand")
    tier_actions = tier.add_subparsers(dest="action", metavar="ACTION", required=True)
    set_parser = tier_actions.add_parser(
        "set", parents=[common], help="give an account a tier by hand (wins over the rules)")
    set_parser.add_argument("key", metavar="ACCOUNT", help="csdesk id, CRM id or name")
    set_parser.add_argument("tier", type=int, choices=(1, 2, 3), metavar="TIER",
                            help="1, 2 or 3")
    set_parser.add_argument("--reason", required=True, help="why (kept with the tier history)")
    add_as_of(set_parser)
    set_parser.set_defaults(handler=run_tier_set)
    clear = tier_actions.add_parser("clear", parents=[common],
                                    help="drop the manual tier; the rules decide again")
    clear.add_argument("key", metavar="ACCOUNT", help="csdesk id, CRM id or name")
    add_as_of(clear)
    clear.set_defaults(handler=run_tier_clear)

    me = subparsers.add_parser("me", parents=[common],
                               help="show or set who you are (the owner name of your accounts)")
    me.add_argument("name", nargs="?", metavar="NAME", help="your name as account owner")
    me.add_argument("--unset", action="store_true", help="forget the name")
    me.set_defaults(handler=run_me)


# Rules and plans are a few kilobytes; anything far larger is the wrong file.
MAX_JSON_BYTES = 1_000_000


def read_json_file(path: Path) -> Any:
    """A JSON document from a file, or a clear error saying what is wrong with it.

    UTF-8 with or without a byte-order mark (as Windows editors save it) is accepted.
    """
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_JSON_BYTES + 1)
    except OSError as exc:
        raise ValidationError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(raw) > MAX_JSON_BYTES:
        raise ValidationError(f"{path} is larger than {MAX_JSON_BYTES // 1_000_000} MB; "
                              "give the JSON file of rules or plans")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(f"{path} is not UTF-8 text (byte {exc.start + 1} cannot be "
                              "read); save it as UTF-8 JSON") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(f"{path} is not valid JSON: line {exc.lineno}, column "
                              f"{exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise ValidationError(f"{path} nests too deeply to be rules or plans") from None


def run_tiers(args: argparse.Namespace) -> int:
    day = as_of(args)
    with portfolio(args) as context, context.read() as session:
        rows = tier_overview(session, day, load_rates(session), owner=args.owner)
    if args.json:
        print_json([row.to_json() for row in rows])
        return 0
    if not rows:
        print("no accounts" + (f" owned by {args.owner}" if args.owner else ""))
        return 0
    print_table(
        ["id", "account", "owner", "tier", "by", "reason", "ARR", "since"],
        [(r.account_id, r.name, r.owner, f"{r.tier}{' *' if r.pending else ''}",
          r.decision.source, r.decision.reason, r.arr.format(), r.since) for r in rows],
    )
    counts = {t: sum(1 for r in rows if r.tier == t) for t in TIER_LABELS}
    print(f"{len(rows)} accounts: " + ", ".join(
        f"tier {t} {TIER_LABELS[t].lower()} {n}" for t, n in counts.items()))
    pending = sum(1 for r in rows if r.pending)
    if pending:
        print(f"* {pending} accounts would get another tier from the rules as of {day}; "
              "run `csdesk tiers apply` to record it")
    return 0


def run_apply(args: argparse.Namespace) -> int:
    day = as_of(args)
    with portfolio(args) as context, context.write(origin="user", context="tiers apply") as s:
        result = apply_tiers(s, day, load_rates(s))
    if args.json:
        print_json(result.to_json())
        return 0
    for move in result.moves:
        print(_move_text(move))
    print(f"tiers as of {day}: {len(result.moves)} changed, {result.unchanged} unchanged")
    return 0


def _move_text(move: TierMove) -> str:
    before = "no tier" if move.old_tier is None else f"tier {move.old_tier}"
    return f"{move.name}: {before} -> tier {move.new_tier} ({move.source}: {move.reason})"


def run_rules(args: argparse.Namespace) -> int:
    with portfolio(args) as context:
        if args.file or args.reset:
            document = DEFAULT_TIER_RULES if args.reset else read_json_file(args.file)
            with context.write(origin="user", context="tier rules") as session:
                save_tier_rules(session, document)
            print("tier rules " + ("reset to the defaults" if args.reset else "replaced") +
                  "; run `csdesk tiers apply` to re-evaluate the accounts")
            return 0
        with context.read() as session:
            load_tier_rules(session)
            document = get_setting(session, TIER_RULES.key)
    print_json(document)
    return 0


def run_history(args: argparse.Namespace) -> int:
    with portfolio(args) as context, context.read() as session:
        account, entries = tier_history(session, args.key)
    if args.json:
        print_json({"account": {"id": str(account.id), "name": account.name},
                    "changes": [e.to_json() for e in entries]})
        return 0
    if not entries:
        print(f"{account.name} has no tier changes recorded yet (run `csdesk tiers apply`)")
        return 0
    print(f"{account.name}: tier history")
    print_table(["date", "from", "to", "by", "reason"],
                [(e.changed_on, e.old_tier, e.new_tier, e.source, e.reason) for e in entries])
    return 0


def run_tier_set(args: argparse.Namespace) -> int:
    day = as_of(args)
    with portfolio(args) as context, context.write(origin="user", context="tier set") as s:
        move = set_tier_override(s, args.key, args.tier, args.reason, day)
    if move is None:
        print(f"the tier is now set by hand to {args.tier} (it already was {args.tier})")
    else:
        print(_move_text(move))
    return 0


def run_tier_clear(args: argparse.Namespace) -> int:
    day = as_of(args)
    with portfolio(args) as context, context.write(origin="user", context="tier clear") as s:
        account, move = clear_tier_override(s, args.key, day, load_rates(s))
        name, tier = account.name, account.tier
    if move is None:
        print(f"{name}: tier set by hand removed; the rules give the same tier ({tier})")
    else:
        print(_move_text(move))
    return 0


def run_me(args: argparse.Namespace) -> int:
    if args.name is not None and args.unset:
        raise ValidationError("give a name or --unset, not both")
    with portfolio(args) as context:
        if args.name is None and not args.unset:
            with context.read() as session:
                me = get_me(session)
            print(me if me else "`me` is not set; set it with csdesk me \"Your Name\"")
            return 0
        with context.write(origin="user", context="me") as session:
            me = set_me(session, None if args.unset else args.name)
            known = owner_has_accounts(session, me) if me else True
            owners = account_owners(session) if not known else []
    if me is None:
        print("`me` is unset; views show every account")
        return 0
    print(f"you are {me}")
    if not known:
        names = ", ".join(name for name, _ in owners[:8]) or "none yet"
        print(f"note: no account is owned by {me} yet (owners in the book: {names})")
    return 0

