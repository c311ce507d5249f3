"""Add an objective to an outcome of a success plan, or edit one (KPI, values, status…)."""

from __future__ import annotations

from datetime import date
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

from csdesk.plans.view import ObjectiveView, OutcomeView
from csdesk.services.plans import add_objective, update_objective
from csdesk.ui import formatting as fmt
from csdesk.ui.workspace import Workspace
from csdesk.vocabulary import OBJECTIVE_STATUSES, OWNER_SIDES


class ObjectiveEditDialog(QDialog):
    """Signals:
        saved: the objective was written (change log included).
    """

    saved = Signal()

    def __init__(self, workspace: Workspace, account_id: int, outcomes: tuple[OutcomeView, ...],
                 objective: ObjectiveView | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace, self.account_id, self.objective = workspace, account_id, objective
        self.setWindowTitle("Edit objective" if objective else "Add objective")
        self.setMinimumWidth(460)
        self.outcome_box = QComboBox()
        for outcome in outcomes:
            self.outcome_box.addItem(outcome.title, outcome.id)
        self.title_edit = QLineEdit()
        self.kpi_edit = QLineEdit()
        self.unit_edit = QLineEdit()
        self.baseline_edit = QLineEdit()
        self.target_edit = QLineEdit()
        self.current_edit = QLineEdit()
        self.owner_edit = QLineEdit()
        self.side_box = QComboBox()
        for side in OWNER_SIDES:
            self.side_box.addItem(fmt.label(side), side)
        self.status_box = QComboBox()
        for status in OBJECTIVE_STATUSES:
            self.status_box.addItem(fmt.label(status), status)
        self.has_due = QCheckBox("Has a due date")
        self.due_edit = QDateEdit()
        self.due_edit.setCalendarPopup(True)
        as_of = workspace.as_of
        self.due_edit.setDate(QDate(as_of.year, as_of.month, as_of.day))
        self.has_due.toggled.connect(self.due_edit.setEnabled)
        self.due_edit.setEnabled(False)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        if objective is not None:
            self._fill(objective)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        for text, widget in (("Outcome", self.outcome_box), ("Objective", self.title_edit),
                             ("KPI", self.kpi_edit), ("Unit", self.unit_edit),
                             ("Baseline", self.baseline_edit), ("Target", self.target_edit),
                             ("Current", self.current_edit), ("Owner", self.owner_edit),
                             ("Side", self.side_box), ("Status", self.status_box)):
            widget.setAccessibleName(text)
            form.addRow(text, widget)
        form.addRow(self.has_due, self.due_edit)
        form.addRow(self.error_label)
        form.addRow(buttons)

    def _fill(self, objective: ObjectiveView) -> None:
        self.outcome_box.setCurrentIndex(max(0, self.outcome_box.findData(objective.outcome_id)))
        self.title_edit.setText(objective.title)
        for edit, value in ((self.kpi_edit, objective.kpi), (self.unit_edit, objective.unit),
                            (self.baseline_edit, objective.baseline),
                            (self.target_edit, objective.target),
                            (self.current_edit, objective.current),
                            (self.owner_edit, objective.owner)):
            edit.setText(value or "")
        self.side_box.setCurrentIndex(max(0, self.side_box.findData(objective.owner_side)))
        self.status_box.setCurrentIndex(max(0, self.status_box.findData(objective.status)))
        if objective.due_on:
            self.has_due.setChecked(True)
            day = objective.due_on
            self.due_edit.setDate(QDate(day.year, day.month, day.day))

    def values(self) -> dict[str, Any]:
        due: date | None = None
        if self.has_due.isChecked():
            due = self.due_edit.date().toPython()  # type: ignore[assignment]
        return {
            "outcome_id": self.outcome_box.currentData(),
            "title": self.title_edit.text(),
            "kpi": self.kpi_edit.text(),
            "unit": self.unit_edit.text(),
            "baseline": self.baseline_edit.text().strip() or None,
            "target": self.target_edit.text().strip() or None,
            "current": self.current_edit.text().strip() or None,
            "owner": self.owner_edit.text(),
            "owner_side": self.side_box.currentData(),
            "status": self.status_box.currentData(),
            "due_on": due,
        }

    def save(self) -> None:
        values, key, objective = self.values(), str(self.account_id), self.objective

        def write(session: Any) -> None:
            if objective is None:
                outcome_id = values.pop("outcome_id")
                add_objective(session, key, outcome_id, values)
            else:
                update_objective(session, key, objective.id, values)

        self.workspace.save(write, self._on_saved, self, "save the objective",
                            on_error=self._on_failed)

    def _on_saved(self, _: Any) -> None:
        self.saved.emit()
        self.accept()

    def _on_failed(self, error: BaseException) -> None:
        from csdesk.ui import feedback

        self.error_label.setText(feedback.describe_error(error, "save the objective"))
