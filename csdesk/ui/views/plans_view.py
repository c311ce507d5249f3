"""Plans: tiers and their engagement cadences, compliance per tier and CSM, journey stages."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from csdesk.engagement.compliance import Window
from csdesk.engagement.plan import EngagementPlans
from csdesk.services.context import load_rates
from csdesk.services.engagement import (
    ENGAGEMENT_PLANS,
    ComplianceReport,
    compliance_report,
    load_plans,
)
from csdesk.services.journey import StageRow, stage_overview
from csdesk.services.settings import get_setting
from csdesk.ui import formatting as fmt
from csdesk.ui.account.account_tab import make_table
from csdesk.ui.qtmodels.plans_table_model import ComplianceTableModel, StagesTableModel
from csdesk.ui.views.view_page import ViewPage
from csdesk.ui.widgets.cadence_editor import CadenceEditor
from csdesk.ui.workspace import Workspace
from csdesk.vocabulary import JOURNEY_STAGES

COMPLIANCE_DAYS = 90


@dataclass(frozen=True)
class PlansData:
    plans: EngagementPlans
    document: dict[str, Any]
    compliance: ComplianceReport
    stages: list[StageRow]


def read_plans(session: Any, as_of: Any) -> PlansData:
    rates = load_rates(session)
    window = Window(as_of - timedelta(days=COMPLIANCE_DAYS - 1), as_of)
    return PlansData(load_plans(session), dict(get_setting(session, ENGAGEMENT_PLANS.key)),
                     compliance_report(session, window, rates),
                     list(stage_overview(session, as_of, rates)))


class PlansView(ViewPage):
    TITLE = "Plans"

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(workspace, parent)
        self.data: PlansData | None = None
        self.cadences = CadenceEditor(workspace)

        self.by_tier = ComplianceTableModel(self)
        self.by_tier_table, _ = make_table(self.by_tier, "Compliance by tier")
        self.by_owner = ComplianceTableModel(self)
        self.by_owner_table, _ = make_table(self.by_owner, "Compliance by CSM")
        for table in (self.by_tier_table, self.by_owner_table):
            header = table.horizontalHeader()
            header.resizeSection(ComplianceTableModel.GROUP, 130)
            for column in (ComplianceTableModel.DUE, ComplianceTableModel.ON_TIME):
                header.resizeSection(column, 60)
        self.compliance_label = QLabel()
        self.compliance_label.setWordWrap(True)

        self.stage_box = QComboBox()
        self.stage_box.setAccessibleName("Journey stage")
        self.stage_box.addItem("Every stage", None)
        for stage in JOURNEY_STAGES:
            self.stage_box.addItem(fmt.label(stage), stage)
        self.stage_box.currentIndexChanged.connect(self._filter_stages)
        self.stage_counts = QLabel()
        self.stage_counts.setWordWrap(True)
        self.stages = StagesTableModel(self)
        self.stages_table, self.stages_proxy = make_table(self.stages, "Accounts by stage",
                                                          StagesTableModel.REASON)
        self.stages_table.activated.connect(self._on_stage_activated)
        self.stages_table.horizontalHeader().resizeSection(StagesTableModel.ACCOUNT, 240)
        stage_row = QHBoxLayout()
        stage_row.addWidget(self.stage_box)
        stage_row.addWidget(self.stage_counts, 1)

        grid = QGridLayout(self)
        grid.setContentsMargins(16, 12, 16, 8)
        grid.addWidget(_heading("Tiers and engagement cadences"), 0, 0)
        grid.addWidget(self.cadences, 1, 0, 2, 1)
        compliance = QVBoxLayout()
        compliance.addWidget(self.compliance_label)
        pair = QHBoxLayout()
        pair.addWidget(self.by_tier_table)
        pair.addWidget(self.by_owner_table)
        compliance.addLayout(pair)
        grid.addWidget(_heading(f"Compliance, last {COMPLIANCE_DAYS} days"), 0, 1)
        grid.addLayout(compliance, 1, 1, 2, 1)
        grid.addWidget(_heading("Accounts by journey stage"), 3, 0, 1, 2)
        grid.addLayout(stage_row, 4, 0, 1, 2)
        grid.addWidget(self.stages_table, 5, 0, 1, 2)
        grid.setRowStretch(1, 2)
        grid.setRowStretch(5, 3)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)

    def reload(self) -> None:
        as_of = self.workspace.as_of
        self.workspace.load(lambda s: read_plans(s, as_of), self._show, self,
                            "load the plans")

    def _show(self, data: PlansData) -> None:
        self.data = data
        self.cadences.show_plans(data.plans, data.document)
        report = data.compliance
        self.by_tier.set_rows(report.groups.get("tier", ()))
        self.by_owner.set_rows(report.groups.get("owner", ()))
        rate = report.total.rate
        self.compliance_label.setText(
            f"{report.total.on_time} of {report.total.due} touchpoints done on time "
            f"({fmt.percent(rate) if rate is not None else 'none due'}), "
            f"{fmt.day(report.window.start)} to {fmt.day(report.window.end)}.")
        self.stages.set_rows(data.stages)
        counts = Counter(r.stage for r in data.stages)
        self.stage_counts.setText("  ·  ".join(
            f"{fmt.label(s)} {counts[s]}" for s in JOURNEY_STAGES if counts[s]))
        self._filter_stages()
        self.finish_loading()

    def _filter_stages(self) -> None:
        wanted = self.stage_box.currentData()
        self.stages_proxy.set_predicate(None if wanted is None else
                                        (lambda row: row.stage == wanted))

    def _on_stage_activated(self, index: Any) -> None:
        row = self.stages_proxy.row_at(index.row())
        self.workspace.account_requested.emit(row.account_id)


def _heading(text: str) -> QLabel:
    label = QLabel(f"<b>{text}</b>")
    label.setTextFormat(Qt.TextFormat.RichText)
    return label
