"""The ``csdesk`` command line.

Sub-commands live in :mod:`csdesk.cli.commands`, one module per subject; each module has a
``register(subparsers, common)`` function and an ``ORDER`` number for the help listing.
Exit status: 0 on success, 1 on an error (one clear line on stderr), 2 on wrong usage.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import sys
from collections.abc import Sequence
from types import ModuleType

from csdesk import __version__
from csdesk.cli import commands
from csdesk.errors import CsdeskError
from csdesk.logging_setup import configure_logging
from csdesk.paths import resolve_paths

logger = logging.getLogger(__name__)


def _command_modules() -> list[ModuleType]:
    modules = [
        importlib.import_module(f"{commands.__name__}.{info.name}")
        for info in pkgutil.iter_modules(commands.__path__)
        if not info.name.startswith("_")
    ]
    return sorted(modules, key=lambda m: (getattr(m, "ORDER", 100), m.__name__))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="csdesk",
        description="Offline-first workbench for Customer Success Managers. "
        "Run without a command to open the window.",
    )
    parser.add_argument("--version", action="version", version=f"csdesk {__version__}")
    parser.add_argument("--home", help="folder holding the portfolio (default: CSDESK_HOME or "
                        "the platform's user data folder)")
    parser.add_argument("-v", "--verbose", action="store_true", help="show progress messages")
    parser.add_argument("--no-crash-dialog", action="store_true",
                        help="log unexpected errors and exit instead of showing a dialog")

    # Sub-commands accept --home too, after their own name.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--home", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    common.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                        help=argparse.SUPPRESS)

    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in _command_modules():
        module.register(subparsers, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)

    paths = resolve_paths(args.home)
    configure_logging(paths.log_file, verbose=args.verbose)

    handler = getattr(args, "handler", None)
    if handler is None:
        from csdesk.cli.default import run_default

        handler = run_default

    try:
        return int(handler(args) or 0)
    except CsdeskError as exc:
        logger.info("%s failed: %s", args.command or "csdesk", exc)
        print(f"csdesk: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("csdesk: interrupted; nothing half-written was kept", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
    except Exception as exc:  # the last line of defence: log the detail, say it plainly
        logger.exception("unexpected error in %s", args.command or "csdesk")
        print(
            f"csdesk: unexpected error: {exc.__class__.__name__}: {exc} "
            f"(details in {paths.log_file})",
            file=sys.stderr,
        )
        return 1
