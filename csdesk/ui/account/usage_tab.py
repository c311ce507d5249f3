"""Account > Usage: weekly active users against licensed seats."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtWidgets import QLabel, QWidget

from csdesk.charts.series import TrendPoint
from csdesk.charts.usage import usage_trend_figure
from csdesk.services.account_records import UsageDay, usage_days
from csdesk.services.accounts import find_account
from csdesk.ui import formatting as fmt
from csdesk.ui.account.account_tab import AccountTab
from csdesk.ui.widgets.chart_canvas import ChartCanvas
from csdesk.ui.workspace import Workspace

WINDOW_DAYS = 182


def weekly_active_users(days: list[UsageDay]) -> list[TrendPoint]:
    """Average daily active users per week (weeks start on Monday); weeks without data are gaps."""
    if not days:
        return []
    weeks: dict[date, list[int]] = {}
    for entry in days:
        monday = entry.day - timedelta(days=entry.day.weekday())
        bucket = weeks.setdefault(monday, [])
        if entry.active_users is not None:
            bucket.append(entry.active_users)
    first, last = min(weeks), max(weeks)
    points = []
    monday = first
    while monday <= last:
        values = weeks.get(monday) or []
        points.append(TrendPoint(monday, sum(values) / len(values) if values else None))
        monday += timedelta(days=7)
    return points


class UsageTab(AccountTab):
    TITLE = "Usage"

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(workspace, parent)
        self.chart = ChartCanvas("No usage data for this account.")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.layout_.addWidget(self.summary)
        self.layout_.addWidget(self.chart, 1)
        self.points: list[TrendPoint] = []

    def load(self) -> None:
        account_id, as_of = self.account_id, self.workspace.as_of

        def read(session: Any) -> tuple[list[UsageDay], int | None]:
            seats = find_account(session, str(account_id)).licensed_seats
            return usage_days(session, account_id, as_of, WINDOW_DAYS), seats  # type: ignore[arg-type]

        self.workspace.load(read, self._show, self, "load the usage")

    def _show(self, result: tuple[list[UsageDay], int | None]) -> None:
        days, seats = result
        self.points = weekly_active_users(days)
        if not days:
            self.summary.setText("No usage data in the last six months.")
            self.chart.set_figure(None)
        else:
            recent = [d.active_users for d in days[-30:] if d.active_users is not None]
            average = sum(recent) / len(recent) if recent else None
            share = f" of {fmt.number(seats)} licensed seats" if seats else ""
            self.summary.setText(
                f"Average daily active users over the last 30 days of data: "
                f"{fmt.number(average, 1)}{share}.")
            self.chart.show_chart(usage_trend_figure, self.points, seats,
                                  title="Active users, last six months", height=3.2)
        self.loaded.emit()
