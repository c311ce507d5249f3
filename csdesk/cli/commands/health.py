"""Commands for health and alerts: health [ACCOUNT], health config, alerts run.

``health`` takes an optional account and two reserved words: ``health config`` shows the
scorecards (``config set`` and ``config reset`` edit them) and ``health backfill`` rebuilds
the history. An account really named "config" or "backfill" is reached by its id.
"""

from __future__ import annotations

import argparse
import logging
from datetime import date
from typing import Any

from csdesk.cli.common import (
    add_as_of,
    add_json,
    as_of,
    parse_date_option,
    portfolio,
    print_json,
    print_table,
)
from csdesk.errors import ValidationError
from csdesk.health.config import (
    MEASURE_LABELS,
    MEASURES,
    HealthConfig,
    merged_document,
    resolve_measure,
)
from csdesk.health.editing import edit_inputs, edit_scorecard, reset_scorecard
from csdesk.health.report import AccountHealth, PortfolioHealthRow
from csdesk.services.alerts import AlertRun, run_alerts
from csdesk.services.health import (
    account_health,
    backfill_history,
    ensure_up_to_date,
    load_health_config,
    portfolio_health,
    save_health_config,
    stored_health_document,
)

logger = logging.getLogger(__name__)

ORDER = 35
RESERVED = ("config", "backfill")
CONFIG_OPTIONS = ("scorecard", "measure", "weight", "enabled", "points", "band", "param",
                  "key_features", "cadence", "nps_scale", "csat_scale", "touchpoints")


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    health = subparsers.add_parser(
        "health", parents=[common], help="health scores: one account in full, or all accounts",
        usage="csdesk health [ACCOUNT] [--json] [--as-of DATE]\n"
              "       csdesk health config [--json]\n"
              "       csdesk health config set [--scorecard NAME] [--measure NAME] "
              "[--weight W] [--on|--off] [--points X:S,X:S] [--band green=75] [--param K=V]\n"
              "       csdesk health config reset --scorecard NAME\n"
              "       csdesk health backfill [--since DATE] [--as-of DATE]",
        description="Without an account: every account's score, band, trend and top driver. "
        "With one: every measure with its weight, score and raw inputs, what pulls the score "
        "down, and the change since 30 days earlier split per measure.",
        epilog="Scorecards: default, tier:1, tier:2, tier:3, segment:<name> (an account uses "
        "its segment's, else its tier's, else the default). Measures: " + ", ".join(MEASURES))
    health.add_argument("target", nargs="?", metavar="ACCOUNT",
                        help="csdesk id, CRM id or name; or config / backfill")
    health.add_argument("verb", nargs="?", metavar="ACTION", help="with config: set or reset")
    add_json(health)
    add_as_of(health)

    edit = health.add_argument_group("with config set / reset")
    edit.add_argument("--scorecard", help="default (the default), tier:N or segment:NAME")
    edit.add_argument("--measure", help="the measure to change")
    edit.add_argument("--weight", type=float, help="the measure's weight (0 or more)")
    switch = edit.add_mutually_exclusive_group()
    switch.add_argument("--on", dest="enabled", action="store_const", const=True,
                        help="switch the measure on")
    switch.add_argument("--off", dest="enabled", action="store_const", const=False,
                        help="switch the measure off")
    edit.add_argument("--points", metavar="X:S,X:S",
                      help="scoring points, input:score pairs, e.g. 0.2:0,0.8:100")
    edit.add_argument("--band", action="append", metavar="green=N|yellow=N",
                      help="band threshold of the scorecard, or of --measure")
    edit.add_argument("--param", action="append", metavar="NAME=VALUE",
                      help="a measure parameter, e.g. --measure support --param urgent_open=30")
    edit.add_argument("--key-features", metavar="A,B,C|auto",
                      help="fixed key features, or auto for the 10 most used in 90 days")
    edit.add_argument("--cadence", action="append", metavar="TIER=DAYS",
                      help="check-in cadence, e.g. 3=60 or none=90")
    edit.add_argument("--nps-scale", metavar="SCALE:PROMOTER_MIN:DETRACTOR_MAX",
                      help="map NPS answers on another scale, e.g. 1-10:9:6")
    edit.add_argument("--csat-scale", metavar="SCALE:SATISFIED_MIN",
                      help="map CSAT answers on another scale, e.g. 0-10:9")
    edit.add_argument("--touchpoints", metavar="KIND,KIND|all",
                      help="activity kinds that count as CSM touchpoints (default: all)")
    back = health.add_argument_group("with backfill")
    back.add_argument("--since", type=parse_date_option, metavar="DATE",
                      help="recompute from this day (default: from each account's first data)")
    health.set_defaults(handler=run_health, health_parser=health)

    alerts = subparsers.add_parser(
        "alerts", parents=[common], help="evaluate the alert rules and turn them into tasks",
        description="Alerts become tasks: one open task per account and reason, refreshed "
        "rather than duplicated; a snoozed task stays snoozed; a closed one comes back only "
        "for a new occurrence.")
    actions = alerts.add_subparsers(dest="action", metavar="ACTION", required=True)
    run = actions.add_parser("run", parents=[common],
                             help="evaluate every rule, raise or refresh tasks, say what changed")
    add_json(run)
    add_as_of(run)
    run.set_defaults(handler=run_alerts_command)


def _today() -> date:
    # The faces' clock: as_of() with no --as-of is today.
    return as_of(argparse.Namespace())


def run_health(args: argparse.Namespace) -> int:
    parser: argparse.ArgumentParser = args.health_parser
    editing = [name for name in CONFIG_OPTIONS if getattr(args, name) is not None]
    if args.target == "config":
        if args.verb not in (None, "set", "reset"):
            parser.error(f"unknown action '{args.verb}': use config, config set or config reset")
        if args.verb is None and editing:
            parser.error("to change the scorecard use `csdesk health config set ...`")
        if args.verb == "set":
            return run_config_set(args)
        if args.verb == "reset":
            return run_config_reset(args)
        return run_config_show(args)
    if editing:
        parser.error("--" + editing[0].replace("_", "-") + " belongs to `csdesk health config "
                     "set`")
    if args.target == "backfill":
        return run_backfill(args)
    if args.since is not None:
        parser.error("--since belongs to `csdesk health backfill`")
    if args.verb is not None:
        parser.error(f"unexpected '{args.verb}' after the account")

    day = as_of(args)
    with portfolio(args) as context:
        ensure_up_to_date(context, min(day, _today()))
        with context.read() as session:
            if args.target:
                view = account_health(session, args.target, day)
            else:
                rows = portfolio_health(session, day)
    if args.target:
        if args.json:
            print_json(view.to_json())
        else:
            print_account(view)
        return 0
    if args.json:
        print_json([row.to_json() for row in rows])
    else:
        print_portfolio(rows)
    return 0


def _score_text(score: float | None, band: str | None) -> str:
    return "not scored" if score is None else f"{score:.2f} {band}"


def print_portfolio(rows: list[PortfolioHealthRow]) -> None:
    if not rows:
        print("no accounts (run `csdesk demo` for a demo book, or `csdesk import`)")
        return
    table = []
    for row in rows:
        top = row.top_driver
        score = row.result.score
        table.append((row.account_id, row.account_name, "-" if score is None else f"{score:.2f}",
                      row.result.band or "insufficient data", row.trend or "-",
                      f"{MEASURE_LABELS[top.key]} ({top.shortfall:.1f})" if top else "-"))
    print_table(["id", "account", "score", "band", "trend", "top driver"], table)
    counts = {b: sum(1 for r in rows if r.result.band == b) for b in ("green", "yellow", "red")}
    unscored = sum(1 for r in rows if r.result.band is None)
    print(f"{len(rows)} accounts: {counts['green']} green, {counts['yellow']} yellow, "
          f"{counts['red']} red, {unscored} not scored")


def print_account(view: AccountHealth) -> None:
    result = view.result
    previous = view.previous
    print(f"{view.account_name} (id {view.account_id}) on {view.as_of.isoformat()}: health "
          f"{_score_text(result.score, result.band)} (scorecard {result.scorecard})")
    if not result.is_scored:
        print(f"  insufficient data: measures with data weigh {result.weight_with_data:g} of "
              f"{result.total_weight:g}; at least half is needed")
    if previous is not None and view.trend is not None:
        change = (result.score or 0) - (previous.score or 0)
        print(f"  trend {view.trend}: {change:+.2f} against {previous.score:.2f} on "
              f"{previous.day.isoformat()}")
    rows = []
    for m in result.measures:
        share = result.normalised_weight(m.key)
        score = f"{m.score:.2f}" if m.score is not None else m.status.replace("_", " ")
        rows.append((MEASURE_LABELS[m.key], score, f"{m.weight:g}",
                     f"{share:.1%}" if share is not None else "-", m.explanation))
    print_table(["measure", "score", "weight", "share", "how"], rows)

    drivers = result.drivers()
    if drivers:
        print("what pulls the score down (normalised weight x (100 - score)):")
        for d in drivers:
            print(f"  {MEASURE_LABELS[d.key]:<20} {d.shortfall:6.2f}")
    attribution = view.attribution
    if attribution is not None:
        print(f"change since {attribution.start.isoformat()}: "
              f"{attribution.rounded_total():+.2f}, per measure:")
        for key, part in attribution.rounded_parts().items():
            if part:
                print(f"  {MEASURE_LABELS[key]:<20} {part:+.2f}")


def _pairs(values: list[str] | None, option: str) -> dict[str, str]:
    pairs = {}
    for value in values or []:
        name, sep, number = value.partition("=")
        if not sep or not name.strip() or not number.strip():
            raise ValidationError(f"--{option} expects NAME=VALUE, not '{value}'")
        pairs[name.strip()] = number.strip()
    return pairs


def _number(text: str, what: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ValidationError(f"{what} must be a number, not '{text}'") from None


def _points(text: str) -> list[tuple[float, float]]:
    points = []
    for pair in text.split(","):
        x, sep, score = pair.partition(":")
        if not sep:
            raise ValidationError(f"--points expects input:score pairs like 0.2:0,0.8:100, "
                                  f"not '{pair}'")
        points.append((_number(x, "a point's input"), _number(score, "a point's score")))
    return points


def run_config_set(args: argparse.Namespace) -> int:
    day = as_of(args)
    measure = resolve_measure(args.measure) if args.measure else None
    bands = {k: _number(v, f"band {k}") for k, v in _pairs(args.band, "band").items()}
    unknown = set(bands) - {"green", "yellow"}
    if unknown:
        raise ValidationError(f"--band takes green=N or yellow=N, not {', '.join(unknown)}")
    params = {k: _number(v, f"parameter {k}") for k, v in _pairs(args.param, "param").items()}
    scorecard_edit = (measure or bands or args.weight is not None or args.enabled is not None
                      or args.points or params)
    input_edit = (args.key_features or args.cadence or args.nps_scale or args.csat_scale
                  or args.touchpoints)
    if not scorecard_edit and not input_edit:
        raise ValidationError("nothing to change: give --measure with --weight, --on/--off, "
                              "--points or --param, or --band, --key-features, --cadence, "
                              "--nps-scale, --csat-scale or --touchpoints")

    with portfolio(args) as context:
        with context.read() as session:
            document = merged_document(stored_health_document(session))
        if scorecard_edit:
            document = edit_scorecard(
                document, args.scorecard or "default", measure, weight=args.weight,
                enabled=args.enabled, points=_points(args.points) if args.points else None,
                bands=bands or None, params=params or None)
        if input_edit:
            document = _edit_inputs(document, args)
        report = save_health_config(context, document, min(day, _today()))
    print(f"health configuration saved; history restated: {report.snapshots} snapshots for "
          f"{report.accounts} accounts")
    return 0


def _edit_inputs(document: dict[str, Any] | None, args: argparse.Namespace) -> dict[str, Any]:
    keys = args.key_features
    cadence = {k: int(_number(v, f"cadence of tier {k}")) for k, v in
               _pairs(args.cadence, "cadence").items()}
    nps = None
    if args.nps_scale:
        parts = args.nps_scale.split(":")
        if len(parts) != 3:
            raise ValidationError("--nps-scale expects SCALE:PROMOTER_MIN:DETRACTOR_MAX, "
                                  "e.g. 1-10:9:6")
        nps = (parts[0], int(_number(parts[1], "promoter_min")),
               int(_number(parts[2], "detractor_max")))
    csat = None
    if args.csat_scale:
        scale, sep, satisfied = args.csat_scale.partition(":")
        if not sep:
            raise ValidationError("--csat-scale expects SCALE:SATISFIED_MIN, e.g. 0-10:9")
        csat = (scale, int(_number(satisfied, "satisfied_min")))
    return edit_inputs(
        document,
        key_features=[k.strip() for k in keys.split(",") if k.strip()]
        if keys and keys != "auto" else None,
        automatic_key_features=keys == "auto", cadence=cadence or None, nps_scale=nps,
        csat_scale=csat,
        touchpoint_kinds=[k.strip() for k in args.touchpoints.split(",") if k.strip()]
        if args.touchpoints and args.touchpoints != "all" else None,
        all_touchpoints=args.touchpoints == "all")


def run_config_reset(args: argparse.Namespace) -> int:
    if not args.scorecard:
        raise ValidationError("say which scorecard to reset (--scorecard default, tier:N or "
                              "segment:NAME)")
    with portfolio(args) as context:
        with context.read() as session:
            document = reset_scorecard(stored_health_document(session), args.scorecard)
        report = save_health_config(context, document, min(as_of(args), _today()))
    print(f"scorecard {args.scorecard} reset; history restated: {report.snapshots} snapshots")
    return 0


def config_json(config: HealthConfig) -> dict[str, Any]:
    cards = {}
    for name, card in config.scorecards.items():
        cards[name] = {
            "bands": {"green": card.bands.green, "yellow": card.bands.yellow},
            "total_weight": card.total_weight,
            "measures": [{
                "name": m.key, "label": m.label, "weight": m.weight, "enabled": m.enabled,
                "points": [list(p) for p in m.points] or None, "params": dict(m.params),
                "bands": {"green": m.bands.green, "yellow": m.bands.yellow} if m.bands else None,
            } for m in card.measures],
        }
    return {"scorecards": cards, "inputs": config.document["inputs"],
            "selection": "an account uses segment:<its segment>, else tier:<its tier>, "
                         "else default"}


def run_config_show(args: argparse.Namespace) -> int:
    with portfolio(args) as context, context.read() as session:
        config = load_health_config(session)
    data = config_json(config)
    if args.json:
        print_json(data)
        return 0
    for name, card in data["scorecards"].items():
        bands = card["bands"]
        print(f"scorecard {name}: green >= {bands['green']:g}, yellow >= {bands['yellow']:g}, "
              f"total weight {card['total_weight']:g}")
        print_table(["measure", "weight", "on", "points", "parameters"], [
            (m["name"], f"{m['weight']:g}", "yes" if m["enabled"] else "no",
             " ".join(f"{x:g}:{s:g}" for x, s in m["points"]) if m["points"] else "formula",
             " ".join(f"{k}={v:g}" for k, v in m["params"].items()) or "-")
            for m in card["measures"]])
        print()
    inputs = data["inputs"]
    keys = inputs["key_features"]
    print("key features: " + (", ".join(keys) if keys else
                              f"the {inputs['key_feature_count']} most used in the portfolio"))
    print("check-in cadence (days): " + ", ".join(
        f"tier {t} {d}" for t, d in inputs["cadence_days"].items()))
    print("NPS scales: " + ", ".join(
        f"{s} (promoter >= {m['promoter_min']}, detractor <= {m['detractor_max']})"
        for s, m in inputs["nps_scales"].items()))
    print("CSAT scales (satisfied from): " + ", ".join(
        f"{s}: {v}" for s, v in inputs["csat_scales"].items()))
    kinds = inputs["touchpoint_kinds"]
    print("CSM touchpoints: " + (", ".join(kinds) if kinds is not None else "every activity"))
    print(data["selection"])
    return 0


def run_backfill(args: argparse.Namespace) -> int:
    day = min(as_of(args), _today())
    with portfolio(args) as context:
        report = backfill_history(context, day, since=args.since)
    if args.json:
        print_json({"accounts": report.accounts, "snapshots": report.snapshots,
                    "first": report.first, "last": report.last,
                    "seconds": round(report.seconds, 3)})
        return 0
    span = f" from {report.first.isoformat()}" if report.first else ""
    print(f"health history rebuilt{span} to {day.isoformat()}: {report.snapshots} snapshots "
          f"for {report.accounts} accounts in {report.seconds:.1f} s")
    return 0


def run_alerts_command(args: argparse.Namespace) -> int:
    day = as_of(args)
    with portfolio(args) as context:
        run = run_alerts(context, day)
    if args.json:
        print_json(run.to_json())
        return 0
    print_run(run)
    return 0


def print_run(run: AlertRun) -> None:
    raised, updated, quiet = run.of("raised"), run.of("updated"), run.of("kept closed")
    print(f"alerts as of {run.as_of.isoformat()}: {len(raised)} raised, {len(updated)} "
          f"updated, {len(quiet)} kept closed, {len(run.cleared)} no longer firing")
    for title, changes in (("raised", raised), ("updated", updated),
                           ("kept closed (closed for this occurrence)", quiet),
                           ("no longer firing (still open: close when handled)", run.cleared)):
        if not changes:
            continue
        print(f"{title}:")
        for c in changes:
            snoozed = f" [snoozed until {c.snoozed_until.isoformat()}]" if c.snoozed_until else ""
            task = f"task {c.task_id}" if c.task_id is not None else "no task"
            print(f"  {task:<9} {c.account_name}: {c.title}{snoozed}")
