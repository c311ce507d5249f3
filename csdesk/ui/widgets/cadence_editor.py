"""The engagement cadences of every tier, with the days of a recurring touchpoint editable."""

from __future__ import annotations

import copy
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget

from csdesk.engagement.plan import RECURRING, EngagementPlans
from csdesk.services.engagement import save_plans
from csdesk.ui.qtmodels.plans_table_model import CadenceLine, CadencesTableModel
from csdesk.ui.workspace import Workspace
from csdesk.vocabulary import TIERS


def cadence_lines(plans: EngagementPlans) -> list[CadenceLine]:
    lines = [CadenceLine(None, i, spec) for i, spec in enumerate(plans.every_tier)]
    for tier in TIERS:
        lines += [CadenceLine(tier, i, spec) for i, spec in enumerate(plans.tiers.get(tier, ()))]
    return lines


def with_new_cadence(document: dict[str, Any], tier: int, position: int, days: int
                     ) -> dict[str, Any]:
    """A copy of the plans document with one recurring touchpoint's cadence changed."""
    changed = copy.deepcopy(document)
    entry = changed["tiers"][str(tier)][position]
    entry.pop("every_months", None)
    entry["every_days"] = days
    return changed


class CadenceEditor(QWidget):
    """Signals:
        saved: a cadence was changed and stored.
    """

    saved = Signal()

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from csdesk.ui.account.account_tab import make_table

        self.workspace = workspace
        self.document: dict[str, Any] | None = None
        self.model = CadencesTableModel(self)
        self.table, self.proxy = make_table(self.model, "Engagement cadences",
                                            CadencesTableModel.KINDS)
        header = self.table.horizontalHeader()
        header.resizeSection(CadencesTableModel.TIER, 110)
        header.resizeSection(CadencesTableModel.TOUCHPOINT, 230)
        header.resizeSection(CadencesTableModel.CADENCE, 210)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.days_spin = QSpinBox()
        self.days_spin.setAccessibleName("Every how many days")
        self.days_spin.setRange(1, 730)
        self.days_spin.setSuffix(" days")
        self.days_spin.setEnabled(False)
        self.days_button = QPushButton("Set cadence")
        self.days_button.clicked.connect(self.save_cadence)
        self.days_button.setEnabled(False)
        row = QHBoxLayout()
        row.addWidget(QLabel("Selected recurring touchpoint every"))
        row.addWidget(self.days_spin)
        row.addWidget(self.days_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)

    def show_plans(self, plans: EngagementPlans, document: dict[str, Any]) -> None:
        self.document = document
        self.model.set_rows(cadence_lines(plans))
        self._on_selection_changed()

    def selected(self) -> CadenceLine | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        line: CadenceLine = self.proxy.row_at(rows[0].row())
        return line

    def _on_selection_changed(self) -> None:
        line = self.selected()
        editable = bool(line is not None and line.tier is not None
                        and line.spec.pattern == RECURRING and line.spec.every is not None
                        and not line.spec.every.months)
        self.days_button.setEnabled(editable)
        self.days_spin.setEnabled(editable)
        if editable and line is not None and line.spec.every is not None:
            self.days_spin.setValue(line.spec.every.days)

    def save_cadence(self) -> None:
        line = self.selected()
        if line is None or line.tier is None or self.document is None:
            return
        document = with_new_cadence(self.document, line.tier, line.position,
                                    self.days_spin.value())
        self.workspace.save(lambda s: save_plans(s, document), lambda _p: self.saved.emit(),
                            self, f"change the cadence of {line.spec.label} for tier {line.tier}")
