"""The main window: navigation shortcuts, global search, status bar, remembered geometry."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from csdesk.services.status import pending_change_count
from tests.ui.conftest import wait_loaded
from tests.ui.portfolio_book import build_three_accounts


def test_ctrl_number_switches_views(qtbot, context, make_window) -> None:
    build_three_accounts(context)
    window = make_window(context)
    window.show()
    expected = {"view_today": "today", "view_portfolio": "portfolio", "view_renewals":
                "renewals", "view_dashboard": "dashboard", "view_settings": "settings"}
    shortcuts = {name: window.actions_by_name[name].shortcut().toString()
                 for name in expected}
    assert shortcuts["view_today"] == "Ctrl+1" and shortcuts["view_settings"] == "Ctrl+7"
    assert window.actions_by_name["quit"].shortcut() == QKeySequence("Ctrl+Q")
    assert window.actions_by_name["export"].shortcut() == QKeySequence("Ctrl+E")
    assert window.actions_by_name["refresh"].shortcut() == QKeySequence("F5")
    for action, key in expected.items():
        window.actions_by_name[action].trigger()
        assert window.current_key() == key
        assert window.view_title.text() == window.pages[key].TITLE
        wait_loaded(qtbot, window.pages[key])


def test_global_search_opens_the_account(qtbot, context, make_window) -> None:
    ids = build_three_accounts(context)
    window = make_window(context)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    window.actions_by_name["find"].trigger()
    qtbot.waitUntil(window.search_box.hasFocus)
    with qtbot.waitSignal(window.search_box.results_shown, timeout=5000) as shown:
        qtbot.keyClicks(window.search_box, "beta")
    assert shown.args == [1]
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    assert window.current_key() == "account"
    account = window.pages["account"]
    qtbot.waitUntil(lambda: account.name_label.text() == "Beta GmbH")
    assert account.account_id == ids["beta"]
    wait_loaded(qtbot, account)


def test_status_bar_reports_location_sync_and_pending_changes(qtbot, context,
                                                              make_window) -> None:
    build_three_accounts(context)
    with context.read() as session:
        pending = pending_change_count(session)
    assert pending > 0
    window = make_window(context)
    window.status.refresh()
    qtbot.waitUntil(lambda: window.status.pending.text() == f"Pending changes: {pending}")
    assert str(context.portfolio.path) in window.status.location.text()
    assert window.status.connection.text() == "Offline — sync not configured"
    assert window.status.last_sync.text() == "Last sync: never"


def test_geometry_and_last_view_are_remembered(qtbot, context, make_window) -> None:
    window = make_window(context)
    window.restore_layout()
    window.resize(760, 520)  # inside the offscreen screen (800x600), so nothing is clamped
    window.show_view("dashboard")
    wait_loaded(qtbot, window.pages["dashboard"])
    window.close()

    again = make_window(context)
    again.restore_layout()
    assert again.current_key() == "dashboard"
    assert (again.width(), again.height()) == (760, 520)
    wait_loaded(qtbot, again.pages["dashboard"])
