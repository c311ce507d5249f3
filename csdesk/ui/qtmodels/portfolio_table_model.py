"""The portfolio table: one row per account, sorted and filtered fast at 100,000 rows.

The rows are plain tuples in :class:`PortfolioRow`'s field order (see
:mod:`csdesk.services.portfolio_rows` for why), kept in the order they arrived; the model
works on positions in that list. A sort reorders a list of positions by a column of sort
values computed once per load; a filter keeps the positions whose folded name or CSM (also
computed once) contains the typed text. Only the rows on screen become ``PortfolioRow``s, to
be shown. Rows that arrive in pieces (the first screenful, then the rest) are appended in one
insert when the rows already shown are the head of the new ones, so the selection and the
scroll position stay.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from operator import itemgetter
from typing import Any

from PySide6.QtCore import QModelIndex, Qt

from csdesk.services.portfolio_rows import FIELDS, PlainRow, PortfolioRow, name_key
from csdesk.ui import formatting as fmt
from csdesk.ui.qtmodels.record_table_model import (
    CENTRE,
    RIGHT,
    Column,
    ColumnTableModel,
    Index,
)

TREND_ARROWS = {"up": "▲", "down": "▼", "flat": "▶"}
TREND_WORDS = {"up": "rising", "down": "falling", "flat": "flat"}
NOT_SCORED = "none"

_NAME, _OWNER, _TIER, _STAGE, _BAND, _DAYS_LEFT = (
    FIELDS[f] for f in ("name", "owner", "tier", "stage", "band", "days_left"))


def _field(name: str) -> Callable[[PlainRow], Any]:
    """A field of a row, plain tuple or PortfolioRow alike (sort values work on both)."""
    return itemgetter(FIELDS[name])


def _name_key(row: PlainRow) -> str:
    return name_key(row[_NAME])


def _owner_key(row: PlainRow) -> str | None:
    owner = row[_OWNER]
    return name_key(owner) if owner else None


def _health_text(row: PortfolioRow) -> str:
    if row.health_score is None:
        return "—"
    return f"{row.health_score:.0f}"


def _health_tip(row: PortfolioRow) -> str:
    if row.health_score is None:
        if row.health_status == "insufficient_data":
            return "Insufficient data: measures with data carry less than half the weight"
        return "Not scored yet"
    return f"Health {row.health_score:.1f} ({row.band})"


def _trend_tip(row: PortfolioRow) -> str:
    if row.trend is None:
        return "No health snapshot 30 days earlier to compare with"
    return (
        f"Health {TREND_WORDS[row.trend]}: {row.trend_points:+.1f} points in 30 days "
        "(under 5 points counts as flat)"
    )


def _arr_tip(row: PortfolioRow) -> str | None:
    return row.arr_problem


@dataclass(frozen=True)
class PortfolioFilter:
    """The toolbar's choices; empty fields do not filter."""

    text: str = ""
    tier: int | None = None
    owner: str | None = None
    stage: str | None = None
    band: str | None = None  # "green", "yellow", "red" or "none" (not scored)
    renewal_within_days: int | None = None

    def is_empty(self) -> bool:
        return self == PortfolioFilter()

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PortfolioFilter:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def needle(self) -> str:
        """The typed text as it is searched for (any case)."""
        return name_key(self.text.strip())

    def narrows(self, earlier: PortfolioFilter) -> bool:
        """True when every row this filter keeps was also kept by ``earlier`` (more typing)."""
        return (replace(self, text="") == replace(earlier, text="")
                and earlier.needle() in self.needle())

    def field_predicate(self) -> Callable[[PlainRow], bool] | None:
        """A test of one plain row for the fields other than the text; None when none is set."""
        if replace(self, text="").is_empty():
            return None
        owner = name_key(self.owner) if self.owner else None
        within = self.renewal_within_days

        def keep(row: PlainRow) -> bool:
            if self.tier is not None and row[_TIER] != self.tier:
                return False
            if owner is not None and (not row[_OWNER] or name_key(row[_OWNER]) != owner):
                return False
            if self.stage is not None and row[_STAGE] != self.stage:
                return False
            if self.band is not None and (row[_BAND] or NOT_SCORED) != self.band:
                return False
            days_left = row[_DAYS_LEFT]
            if within is not None and (days_left is None or not 0 <= days_left <= within):
                return False
            return True

        return keep


class PortfolioTableModel(ColumnTableModel):
    NAME, HEALTH, TREND, ARR, RENEWAL, DAYS_LEFT, TIER, STAGE, OWNER, LAST_TOUCH = range(10)
    BAND_ROLE = Qt.ItemDataRole.UserRole + 10
    DEFAULT_SORT = (NAME, False)  # the order load_portfolio_table returns

    # Texts and tips get a PortfolioRow; sort values get plain rows too (itemgetter).
    COLUMNS = (
        Column("Account", lambda r: r.name, _name_key),
        Column("Health", _health_text, _field("health_score"), _health_tip, CENTRE,
               "Health score 0-100: green from 70, yellow from 40, red below 40"),
        Column("Trend", lambda r: TREND_ARROWS.get(r.trend or "", ""),
               _field("trend_points"), _trend_tip, CENTRE,
               "Change against the snapshot 30 days earlier"),
        Column("ARR", lambda r: fmt.money(r.arr), _field("arr_reporting"), _arr_tip, RIGHT,
               "Annual recurring revenue on the as-of date"),
        Column("Renewal", lambda r: fmt.day(r.renewal_date), _field("renewal_date"),
               header_tip="Next dated renewal of any contract"),
        Column("Days left", lambda r: fmt.number(r.days_left), _field("days_left"),
               align=RIGHT, header_tip="Days from the as-of date to the next renewal"),
        Column("Tier", lambda r: fmt.tier(r.tier), _field("tier")),
        Column("Stage", lambda r: fmt.label(r.stage), _field("stage")),
        Column("CSM", lambda r: r.owner or "—", _owner_key),
        Column("Last touch", lambda r: fmt.day(r.last_touch), _field("last_touch"),
               header_tip="Most recent logged activity"),
    )

    _ANSWERED = frozenset({
        Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.ToolTipRole, ColumnTableModel.SORT_ROLE, ColumnTableModel.ROW_ROLE,
        ColumnTableModel.KEY_ROLE, BAND_ROLE,
    })

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._set = PortfolioRowSet([])
        # Positions in the row set: every row in the current sort order, and those shown.
        self._order: list[int] = []
        self._shown: list[int] = []
        self._filter = PortfolioFilter()
        self.sort_column, self.sort_descending = self.DEFAULT_SORT

    def row_at(self, row: int) -> PortfolioRow:
        return PortfolioRow._make(self._rows[row])

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Qt asks every painted cell for seven roles, most of which no column answers.
        if role not in self._ANSWERED:
            return None
        return super().data(index, role)

    def extra_data(self, row: Any, column: int, role: int) -> Any:
        if role == self.BAND_ROLE and column == self.HEALTH:
            return row.band or NOT_SCORED
        return None

    def rows(self) -> Sequence[PlainRow]:
        """Every row (plain tuples), shown or filtered out, in the order they arrived."""
        return self._set.rows

    def total_count(self) -> int:
        return len(self._set.rows)

    def owners(self) -> list[str]:
        """Every CSM with an account, in alphabetical order."""
        return sorted({row[_OWNER] for row in self._set.rows if row[_OWNER]}, key=name_key)

    # -- rows in ----------------------------------------------------------------------------

    def set_rows(self, rows: PortfolioRowSet | Sequence[PlainRow]) -> None:
        """Show these rows (plain rows come in ``DEFAULT_SORT`` order).

        When the rows shown now are the first of the new ones (the first screenful, then
        every account), the others are appended in one insert, so the selection and the
        scroll position stay; otherwise one reset.
        """
        row_set = rows if isinstance(rows, PortfolioRowSet) else PortfolioRowSet(rows)
        row_set.sort(self.sort_column, self.sort_descending)
        order = row_set.order
        shown = row_set.filtered(order, self._filter)
        visible = row_set.at(shown)

        head = len(self._rows)
        if 0 < head <= len(visible) and all(
                old[0] == new[0] for old, new in zip(self._rows, visible, strict=False)):
            inserting = len(visible) > head
            if inserting:
                self.beginInsertRows(QModelIndex(), head, len(visible) - 1)
            self._store(row_set, order, shown, visible)
            if inserting:
                self.endInsertRows()
            # The rows kept were read again: their figures may have moved meanwhile.
            self.dataChanged.emit(self.index(0, 0), self.index(head - 1, len(self.COLUMNS) - 1))
            return

        self.beginResetModel()
        self._store(row_set, order, shown, visible)
        self.endResetModel()

    def _store(self, row_set: PortfolioRowSet, order: list[int], shown: list[int],
               visible: list[PlainRow]) -> None:
        self._set, self._order, self._shown, self._rows = row_set, order, shown, visible

    # -- filtering --------------------------------------------------------------------------

    def apply_filter(self, choice: PortfolioFilter) -> None:
        """Show the rows ``choice`` keeps, in the current order (one reset)."""
        earlier = self._filter
        if choice == earlier:
            return
        # More letters typed: only the rows shown now can still match.
        start = self._shown if choice.narrows(earlier) else self._order
        shown = self._set.filtered(start, choice)
        self.beginResetModel()
        self._filter = choice
        self._shown = shown
        self._rows = self._set.at(shown)
        self.endResetModel()

    # -- sorting ----------------------------------------------------------------------------

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.COLUMNS):
            return
        descending = order == Qt.SortOrder.DescendingOrder
        if (column, descending) == (self.sort_column, self.sort_descending):
            return  # already in that order (QTableView.sortByColumn asks twice)
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        moved = [self._shown[i.row()] for i in persistent]

        self.sort_column, self.sort_descending = column, descending
        self._order = self._set.sorted(self._order, column, descending)
        if len(self._shown) == len(self._order):
            self._shown = self._order
        else:
            kept = bytearray(len(self._set.rows))
            for n in self._shown:
                kept[n] = 1
            self._shown = [n for n in self._order if kept[n]]
        self._rows = self._set.at(self._shown)

        if persistent:
            new_row = _new_rows(set(moved), self._shown)
            self.changePersistentIndexList(
                persistent, [self.index(new_row[n], i.column())
                             for i, n in zip(persistent, moved, strict=True)])
        self.layoutChanged.emit()


def _new_rows(wanted: set[int], shown: list[int]) -> dict[int, int]:
    """Where each wanted position now shows (the current cell and the selection's ends)."""
    if len(wanted) <= 32:  # a search each, at C speed
        return {n: shown.index(n) for n in wanted}
    return {n: row for row, n in enumerate(shown) if n in wanted}


class PortfolioRowSet:
    """Plain rows in arrival order, with each column's sort values and the search text.

    :meth:`prepared` makes those up front and can run in a worker thread, so that showing,
    sorting and filtering 100,000 rows on the GUI thread only moves positions around.
    """

    def __init__(self, rows: Sequence[PlainRow]) -> None:
        self.rows = list(rows)
        self.order = list(range(len(self.rows)))  # positions, in the order of ``sorted_by``
        self.sorted_by = PortfolioTableModel.DEFAULT_SORT
        self._keys: dict[int, tuple[list[Any], bool]] = {}  # column -> (values, any empty)
        self._search: tuple[list[str], list[str]] | None = None

    @classmethod
    def prepared(cls, rows: Sequence[PlainRow],
                 sorted_by: tuple[int, bool] = PortfolioTableModel.DEFAULT_SORT
                 ) -> PortfolioRowSet:
        """The rows with every sort column and the search text ready, ordered by ``sorted_by``.

        ``rows`` must come in the model's ``DEFAULT_SORT`` order, as load_portfolio_table
        returns them.
        """
        row_set = cls(rows)
        for column in range(len(PortfolioTableModel.COLUMNS)):
            row_set.sort_keys(column)
        row_set.search_columns()
        row_set.sort(*sorted_by)
        return row_set

    def sort(self, column: int, descending: bool) -> None:
        if (column, descending) != self.sorted_by:
            self.order = self.sorted(self.order, column, descending)
            self.sorted_by = (column, descending)

    def sort_keys(self, column: int) -> tuple[list[Any], bool]:
        """Each row's sort value in ``column``, and whether any of them is empty."""
        found = self._keys.get(column)
        if found is None:
            keys = list(map(PortfolioTableModel.COLUMNS[column].sort_value, self.rows))
            found = self._keys[column] = (keys, None in keys)
        return found

    def search_columns(self) -> tuple[list[str], list[str]]:
        """The folded account names and CSM names, by position (the text filter's haystack)."""
        if self._search is None:
            names, _ = self.sort_keys(PortfolioTableModel.NAME)  # name_key of each name
            owners, _ = self.sort_keys(PortfolioTableModel.OWNER)
            self._search = (names, [owner or "" for owner in owners])
        return self._search

    def sorted(self, positions: list[int], column: int, descending: bool) -> list[int]:
        """Positions by the column's sort value; empty values last whichever the direction."""
        keys, any_empty = self.sort_keys(column)
        if not any_empty:
            present = list(positions)
        else:
            present = [n for n in positions if keys[n] is not None]
        present.sort(key=keys.__getitem__, reverse=descending)  # stable: ties keep their order
        if len(present) == len(positions):
            return present
        return present + [n for n in positions if keys[n] is None]

    def filtered(self, positions: list[int], choice: PortfolioFilter) -> list[int]:
        """The positions whose rows ``choice`` keeps, in the same order."""
        if choice.is_empty():
            return list(positions)
        needle = choice.needle()
        if needle:
            names, owners = self.search_columns()
            positions = [n for n in positions if needle in names[n] or needle in owners[n]]
        keep = choice.field_predicate()
        if keep is not None:
            rows = self.rows
            positions = [n for n in positions if keep(rows[n])]
        return positions

    def at(self, positions: list[int]) -> list[PlainRow]:
        """The rows at these positions."""
        return list(map(self.rows.__getitem__, positions))
