"""The one place that configures logging handlers.

Modules only ever call ``logging.getLogger(__name__)``. The command line and the window call
:func:`configure_logging` once at start-up: a rotating file in the log folder, and warnings on
the console when run from a terminal.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

LOG_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


def configure_logging(log_file: Path, verbose: bool = False) -> None:
    """Send csdesk's log records to a rotating file, and problems to stderr."""
    root = logging.getLogger("csdesk")
    root.setLevel(logging.DEBUG)
    for handler in list(root.handlers):
        if getattr(handler, "_csdesk", False):
            root.removeHandler(handler)
            handler.close()

    try:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        file_handler: logging.Handler = logging.handlers.RotatingFileHandler(
            log_file, maxBytes=2_000_000, backupCount=5, encoding="utf-8"
        )
        file_handler.setLevel(logging.DEBUG)
        file_handler.setFormatter(logging.Formatter(LOG_FORMAT))
        file_handler._csdesk = True  # type: ignore[attr-defined]
        root.addHandler(file_handler)
    except OSError as exc:
        # A read-only or full log folder must not stop the user from working.
        logging.getLogger(__name__).debug("log file unavailable: %s", exc)

    console = logging.StreamHandler()
    console.setLevel(logging.INFO if verbose else logging.WARNING)
    console.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    console._csdesk = True  # type: ignore[attr-defined]
    root.addHandler(console)
