"""How the window tells the user things: one place, and everything shown is also logged.

Routine results and failures go to the window's non-modal message bar. A question box is
only for when the user must decide, and it is opened with ``open()`` and a callback so the
event loop keeps running (and tests are never blocked by a modal ``exec()``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox, QWidget

from csdesk.errors import CsdeskError
from csdesk.ui.widgets.message_bar import MessageBar

logger = logging.getLogger(__name__)


def describe_error(error: BaseException, doing: str) -> str:
    """Plain words for an error: our own messages as they are, anything else with a pointer."""
    if isinstance(error, CsdeskError):
        return f"Could not {doing}: {error}"
    if isinstance(error, OSError) and error.strerror:
        where = f" ({error.filename})" if error.filename else ""
        return f"Could not {doing}: {error.strerror}{where}."
    return (
        f"Could not {doing} because of an unexpected problem "
        f"({error.__class__.__name__}: {error}). The details are in the log file."
    )


def _message_bar(widget: QWidget | None) -> MessageBar | None:
    window = widget.window() if widget is not None else None
    bar = getattr(window, "message_bar", None)
    return bar if isinstance(bar, MessageBar) else None


def show_error(widget: QWidget | None, error: BaseException, doing: str) -> str:
    """Log ``error`` and show it in plain words in the window's message bar."""
    text = describe_error(error, doing)
    if isinstance(error, CsdeskError):
        logger.warning("%s", text)
    else:
        logger.error("could not %s", doing, exc_info=error)
    bar = _message_bar(widget)
    if bar is not None:
        bar.show_message("error", text)
    return text


def show_warning(widget: QWidget | None, text: str) -> None:
    logger.warning("%s", text)
    bar = _message_bar(widget)
    if bar is not None:
        bar.show_message("warning", text)


def show_info(widget: QWidget | None, text: str) -> None:
    logger.info("%s", text)
    bar = _message_bar(widget)
    if bar is not None:
        bar.show_message("info", text)


def error_handler(widget: QWidget, doing: str) -> Callable[[BaseException], None]:
    """An ``on_error`` callback for :func:`csdesk.ui.background.run_in_background`."""

    def handle(error: BaseException) -> None:
        show_error(widget, error, doing)

    return handle


def ask(
    parent: QWidget,
    title: str,
    question: str,
    on_yes: Callable[[], None],
    yes_text: str = "Yes",
) -> QMessageBox:
    """Ask a yes/no question without blocking; ``on_yes`` runs only if the user agrees."""
    box = QMessageBox(QMessageBox.Icon.Question, title, question, parent=parent)
    yes = box.addButton(yes_text, QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Cancel", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(yes)

    def finished() -> None:
        if box.clickedButton() is yes:
            on_yes()
        box.deleteLater()

    box.finished.connect(finished)
    box.open()
    return box
