"""The last line of defence: an exception nobody caught is logged, then shown or fatal."""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from types import TracebackType

from PySide6.QtWidgets import QApplication, QDialog

from csdesk.ui.crash_dialog import CrashDialog, crash_details

logger = logging.getLogger(__name__)

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], None]


def install_crash_handler(log_file: str, show_dialog: bool) -> ExceptHook:
    """Replace ``sys.excepthook``; returns the previous hook so it can be restored.

    With ``show_dialog`` False (``--no-crash-dialog``), the error is logged and the
    application exits with status 1 instead of waiting for a person to click.
    """
    previous = sys.excepthook
    open_dialogs: list[CrashDialog] = []

    def hook(
        kind: type[BaseException], error: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            QApplication.exit(1)
            return
        text = "".join(traceback.format_exception(kind, error, tb))
        logger.critical("unexpected error:\n%s", text)
        app = QApplication.instance()
        if not show_dialog or app is None:
            print(f"csdesk: unexpected error: {kind.__name__}: {error} (details in {log_file})",
                  file=sys.stderr)
            QApplication.exit(1)
            return
        if open_dialogs:
            return  # one dialog is enough; a cascade of the same error would bury the window

        dialog = CrashDialog(f"{kind.__name__}: {error}", crash_details(text, log_file))
        open_dialogs.append(dialog)

        def finished(result: int) -> None:
            open_dialogs.remove(dialog)
            dialog.deleteLater()
            if result != QDialog.DialogCode.Accepted:
                QApplication.exit(1)

        dialog.finished.connect(finished)
        dialog.open()

    sys.excepthook = hook
    return previous
