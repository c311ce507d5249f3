"""What ``csdesk`` does with no command: open the window, or say why not and print the day."""

from __future__ import annotations

import argparse
import os
import sys

from csdesk.cli.commands.today import print_today


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
    if not display_available():
        print("No display available, so the window cannot open; here is your day as text.")
        return int(print_today(args) or 0)

    try:
        from csdesk.ui.app import run_app
    except ImportError as exc:  # Qt's system libraries are missing on this machine
        print(f"The window cannot start ({exc}); here is your day as text.")
        return int(print_today(args) or 0)
    return run_app(args)
