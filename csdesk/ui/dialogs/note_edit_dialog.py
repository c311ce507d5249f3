"""Write a note about an account, or edit one."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from csdesk.errors import ValidationError
from csdesk.services.account_records import TimelineEntry, add_note, edit_note
from csdesk.ui.workspace import Workspace


class NoteEditDialog(QDialog):
    """Signals:
        saved: the note was written (change log included).
    """

    saved = Signal()

    def __init__(self, workspace: Workspace, account_id: int | None,
                 entry: TimelineEntry | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.account_id = account_id
        self.entry = entry
        self.setWindowTitle("Edit note" if entry else "Write note")
        self.setMinimumWidth(460)
        self.title_edit = QLineEdit()
        self.title_edit.setAccessibleName("Title")
        self.body_edit = QPlainTextEdit()
        self.body_edit.setAccessibleName("Note")
        self.body_edit.setTabChangesFocus(True)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        if entry:
            self.title_edit.setText(entry.title)
            self.body_edit.setPlainText(entry.body or "")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Title", self.title_edit)
        form.addRow("Note", self.body_edit)
        form.addRow(self.error_label)
        form.addRow(buttons)

    def save(self) -> None:
        title, body = self.title_edit.text(), self.body_edit.toPlainText()
        if not body.strip():
            self.error_label.setText("The note is empty.")
            return
        account_id, entry, day = self.account_id, self.entry, self.workspace.as_of
        author = self.workspace.context.actor

        def write(session: Any) -> None:
            if entry is None:
                add_note(session, account_id, day, title, body, author)  # type: ignore[arg-type]
            else:
                edit_note(session, entry.id, title, body)

        self.workspace.save(write, self._on_saved, self, "save the note",
                            on_error=self._on_failed)

    def _on_saved(self, _: Any) -> None:
        self.saved.emit()
        self.accept()

    def _on_failed(self, error: BaseException) -> None:
        from csdesk.ui import feedback

        if isinstance(error, ValidationError):
            self.error_label.setText(str(error).capitalize())
        else:
            self.error_label.setText(feedback.show_error(self, error, "save the note"))
