"""The dialog shown when something unexpected breaks: details to copy, then quit or go on."""

from __future__ import annotations

import platform

from PySide6 import __version__ as pyside_version
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from csdesk import __version__

REPORT_HINT = (
    "Please send these details to whoever supports csdesk for you "
    "(or attach them to an issue in the csdesk project's tracker)."
)


def crash_details(traceback_text: str, log_file: str) -> str:
    """The text a supporter needs: versions, system, log location and the traceback."""
    return "\n".join(
        [
            f"csdesk {__version__}",
            f"Python {platform.python_version()}, PySide6 {pyside_version}",
            f"System: {platform.platform()}",
            f"Log file: {log_file}",
            "",
            traceback_text.rstrip(),
        ]
    )


class CrashDialog(QDialog):
    def __init__(self, summary: str, details: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("csdesk hit an unexpected problem")
        self.resize(640, 420)

        headline = QLabel(
            f"<b>Something went wrong:</b> {summary}<br>"
            "Your portfolio is safe: every saved change was written before this happened. "
            "You can keep working, or quit and start csdesk again."
        )
        headline.setWordWrap(True)
        hint = QLabel(REPORT_HINT)
        hint.setWordWrap(True)

        self.details = QPlainTextEdit(details)
        self.details.setReadOnly(True)
        self.details.setAccessibleName("Crash details")

        buttons = QDialogButtonBox()
        copy = QPushButton("Copy details")
        copy.clicked.connect(self._copy)
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        self.quit_button = buttons.addButton("Quit csdesk", QDialogButtonBox.ButtonRole.RejectRole)
        self.continue_button = buttons.addButton(
            "Keep working", QDialogButtonBox.ButtonRole.AcceptRole
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(headline)
        layout.addWidget(hint)
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)

    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self.details.toPlainText())
