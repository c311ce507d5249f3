"""Account: one customer's workspace, a header of key figures over tabs of detail."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QTabWidget, QVBoxLayout, QWidget

from csdesk.errors import NotFoundError
from csdesk.services.context import load_rates
from csdesk.services.portfolio_rows import PortfolioRow, load_portfolio_rows
from csdesk.ui import formatting as fmt
from csdesk.ui.account.account_tab import AccountTab
from csdesk.ui.account.contacts_tab import ContactsTab
from csdesk.ui.account.contracts_tab import ContractsTab
from csdesk.ui.account.overview_tab import OverviewTab
from csdesk.ui.account.success_plan_tab import SuccessPlanTab
from csdesk.ui.account.support_tab import SupportTab
from csdesk.ui.account.surveys_tab import SurveysTab
from csdesk.ui.account.timeline_tab import TimelineTab
from csdesk.ui.account.usage_tab import UsageTab
from csdesk.ui.qtmodels.portfolio_table_model import TREND_ARROWS
from csdesk.ui.theme import current_theme
from csdesk.ui.views.view_page import ViewPage
from csdesk.ui.workspace import Workspace

TAB_CLASSES: tuple[type[AccountTab], ...] = (
    OverviewTab, SuccessPlanTab, TimelineTab, ContactsTab, ContractsTab, UsageTab, SupportTab,
    SurveysTab,
)


class KeyFigure(QFrame):
    """A small labelled figure in the account header."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.value = QLabel("—")
        self.value.setObjectName("keyFigureValue")
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.value.setFont(font)
        self.value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.caption = QLabel(caption)
        self.caption.setForegroundRole(self.caption.foregroundRole())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 24, 0)
        layout.setSpacing(0)
        layout.addWidget(self.value)
        layout.addWidget(self.caption)

    def set(self, text: str, tip: str | None = None, badge: str | None = None) -> None:
        self.value.setText(text)
        self.value.setToolTip(tip or "")
        if badge:
            fill, ink = current_theme().band_colours(badge)
            self.value.setStyleSheet(
                f"background: {fill}; color: {ink}; border-radius: 6px; padding: 0 8px;")
        else:
            self.value.setStyleSheet("")


class AccountView(ViewPage):
    TITLE = "Account"

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(workspace, parent)
        self.account_id: int | None = None
        self.row: PortfolioRow | None = None
        self.name_label = QLabel("Pick an account in Portfolio or find one with Ctrl+F.")
        font = self.name_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.name_label.setFont(font)
        self.name_label.setWordWrap(True)
        self.facts_label = QLabel()
        self.facts_label.setWordWrap(True)
        self.figures = {key: KeyFigure(caption) for key, caption in (
            ("health", "Health"), ("trend", "30-day trend"), ("arr", "ARR"),
            ("renewal", "Next renewal"), ("touch", "Last touch"))}
        grid = QGridLayout()
        for column, figure in enumerate(self.figures.values()):
            grid.addWidget(figure, 0, column)
        grid.setColumnStretch(len(self.figures), 1)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tab_pages: list[AccountTab] = []
        for tab_class in TAB_CLASSES:
            tab = tab_class(workspace)
            self.tab_pages.append(tab)
            self.tabs.addTab(tab, tab.TITLE)
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        self.tabs.setVisible(False)
        self._loaded_tabs: set[int] = set()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 8, 16, 8)
        layout.addWidget(self.name_label)
        layout.addWidget(self.facts_label)
        layout.addLayout(grid)
        layout.addWidget(self.tabs, 1)

    def tab(self, tab_class: type[AccountTab]) -> Any:
        return next(t for t in self.tab_pages if isinstance(t, tab_class))

    def show_account(self, account_id: int) -> None:
        self.account_id = account_id
        self.refresh()

    def reload(self) -> None:
        if self.account_id is None:
            self.finish_loading()
            return
        account_id, as_of = self.account_id, self.workspace.as_of

        def read(session: Any) -> PortfolioRow:
            rows = load_portfolio_rows(session, as_of, load_rates(session), account_id)
            if not rows:
                raise NotFoundError(f"account {account_id} no longer exists")
            return rows[0]

        self._loaded_tabs.clear()
        self.workspace.load(read, self._show_header, self, "open the account",
                            on_error=self._on_open_failed)

    def _on_open_failed(self, error: BaseException) -> None:
        from csdesk.ui import feedback

        feedback.show_error(self, error, "open the account")
        self.finish_loading()

    def _show_header(self, row: PortfolioRow) -> None:
        self.row = row
        self.name_label.setText(row.name)
        self.facts_label.setText("  ·  ".join([
            f"Tier {fmt.tier(row.tier)}", f"Stage {fmt.label(row.stage)}",
            f"CSM {row.owner or 'none'}", f"Segment {row.segment or '—'}"]))
        if row.health_score is None:
            status = "insufficient data" if row.health_status == "insufficient_data" else "—"
            self.figures["health"].set(status, badge="none")
        else:
            self.figures["health"].set(f"{row.health_score:.0f}", f"Band: {row.band}", row.band)
        trend = row.trend
        self.figures["trend"].set(
            f"{TREND_ARROWS[trend]} {row.trend_points:+.1f}" if trend else "—",
            "Against the snapshot 30 days earlier; under 5 points is flat")
        self.figures["arr"].set(fmt.money(row.arr), row.arr_problem)
        self.figures["renewal"].set(
            f"{fmt.day(row.renewal_date)} ({fmt.days_left(row.days_left)})"
            if row.renewal_date else "—")
        self.figures["touch"].set(fmt.day(row.last_touch))
        self.tabs.setVisible(True)
        self._load_tab(self.tabs.currentIndex())

    def _on_tabs_current_changed(self, index: int) -> None:
        if self.account_id is not None and self.row is not None:
            self._load_tab(index)

    def _load_tab(self, index: int) -> None:
        # Tabs load when first shown, so opening an account reads only what is on screen.
        if index in self._loaded_tabs or self.account_id is None:
            self.finish_loading()
            return
        self._loaded_tabs.add(index)
        tab = self.tab_pages[index]
        tab.loaded.connect(self._on_tab_loaded)
        tab.show_account(self.account_id)

    def _on_tab_loaded(self) -> None:
        tab = self.sender()
        if isinstance(tab, AccountTab):
            tab.loaded.disconnect(self._on_tab_loaded)
        self.finish_loading()
