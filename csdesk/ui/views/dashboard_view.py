"""Dashboard: the key metrics for a period, each with its definition, and a comparison chart."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from PySide6.QtWidgets import QComboBox, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from csdesk.charts.bars import metric_bar_figure
from csdesk.charts.series import Bar
from csdesk.metrics.definitions import RATIO
from csdesk.metrics.results import Metric, MetricsReport, display_value
from csdesk.money import Money
from csdesk.services.metrics import portfolio_metrics
from csdesk.ui.views.view_page import ViewPage
from csdesk.ui.widgets.chart_canvas import ChartCanvas
from csdesk.ui.widgets.metric_card import MetricCard
from csdesk.ui.workspace import Workspace

CARD_METRICS = ("arr", "nrr", "grr", "logo_retention", "gross_renewal_rate",
                "net_renewal_rate", "nps", "csat", "ttv", "voc_closure_rate")
COMPARE_METRICS = ("arr", "nrr", "grr", "logo_retention", "nps", "csat", "net_renewal_rate")
GROUPINGS = (("tier", "By tier"), ("csm", "By CSM"), ("segment", "By segment"),
             ("country", "By country"))
CARDS_PER_ROW = 5


def period_choices(year: int) -> list[tuple[str, str]]:
    return [("ttm", "Trailing 12 months"), (str(year), str(year)),
            (str(year - 1), str(year - 1))] + [
        (f"{year}Q{q}", f"{year} Q{q}") for q in range(1, 5)]


@dataclass(frozen=True)
class DashboardData:
    book: MetricsReport
    grouped: MetricsReport


def _number(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, Money):
        return float(value.amount)
    return float(Decimal(value))


class DashboardView(ViewPage):
    TITLE = "Dashboard"

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(workspace, parent)
        self.data: DashboardData | None = None
        self.period_box = QComboBox()
        self.period_box.setAccessibleName("Period")
        for value, text in period_choices(workspace.as_of.year):
            self.period_box.addItem(text, value)
        self.group_box = QComboBox()
        self.group_box.setAccessibleName("Grouping")
        for value, text in GROUPINGS:
            self.group_box.addItem(text, value)
        self.metric_box = QComboBox()
        self.metric_box.setAccessibleName("Metric to compare")
        self.metric_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.period_box.activated.connect(lambda _i: self.refresh())
        self.group_box.activated.connect(lambda _i: self.refresh())
        self.metric_box.activated.connect(lambda _i: self._draw_chart())
        self.notes = QLabel()
        self.notes.setWordWrap(True)

        self.cards = {name: MetricCard() for name in CARD_METRICS}
        grid = QGridLayout()
        grid.setSpacing(10)
        for number, card in enumerate(self.cards.values()):
            grid.addWidget(card, number // CARDS_PER_ROW, number % CARDS_PER_ROW)
        self.chart = ChartCanvas("No figures to compare yet.")

        controls = QHBoxLayout()
        controls.addWidget(QLabel("Period"))
        controls.addWidget(self.period_box)
        controls.addSpacing(16)
        controls.addWidget(QLabel("Compare"))
        controls.addWidget(self.metric_box)
        controls.addWidget(self.group_box)
        controls.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        layout.addLayout(controls)
        layout.addLayout(grid)
        layout.addWidget(self.chart, 1)
        layout.addWidget(self.notes)
        QWidget.setTabOrder(self.period_box, self.metric_box)
        QWidget.setTabOrder(self.metric_box, self.group_box)

    def reload(self) -> None:
        as_of, period = self.workspace.as_of, self.period_box.currentData()
        group = self.group_box.currentData()

        def read(session: Any) -> DashboardData:
            return DashboardData(portfolio_metrics(session, as_of, period),
                                 portfolio_metrics(session, as_of, period, group))

        self.workspace.load(read, self._show, self, "compute the metrics")

    def _show(self, data: DashboardData) -> None:
        self.data = data
        book = data.book.group(None)
        for name, card in self.cards.items():
            card.restyle()
            card.show_metric(book.get(name))
        if self.metric_box.count() == 0:
            for name in COMPARE_METRICS:
                self.metric_box.addItem(book.get(name).label, name)
        notes = [f"{data.book.period.label}, as of {data.book.as_of.isoformat()}, "
                 f"amounts in {data.book.currency}.", *data.book.notes]
        self.notes.setText(" ".join(notes))
        self._draw_chart()
        self.finish_loading()

    def comparison(self) -> tuple[Metric | None, list[Bar]]:
        if self.data is None:
            return None, []
        name = self.metric_box.currentData() or COMPARE_METRICS[0]
        bars: list[Bar] = []
        metric: Metric | None = None
        for group in self.data.grouped.groups:
            if group.key is None:  # the whole book is on the cards already
                continue
            metric = group.get(name)
            bars.append(Bar(group.label, _number(metric.value),
                            text=display_value(metric.value, metric.unit)))
        return metric, bars

    def _draw_chart(self) -> None:
        metric, bars = self.comparison()
        if metric is None or not bars:
            self.chart.set_figure(None)
            return
        grouping = self.group_box.currentText().lower()
        limit = 1.0 if metric.unit == RATIO and all(
            (b.value or 0) <= 1 for b in bars) else None
        self.chart.show_chart(metric_bar_figure, bars[:20], title=f"{metric.label} {grouping}",
                              value_format=lambda v, unit=metric.unit: _short(v, unit),
                              limit=limit)
        self.chart.setToolTip(f"{metric.label}: {metric.definition}")


def _short(value: float, unit: str) -> str:
    if unit == RATIO:
        return f"{value * 100:.1f}%"
    return f"{value:,.0f}"
