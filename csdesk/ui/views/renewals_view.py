"""Renewals: the 18-month timeline, ARR at risk, the forecast by quarter and the list."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from csdesk.charts.renewals import renewal_timeline_figure
from csdesk.charts.series import RenewalBucket
from csdesk.renewals.timeline import RenewalTimeline
from csdesk.services.context import load_rates
from csdesk.services.renewal_edits import set_renewal_category
from csdesk.services.renewals import (
    ForecastSummary,
    RenewalList,
    RenewalRow,
    forecast_summary,
    renewal_timeline,
    upcoming_renewals,
)
from csdesk.ui import formatting as fmt
from csdesk.ui.account.account_tab import make_table
from csdesk.ui.qtmodels.renewals_table_model import RenewalsTableModel
from csdesk.ui.views.view_page import ViewPage
from csdesk.ui.widgets.chart_canvas import ChartCanvas
from csdesk.ui.workspace import Workspace
from csdesk.vocabulary import FORECAST_CATEGORIES

TIMELINE_MONTHS = 18


@dataclass(frozen=True)
class RenewalsData:
    renewals: RenewalList
    forecast: ForecastSummary
    timeline: RenewalTimeline


def read_renewals(session: Any, as_of: Any) -> RenewalsData:
    rates = load_rates(session)
    return RenewalsData(upcoming_renewals(session, as_of, rates, 365),
                        forecast_summary(session, as_of, rates),
                        renewal_timeline(session, as_of, rates, TIMELINE_MONTHS))


def buckets_of(timeline: RenewalTimeline) -> list[RenewalBucket]:
    return [RenewalBucket(m.month, {k: v.amount for k, v in m.by_category.items()})
            for m in timeline.months]


class RenewalsView(ViewPage):
    TITLE = "Renewals"

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(workspace, parent)
        self.data: RenewalsData | None = None
        self.chart = ChartCanvas("No renewals in the next 18 months.")
        self.risk_label = QLabel()
        self.risk_label.setWordWrap(True)
        self.risk_label.setTextFormat(Qt.TextFormat.RichText)
        self.quarters_label = QLabel()
        self.quarters_label.setTextFormat(Qt.TextFormat.RichText)
        self.quarters_label.setWordWrap(True)

        self.model = RenewalsTableModel(self)
        self.table, self.proxy = make_table(self.model, "Upcoming renewals",
                                            RenewalsTableModel.ACCOUNT)
        header = self.table.horizontalHeader()
        header.resizeSection(RenewalsTableModel.ACCOUNT, 220)
        self.table.activated.connect(lambda _i: self.open_account())

        self.category_box = QComboBox()
        self.category_box.setAccessibleName("Forecast category")
        for category in FORECAST_CATEGORIES:
            self.category_box.addItem(fmt.label(category), category)
        self.category_button = QPushButton("Set category")
        self.category_button.clicked.connect(self.set_category)
        self.open_button = QPushButton("Open account")
        self.open_button.clicked.connect(self.open_account)

        figures = QVBoxLayout()
        figures.addWidget(self.risk_label)
        figures.addWidget(self.quarters_label)
        figures.addStretch(1)
        top = QWidget()
        top_row = QHBoxLayout(top)
        top_row.setContentsMargins(0, 0, 0, 0)
        chart_column = QVBoxLayout()
        chart_column.addWidget(QLabel(
            f"<b>Renewable ARR per month by forecast category, next {TIMELINE_MONTHS} months</b>"))
        chart_column.addWidget(self.chart, 1)
        top_row.addLayout(chart_column, 3)
        top_row.addLayout(figures, 2)

        actions = QHBoxLayout()
        actions.addWidget(QLabel("Selected renewal:"))
        actions.addWidget(self.category_box)
        actions.addWidget(self.category_button)
        actions.addWidget(self.open_button)
        actions.addStretch(1)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addLayout(actions)
        bottom_layout.addWidget(self.table, 1)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(bottom)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        layout.addWidget(splitter)
        # Keyboard order follows the screen: the actions above the list, then the list.
        QWidget.setTabOrder(self.category_box, self.category_button)
        QWidget.setTabOrder(self.category_button, self.open_button)
        QWidget.setTabOrder(self.open_button, self.table)

    def reload(self) -> None:
        as_of = self.workspace.as_of
        self.workspace.load(lambda s: read_renewals(s, as_of), self._show, self,
                            "load the renewals")

    def _show(self, data: RenewalsData) -> None:
        self.data = data
        currency = data.timeline.currency
        self.chart.show_chart(renewal_timeline_figure, buckets_of(data.timeline), currency,
                              height=3.4)
        risk = data.forecast.at_risk
        note = f"<br><i>{data.forecast.note}</i>" if data.forecast.note else ""
        self.risk_label.setText(
            f"<b>ARR at risk in the next {risk.horizon_days} days: {fmt.money(risk.total)}</b>"
            f"<br>At risk or churn forecast: {fmt.money(risk.by_category)}"
            f"<br>Red health: {fmt.money(risk.by_health)} (both: {fmt.money(risk.overlap)})"
            f"{note}")
        lines = ["<b>Forecast by quarter</b>"]
        for q in data.forecast.quarters:
            rate = fmt.percent(q.net_renewal_rate) if q.net_renewal_rate is not None else "—"
            lines.append(f"{q.quarter.label}: {q.count} renewals, {fmt.money(q.renewable)} "
                         f"renewable, {fmt.money(q.expected)} expected (net {rate})")
        self.quarters_label.setText("<br>".join(lines))
        self.model.set_rows(data.renewals.rows)
        self.finish_loading()

    def selected_row(self) -> RenewalRow | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        row: RenewalRow = self.proxy.row_at(rows[0].row())
        return row

    def set_category(self) -> None:
        row = self.selected_row()
        if row is None or row.line.renewal_date is None:
            return
        category = self.category_box.currentData()
        line = row.line
        opportunity_id = line.opportunity.opportunity_id if line.opportunity else None
        if line.opportunity is not None and line.opportunity.is_closed:
            opportunity_id = None
        contract_id, renewal_date = line.contract.contract_id, row.line.renewal_date
        assert renewal_date is not None
        self.workspace.save(
            lambda s: set_renewal_category(s, contract_id, renewal_date, category,
                                           opportunity_id),
            None, self, f"set the forecast of {line.account.name}")

    def open_account(self) -> None:
        row = self.selected_row()
        if row is not None:
            self.workspace.account_requested.emit(row.line.account.account_id)
