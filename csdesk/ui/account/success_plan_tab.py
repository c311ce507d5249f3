"""Account > Success plan: outcomes, objectives and milestones, edited through the plan service."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QInputDialog, QLabel, QPushButton, QWidget

from csdesk.plans.view import PlanView
from csdesk.services.plans import add_outcome, init_plan, plan_view, update_milestone
from csdesk.ui.account.account_tab import AccountTab, make_table
from csdesk.ui.dialogs.milestone_edit_dialog import MilestoneEditDialog
from csdesk.ui.dialogs.objective_edit_dialog import ObjectiveEditDialog
from csdesk.ui.qtmodels.plan_table_model import (
    MilestonesTableModel,
    ObjectiveLine,
    ObjectivesTableModel,
)
from csdesk.ui.workspace import Workspace


class SuccessPlanTab(AccountTab):
    TITLE = "Success plan"

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(workspace, parent)
        self.plan: PlanView | None = None
        self.texts = QLabel()
        self.texts.setWordWrap(True)
        self.objectives = ObjectivesTableModel(self)
        self.objectives_table, self.objectives_proxy = make_table(
            self.objectives, "Objectives", ObjectivesTableModel.OBJECTIVE)
        self.objectives_table.activated.connect(lambda _i: self.edit_objective())
        self.milestones = MilestonesTableModel(self)
        self.milestones_table, self.milestones_proxy = make_table(
            self.milestones, "Milestones", MilestonesTableModel.TITLE)

        self.start_button = QPushButton("Start a plan from the tier's template")
        self.start_button.clicked.connect(self.start_plan)
        self.outcome_button = QPushButton("Add outcome…")
        self.outcome_button.clicked.connect(self.ask_outcome)
        self.objective_button = QPushButton("Add objective…")
        self.objective_button.clicked.connect(self.add_objective)
        self.edit_objective_button = QPushButton("Edit objective…")
        self.edit_objective_button.clicked.connect(self.edit_objective)
        self.milestone_button = QPushButton("Add milestone…")
        self.milestone_button.clicked.connect(self.add_milestone)
        self.done_button = QPushButton("Mark milestone done")
        self.done_button.clicked.connect(self.mark_milestone_done)

        buttons = QHBoxLayout()
        for button in (self.start_button, self.outcome_button, self.objective_button,
                       self.edit_objective_button, self.milestone_button, self.done_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.layout_.addWidget(self.texts)
        self.layout_.addLayout(buttons)
        self.layout_.addWidget(QLabel("<b>Outcomes and objectives</b>"))
        self.layout_.addWidget(self.objectives_table, 2)
        self.layout_.addWidget(QLabel("<b>Milestones</b>"))
        self.layout_.addWidget(self.milestones_table, 1)
        self.dialog: QWidget | None = None

    def load(self) -> None:
        key, as_of = str(self.account_id), self.workspace.as_of
        self.workspace.load(lambda s: plan_view(s, key, as_of), self._show, self,
                            "load the success plan")

    def _show(self, plan: PlanView) -> None:
        self.plan = plan
        has_plan = plan.plan_id is not None
        self.start_button.setVisible(not has_plan)
        for button in (self.outcome_button, self.objective_button, self.edit_objective_button,
                       self.milestone_button, self.done_button):
            button.setEnabled(has_plan)
        self.objective_button.setEnabled(has_plan and bool(plan.outcomes))
        if not has_plan:
            self.texts.setText("This account has no success plan yet.")
        else:
            parts = [("Why they bought", plan.why_they_bought),
                     ("Success criteria", plan.success_criteria), ("Risks", plan.risks)]
            self.texts.setText("<br>".join(f"<b>{title}:</b> {_escape(text)}"
                                           for title, text in parts if text)
                               or "The plan has no summary texts yet.")
        self.objectives.set_rows([ObjectiveLine(o.id, outcome.title, o)
                                  for outcome in plan.outcomes for o in outcome.objectives])
        self.milestones.set_rows(plan.milestones)
        self.loaded.emit()

    def _save(self, write: Any, doing: str) -> None:
        self.workspace.save(write, lambda _r: self.load(), self, doing)

    def start_plan(self) -> None:
        key, as_of = str(self.account_id), self.workspace.as_of
        self._save(lambda s: init_plan(s, key, as_of), "start the success plan")

    def ask_outcome(self) -> None:
        dialog = QInputDialog(self)
        dialog.setWindowTitle("Add outcome")
        dialog.setLabelText("The business result the customer bought the product for:")
        dialog.textValueSelected.connect(self.add_outcome)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def add_outcome(self, title: str) -> None:
        key = str(self.account_id)
        self._save(lambda s: add_outcome(s, key, title), "add the outcome")

    def add_objective(self) -> None:
        self._open_objective(None)

    def edit_objective(self) -> None:
        rows = self.objectives_table.selectionModel().selectedRows()
        if rows:
            self._open_objective(self.objectives_proxy.row_at(rows[0].row()).objective)

    def _open_objective(self, objective: Any) -> None:
        if self.plan is None or self.account_id is None:
            return
        dialog = ObjectiveEditDialog(self.workspace, self.account_id, self.plan.outcomes,
                                     objective, self)
        self._open(dialog)

    def add_milestone(self) -> None:
        if self.account_id is not None:
            self._open(MilestoneEditDialog(self.workspace, self.account_id, self))

    def _open(self, dialog: Any) -> None:
        self.dialog = dialog
        dialog.saved.connect(self.load)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def mark_milestone_done(self) -> None:
        rows = self.milestones_table.selectionModel().selectedRows()
        if not rows:
            return
        milestone = self.milestones_proxy.row_at(rows[0].row())
        key, as_of = str(self.account_id), self.workspace.as_of
        self._save(lambda s: update_milestone(s, key, milestone.id, {"done_on": as_of}),
                   "mark the milestone done")


def _escape(text: str | None) -> str:
    from html import escape

    return escape(text or "")
