"""Account > Overview: the health trend, the measures behind today's score and what changed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from matplotlib.dates import num2date
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout, QWidget

from csdesk.charts.health import health_trend_figure
from csdesk.charts.series import TrendPoint
from csdesk.health.attribution import attribute_change
from csdesk.health.config import MEASURE_LABELS
from csdesk.health.score import HealthResult
from csdesk.services.health import HistoryPoint, compute_health, load_history
from csdesk.ui.account.account_tab import AccountTab, make_table
from csdesk.ui.qtmodels.measures_table_model import MeasureLine, MeasuresTableModel
from csdesk.ui.widgets.chart_canvas import ChartCanvas
from csdesk.ui.workspace import Workspace

TREND_DAYS = 30
HISTORY_DAYS = 365


@dataclass(frozen=True)
class HealthOverview:
    history: list[HistoryPoint]
    day: date
    result: HealthResult | None
    earlier: HealthResult | None


def read_overview(session: Any, account_id: int, day: date) -> HealthOverview:
    """The history up to ``day`` and the full explanation of ``day`` against 30 days before."""
    history = [p for p in load_history(session, account_id, day)
               if p.day > day - timedelta(days=HISTORY_DAYS)]
    now = compute_health(session, day, account_ids=[account_id]).get(account_id)
    earlier = compute_health(session, day - timedelta(days=TREND_DAYS),
                             account_ids=[account_id]).get(account_id)
    return HealthOverview(history, day, now, earlier)


def measure_lines(result: HealthResult, earlier: HealthResult | None) -> list[MeasureLine]:
    drivers = {d.key: d.shortfall for d in result.drivers()}
    attribution = attribute_change(earlier, result) if earlier is not None else None
    parts = {k: float(v) for k, v in attribution.parts.items()} if attribution else {}
    return [MeasureLine(m.key, m.score, m.status, m.weight, drivers.get(m.key),
                        parts.get(m.key), dict(m.raw), m.explanation) for m in result.measures]


class OverviewTab(AccountTab):
    TITLE = "Overview"

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(workspace, parent)
        self.chart = ChartCanvas("No health history yet for this account.")
        self.chart.setToolTip("Click a point to see the measures and raw inputs of that day")
        self.headline = QLabel()
        self.headline.setWordWrap(True)
        self.headline.setTextFormat(Qt.TextFormat.RichText)
        self.model = MeasuresTableModel(self)
        self.table, self.proxy = make_table(self.model, "Health measures",
                                            MeasuresTableModel.WHY)
        header = self.table.horizontalHeader()
        header.resizeSection(MeasuresTableModel.MEASURE, 150)
        for column in (MeasuresTableModel.SCORE, MeasuresTableModel.WEIGHT,
                       MeasuresTableModel.SHORTFALL, MeasuresTableModel.CHANGE):
            header.resizeSection(column, 80)
        header.resizeSection(MeasuresTableModel.RAW, 340)
        self.overview: HealthOverview | None = None

        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.headline)
        lower_layout.addWidget(self.table, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.chart)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        self.layout_.addWidget(splitter, 1)

    def load(self, day: date | None = None) -> None:
        account_id, chosen = self.account_id, day or self.workspace.as_of
        self.workspace.load(lambda s: read_overview(s, account_id, chosen),  # type: ignore[arg-type]
                            self._show, self, "explain the health score")

    def _show(self, overview: HealthOverview) -> None:
        first_load = self.overview is None or overview.day == self.workspace.as_of
        self.overview = overview
        if first_load:
            points = [TrendPoint(p.day, p.score) for p in overview.history]
            self.chart.show_chart(health_trend_figure, points,
                                  title="Health over the last 12 months", height=2.6)
            if self.chart.canvas is not None:
                self.chart.canvas.mpl_connect("button_press_event", self._on_chart_clicked)
        self._show_day(overview)
        self.loaded.emit()

    def _show_day(self, overview: HealthOverview) -> None:
        result = overview.result
        if result is None:
            self.headline.setText("No health score could be computed for this account.")
            self.model.set_rows([])
            return
        self.model.set_rows(measure_lines(result, overview.earlier))
        when = overview.day.isoformat()
        if result.score is None:
            text = (f"<b>{when}: insufficient data</b> — measures with data carry "
                    f"{result.weight_with_data:g} of {result.total_weight:g} weight "
                    "(at least half is needed).")
        else:
            text = f"<b>{when}: {result.score:.1f} ({result.band})</b>"
            drivers = result.drivers()
            if drivers and drivers[0].shortfall > 0:
                top = drivers[0]
                text += (f" — pulled down most by {MEASURE_LABELS.get(top.key, top.key).lower()}"
                         f" ({top.shortfall:.1f} points).")
            earlier = overview.earlier
            if earlier is not None and earlier.score is not None:
                text += (f" {result.score - earlier.score:+.1f} points since "
                         f"{earlier.day.isoformat()}, split per measure in the Change column.")
        self.headline.setText(text)

    def _on_chart_clicked(self, event: Any) -> None:
        if event.xdata is None or self.overview is None or not self.overview.history:
            return
        clicked = num2date(event.xdata).date()
        nearest = min(self.overview.history, key=lambda p: abs((p.day - clicked).days))
        self.load(nearest.day)
