"""What ``csdesk`` does with no command: open the window, or say why not and print the day."""

from __future__ import annotations

import argparse
import os
import sys

from csdesk.cli.common import portfolio


def display_available() -> bool:
    """True when Qt can show a window here (or was told to draw offscreen)."""
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(
        os.environ.get("DISPLAY")
        or os.environ.get("WAYLAND_DISPLAY")
        or os.environ.get("QT_QPA_PLATFORM")
    )


def run_default(args: argparse.Namespace) -> int:
    if display_available():
        try:
            from csdesk.ui.app import run_app
        except ImportError:
            run_app = None
        if run_app is not None:
            return run_app(args)

    if not display_available():
        print("No display available, so the window cannot open; here is your day as text.")
    return print_day(args)


def print_day(args: argparse.Namespace) -> int:
    """The text version of the CSM's day (the `today` command when it is available)."""
    try:
        from csdesk.cli.commands.today import print_today
    except ImportError:
        print_today = None
    if print_today is not None:
        return int(print_today(args) or 0)

    from csdesk.cli.common import as_of
    from csdesk.services.accounts import list_accounts
    from csdesk.services.context import load_rates

    with portfolio(args) as context, context.read() as session:
        accounts = list_accounts(session, as_of(args), load_rates(session))
    print(f"{len(accounts)} accounts in {context.portfolio.path}")
    if not accounts:
        print("Run `csdesk demo` to load the demo book, or `csdesk import` to bring your own.")
    return 0
