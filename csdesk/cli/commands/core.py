"""Commands for the portfolio itself: init, accounts, account, export."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from csdesk.cli.common import add_as_of, add_json, as_of, portfolio, print_json, print_table
from csdesk.services.accounts import account_detail, list_accounts
from csdesk.services.context import load_rates
from csdesk.services.export import export_portfolio

logger = logging.getLogger(__name__)

ORDER = 10


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    init = subparsers.add_parser("init", parents=[common], help="create an empty portfolio")
    init.set_defaults(handler=run_init)

    accounts = subparsers.add_parser("accounts", parents=[common], help="list accounts")
    add_json(accounts)
    add_as_of(accounts)
    accounts.add_argument("--tier", type=int, choices=(1, 2, 3), help="only this tier")
    accounts.add_argument("--owner", help="only accounts owned by this CSM")
    accounts.add_argument("--search", help="only names containing this text")
    accounts.set_defaults(handler=run_accounts)

    account = subparsers.add_parser("account", parents=[common], help="show one account")
    account.add_argument("key", metavar="ID_OR_NAME", help="csdesk id, CRM id or name")
    add_json(account)
    add_as_of(account)
    account.set_defaults(handler=run_account)

    export = subparsers.add_parser("export", parents=[common], help="export every table")
    export.add_argument("directory", metavar="DIR", type=Path)
    export.add_argument("--format", choices=("csv", "json"), default="csv")
    export.add_argument("--overwrite", action="store_true",
                        help="replace the tables in a folder that already holds files")
    export.set_defaults(handler=run_export)


def run_init(args: argparse.Namespace) -> int:
    with portfolio(args) as context:
        print(f"portfolio ready at {context.portfolio.path}")
        logger.info("portfolio initialised at %s", context.portfolio.path)
    return 0


def run_accounts(args: argparse.Namespace) -> int:
    with portfolio(args) as context, context.read() as session:
        rows = list_accounts(
            session, as_of(args), load_rates(session),
            tier=args.tier, owner=args.owner, search=args.search,
        )
    if args.json:
        print_json([row.to_json() for row in rows])
        return 0
    if not rows:
        print("no accounts match (run `csdesk demo` for a demo book, or `csdesk import`)")
        return 0
    print_table(
        ["id", "name", "tier", "owner", "country", "ARR"],
        [(r.id, r.name, r.tier, r.owner, r.country, r.arr.format()) for r in rows],
    )
    print(f"{len(rows)} accounts")
    return 0


def run_account(args: argparse.Namespace) -> int:
    with portfolio(args) as context, context.read() as session:
        detail = account_detail(session, args.key, as_of(args), load_rates(session))
    if args.json:
        print_json(detail.to_json())
        return 0
    s = detail.summary
    print(f"{s.name}  (id {s.id})")
    print(f"  owner {s.owner or '-'} · tier {s.tier or '-'} · stage {s.journey_stage or '-'}"
          f" · {s.industry or '-'} · {s.country or '-'}")
    print(f"  ARR {s.arr.format()} · seats {s.licensed_seats or '-'} · open cases "
          f"{detail.open_cases} · usage days {detail.usage_days} · answers {detail.survey_answers}")
    if detail.contacts:
        print("  contacts:")
        for c in detail.contacts:
            flag = " (left)" if c["left_company"] else ""
            print(f"    {c['name']}{flag} — {', '.join(c['roles']) or 'no role'}")
    if detail.contracts:
        print("  contracts:")
        for c in detail.contracts:
            print(f"    {c['start_date']} → {c['end_date'] or 'open'}  ARR {c['arr']['amount']} "
                  f"{c['arr']['currency']}{'' if c['active'] else ' (inactive)'}")
    return 0


def run_export(args: argparse.Namespace) -> int:
    with portfolio(args) as context, context.read() as session:
        result = export_portfolio(session, args.directory, args.format, args.overwrite)
    total = sum(result.files.values())
    print(f"wrote {len(result.files)} tables ({total} rows) to {result.directory}")
    return 0
