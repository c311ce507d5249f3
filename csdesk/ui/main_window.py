"""The main window: navigation between the views, global search, menus and the status bar."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from PySide6.QtCore import QByteArray, QSettings, Qt, QUrl
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QSizePolicy,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from csdesk import __version__
from csdesk.ui import feedback
from csdesk.ui import formatting as fmt
from csdesk.ui.theme import current_theme
from csdesk.ui.views.view_page import ViewPage
from csdesk.ui.widgets.account_search_box import AccountSearchBox
from csdesk.ui.widgets.message_bar import MessageBar
from csdesk.ui.widgets.sync_status_bar import SyncStatusBar
from csdesk.ui.workspace import Workspace

logger = logging.getLogger(__name__)

GEOMETRY_KEY = "main_window/geometry"
STATE_KEY = "main_window/state"
LAST_VIEW_KEY = "main_window/view"


@dataclass(frozen=True)
class PageSpec:
    key: str
    title: str
    make: Callable[[Workspace], ViewPage]


def _page_specs() -> list[PageSpec]:
    # Imported here so that importing the window module stays cheap for the command line.
    from csdesk.ui.views.account_view import AccountView
    from csdesk.ui.views.dashboard_view import DashboardView
    from csdesk.ui.views.plans_view import PlansView
    from csdesk.ui.views.portfolio_view import PortfolioView
    from csdesk.ui.views.renewals_view import RenewalsView
    from csdesk.ui.views.settings_view import SettingsView
    from csdesk.ui.views.today_view import TodayView

    return [
        PageSpec("today", "Today", TodayView),
        PageSpec("portfolio", "Portfolio", PortfolioView),
        PageSpec("account", "Account", AccountView),
        PageSpec("renewals", "Renewals", RenewalsView),
        PageSpec("plans", "Plans", PlansView),
        PageSpec("dashboard", "Dashboard", DashboardView),
        PageSpec("settings", "Settings", SettingsView),
    ]


VIEW_KEYS = ("today", "portfolio", "account", "renewals", "plans", "dashboard", "settings")


class MainWindow(QMainWindow):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.setWindowTitle("csdesk")
        self.setObjectName("mainWindow")
        self.pages: dict[str, ViewPage] = {}
        self.nav_buttons: dict[str, QToolButton] = {}
        self.actions_by_name: dict[str, QAction] = {}

        self.stack = QStackedWidget()
        self.message_bar = MessageBar()
        self.search_box = AccountSearchBox(workspace)
        self.search_box.account_chosen.connect(self.open_account)
        self._nav_group = QButtonGroup(self)
        self._nav_group.setExclusive(True)
        nav = self._build_navigation()

        centre = QWidget()
        column = QVBoxLayout(centre)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self._build_top_bar())
        message_row = QHBoxLayout()
        message_row.setContentsMargins(12, 6, 12, 0)
        message_row.addWidget(self.message_bar)
        column.addLayout(message_row)
        column.addWidget(self.stack, 1)

        body = QWidget()
        row = QHBoxLayout(body)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(nav)
        row.addWidget(centre, 1)
        self.setCentralWidget(body)

        self.status = SyncStatusBar(workspace, self)
        self.setStatusBar(self.status)
        self._build_menus()
        self._apply_nav_style()

        workspace.account_requested.connect(self.open_account)
        workspace.export_requested.connect(self.open_export_dialog)
        workspace.portfolio_changed.connect(self.status.refresh)

    # -- building ---------------------------------------------------------------------------

    def _build_navigation(self) -> QFrame:
        nav = QFrame()
        nav.setObjectName("navigation")
        nav.setFixedWidth(150)
        layout = QVBoxLayout(nav)
        layout.setContentsMargins(8, 12, 8, 12)
        layout.setSpacing(2)
        brand = QLabel("csdesk")
        brand.setObjectName("brand")
        layout.addWidget(brand)
        layout.addSpacing(10)

        for number, spec in enumerate(_page_specs(), start=1):
            page = spec.make(self.workspace)
            self.pages[spec.key] = page
            self.stack.addWidget(page)
            button = QToolButton()
            button.setText(spec.title)
            button.setCheckable(True)
            button.setAutoRaise(True)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setToolTip(f"{spec.title} (Ctrl+{number})")
            button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            button.clicked.connect(lambda _=False, key=spec.key: self.show_view(key))
            self._nav_group.addButton(button)
            self.nav_buttons[spec.key] = button
            layout.addWidget(button)
        layout.addStretch(1)
        return nav

    def _build_top_bar(self) -> QWidget:
        bar = QFrame()
        bar.setObjectName("topBar")
        layout = QHBoxLayout(bar)
        layout.setContentsMargins(16, 10, 16, 6)
        self.view_title = QLabel()
        self.view_title.setObjectName("viewTitle")
        font = self.view_title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.view_title.setFont(font)
        self.as_of_label = QLabel(f"As of {fmt.day(self.workspace.as_of)}")
        self.as_of_label.setToolTip("Every figure is computed as of this date")
        layout.addWidget(self.view_title)
        layout.addStretch(1)
        layout.addWidget(self.as_of_label)
        layout.addSpacing(12)
        layout.addWidget(self.search_box)
        return bar

    def _action(self, name: str, text: str, shortcut: str | QKeySequence | None,
                slot: Callable[[], object]) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _=False: slot())
        self.addAction(action)
        self.actions_by_name[name] = action
        return action

    def _build_menus(self) -> None:
        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        file_menu.addAction(self._action(
            "export", "&Export business reviews…", "Ctrl+E", self.open_export_dialog))
        file_menu.addAction(self._action("refresh", "&Refresh", "F5", self.refresh_current))
        file_menu.addSeparator()
        file_menu.addAction(self._action(
            "settings", "&Settings…", "Ctrl+,", lambda: self.show_view("settings")))
        file_menu.addSeparator()
        file_menu.addAction(self._action("quit", "&Quit", "Ctrl+Q", self.close))

        view_menu = menu.addMenu("&View")
        for number, spec in enumerate(_page_specs(), start=1):
            view_menu.addAction(self._action(
                f"view_{spec.key}", spec.title, f"Ctrl+{number}",
                partial(self.show_view, spec.key)))

        go_menu = menu.addMenu("&Go")
        go_menu.addAction(self._action("find", "&Find account…", "Ctrl+F", self.focus_search))

        help_menu = menu.addMenu("&Help")
        help_menu.addAction(self._action(
            "log_folder", "Open the &log folder", None, self._open_log_folder))
        help_menu.addAction(self._action("about", "&About csdesk", None, self._show_about))

    def _apply_nav_style(self) -> None:
        theme = current_theme()
        self.setStyleSheet(
            f"#navigation {{ background: {theme.nav}; border-right: 1px solid {theme.border}; }}"
            f"#navigation QToolButton {{ color: {theme.nav_text}; text-align: left;"
            " padding: 7px 10px; border-radius: 6px; border: none; }"
            f"#navigation QToolButton:checked {{ background: {theme.highlight};"
            f" color: {theme.highlighted_text}; }}"
            f"#navigation QToolButton:hover:!checked {{ background: {theme.button}; }}"
            f"#navigation QToolButton:focus {{ border: 1px solid {theme.link}; }}"
            f"#brand {{ color: {theme.nav_text}; font-weight: bold; font-size: 15pt;"
            " padding-left: 8px; }"
        )

    def on_theme_changed(self) -> None:
        """Redraw with the new theme's colours; charts are rebuilt by reloading."""
        self._apply_nav_style()
        for page in self.pages.values():
            page.stale = True
        self.pages[self.current_key()].refresh()

    # -- navigation -------------------------------------------------------------------------

    def show_view(self, key: str) -> ViewPage:
        page = self.pages[key]
        self.stack.setCurrentWidget(page)
        self.nav_buttons[key].setChecked(True)
        self.view_title.setText(self._title_of(key))
        page.ensure_loaded()
        return page

    def _title_of(self, key: str) -> str:
        return next(s.title for s in _page_specs() if s.key == key)

    def current_key(self) -> str:
        current = self.stack.currentWidget()
        return next(k for k, p in self.pages.items() if p is current)

    def open_account(self, account_id: int) -> None:
        page = self.pages["account"]
        self.show_view("account")
        page.show_account(account_id)  # type: ignore[attr-defined]

    def focus_search(self) -> None:
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    def refresh_current(self) -> None:
        self.pages[self.current_key()].refresh()
        self.status.refresh()

    def open_export_dialog(self, account_ids: list[int] | None = None) -> None:
        from csdesk.ui.dialogs.business_review_export_dialog import BusinessReviewExportDialog

        selection = account_ids
        if selection is None and self.current_key() == "portfolio":
            selection = self.pages["portfolio"].selected_account_ids()  # type: ignore[attr-defined]
        if selection is None and self.current_key() == "account":
            current = self.pages["account"].account_id  # type: ignore[attr-defined]
            selection = [current] if current is not None else None
        dialog = BusinessReviewExportDialog(self.workspace, selection or [], self)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def _open_log_folder(self) -> None:
        folder = self.workspace.context.paths.log_dir
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def _show_about(self) -> None:
        feedback.show_info(
            self,
            f"csdesk {__version__}: an offline-first workbench for Customer Success Managers. "
            f"Portfolio: {self.workspace.context.portfolio.path}",
        )

    # -- geometry ---------------------------------------------------------------------------

    def restore_layout(self) -> None:
        settings = QSettings()
        geometry = settings.value(GEOMETRY_KEY)
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        state = settings.value(STATE_KEY)
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state)
        last = str(settings.value(LAST_VIEW_KEY, "today"))
        self.show_view(last if last in self.pages else "today")

    def save_layout(self) -> None:
        settings = QSettings()
        settings.setValue(GEOMETRY_KEY, self.saveGeometry())
        settings.setValue(STATE_KEY, self.saveState())
        settings.setValue(LAST_VIEW_KEY, self.current_key())
        for page in self.pages.values():
            save = getattr(page, "save_layout", None)
            if callable(save):
                save()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.save_layout()
        logger.info("window closed")
        super().closeEvent(event)
