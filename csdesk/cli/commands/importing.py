"""The ``import`` command: bring a CSV export into the portfolio."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from csdesk.cli.common import add_json, portfolio, print_json
from csdesk.importers import ImportRejected, ImportRequest, known_kinds, run_import
from csdesk.importers.dates import DATE_ORDERS

ORDER = 20

# Beyond this many lines, the rest of the problems are only counted (all are in --json).
SHOWN_PROBLEMS = 200


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``import`` command."""
    parser = subparsers.add_parser(
        "import", parents=[common], help="import a CSV file (accounts, contracts, usage...)",
        description="Import a CSV export. The whole file is checked first; if anything is "
        "wrong every problem is listed and nothing is written. Importing the same file again "
        "changes nothing.",
    )
    parser.add_argument("kind", metavar="KIND", choices=known_kinds(),
                        help="what the file holds: " + ", ".join(known_kinds()))
    parser.add_argument("file", metavar="FILE", type=Path, help="the CSV file")
    parser.add_argument("--mapping", type=Path, metavar="FILE",
                        help="a TOML or JSON mapping of columns and values (see "
                        "docs/importing.md); Salesforce and HubSpot exports need none")
    parser.add_argument("--dry-run", action="store_true",
                        help="check the file and report what would change, without writing")
    parser.add_argument("--date-order", choices=DATE_ORDERS,
                        help="how to read dates like 03/04/2026 when the file leaves it open")
    parser.add_argument("--source", metavar="NAME",
                        help="where the ids in the file come from (e.g. salesforce); "
                        "re-imports match records by these ids")
    add_json(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Import the file; print the summary, or every problem and exit 1."""
    request = ImportRequest(kind=args.kind, path=args.file, mapping=args.mapping,
                            dry_run=args.dry_run, date_order=args.date_order,
                            source=args.source)
    with portfolio(args) as context:
        try:
            report = run_import(context, request)
        except ImportRejected as rejected:
            return _rejected(rejected, args.json)
    if args.json:
        print_json(report.to_json())
    else:
        print("\n".join(report.summary_lines()))
    return 0


def _rejected(rejected: ImportRejected, as_json: bool) -> int:
    problems = rejected.problems
    if as_json:
        print_json({"ok": False, "file": rejected.file,
                    "problems": [p.to_json() for p in problems]})
    for problem in problems[:SHOWN_PROBLEMS]:
        print(problem, file=sys.stderr)
    if len(problems) > SHOWN_PROBLEMS:
        print(f"... and {len(problems) - SHOWN_PROBLEMS} more problems (all are listed with "
              "--json)", file=sys.stderr)
    noun = "problem" if len(problems) == 1 else "problems"
    print(f"csdesk: error: {rejected.file}: {len(problems)} {noun}; nothing was imported",
          file=sys.stderr)
    return 1
