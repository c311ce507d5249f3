"""Keyboard navigation: Tab visits each view's controls in the order they appear."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from csdesk.ui.settings.general_settings_page import GeneralSettingsPage
from csdesk.ui.views.dashboard_view import DashboardView
from csdesk.ui.views.plans_view import PlansView
from csdesk.ui.views.portfolio_view import PortfolioView
from csdesk.ui.views.renewals_view import RenewalsView
from csdesk.ui.views.settings_view import SettingsView
from csdesk.ui.views.today_view import TodayView
from csdesk.ui.workspace import Workspace
from tests.ui.conftest import AS_OF, wait_loaded


def walk(qtbot, start: QWidget, steps: int = 40) -> list[QWidget]:
    """Press Tab from ``start`` until focus comes back round; return the widgets visited."""
    start.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(start.hasFocus)
    seen = [start]
    for _ in range(steps):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        current = QApplication.focusWidget()
        if current is None or current is start:
            break
        seen.append(current)
    return seen


def in_order(seen: list[QWidget], expected: list[QWidget]) -> bool:
    positions = [seen.index(w) if w in seen else -1 for w in expected]
    return -1 not in positions and positions == sorted(positions)


def _show(qtbot, view_class, context):
    view = view_class(Workspace(context, AS_OF))
    qtbot.addWidget(view)
    view.resize(1200, 800)
    with qtbot.waitActive(view):
        view.show()
        view.activateWindow()
    wait_loaded(qtbot, view)
    return view


def test_portfolio_tab_order(qtbot, demo_context) -> None:
    view = _show(qtbot, PortfolioView, demo_context)
    expected = [view.search, view.tier_box, view.owner_box, view.stage_box, view.band_box,
                view.renewal_box, view.clear_button, view.table, view.views_box,
                view.save_view_button]
    assert in_order(walk(qtbot, view.search), expected)


def test_today_tab_order(qtbot, demo_context) -> None:
    view = _show(qtbot, TodayView, demo_context)
    view.table.selectRow(0)
    expected = [view.scope_box, view.table, view.done_button, view.open_button]
    assert in_order(walk(qtbot, view.scope_box), expected)


def test_renewals_tab_order(qtbot, demo_context) -> None:
    view = _show(qtbot, RenewalsView, demo_context)
    expected = [view.category_box, view.category_button, view.open_button, view.table]
    assert in_order(walk(qtbot, view.category_box), expected)


def test_plans_tab_order(qtbot, demo_context) -> None:
    view = _show(qtbot, PlansView, demo_context)
    expected = [view.cadences.table, view.by_tier_table, view.by_owner_table, view.stage_box,
                view.stages_table]
    assert in_order(walk(qtbot, view.cadences.table), expected)


def test_dashboard_tab_order(qtbot, demo_context) -> None:
    view = _show(qtbot, DashboardView, demo_context)
    cards = list(view.cards.values())
    expected = [view.period_box, view.metric_box, view.group_box, cards[0], cards[-1]]
    assert in_order(walk(qtbot, view.period_box), expected)


def test_settings_tab_order(qtbot, demo_context) -> None:
    view = _show(qtbot, SettingsView, demo_context)
    page = view.page(GeneralSettingsPage)
    expected = [page.me_edit, page.theme_box, page.folder_edit, page.folder_button]
    assert in_order(walk(qtbot, page.me_edit), expected)


def test_account_tab_order(qtbot, demo_context) -> None:
    from csdesk.ui.account.overview_tab import OverviewTab
    from csdesk.ui.views.account_view import AccountView

    view = AccountView(Workspace(demo_context, AS_OF))
    qtbot.addWidget(view)
    view.resize(1200, 800)
    with qtbot.waitActive(view):
        view.show()
        view.activateWindow()
    view.show_account(1)
    wait_loaded(qtbot, view)
    expected = [view.tabs.tabBar(), view.tab(OverviewTab).table]
    assert in_order(walk(qtbot, view.tabs.tabBar()), expected)
