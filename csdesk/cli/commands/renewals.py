"""Commands for renewals: the upcoming list, the forecast and the milestone tasks."""

from __future__ import annotations

import argparse
import logging
from decimal import Decimal

from csdesk.cli.common import add_as_of, add_json, as_of, portfolio, print_json, print_table
from csdesk.errors import ValidationError
from csdesk.money import Money, RateTable
from csdesk.services.context import load_rates
from csdesk.services.renewals import (
    RenewalRow,
    forecast_summary,
    run_milestones,
    upcoming_renewals,
)
from csdesk.vocabulary import label

logger = logging.getLogger(__name__)

ORDER = 40


def _days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of days") from None
    if not 0 <= days <= 3660:
        raise argparse.ArgumentTypeError(f"{days} days is out of range (0 to 3660)")
    return days


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the renewals, forecast and milestones commands."""
    renewals = subparsers.add_parser(
        "renewals", parents=[common], help="upcoming renewals with forecast and milestones"
    )
    renewals.add_argument("--within", type=_days, default=365, metavar="DAYS",
                          help="renewal date within this many days (default 365)")
    renewals.add_argument("--owner", help="only accounts owned by this CSM")
    add_json(renewals)
    add_as_of(renewals)
    renewals.set_defaults(handler=run_renewals)

    forecast = subparsers.add_parser(
        "forecast", parents=[common],
        help="renewal forecast: by category and quarter, expected renewal rates, ARR at risk",
    )
    forecast.add_argument("--horizon", type=_days, default=None, metavar="DAYS",
                          help="days ahead for ARR at risk (default: the setting, 90)")
    add_json(forecast)
    add_as_of(forecast)
    forecast.set_defaults(handler=run_forecast)

    milestones = subparsers.add_parser(
        "milestones", parents=[common], help="renewal milestone tasks"
    )
    actions = milestones.add_subparsers(dest="action", metavar="ACTION", required=True)
    run = actions.add_parser("run", parents=[common],
                             help="raise a task for each renewal milestone reached")
    add_json(run)
    add_as_of(run)
    run.set_defaults(handler=run_milestones_command)


def _milestone_text(row: RenewalRow) -> str:
    parts = []
    reached = row.last_reached_milestone
    if reached is not None:
        parts.append(f"{reached.spec.name} reached")
    upcoming = row.next_milestone
    if upcoming is not None:
        parts.append(f"next {upcoming.spec.name} {upcoming.on.isoformat()}")
    return "; ".join(parts) or "-"


def _total_text(rates: RateTable, amounts: list[Money]) -> str:
    """A total in the reporting currency, or one per currency when a rate is missing."""
    try:
        total = rates.total(amounts)
    except ValidationError:
        by_currency: dict[str, Money] = {}
        for money in amounts:
            by_currency[money.currency] = by_currency.get(
                money.currency, Money.zero(money.currency)) + money
        return " + ".join(m.format() for _, m in sorted(by_currency.items())) + (
            " (add exchange rates for one total)")
    return total.money.format() + (f" ({total.note})" if total.note else "")


def run_renewals(args: argparse.Namespace) -> int:
    """Print the upcoming renewals."""
    with portfolio(args) as context, context.read() as session:
        rates = load_rates(session)
        listing = upcoming_renewals(session, as_of(args), rates, args.within, args.owner)
    if args.json:
        print_json(listing.to_json())
        return 0

    if not listing.rows:
        print(f"no renewals due by {listing.until.isoformat()}")
    else:
        table = []
        for row in listing.rows:
            line = row.line
            close = line.close_date.isoformat() if line.close_date else None
            if close and line.close_date_differs:
                close += " *"
            table.append((
                line.account.name,
                line.contract.name or line.contract.contract_id,
                line.renewal_date,
                line.days_left(listing.as_of),
                line.notice_deadline,
                line.renewable.format(),
                label(line.category),
                close,
                line.account.health_band,
                _milestone_text(row),
            ))
        print_table(["account", "contract", "renews", "days", "notice by", "renewable ARR",
                     "category", "opp. close", "health", "milestones"], table)
        total = _total_text(rates, [row.line.renewable for row in listing.rows])
        print(f"{len(listing.rows)} renewals by {listing.until.isoformat()}, renewable ARR "
              f"{total}")
        if any(row.line.close_date_differs for row in listing.rows):
            print("* the renewal opportunity closes on another day than the contract renews")
    if listing.evergreen:
        total = _total_text(rates, [line.renewable for line in listing.evergreen])
        print(f"{len(listing.evergreen)} evergreen (month-to-month) contracts, ARR "
              f"{total}, have no renewal date")
    return 0


def _percent(rate: Decimal | None) -> str:
    return "-" if rate is None else f"{rate * 100:.1f}%"


def _money(money: Money) -> str:
    return money.format()


def run_forecast(args: argparse.Namespace) -> int:
    """Print the renewal forecast."""
    with portfolio(args) as context, context.read() as session:
        summary = forecast_summary(session, as_of(args), load_rates(session), args.horizon)
    if args.json:
        print_json(summary.to_json())
        return 0

    note = f"; {summary.note}" if summary.note else ""
    print(f"Renewal forecast as of {summary.as_of.isoformat()} ({summary.currency}{note})")
    print()
    print_table(
        ["quarter", "from", "renewals", "renewable ARR", "expected", "gross renewal rate",
         "net renewal rate"],
        [(q.quarter.label, q.first_day, q.count, _money(q.renewable), _money(q.expected),
          _percent(q.gross_renewal_rate), _percent(q.net_renewal_rate))
         for q in summary.quarters],
    )
    print()
    print_table(
        ["category", "probability", "renewals", "renewable ARR", "forecast", "expected"],
        [(label(t.category), t.probability, t.count, _money(t.renewable), _money(t.forecast),
          _money(t.expected)) for t in summary.by_category if t.count],
    )
    print()
    print("Expected by category and quarter")
    columns = [q.quarter.label for q in summary.quarters]
    matrix = []
    for index, total in enumerate(summary.by_category):
        if total.count:
            matrix.append((label(total.category),
                           *(_money(q.categories[index].expected) for q in summary.quarters)))
    print_table(["category", *columns], matrix)
    risk = summary.at_risk
    print()
    print(f"ARR at risk in the next {risk.horizon_days} days (to {risk.until.isoformat()}): "
          f"{_money(risk.total)}")
    print(f"  at risk or churn forecast: {_money(risk.by_category)}")
    print(f"  red health:                {_money(risk.by_health)}")
    print(f"  in both (counted once):    {_money(risk.overlap)}")
    if summary.bookings:
        print()
        print("Closed this quarter:")
        print_table(
            ["closed", "account", "booking", "renewable ARR", "booked"],
            [(b.opportunity.close_date, b.account.name, label(b.booking_type),
              b.renewable.format() if b.renewable else None,
              b.booked.format() if b.booked else None) for b in summary.bookings],
        )
    print()
    print("Rates are of the renewal cohort (renewals due in the quarter), not NRR/GRR of the "
          "whole base. Unforecast renewals are expected at "
          f"{_percent(summary.probabilities['unforecast'])} of their renewable ARR.")
    return 0


def run_milestones_command(args: argparse.Namespace) -> int:
    """Raise the renewal milestone tasks reached by the as-of date."""
    if args.action != "run":
        raise ValidationError(f"unknown milestones action '{args.action}' (use: run)")
    with portfolio(args) as context, context.write("system", context="milestones run") as session:
        result = run_milestones(session, as_of(args))
    if args.json:
        print_json(result.to_json())
        return 0
    for raised in result.raised:
        print(f"task {raised.task_id}: {raised.line.account.name} {raised.milestone.spec.name} "
              f"{raised.milestone.spec.title} (renews {raised.line.renewal_date})")
    print(f"{len(result.raised)} milestone tasks raised; "
          f"{result.already_raised} milestones already had one")
    return 0
