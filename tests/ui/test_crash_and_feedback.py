"""Errors: plain words in the message bar, a crash dialog, or a logged exit."""

from __future__ import annotations

import logging
import sys

from PySide6.QtWidgets import QApplication, QMessageBox

from csdesk.errors import ValidationError
from csdesk.ui import feedback
from csdesk.ui.crash_dialog import CrashDialog
from csdesk.ui.crash_handler import install_crash_handler


def _raise_and_hook() -> None:
    try:
        raise RuntimeError("boom in a slot")
    except RuntimeError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)


def _dialogs() -> list[CrashDialog]:
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, CrashDialog) and w.isVisible()]


def test_crash_dialog_shows_copyable_details(qtbot, tmp_path, caplog) -> None:
    previous = install_crash_handler(str(tmp_path / "csdesk.log"), show_dialog=True)
    try:
        with caplog.at_level(logging.CRITICAL, logger="csdesk"):
            _raise_and_hook()
        dialogs = _dialogs()
        assert len(dialogs) == 1
        dialog = dialogs[0]
        qtbot.addWidget(dialog)
        text = dialog.details.toPlainText()
        assert "RuntimeError: boom in a slot" in text and "csdesk.log" in text
        assert "boom in a slot" in caplog.text
        dialog._copy()
        assert QApplication.clipboard().text() == text
        dialog.accept()
    finally:
        sys.excepthook = previous


def test_no_crash_dialog_logs_and_exits(qtbot, tmp_path, monkeypatch, caplog, capsys) -> None:
    exits: list[int] = []
    monkeypatch.setattr(QApplication, "exit", staticmethod(lambda code=0: exits.append(code)))
    before = _dialogs()
    previous = install_crash_handler(str(tmp_path / "csdesk.log"), show_dialog=False)
    try:
        with caplog.at_level(logging.CRITICAL, logger="csdesk"):
            _raise_and_hook()
    finally:
        sys.excepthook = previous
    assert exits == [1]
    assert _dialogs() == before
    assert "boom in a slot" in caplog.text
    assert "details in" in capsys.readouterr().err


def test_errors_are_described_in_plain_words() -> None:
    ours = feedback.describe_error(ValidationError("the rate must be above zero"), "set a rate")
    assert ours == "Could not set a rate: the rate must be above zero"
    other = feedback.describe_error(KeyError("x"), "load the portfolio")
    assert "unexpected problem" in other and "log file" in other


def test_ask_is_non_modal_and_runs_the_answer(qtbot) -> None:
    from PySide6.QtWidgets import QWidget

    parent = QWidget()
    qtbot.addWidget(parent)
    answered: list[bool] = []
    box = feedback.ask(parent, "Change", "Change it?", lambda: answered.append(True))
    assert box.isVisible()  # opened with open(): the test goes on without a nested loop
    yes = next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole)
    yes.click()
    qtbot.waitUntil(lambda: answered == [True])
