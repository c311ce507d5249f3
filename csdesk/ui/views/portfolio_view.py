"""Portfolio: every account in one sortable, filterable table, smooth at 100,000 rows.

The first load shows the first screenful of accounts (in the table's default order) as soon as
it is read, then reads every account in the background and appends the rest in one insert.
"""

from __future__ import annotations

import json
import logging
import weakref
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, QSettings, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from csdesk.money import Money
from csdesk.services.context import load_rates
from csdesk.services.portfolio_rows import PlainRow, load_first_rows, load_portfolio_table
from csdesk.ui import formatting as fmt
from csdesk.ui.qtmodels.portfolio_table_model import (
    PortfolioFilter,
    PortfolioRowSet,
    PortfolioTableModel,
)
from csdesk.ui.views.view_page import ViewPage
from csdesk.ui.widgets.health_badge_delegate import HealthBadgeDelegate
from csdesk.ui.workspace import Workspace
from csdesk.vocabulary import JOURNEY_STAGES, TIER_LABELS

logger = logging.getLogger(__name__)

TEXT_FILTER_DELAY_MS = 150
FIRST_SCREENFUL = 200  # rows shown before every account is read (taller than any screen)
SAVED_VIEWS_KEY = "portfolio/saved_views"
RENEWAL_WINDOWS = ((30, "Renewing in 30 days"), (90, "Renewing in 90 days"),
                   (180, "Renewing in 180 days"), (365, "Renewing in 12 months"))
BANDS = (("green", "Green"), ("yellow", "Yellow"), ("red", "Red"), ("none", "Not scored"))
COLUMN_WIDTHS = {
    PortfolioTableModel.NAME: 260, PortfolioTableModel.HEALTH: 70,
    PortfolioTableModel.TREND: 56, PortfolioTableModel.ARR: 110,
    PortfolioTableModel.RENEWAL: 110, PortfolioTableModel.DAYS_LEFT: 80,
    PortfolioTableModel.TIER: 120, PortfolioTableModel.STAGE: 90,
    PortfolioTableModel.OWNER: 150, PortfolioTableModel.LAST_TOUCH: 110,
}


class _PaintWatch(QObject):
    """Calls back once, when the widget next finishes painting, or after a short wait."""

    WAIT_MS = 200  # a widget that is hidden meanwhile never paints

    def __init__(self, widget: QWidget, callback: Callable[[], None]) -> None:
        super().__init__(widget)
        self.widget = widget
        self.callback: Callable[[], None] | None = callback
        widget.installEventFilter(self)
        QTimer.singleShot(self.WAIT_MS, self, self._fire)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's
        if event.type() == QEvent.Type.Paint:
            QTimer.singleShot(0, self, self._fire)  # runs once this paint is over
        return False

    def _fire(self) -> None:
        callback, self.callback = self.callback, None
        if callback is None:
            return
        self.widget.removeEventFilter(self)
        self.deleteLater()
        callback()


def _after_paint(widget: QWidget, callback: Callable[[], None]) -> None:
    _PaintWatch(widget, callback)


def _read_locale_data(currency: str, day: date) -> None:
    """Format one cell of each kind: babel reads its locale data on first use (tens of ms).

    Called in the worker, so that reading is not done on the GUI thread during the first paint.
    """
    fmt.money(Money.zero(currency))
    fmt.number(0)
    fmt.day(day)


class PortfolioView(ViewPage):
    TITLE = "Portfolio"

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(workspace, parent)
        self.model = PortfolioTableModel(self)
        self._generation = 0  # the latest load; results of earlier ones are dropped
        # Stands for this view as the owner of its background jobs (see _load).
        self._jobs_owner = QWidget(self)
        self._jobs_owner.hide()
        self._reading_total: int | None = None  # accounts in all, while the first are shown
        self._build_filters()
        self._build_table()

        self.summary = QLabel()
        self.summary.setObjectName("portfolioSummary")
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        layout.addLayout(self.filter_bar)
        layout.addWidget(self.table, 1)
        footer = QHBoxLayout()
        footer.addWidget(self.summary, 1)
        footer.addWidget(self.views_box)
        footer.addWidget(self.save_view_button)
        layout.addLayout(footer)
        QWidget.setTabOrder(self.clear_button, self.table)
        QWidget.setTabOrder(self.table, self.views_box)
        QWidget.setTabOrder(self.views_box, self.save_view_button)
        self._reload_saved_views()

    # -- building ---------------------------------------------------------------------------

    def _build_filters(self) -> None:
        self.search = QLineEdit()
        self.search.setPlaceholderText("Filter by account or CSM…")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Filter accounts")
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(TEXT_FILTER_DELAY_MS)
        self._debounce.timeout.connect(self._apply_filter)
        self.search.textChanged.connect(self._debounce.start)

        self.tier_box = self._combo("Tier", [(t, f"Tier {fmt.tier(t)}") for t in TIER_LABELS])
        self.owner_box = self._combo("CSM", [])
        self.stage_box = self._combo("Stage", [(s, fmt.label(s)) for s in JOURNEY_STAGES])
        self.band_box = self._combo("Health", list(BANDS))
        self.renewal_box = self._combo("Renewal", list(RENEWAL_WINDOWS), any_text="Any renewal")

        self.views_box = QComboBox()
        self.views_box.setAccessibleName("Saved views")
        self.views_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.views_box.setMinimumContentsLength(9)
        self.views_box.activated.connect(self._on_views_box_activated)
        self.save_view_button = QPushButton("Save view…")
        self.save_view_button.clicked.connect(self._on_save_view_clicked)
        self.clear_button = QPushButton("Clear")
        self.clear_button.setToolTip("Show every account")
        self.clear_button.clicked.connect(self.clear_filters)

        bar = QHBoxLayout()
        bar.addWidget(self.search, 2)
        for box in (self.tier_box, self.owner_box, self.stage_box, self.band_box,
                    self.renewal_box):
            bar.addWidget(box, 1)
        bar.addWidget(self.clear_button)
        self.filter_bar = bar

    def _combo(
        self, name: str, items: list[tuple[Any, str]], any_text: str | None = None
    ) -> QComboBox:
        box = QComboBox()
        box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        box.setMinimumContentsLength(7)
        box.setAccessibleName(f"{name} filter")
        box.setToolTip(f"Show only accounts with this {name.lower()}")
        box.addItem(any_text or f"Any {name.lower()}", None)
        for value, text in items:
            box.addItem(text, value)
        box.currentIndexChanged.connect(self._apply_filter)
        return box

    def _build_table(self) -> None:
        table = QTableView()
        # No proxy: the model sorts and filters itself on its own lists of positions.
        table.setModel(self.model)
        table.setAccessibleName("Accounts")
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.setShowGrid(False)
        table.setTabKeyNavigation(False)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        # Shown from the start: rows arriving then never resize the viewport into a repaint.
        table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)

        # Fixed row heights and preset column widths: nothing walks 100,000 rows to measure.
        rows = table.verticalHeader()
        rows.setVisible(False)
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(table.fontMetrics().height() + 12)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        for column, width in COLUMN_WIDTHS.items():
            header.resizeSection(column, width)

        table.setItemDelegateForColumn(
            PortfolioTableModel.HEALTH,
            HealthBadgeDelegate(PortfolioTableModel.BAND_ROLE, table),
        )
        table.setSortingEnabled(True)
        header.setSortIndicator(PortfolioTableModel.NAME, Qt.SortOrder.AscendingOrder)
        table.activated.connect(self._on_table_activated)
        self.table = table

    # -- loading ----------------------------------------------------------------------------

    def reload(self) -> None:
        self._generation += 1
        generation, as_of = self._generation, self.workspace.as_of
        sorted_by = (self.model.sort_column, self.model.sort_descending)
        if self.model.total_count() or sorted_by != PortfolioTableModel.DEFAULT_SORT:
            self._load_every_row(generation)
            return

        # Nothing shown yet: the first screenful first, so the table is usable at once.
        self.summary.setText("Loading accounts…")

        def read_first(session: Any) -> tuple[list[PlainRow], int]:
            rates = load_rates(session)
            rows = load_first_rows(session, as_of, rates, FIRST_SCREENFUL)
            _read_locale_data(rates.reporting_currency, as_of)
            return rows

        self._load(read_first, lambda view, result: view._on_first_rows(generation, *result),
                   generation)

    def _on_first_rows(self, generation: int, rows: list[PlainRow], total: int) -> None:
        if generation != self._generation:
            return
        self.model.set_rows(rows)
        if len(rows) == total:  # that was every account
            self._show_every_row()
            return
        self._reading_total = total
        self._update_summary()
        # The rest is read once these rows are on screen: the worker's Python would otherwise
        # compete with that first paint for the interpreter.
        _after_paint(self.table.viewport(), lambda: self._load_every_row(generation))

    def _load_every_row(self, generation: int) -> None:
        as_of = self.workspace.as_of
        sorted_by = (self.model.sort_column, self.model.sort_descending)
        if not self.model.total_count():
            self.summary.setText("Loading accounts…")

        def read(session: Any) -> PortfolioRowSet:
            # Sort values and search text are made here, off the GUI thread.
            rows = load_portfolio_table(session, as_of, load_rates(session))
            return PortfolioRowSet.prepared(rows, sorted_by)

        self._load(read, lambda view, rows: view._on_rows_loaded(generation, rows), generation)

    def _load(self, read: Callable[[Any], Any],
              on_done: Callable[[PortfolioView, Any], None], generation: int) -> None:
        # The job keeps its callbacks and owner until its worker thread lets go of it, so they
        # hold this view only weakly: the last reference to a widget must never be dropped,
        # and the widget deleted, on a worker thread.
        view = weakref.ref(self)

        def done(result: Any) -> None:
            if (target := view()) is not None:
                on_done(target, result)

        def failed(error: BaseException) -> None:
            if (target := view()) is not None:
                target._on_load_failed(generation, error)

        self.workspace.load(read, done, self._jobs_owner, "load the portfolio", on_error=failed)

    def _on_rows_loaded(self, generation: int, rows: PortfolioRowSet) -> None:
        if generation != self._generation:
            return
        self.model.set_rows(rows)
        self._show_every_row()

    def _show_every_row(self) -> None:
        self._reading_total = None
        self._fill_owner_box()
        self._update_summary()
        logger.info("portfolio shown: %d accounts", self.model.total_count())
        self.finish_loading()

    def _on_load_failed(self, generation: int, error: BaseException) -> None:
        from csdesk.ui import feedback

        if generation != self._generation:  # a later load is on its way
            return
        self._reading_total = None
        self.summary.setText("The portfolio could not be loaded.")
        feedback.show_error(self, error, "load the portfolio")
        self.finish_loading()

    def _fill_owner_box(self) -> None:
        chosen = self.owner_box.currentData()
        self.owner_box.blockSignals(True)
        self.owner_box.clear()
        self.owner_box.addItem("Any CSM", None)
        for owner in self.model.owners():
            self.owner_box.addItem(owner, owner)
        self.owner_box.setCurrentIndex(max(0, self.owner_box.findData(chosen)))
        self.owner_box.blockSignals(False)

    # -- filtering --------------------------------------------------------------------------

    def current_filter(self) -> PortfolioFilter:
        return PortfolioFilter(
            text=self.search.text(),
            tier=self.tier_box.currentData(),
            owner=self.owner_box.currentData(),
            stage=self.stage_box.currentData(),
            band=self.band_box.currentData(),
            renewal_within_days=self.renewal_box.currentData(),
        )

    def set_filter(self, choice: PortfolioFilter) -> None:
        boxes = ((self.tier_box, choice.tier), (self.owner_box, choice.owner),
                 (self.stage_box, choice.stage), (self.band_box, choice.band),
                 (self.renewal_box, choice.renewal_within_days))
        for box, value in boxes:
            box.blockSignals(True)
            found = box.findData(value)
            if found < 0 and value is not None and box is self.owner_box:
                box.addItem(str(value), value)
                found = box.count() - 1
            box.setCurrentIndex(max(0, found))
            box.blockSignals(False)
        self.search.blockSignals(True)
        self.search.setText(choice.text)
        self.search.blockSignals(False)
        self._apply_filter()

    def clear_filters(self) -> None:
        self.set_filter(PortfolioFilter())

    def _apply_filter(self) -> None:
        self._debounce.stop()
        self.model.apply_filter(self.current_filter())
        self._update_summary()

    def _update_summary(self) -> None:
        shown, total = self.model.rowCount(), self.model.total_count()
        if self._reading_total is not None:
            part = "" if shown == total else f"{fmt.number(shown)} of "
            self.summary.setText(f"Showing {part}the first {fmt.number(total)} of "
                                 f"{fmt.number(self._reading_total)} accounts; reading the rest…")
            return
        if total == 0:
            self.summary.setText(
                "No accounts yet. Run “csdesk demo” for a demo book, or import your own.")
            return
        if shown == total:
            self.summary.setText(f"{fmt.number(total)} accounts")
        else:
            self.summary.setText(f"{fmt.number(shown)} of {fmt.number(total)} accounts")

    # -- saved views ------------------------------------------------------------------------

    def saved_views(self) -> dict[str, dict[str, Any]]:
        raw = QSettings().value(SAVED_VIEWS_KEY, "{}")
        try:
            views = json.loads(str(raw))
        except ValueError:
            logger.warning("saved portfolio views were unreadable and are ignored")
            return {}
        return views if isinstance(views, dict) else {}

    def save_view(self, name: str) -> None:
        name = name.strip()
        if not name:
            return
        views = self.saved_views()
        views[name] = self.current_filter().to_dict()
        QSettings().setValue(SAVED_VIEWS_KEY, json.dumps(views, ensure_ascii=False))
        logger.info("portfolio view saved: %s", name)
        self._reload_saved_views(select=name)

    def delete_view(self, name: str) -> None:
        views = self.saved_views()
        if views.pop(name, None) is not None:
            QSettings().setValue(SAVED_VIEWS_KEY, json.dumps(views, ensure_ascii=False))
        self._reload_saved_views()

    def _reload_saved_views(self, select: str | None = None) -> None:
        self.views_box.blockSignals(True)
        self.views_box.clear()
        self.views_box.addItem("Saved views", None)
        for name in sorted(self.saved_views(), key=str.casefold):
            self.views_box.addItem(name, name)
        self.views_box.setCurrentIndex(max(0, self.views_box.findData(select)))
        self.views_box.blockSignals(False)

    def _on_views_box_activated(self, position: int) -> None:
        name = self.views_box.itemData(position)
        if name is None:
            return
        data = self.saved_views().get(name)
        if data is not None:
            self.set_filter(PortfolioFilter.from_dict(data))

    def _on_save_view_clicked(self) -> None:
        dialog = QInputDialog(self)
        dialog.setWindowTitle("Save view")
        dialog.setLabelText("Name of this view (its filters are kept on this computer):")
        dialog.textValueSelected.connect(self.save_view)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    # -- opening ----------------------------------------------------------------------------

    def _on_table_activated(self, index: QModelIndex) -> None:
        row = self.model.row_at(index.row())
        self.workspace.account_requested.emit(row.id)

    def selected_account_ids(self) -> list[int]:
        rows = {i.row() for i in self.table.selectionModel().selectedRows()}
        return [self.model.row_at(r).id for r in sorted(rows)]
