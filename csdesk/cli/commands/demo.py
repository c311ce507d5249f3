"""``csdesk demo``: fill the portfolio with the built-in demo book."""

from __future__ import annotations

import argparse
from datetime import timedelta

from csdesk.cli.common import add_json, as_of, parse_date_option, portfolio, print_json
from csdesk.demo import DemoOptions, DemoResult, load_demo
from csdesk.demo.book import DEFAULT_ACCOUNTS, DEFAULT_SEED
from csdesk.demo.loader import plural
from csdesk.services.upkeep import bring_up_to_date, mark_data_arrived

ORDER = 12

# Health history covers the last year of the book (weekly before the last 90 days).
DEMO_HISTORY_DAYS = 365


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``csdesk demo`` to the command line."""
    demo = subparsers.add_parser(
        "demo",
        parents=[common],
        help="fill an empty portfolio with a demo book of accounts",
        description="Fill the portfolio with a believable demo book: accounts, contracts, two "
        "years of usage, tickets, surveys, activities and success plans, dated up to the "
        "as-of date. The same --accounts, --seed and --as-of always give the same book.",
    )
    demo.add_argument("--accounts", type=int, default=DEFAULT_ACCOUNTS, metavar="N",
                      help=f"how many accounts (default {DEFAULT_ACCOUNTS})")
    demo.add_argument("--seed", type=int, default=DEFAULT_SEED, metavar="S",
                      help=f"random seed; another seed gives another book (default "
                           f"{DEFAULT_SEED})")
    demo.add_argument("--replace", action="store_true",
                      help="delete the portfolio's accounts and their records first")
    demo.add_argument("--as-of", type=parse_date_option, default=None, metavar="DATE",
                      help="the last day of the book's history (YYYY-MM-DD; default: today)")
    add_json(demo)
    demo.set_defaults(handler=run_demo)


def run_demo(args: argparse.Namespace) -> int:
    """Load the demo book and print what was written."""
    options = DemoOptions(as_of=as_of(args), accounts=args.accounts, seed=args.seed)
    options.validate()
    with portfolio(args) as context:
        result = load_demo(context, options, replace=args.replace)
        path = context.portfolio.path
        # Health history, alert and milestone tasks for the new book, so every view has a past.
        mark_data_arrived(context, options.as_of - timedelta(days=DEMO_HISTORY_DAYS))
        bring_up_to_date(context, options.as_of)
    if args.json:
        print_json(result.to_json())
    else:
        _print_summary(result, str(path))
    return 0


def _print_summary(result: DemoResult, path: str) -> None:
    counts = result.counts

    def n(table: str) -> str:
        """A row count with thousands separators."""
        return f"{counts.get(table, 0):,}"

    options = result.options
    print(f"demo book loaded into {path} (as of {options.as_of.isoformat()}, "
          f"seed {options.seed}, {result.seconds:.1f} s)")
    if result.removed_accounts:
        print(f"  replaced {plural(result.removed_accounts, 'account')} that were there before")
    print(f"  {n('account')} accounts · {n('contact')} contacts · {n('contract')} contracts · "
          f"{n('opportunity')} opportunities · {n('churn_event')} churn events")
    print(f"  {n('usage_daily')} usage days · {n('feature_usage')} feature usage rows")
    print(f"  {n('support_case')} support cases · {n('survey_response')} survey answers · "
          f"{n('activity')} activities · {n('csm_pulse')} pulses · {n('note')} notes")
    print(f"  {n('success_plan')} success plans · {n('business_review')} business reviews · "
          f"{n('task')} review action items")
    print(f"  you are {result.me} (the `me` setting); totals in {result.reporting_currency}")
