"""The one place that configures logging handlers.

Modules only ever call ``logging.getLogger(__name__)``. The command line and the window call
:func:`configure_logging` once at start-up: a rotating file in the log folder, and warnings on
the console when run from a terminal.

The file gets everything, tracebacks included. The console gets one line per record: a record
that carries a traceback is a diagnostic for the file (whoever caught the exception tells the
user in plain words), and a message of several lines shows its first. A log file that cannot be
written (full disk, read-only folder) is dropped quietly instead of printing Python's own
"Logging error" report over the user's output.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

LOG_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


class _QuietFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log file that goes silent once it cannot be written."""

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 (logging's name)
        # The disk filled up or the folder turned read-only under us: the user's command
        # matters more than its log, and the reason is already reported where it matters.
        self.setLevel(logging.CRITICAL + 1)


class _ConsoleFilter(logging.Filter):
    """Keeps records with a traceback off the console; they are for the log file."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.exc_info and not record.stack_info


class _ConsoleFormatter(logging.Formatter):
    """``LEVEL: first line of the message``, never a traceback."""

    def format(self, record: logging.LogRecord) -> str:
        lines = record.getMessage().splitlines() or [""]
        return f"{record.levelname}: {lines[0]}"


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
        file_handler: logging.Handler = _QuietFileHandler(
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
    console.setFormatter(_ConsoleFormatter())
    console.addFilter(_ConsoleFilter())
    console._csdesk = True  # type: ignore[attr-defined]
    root.addHandler(console)
