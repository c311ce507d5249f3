"""Portfolio: what the table shows matches the portfolio; filters, sorting and saved views."""

from __future__ import annotations

from PySide6.QtCore import Qt

from csdesk.ui.qtmodels.portfolio_table_model import PortfolioFilter, PortfolioTableModel
from csdesk.ui.views.portfolio_view import PortfolioView
from csdesk.ui.workspace import Workspace
from tests.ui.conftest import AS_OF, wait_loaded
from tests.ui.portfolio_book import build_three_accounts

M = PortfolioTableModel


def _view(qtbot, context) -> PortfolioView:
    view = PortfolioView(Workspace(context, AS_OF))
    qtbot.addWidget(view)
    view.show()
    wait_loaded(qtbot, view)
    return view


def _column(view: PortfolioView, column: int) -> list[str]:
    model = view.model
    return [model.index(r, column).data() for r in range(model.rowCount())]


def test_rows_show_the_portfolio_figures(qtbot, context) -> None:
    build_three_accounts(context)
    view = _view(qtbot, context)

    assert _column(view, M.NAME) == ["Acme Corp", "Beta GmbH", "Gamma KK"]
    assert _column(view, M.ARR) == ["$120,000", "€36,000", "$0"]
    assert _column(view, M.HEALTH) == ["75", "—", "—"]
    assert _column(view, M.TREND) == ["▲", "", ""]  # 60 -> 75 in 30 days: +15, rising
    assert _column(view, M.RENEWAL) == ["Jan 1, 2027", "Jul 1, 2026", "—"]
    assert _column(view, M.DAYS_LEFT) == ["185", "1", "—"]
    assert _column(view, M.TIER) == ["1 · High touch", "2 · Mid touch", "3 · Tech touch"]
    assert view.summary.text() == "3 accounts"
    assert view.model.index(0, M.HEALTH).data(M.BAND_ROLE) == "green"


def test_sorting_uses_native_values_with_blanks_last(qtbot, context) -> None:
    build_three_accounts(context)
    view = _view(qtbot, context)

    view.table.sortByColumn(M.ARR, Qt.SortOrder.DescendingOrder)
    # EUR 36,000 is $39,600 at the rates table, so Beta sorts below Acme's $120,000.
    assert _column(view, M.NAME) == ["Acme Corp", "Beta GmbH", "Gamma KK"]
    view.table.sortByColumn(M.DAYS_LEFT, Qt.SortOrder.AscendingOrder)
    assert _column(view, M.NAME) == ["Beta GmbH", "Acme Corp", "Gamma KK"]
    view.table.sortByColumn(M.DAYS_LEFT, Qt.SortOrder.DescendingOrder)
    assert _column(view, M.NAME) == ["Acme Corp", "Beta GmbH", "Gamma KK"]
    assert view.model.index(0, M.ARR).data(M.SORT_ROLE) == 120000


def test_filters_by_tier_csm_renewal_window_and_text(qtbot, context) -> None:
    build_three_accounts(context)
    view = _view(qtbot, context)

    view.tier_box.setCurrentIndex(view.tier_box.findData(2))
    assert _column(view, M.NAME) == ["Beta GmbH"]
    assert view.summary.text() == "1 of 3 accounts"
    view.clear_filters()
    view.renewal_box.setCurrentIndex(view.renewal_box.findData(30))
    assert _column(view, M.NAME) == ["Beta GmbH"]
    view.clear_filters()
    view.owner_box.setCurrentIndex(view.owner_box.findData("Ana Ito"))
    assert _column(view, M.NAME) == ["Acme Corp", "Gamma KK"]
    view.clear_filters()
    view.band_box.setCurrentIndex(view.band_box.findData("none"))
    assert _column(view, M.NAME) == ["Beta GmbH", "Gamma KK"]
    view.clear_filters()

    qtbot.keyClicks(view.search, "gmb")
    qtbot.waitUntil(lambda: _column(view, M.NAME) == ["Beta GmbH"])


def test_saved_views_come_back(qtbot, context) -> None:
    build_three_accounts(context)
    view = _view(qtbot, context)
    view.set_filter(PortfolioFilter(text="", tier=1))
    view.save_view("Tier one")
    view.clear_filters()
    assert view.model.rowCount() == 3

    again = _view(qtbot, context)
    position = again.views_box.findData("Tier one")
    assert position > 0
    again.views_box.setCurrentIndex(position)
    again.views_box.activated.emit(position)
    assert _column(again, M.NAME) == ["Acme Corp"]


def test_activating_a_row_opens_the_account(qtbot, context) -> None:
    ids = build_three_accounts(context)
    view = _view(qtbot, context)
    with qtbot.waitSignal(view.workspace.account_requested) as signal:
        view.table.activated.emit(view.model.index(1, M.NAME))
    assert signal.args == [ids["beta"]]


def test_model_passes_the_model_tester(qtbot, qtmodeltester, context) -> None:
    build_three_accounts(context)
    view = _view(qtbot, context)
    qtmodeltester.check(view.model)
    view.set_filter(PortfolioFilter(text="gmb"))
    assert view.model.rowCount() == 1
    qtmodeltester.check(view.model)


def test_first_screenful_shows_first_then_the_rest_arrives_in_one_insert(
        qtbot, context, monkeypatch) -> None:
    from csdesk.ui.views import portfolio_view

    build_three_accounts(context)
    monkeypatch.setattr(portfolio_view, "FIRST_SCREENFUL", 2)
    view = PortfolioView(Workspace(context, AS_OF))
    qtbot.addWidget(view)
    resets, inserts, summaries = [], [], []
    view.model.modelReset.connect(lambda: resets.append(view.model.rowCount()))
    view.model.rowsInserted.connect(lambda parent, first, last: inserts.append((first, last)))
    view.model.rowsAboutToBeInserted.connect(lambda *args: summaries.append(view.summary.text()))
    # Beta is picked as soon as the first screenful shows, while the rest is being read.
    view.model.modelReset.connect(lambda: view.table.selectRow(1))

    view.show()
    wait_loaded(qtbot, view)

    assert resets == [2]  # the first screenful, then no second reset
    assert inserts == [(2, 2)]
    assert summaries == ["Showing the first 2 of 3 accounts; reading the rest…"]
    assert _column(view, M.NAME) == ["Acme Corp", "Beta GmbH", "Gamma KK"]
    assert view.selected_account_ids() == [view.model.row_at(1).id]
    assert view.model.row_at(1).name == "Beta GmbH"
    assert view.summary.text() == "3 accounts"


def test_sorting_keeps_the_selection_and_the_filter(qtbot, qtmodeltester, context) -> None:
    ids = build_three_accounts(context)
    view = _view(qtbot, context)
    view.table.selectRow(0)  # Acme
    view.set_filter(PortfolioFilter(owner="Ana Ito"))
    assert _column(view, M.NAME) == ["Acme Corp", "Gamma KK"]
    view.table.selectRow(1)  # Gamma

    view.table.sortByColumn(M.ARR, Qt.SortOrder.AscendingOrder)
    assert _column(view, M.NAME) == ["Gamma KK", "Acme Corp"]  # $0, then $120,000
    assert view.selected_account_ids() == [ids["gamma"]]
    qtmodeltester.check(view.model)

    view.clear_filters()
    assert _column(view, M.NAME) == ["Gamma KK", "Beta GmbH", "Acme Corp"]
    assert view.summary.text() == "3 accounts"


def test_typing_narrows_and_deleting_widens(qtbot, context) -> None:
    build_three_accounts(context)
    view = _view(qtbot, context)

    for text, names in (("a", ["Acme Corp", "Beta GmbH", "Gamma KK"]),  # Ana Ito owns Gamma
                        ("am", ["Gamma KK"]),
                        ("amx", []),
                        ("a", ["Acme Corp", "Beta GmbH", "Gamma KK"]),
                        ("ben", ["Beta GmbH"]),  # the CSM's name matches too
                        ("BEN O", ["Beta GmbH"])):
        view.set_filter(PortfolioFilter(text=text))
        assert _column(view, M.NAME) == names, text
    view.set_filter(PortfolioFilter(text="a", tier=3))
    assert _column(view, M.NAME) == ["Gamma KK"]


def test_a_large_selection_follows_its_rows_through_a_sort(qtbot) -> None:
    from PySide6.QtCore import QItemSelection, QItemSelectionModel
    from PySide6.QtWidgets import QTableView

    from csdesk.services.portfolio_rows import PortfolioRow

    # 50 accounts "Account 00".."Account 49"; days left run the other way (49..0).
    rows = [tuple(PortfolioRow(n, f"Account {n:02d}", None, 1, None, None, None, None, None,
                               None, None, None, None, None, None, None, 49 - n, None))
            for n in range(50)]
    model = PortfolioTableModel()
    model.set_rows(rows)
    table = QTableView()
    qtbot.addWidget(table)
    table.setModel(model)
    chosen = QItemSelection(model.index(0, 0), model.index(39, len(M.COLUMNS) - 1))
    table.selectionModel().select(chosen, QItemSelectionModel.SelectionFlag.ClearAndSelect)

    model.sort(M.DAYS_LEFT, Qt.SortOrder.AscendingOrder)

    assert model.row_at(0).name == "Account 49"
    selected = {model.row_at(i.row()).id for i in table.selectionModel().selectedRows()}
    assert selected == set(range(40))


def test_the_rest_is_read_after_the_first_paint_or_soon_when_hidden(qtbot) -> None:
    from PySide6.QtWidgets import QWidget

    from csdesk.ui.views.portfolio_view import _after_paint

    shown, hidden = QWidget(), QWidget()
    qtbot.addWidget(shown)
    qtbot.addWidget(hidden)
    calls: list[str] = []
    shown.show()
    _after_paint(shown, lambda: calls.append("shown"))
    _after_paint(hidden, lambda: calls.append("hidden"))  # never painted
    shown.update()

    qtbot.waitUntil(lambda: "shown" in calls)
    assert "hidden" not in calls  # its wait has not run out yet
    qtbot.waitUntil(lambda: "hidden" in calls, timeout=2_000)
    qtbot.wait(300)  # the shown widget's fallback wait has passed too: still called once
    assert sorted(calls) == ["hidden", "shown"]
