"""``csdesk pulse``: record or show the CSM's own 1-5 reading of an account."""

from __future__ import annotations

import argparse

from csdesk.cli.common import add_as_of, add_json, as_of, parse_date_option, portfolio, print_json
from csdesk.services.pulse import latest_pulses, record_pulse

ORDER = 31

PULSE_VALID_DAYS = 30


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    pulse = subparsers.add_parser(
        "pulse", parents=[common], help="record or show your 1-5 pulse of an account",
        description="Your own reading of an account, 1 (about to churn) to 5 (thriving). It "
        f"counts in the health score for {PULSE_VALID_DAYS} days, then is flagged stale.")
    pulse.add_argument("account", metavar="ACCOUNT", help="csdesk id, CRM id or name")
    pulse.add_argument("score", nargs="?", type=int, metavar="SCORE",
                       help="1 to 5; without it, show the latest pulses")
    pulse.add_argument("--date", type=parse_date_option, metavar="DATE",
                       help="the day of the reading (default: the as-of date)")
    pulse.add_argument("--comment", help="why, in a few words")
    add_json(pulse)
    add_as_of(pulse)
    pulse.set_defaults(handler=run_pulse)


def run_pulse(args: argparse.Namespace) -> int:
    day = as_of(args)
    with portfolio(args) as context:
        if args.score is None:
            with context.read() as session:
                pulses = latest_pulses(session, args.account)
            rows = [{"id": str(p.id), "score": p.score, "recorded_on": p.recorded_on.isoformat(),
                     "author": p.author, "comment": p.comment,
                     "stale": (day - p.recorded_on).days > PULSE_VALID_DAYS} for p in pulses]
            if args.json:
                print_json(rows)
            elif not rows:
                print("no pulse recorded yet; record one with `csdesk pulse ACCOUNT SCORE`")
            for row in rows if not args.json else []:
                stale = " (stale)" if row["stale"] else ""
                print(f"{row['recorded_on']}  {row['score']}/5{stale}  {row['author'] or '-'}"
                      f"  {row['comment'] or ''}".rstrip())
            return 0

        with context.write() as session:
            pulse = record_pulse(session, args.account, args.score, args.date or day, day,
                                 context.actor, args.comment)
            result = {"id": str(pulse.id), "score": pulse.score,
                      "recorded_on": pulse.recorded_on.isoformat()}
    if args.json:
        print_json(result)
    else:
        print(f"pulse {result['score']}/5 recorded on {result['recorded_on']}")
    return 0
