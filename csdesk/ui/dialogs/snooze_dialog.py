"""Pick the day a task should come back."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QDateEdit, QDialog, QDialogButtonBox, QFormLayout, QLabel, QWidget


class SnoozeDialog(QDialog):
    """Signals:
        chosen: (date) the user picked a day after ``as_of``.
    """

    chosen = Signal(object)

    def __init__(self, title: str, as_of: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.as_of = as_of
        self.setWindowTitle("Snooze")
        self.date_edit = QDateEdit()
        self.date_edit.setAccessibleName("Snooze until")
        self.date_edit.setCalendarPopup(True)
        start = QDate(as_of.year, as_of.month, as_of.day)
        self.date_edit.setMinimumDate(start.addDays(1))
        self.date_edit.setDate(start.addDays(7))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._on_accepted)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        label = QLabel(f"Hide “{title}” until:")
        label.setWordWrap(True)
        form.addRow(label)
        form.addRow("Until", self.date_edit)
        form.addRow(buttons)

    def _on_accepted(self) -> None:
        self.chosen.emit(self.date_edit.date().toPython())
        self.accept()
