"""The base of every table in the window: plain rows in, one reset, fast sorting and filtering.

Qt's own proxy model sorts and filters by asking the source model for values, one Python
``data()`` call per comparison or row; at 100,000 rows that is seconds per sort (17 s here)
and a stall per keystroke. So the source model does both on its list of plain rows in one
Python pass each: it keeps every row in the current sort order, and shows the ones the
current predicate accepts. The proxy on top (every view still goes through one) forwards
``sort()`` and the predicate to it and adds no per-row work of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

Index = QModelIndex | QPersistentModelIndex

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
CENTRE = Qt.AlignmentFlag.AlignCenter


@dataclass(frozen=True)
class Column:
    """How one column shows a row: its text, its native sort value and optional extras."""

    header: str
    text: Callable[[Any], str]
    sort_value: Callable[[Any], Any]
    tooltip: Callable[[Any], str | None] | None = None
    align: Qt.AlignmentFlag = LEFT
    header_tip: str | None = None


class ColumnTableModel(QAbstractTableModel):
    """Shows a list of plain rows through ``COLUMNS``; how the list is kept is a subclass's."""

    COLUMNS: tuple[Column, ...] = ()
    SORT_ROLE = Qt.ItemDataRole.UserRole + 1
    ROW_ROLE = Qt.ItemDataRole.UserRole + 2
    KEY_ROLE = Qt.ItemDataRole.UserRole + 3

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []  # the rows shown, in the order shown

    # The key identifying a row across reloads and sorts (the first field by default).
    def row_key(self, row: Any) -> Any:
        return row[0] if isinstance(row, tuple) else getattr(row, "id", id(row))

    def visible_rows(self) -> Sequence[Any]:
        return self._rows

    def row_at(self, row: int) -> Any:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self.row_at(index.row())
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == self.SORT_ROLE:
            return column.sort_value(row)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(column.align.value)
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
            return column.tooltip(row)
        if role == self.ROW_ROLE:
            return row
        if role == self.KEY_ROLE:
            return self.row_key(row)
        return self.extra_data(row, index.column(), role)

    def extra_data(self, row: Any, column: int, role: int) -> Any:
        """Roles a subclass adds (colours, decorations); None by default."""
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.COLUMNS):
            return None
        column = self.COLUMNS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.header
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.header_tip
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(column.align.value)
        return None

class RecordTableModel(ColumnTableModel):
    """Rows of plain data shown through ``COLUMNS``; subclasses define the columns."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._all: list[Any] = []  # every row, in the current sort order
        self._predicate: Callable[[Any], bool] | None = None

    def set_rows(self, rows: Iterable[Any]) -> None:
        """Replace every row in one reset (never row by row)."""
        self.beginResetModel()
        self._all = list(rows)
        self._rows = self._visible(self._all)
        self.endResetModel()

    def set_predicate(self, predicate: Callable[[Any], bool] | None) -> None:
        """Show only the rows ``predicate`` accepts (None: every row), in one reset."""
        self.beginResetModel()
        self._predicate = predicate
        self._rows = self._visible(self._all)
        self.endResetModel()

    def _visible(self, rows: list[Any]) -> list[Any]:
        keep = self._predicate
        return list(rows) if keep is None else [r for r in rows if keep(r)]

    def rows(self) -> Sequence[Any]:
        """Every row, shown or filtered out."""
        return self._all

    def total_count(self) -> int:
        return len(self._all)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.COLUMNS):
            return
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        moved_rows = [self._rows[i.row()] for i in persistent]
        self._all = sort_rows(self._all, self.COLUMNS[column].sort_value,
                              order == Qt.SortOrder.DescendingOrder)
        self._rows = self._visible(self._all)
        if persistent:
            new_row = new_positions(self._rows, moved_rows)
            self.changePersistentIndexList(
                persistent,
                [self.index(new_row[id(row)], i.column()) for i, row in zip(persistent, moved_rows,
                                                                             strict=True)])
        self.layoutChanged.emit()


def new_positions(rows: Sequence[Any], wanted: Iterable[Any]) -> dict[int, int]:
    """Where each wanted row (by identity) now stands in ``rows``; one pass, no big dict."""
    ids = {id(row) for row in wanted}
    return {id(row): number for number, row in enumerate(rows) if id(row) in ids}


def sort_rows(rows: Sequence[Any], sort_value: Callable[[Any], Any], descending: bool
              ) -> list[Any]:
    """Rows ordered by a native sort value; empty values go last whichever the direction.

    Each key is computed once, and the positions are sorted rather than (key, row) pairs:
    100,000 short-lived pairs cost more than the sort itself.
    """
    keys = [sort_value(r) for r in rows]
    present = [n for n, key in enumerate(keys) if key is not None]
    present.sort(key=keys.__getitem__, reverse=descending)
    missing = [n for n, key in enumerate(keys) if key is None]
    return [rows[n] for n in present] + [rows[n] for n in missing]


class RecordFilterProxyModel(QSortFilterProxyModel):
    """The views' proxy: forwards sorting and the predicate to the record model (see above)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setSortRole(RecordTableModel.SORT_ROLE)
        self.setDynamicSortFilter(False)

    def record_model(self) -> RecordTableModel:
        model = self.sourceModel()
        assert isinstance(model, RecordTableModel)
        return model

    def set_predicate(self, predicate: Callable[[Any], bool] | None) -> None:
        """Show only rows for which ``predicate(row)`` is true (None shows every row)."""
        self.record_model().set_predicate(predicate)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.record_model().sort(column, order)

    def row_at(self, proxy_row: int) -> Any:
        source = self.mapToSource(self.index(proxy_row, 0))
        return self.record_model().row_at(source.row())

    def visible_rows(self) -> list[Any]:
        return [self.row_at(r) for r in range(self.rowCount())]
