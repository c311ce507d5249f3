"""``csdesk snapshot``: save a view of the window as a PNG, with or without a display."""

from __future__ import annotations

import argparse
from pathlib import Path

from csdesk.cli.common import add_as_of, as_of

ORDER = 90

VIEWS = ("today", "portfolio", "account", "renewals", "plans", "dashboard", "settings")


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "snapshot", parents=[common],
        help="save a view of the window as a PNG (works without a display)")
    parser.add_argument("--view", required=True, choices=VIEWS, help="which view to draw")
    parser.add_argument("-o", "--output", required=True, type=Path, metavar="FILE.png",
                        help="where to write the PNG")
    parser.add_argument("--account", metavar="ID_OR_NAME",
                        help="for --view account: which account (default: the largest by ARR)")
    parser.add_argument("--dark", action="store_true", help="draw with the dark theme")
    parser.add_argument("--size", default="1440x900", metavar="WxH",
                        help="window size in pixels (default 1440x900)")
    add_as_of(parser)
    parser.set_defaults(handler=run_snapshot)


def run_snapshot(args: argparse.Namespace) -> int:
    from csdesk.ui.snapshot import parse_size, render_snapshot

    size = parse_size(args.size)
    path = render_snapshot(getattr(args, "home", None), args.view, args.output, as_of(args),
                           account=args.account, dark=args.dark, size=size)
    print(f"wrote {path}")
    return 0
