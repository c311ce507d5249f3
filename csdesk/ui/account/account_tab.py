"""What the account workspace's tabs share: which account, and a signal when loaded."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from csdesk.ui.qtmodels.record_table_model import RecordFilterProxyModel, RecordTableModel
from csdesk.ui.workspace import Workspace


class AccountTab(QWidget):
    """One tab of the account workspace.

    Signals:
        loaded: the tab shows the account's data.
    """

    TITLE = ""
    loaded = Signal()

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.account_id: int | None = None
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(12, 12, 12, 12)
        self.layout_.setSpacing(8)

    def show_account(self, account_id: int) -> None:
        self.account_id = account_id
        self.load()

    def load(self) -> None:
        """Read this tab's data for ``account_id`` in the background."""
        self.loaded.emit()


def make_table(model: RecordTableModel, name: str, stretch_column: int | None = None
               ) -> tuple[QTableView, RecordFilterProxyModel]:
    """A read-only, sortable table over ``model`` with the app's usual look."""
    proxy = RecordFilterProxyModel(model)
    proxy.setSourceModel(model)
    table = QTableView()
    table.setModel(proxy)
    table.setAccessibleName(name)
    table.setSortingEnabled(True)
    table.sortByColumn(-1, proxy.sortOrder())
    table.setTabKeyNavigation(False)
    table.setAlternatingRowColors(True)
    table.setShowGrid(False)
    table.setWordWrap(False)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    rows = table.verticalHeader()
    rows.setVisible(False)
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows.setDefaultSectionSize(table.fontMetrics().height() + 10)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setDefaultSectionSize(120)
    header.setStretchLastSection(stretch_column is None)
    header.setMinimumSectionSize(40)
    if stretch_column is not None:
        header.setSectionResizeMode(stretch_column, QHeaderView.ResizeMode.Stretch)
    return table, proxy
