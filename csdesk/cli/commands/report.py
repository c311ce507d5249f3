"""``csdesk report``: business reviews (one account or a whole book), the renewal timeline
and the portfolio summary, as PDF files.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from tqdm import tqdm

from csdesk.cli.common import add_as_of, as_of, portfolio
from csdesk.errors import ValidationError
from csdesk.metrics.periods import PERIOD_HELP
from csdesk.services.context import load_rates
from csdesk.services.review_data import (
    AUDIENCES,
    ReviewTarget,
    gather_portfolio_summary,
    gather_renewal_report,
    gather_review,
    review_period,
    review_targets,
)

logger = logging.getLogger(__name__)

ORDER = 70


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} is negative; give 0 or more")
    return value


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``report qbr``, ``report renewals`` and ``report portfolio``."""
    report = subparsers.add_parser("report", parents=[common], help="write PDF documents")
    kinds = report.add_subparsers(dest="kind", metavar="KIND", required=True)

    qbr = kinds.add_parser(
        "qbr", parents=[common],
        help="business review of one account (-o FILE) or of many (-o DIR)",
        description="Write a business review PDF for one account, or one per account for "
        "--all, --tier, --owner or --renewing-within (then -o is a folder).",
    )
    qbr.add_argument("account", nargs="?", metavar="ACCOUNT", help="csdesk id, CRM id or name")
    many = qbr.add_mutually_exclusive_group()
    many.add_argument("--all", action="store_true", help="every account")
    many.add_argument("--tier", type=int, choices=(1, 2, 3), help="every account of a tier")
    many.add_argument("--owner", help="every account of this CSM")
    many.add_argument("--renewing-within", type=_positive, metavar="DAYS",
                      help="every account whose next renewal is within DAYS days")
    qbr.add_argument("-o", "--output", required=True, type=Path, metavar="PATH",
                     help="the PDF file (one account) or folder (many accounts)")
    qbr.add_argument("--period", help="review period, e.g. 2026Q3 (default: the last full "
                     f"quarter before the as-of date); also {PERIOD_HELP}")
    qbr.add_argument("--audience", choices=AUDIENCES, default="customer",
                     help="customer (default) or internal edition")
    qbr.add_argument("--commercials", action="store_true",
                     help="include the commercial summary in the customer edition")
    qbr.add_argument("--workers", type=_positive, default=None, metavar="N",
                     help="worker processes for many accounts (default: one per core; at most "
                     "twice the cores)")
    add_as_of(qbr)
    qbr.set_defaults(handler=run_qbr)

    renewals = kinds.add_parser("renewals", parents=[common],
                                help="renewal timeline: ARR by month and category, at-risk list")
    renewals.add_argument("-o", "--output", required=True, type=Path, metavar="FILE")
    renewals.add_argument("--months", type=_positive, default=18,
                          help="months ahead, from the as-of month (default 18)")
    add_as_of(renewals)
    renewals.set_defaults(handler=run_renewals)

    summary = kinds.add_parser("portfolio", parents=[common],
                               help="one-page portfolio summary of the key metrics")
    summary.add_argument("-o", "--output", required=True, type=Path, metavar="FILE")
    summary.add_argument("--period", help=f"metrics period: {PERIOD_HELP}")
    add_as_of(summary)
    summary.set_defaults(handler=run_portfolio)


def _many(args: argparse.Namespace) -> bool:
    return bool(args.all or args.tier is not None or args.owner
                or args.renewing_within is not None)


def run_qbr(args: argparse.Namespace) -> int:
    """Write one business review, or hand many to the worker pool."""
    if _many(args) == bool(args.account):
        raise ValidationError("give either one ACCOUNT or one of --all, --tier, --owner, "
                              "--renewing-within (see `csdesk report qbr --help`)")
    if _many(args):
        return _run_many(args)

    # The PDF stack (reportlab, matplotlib) loads only when a report is actually written,
    # so the rest of the command line starts quickly.
    from csdesk.reports.batch import file_name
    from csdesk.reports.business_review import write_business_review

    day = as_of(args)
    with portfolio(args) as context, context.read() as session:
        period = review_period(args.period, day)
        data = gather_review(session, args.account, as_of=day, rates=load_rates(session),
                             period=period, audience=args.audience,
                             commercials=True if args.commercials else None)
    target = args.output
    if target.is_dir():
        target = target / file_name(ReviewTarget(data.account.id, data.account.name), period,
                                    args.audience)
    written = write_business_review(data, target)
    print(f"wrote {written} ({data.audience} edition, {period.label})")
    return 0


def _run_many(args: argparse.Namespace) -> int:
    from csdesk.reports.batch import ReviewOptions, ReviewOutcome, write_reviews

    folder: Path = args.output
    if folder.suffix.lower() == ".pdf" or folder.is_file():
        raise ValidationError(f"-o {folder}: give a folder for many reviews, not a file")
    day = as_of(args)
    with portfolio(args) as context:
        with context.read() as session:
            targets = review_targets(session, day, tier=args.tier, owner=args.owner,
                                     renewing_within=args.renewing_within)
            period = review_period(args.period, day)
        home = context.paths.home
    if not targets:
        print("no accounts match; no reviews written")
        return 0

    options = ReviewOptions(day, period, args.audience, True if args.commercials else None)
    with tqdm(total=len(targets), unit="review", file=sys.stderr, disable=None) as bar:
        def done(outcome: ReviewOutcome) -> None:
            bar.update(1)
            if not outcome.ok:
                bar.write(f"failed: {outcome.account_id} {outcome.name}: {outcome.error}",
                          file=sys.stderr)

        outcomes = write_reviews(home, targets, options, folder, args.workers, done)

    failed = [o for o in outcomes if not o.ok]
    print(f"wrote {len(outcomes) - len(failed)} of {len(outcomes)} business reviews "
          f"({period.label}, {args.audience} edition) to {folder}")
    for outcome in failed:
        print(f"  failed: {outcome.account_id} {outcome.name}: {outcome.error}", file=sys.stderr)
    return 1 if failed else 0


def run_renewals(args: argparse.Namespace) -> int:
    """Write the renewal timeline."""
    from csdesk.reports.renewal_timeline import write_renewal_timeline

    day = as_of(args)
    with portfolio(args) as context, context.read() as session:
        data = gather_renewal_report(session, day, load_rates(session), args.months)
    written = write_renewal_timeline(data, args.output)
    print(f"wrote {written} ({len(data.renewals.rows)} renewals over {args.months} months, "
          f"{len(data.at_risk)} at risk)")
    return 0


def run_portfolio(args: argparse.Namespace) -> int:
    """Write the portfolio summary."""
    from csdesk.reports.portfolio_summary import write_portfolio_summary

    day = as_of(args)
    with portfolio(args) as context, context.read() as session:
        data = gather_portfolio_summary(session, day, load_rates(session), args.period)
    written = write_portfolio_summary(data, args.output)
    print(f"wrote {written} (portfolio summary, {data.metrics.period.label})")
    return 0
