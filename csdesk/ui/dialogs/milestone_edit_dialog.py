"""Add a milestone to a success plan (one may mark the customer's first value)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from csdesk.services.plans import add_milestone
from csdesk.ui import formatting as fmt
from csdesk.ui.workspace import Workspace
from csdesk.vocabulary import OWNER_SIDES


class MilestoneEditDialog(QDialog):
    """Signals:
        saved: the milestone was written (change log included).
    """

    saved = Signal()

    def __init__(self, workspace: Workspace, account_id: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace, self.account_id = workspace, account_id
        self.setWindowTitle("Add milestone")
        self.title_edit = QLineEdit()
        self.title_edit.setAccessibleName("Milestone")
        self.due_edit = QDateEdit()
        self.due_edit.setAccessibleName("Due")
        self.due_edit.setCalendarPopup(True)
        as_of = workspace.as_of
        self.due_edit.setDate(QDate(as_of.year, as_of.month, as_of.day).addDays(30))
        self.owner_edit = QLineEdit()
        self.owner_edit.setAccessibleName("Owner")
        self.side_box = QComboBox()
        self.side_box.setAccessibleName("Side")
        for side in OWNER_SIDES:
            self.side_box.addItem(fmt.label(side), side)
        self.first_value = QCheckBox("Marks the customer's first value")
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Milestone", self.title_edit)
        form.addRow("Due", self.due_edit)
        form.addRow("Owner", self.owner_edit)
        form.addRow("Side", self.side_box)
        form.addRow("", self.first_value)
        form.addRow(self.error_label)
        form.addRow(buttons)

    def save(self) -> None:
        values = {
            "title": self.title_edit.text(),
            "due_on": self.due_edit.date().toPython(),
            "owner": self.owner_edit.text(),
            "owner_side": self.side_box.currentData(),
            "is_first_value": self.first_value.isChecked(),
        }
        key = str(self.account_id)

        def write(session: Any) -> None:
            add_milestone(session, key, values)

        self.workspace.save(write, self._on_saved, self, "save the milestone",
                            on_error=self._on_failed)

    def _on_saved(self, _: Any) -> None:
        self.saved.emit()
        self.accept()

    def _on_failed(self, error: BaseException) -> None:
        from csdesk.ui import feedback

        self.error_label.setText(feedback.describe_error(error, "save the milestone"))
