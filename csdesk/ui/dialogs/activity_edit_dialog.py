"""Log a new activity with the customer, or correct one already logged."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from csdesk.errors import ValidationError
from csdesk.services.account_records import TimelineEntry, edit_activity
from csdesk.services.engagement import load_plans, log_activity
from csdesk.ui import formatting as fmt
from csdesk.ui.workspace import Workspace


class ActivityEditDialog(QDialog):
    """Signals:
        saved: the activity was written (change log included).
    """

    saved = Signal()

    def __init__(self, workspace: Workspace, account_id: int | None,
                 entry: TimelineEntry | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.account_id = account_id
        self.entry = entry
        self.setWindowTitle("Edit activity" if entry else "Log activity")
        self.setMinimumWidth(460)

        self.kind_box = QComboBox()
        self.kind_box.setAccessibleName("Kind")
        self.kind_box.setEnabled(False)  # until the configured kinds are read
        self.date_edit = QDateEdit()
        self.date_edit.setAccessibleName("Date")
        self.date_edit.setCalendarPopup(True)
        self.summary_edit = QLineEdit()
        self.summary_edit.setAccessibleName("Summary")
        self.summary_edit.setPlaceholderText("What happened, in a few words")
        self.body_edit = QPlainTextEdit()
        self.body_edit.setAccessibleName("Details")
        self.body_edit.setTabChangesFocus(True)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setObjectName("errorLabel")

        day = entry.day if entry else workspace.as_of
        self.date_edit.setDate(QDate(day.year, day.month, day.day))
        if entry:
            self.summary_edit.setText(entry.title)
            self.body_edit.setPlainText(entry.body or "")

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Kind", self.kind_box)
        form.addRow("Date", self.date_edit)
        form.addRow("Summary", self.summary_edit)
        form.addRow("Details", self.body_edit)
        form.addRow(self.error_label)
        form.addRow(buttons)

        workspace.load(lambda session: load_plans(session).activity_kinds, self._show_kinds,
                       self, "read the activity kinds")

    def _show_kinds(self, kinds: tuple[str, ...]) -> None:
        for kind in kinds:
            self.kind_box.addItem(fmt.label(kind), kind)
        wanted = self.entry.kind if self.entry else "check_in"
        self.kind_box.setCurrentIndex(max(0, self.kind_box.findData(wanted)))
        self.kind_box.setEnabled(True)

    def chosen_day(self) -> date:
        return self.date_edit.date().toPython()  # type: ignore[return-value]

    def save(self) -> None:
        kind, day = self.kind_box.currentData(), self.chosen_day()
        summary, body = self.summary_edit.text(), self.body_edit.toPlainText()
        as_of, account_id, entry = self.workspace.as_of, self.account_id, self.entry
        if not summary.strip():
            self.error_label.setText("Write a short summary of what happened.")
            return
        author = self.workspace.context.actor

        def write(session: Any) -> None:
            if entry is None:
                _, activity = log_activity(session, str(account_id), kind, day, summary,
                                           as_of, author)
                activity.body = body.strip() or None
            else:
                edit_activity(session, entry.id, kind, day, summary, body, as_of)

        self.workspace.save(write, self._on_saved, self, "save the activity",
                            on_error=self._on_failed)

    def _on_saved(self, _: Any) -> None:
        self.saved.emit()
        self.accept()

    def _on_failed(self, error: BaseException) -> None:
        from csdesk.ui import feedback

        if isinstance(error, ValidationError):
            self.error_label.setText(str(error).capitalize())
        else:
            self.error_label.setText(feedback.show_error(self, error, "save the activity"))
