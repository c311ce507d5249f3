"""Commands for the key metrics: metrics, churn, rates (the currency rates table) and
survey-scales (explicit NPS mappings for answers on other scales)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from csdesk.cli.common import add_as_of, add_json, as_of, portfolio, print_json, print_table
from csdesk.metrics import GROUPINGS
from csdesk.metrics.churn import DIMENSIONS, ChurnLine, ChurnReport
from csdesk.metrics.periods import PERIOD_HELP
from csdesk.metrics.results import Metric, MetricsReport, OnboardingRow
from csdesk.services.metrics import (
    churn_report,
    nps_scale_mappings,
    portfolio_metrics,
    rates_view,
    remove_nps_scale_mapping,
    set_nps_scale_mapping,
    set_rate,
    set_reporting_currency,
)

ORDER = 40

# Metrics whose breakdown (parts) is the figure itself, shown in full beside the value.
_DISTRIBUTIONS = ("health_distribution", "journey_stages")
_AT_RISK_SHOWN = 20
_FEEDBACK_SHOWN = 5


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    metrics = subparsers.add_parser(
        "metrics", parents=[common], help="ARR, NRR, GRR, logo retention, NPS, CSAT, TTV, ..."
    )
    _add_period(metrics)
    metrics.add_argument(
        "--by", choices=sorted(GROUPINGS), default=None, metavar="GROUP",
        help=f"also per group: {', '.join(sorted(GROUPINGS))}",
    )
    metrics.add_argument(
        "--ttv-from", choices=("contract", "kickoff"), default="contract",
        help="count time to value from the contract start (default) or onboarding kickoff",
    )
    add_json(metrics)
    add_as_of(metrics)
    metrics.set_defaults(handler=run_metrics)

    churn = subparsers.add_parser(
        "churn", parents=[common], help="churn by reason: events, lost ARR and feedback"
    )
    _add_period(churn)
    add_json(churn)
    add_as_of(churn)
    churn.set_defaults(handler=run_churn)

    _register_rates(subparsers, common)
    _register_scales(subparsers, common)


def _add_period(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--period", default="ttm", metavar="P", help=PERIOD_HELP)


def _register_rates(
    subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser
) -> None:
    rates = subparsers.add_parser(
        "rates", parents=[common], help="the currency rates table used for totals"
    )
    add_json(rates)
    actions = rates.add_subparsers(dest="action", metavar="ACTION")
    set_one = actions.add_parser("set", parents=[common], help="set one currency's rate")
    set_one.add_argument("currency", metavar="CODE", help="ISO currency code, e.g. EUR")
    set_one.add_argument(
        "rate", metavar="RATE", help="units of the reporting currency one unit is worth"
    )
    add_as_of(set_one)
    reporting = actions.add_parser(
        "reporting", parents=[common], help="change the reporting currency (rates restated)"
    )
    reporting.add_argument("currency", metavar="CODE")
    add_as_of(reporting)
    rates.set_defaults(handler=run_rates)


def _register_scales(
    subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser
) -> None:
    scales = subparsers.add_parser(
        "survey-scales", parents=[common], help="map NPS answers on other scales onto 0-10"
    )
    add_json(scales)
    actions = scales.add_subparsers(dest="action", metavar="ACTION")
    set_one = actions.add_parser(
        "set", parents=[common], help="map every answer of a scale: set 1-5 1=0 2=3 3=6 4=8 5=10"
    )
    set_one.add_argument("scale", metavar="SCALE", help="lowest-highest, e.g. 1-10")
    set_one.add_argument("pairs", nargs="+", metavar="ANSWER=SCORE")
    remove = actions.add_parser("remove", parents=[common], help="forget a scale's mapping")
    remove.add_argument("scale", metavar="SCALE")
    scales.set_defaults(handler=run_scales)


# --- metrics -------------------------------------------------------------------------------


def run_metrics(args: argparse.Namespace) -> int:
    with portfolio(args) as context, context.read() as session:
        report = portfolio_metrics(
            session, as_of(args), period=args.period, group_by=args.by,
            ttv_from_kickoff=args.ttv_from == "kickoff",
        )
    if args.json:
        print_json(report.to_json())
        return 0
    print_metrics(report)
    return 0


def print_metrics(report: MetricsReport) -> None:
    period = report.period
    print(f"Metrics for {period.label} ({period.start.isoformat()} to {period.end.isoformat()})"
          f", as of {report.as_of.isoformat()}, in {report.currency}")
    footnotes: list[str] = []
    names = [m.name for m in report.groups[0].metrics]
    if report.group_by is None:
        rows = [_metric_row(report.groups[0].get(n), footnotes) for n in names]
        print_table(["metric", "value", "from", "note"], rows)
    else:
        headers = ["metric", *(f"{g.label} ({g.accounts})" for g in report.groups)]
        rows = [
            [report.groups[0].get(n).label,
             *(_cell(g.get(n), footnotes) for g in report.groups)]
            for n in names
        ]
        print_table(headers, rows)
    for number, text in enumerate(footnotes, start=1):
        print(f"[{number}] {text}")
    for note in report.notes:
        print(note)
    _print_at_risk(report.ttv_at_risk)
    print("Definitions: `csdesk metrics --json` gives each figure with its definition.")


def _metric_row(metric: Metric, footnotes: list[str]) -> list[str]:
    return [metric.label, _value(metric), _basis(metric), _footnote(metric.note, footnotes)]


def _cell(metric: Metric, footnotes: list[str]) -> str:
    mark = _footnote(metric.note, footnotes)
    return f"{_value(metric)} {mark}".strip()


def _value(metric: Metric) -> str:
    if metric.name in _DISTRIBUTIONS and metric.has_data:
        return ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in metric.parts if v)
    return metric.display()


def _basis(metric: Metric) -> str:
    if metric.numerator is None or metric.denominator is None:
        return ""
    return f"{_plain(metric.numerator)} / {_plain(metric.denominator)}"


def _plain(value: object) -> str:
    format_money = getattr(value, "format", None)
    if callable(format_money) and not isinstance(value, str):
        return str(format_money())
    return str(value)


def _footnote(note: str, footnotes: list[str]) -> str:
    if not note:
        return ""
    if note not in footnotes:
        footnotes.append(note)
    return f"[{footnotes.index(note) + 1}]"


def _print_at_risk(rows: Sequence[OnboardingRow]) -> None:
    if not rows:
        return
    target = rows[0].target_days
    print(f"\nTime to first value at risk: {len(rows)} customers still onboarding "
          f"(target {target} days)")
    shown = rows[:_AT_RISK_SHOWN]
    grouped = any(r.group is not None for r in rows)
    print_table(
        ["account", *(["group"] if grouped else []), "started", "days", "past target"],
        [(r.account, *([r.group] if grouped else []), r.started_on.isoformat(),
          r.days_elapsed, "yes" if r.over_target else "no") for r in shown],
    )
    if len(rows) > len(shown):
        print(f"… and {len(rows) - len(shown)} more (see --json)")


# --- churn ---------------------------------------------------------------------------------


def run_churn(args: argparse.Namespace) -> int:
    with portfolio(args) as context, context.read() as session:
        report = churn_report(session, as_of(args), period=args.period)
    if args.json:
        print_json(report.to_json())
        return 0
    print_churn(report)
    return 0


def print_churn(report: ChurnReport) -> None:
    period = report.period
    print(f"Churn for {period.label} ({period.start.isoformat()} to {period.end.isoformat()}), "
          f"as of {report.as_of.isoformat()}, in {report.currency}")
    print(f"{report.events.label}: {report.events.display()} · "
          f"{report.lost_arr.label}: {report.lost_arr.display()}")
    for note in report.notes:
        print(note)
    if not report.events.value:
        return

    print()
    print_table(["reason", "events", "lost ARR"], _lines(report.by_reason))
    for dimension in DIMENSIONS:
        print(f"\nBy {dimension}:")
        print_table(
            [dimension, "events", "lost ARR", "reasons"],
            [(s.label, s.events, s.lost_arr.format(),
              ", ".join(f"{line.label} {line.events}" for line in s.by_reason))
             for s in report.slices_by(dimension)],
        )
    _print_feedback(report.by_reason)


def _lines(lines: Sequence[ChurnLine]) -> list[tuple[str, int, str]]:
    return [(line.label, line.events, line.lost_arr.format()) for line in lines if line.events]


def _print_feedback(lines: Sequence[ChurnLine]) -> None:
    with_words = [line for line in lines if line.feedback]
    if not with_words:
        return
    print("\nWhat they said:")
    for line in with_words:
        print(f"  {line.label}:")
        for item in line.feedback[:_FEEDBACK_SHOWN]:
            print(f"    {item.churned_on.isoformat()} {item.account}: {item.text}")
        if len(line.feedback) > _FEEDBACK_SHOWN:
            print(f"    … and {len(line.feedback) - _FEEDBACK_SHOWN} more (see --json)")


# --- rates and survey scales -----------------------------------------------------------------


def run_rates(args: argparse.Namespace) -> int:
    action = getattr(args, "action", None)
    with portfolio(args) as context:
        if action == "set":
            with context.write(origin="user") as session:
                row = set_rate(session, args.currency, args.rate, as_of(args))
                view = rates_view(session)
            print(f"1 {row.currency} = {row.rate} {view.reporting_currency}")
            return 0
        if action == "reporting":
            with context.write(origin="user") as session:
                view = set_reporting_currency(session, args.currency, as_of(args))
            print(f"reporting currency is now {view.reporting_currency}"
                  + ("; rates restated in it" if view.rows else ""))
            return 0
        with context.read() as session:
            view = rates_view(session)
    if args.json:
        print_json(view.to_json())
        return 0
    print(f"reporting currency: {view.reporting_currency}")
    if not view.rows:
        print("no rates yet: add one with `csdesk rates set EUR 1.08`")
        return 0
    print_table(
        ["currency", f"1 unit in {view.reporting_currency}", "updated"],
        [(r.currency, format(r.rate, "f"), r.updated_on) for r in view.rows],
    )
    return 0


def run_scales(args: argparse.Namespace) -> int:
    action = getattr(args, "action", None)
    with portfolio(args) as context:
        if action == "set":
            with context.write(origin="user") as session:
                mapping = set_nps_scale_mapping(session, args.scale, args.pairs)
            print(f"NPS answers on {args.scale} now count as: "
                  + ", ".join(f"{k}→{v}" for k, v in sorted(mapping.items())))
            return 0
        if action == "remove":
            with context.write(origin="user") as session:
                remove_nps_scale_mapping(session, args.scale)
            print(f"NPS answers on {args.scale} are left out again")
            return 0
        with context.read() as session:
            mappings = nps_scale_mappings(session)
    if args.json:
        print_json({
            f"{low}-{high}": {str(k): v for k, v in sorted(m.items())}
            for (low, high), m in sorted(mappings.items())
        })
        return 0
    if not mappings:
        print("no NPS scale mappings: answers on scales other than 0-10 are left out of NPS")
        return 0
    print_table(
        ["scale", "answer → NPS score"],
        [(f"{low}-{high}", ", ".join(f"{k}→{v}" for k, v in sorted(m.items())))
         for (low, high), m in sorted(mappings.items())],
    )
    return 0
