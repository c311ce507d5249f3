"""Today: what is overdue or due, alerts to handle, renewal milestones and upcoming reviews."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from csdesk.services.context import load_rates
from csdesk.services.tasks import close_task, snooze_task
from csdesk.services.today import DayPlan, account_owners, plan_day, resolve_scope
from csdesk.ui.account.account_tab import make_table
from csdesk.ui.dialogs.activity_edit_dialog import ActivityEditDialog
from csdesk.ui.dialogs.snooze_dialog import SnoozeDialog
from csdesk.ui.qtmodels.today_table_model import TodayItem, TodayTableModel, items_of
from csdesk.ui.views.view_page import ViewPage
from csdesk.ui.workspace import Workspace

ME, EVERYONE = "__me__", "__all__"


class TodayView(ViewPage):
    TITLE = "Today"

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(workspace, parent)
        self.scope_box = QComboBox()
        self.scope_box.setAccessibleName("Whose accounts")
        self.scope_box.addItem("My accounts", ME)
        self.scope_box.addItem("Everyone's accounts", EVERYONE)
        self.scope_box.activated.connect(lambda _i: self.refresh())
        self.summary = QLabel()
        self.summary.setWordWrap(True)

        self.model = TodayTableModel(self)
        self.table, self.proxy = make_table(self.model, "Today's work", TodayTableModel.DETAIL)
        header = self.table.horizontalHeader()
        for column, width in ((TodayTableModel.SECTION, 150), (TodayTableModel.ACCOUNT, 220),
                              (TodayTableModel.WHAT, 280), (TodayTableModel.DAY, 110)):
            header.resizeSection(column, width)
        self.table.activated.connect(lambda _i: self.open_account())
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)

        self.done_button = QPushButton("Done")
        self.done_button.setToolTip("Close the task, or log the activity that satisfies it")
        self.done_button.clicked.connect(self.mark_done)
        self.snooze_button = QPushButton("Snooze…")
        self.snooze_button.clicked.connect(self.snooze)
        self.open_button = QPushButton("Open account")
        self.open_button.clicked.connect(self.open_account)

        top = QHBoxLayout()
        top.addWidget(self.scope_box)
        top.addWidget(self.summary, 1)
        buttons = QHBoxLayout()
        for button in (self.done_button, self.snooze_button, self.open_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.dialog: QWidget | None = None
        self._update_buttons()

    def reload(self) -> None:
        as_of = self.workspace.as_of
        everyone = self.scope_box.currentData() == EVERYONE

        def read(session: Any) -> tuple[DayPlan, list[tuple[str, int]]]:
            scope = resolve_scope(session, None, everyone)
            return plan_day(session, as_of, load_rates(session), scope), account_owners(session)

        self.workspace.load(read, self._show, self, "plan the day")

    def _show(self, result: tuple[DayPlan, list[tuple[str, int]]]) -> None:
        plan, _owners = result
        self.model.set_rows(items_of(plan))
        self.table.sortByColumn(TodayTableModel.SECTION, Qt.SortOrder.AscendingOrder)
        counts = (f"{len(plan.overdue)} overdue, {len(plan.due_soon)} due this week, "
                  f"{len(plan.alerts)} alerts, {len(plan.milestones)} renewal milestones, "
                  f"{len(plan.reviews)} reviews coming up")
        who = plan.scope.owner or "every account"
        self.summary.setText(f"{who}: {counts}." + (f" {plan.scope.note}"
                                                    if plan.scope.note else ""))
        self._update_buttons()
        self.finish_loading()

    def selected_item(self) -> TodayItem | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        item: TodayItem = self.proxy.row_at(rows[0].row())
        return item

    def _update_buttons(self) -> None:
        item = self.selected_item()
        self.done_button.setEnabled(item is not None and item.section != "review")
        self.snooze_button.setEnabled(item is not None and item.task_id is not None)
        self.open_button.setEnabled(item is not None and item.account_id is not None)

    def mark_done(self) -> None:
        item = self.selected_item()
        if item is None:
            return
        if item.task_id is not None:
            task_id, actor = item.task_id, self.workspace.context.actor
            self.workspace.save(lambda s: close_task(s, task_id, actor), None, self,
                                f"close “{item.what}”")
            return
        if item.account_id is not None:
            dialog = ActivityEditDialog(self.workspace, item.account_id, None, self)
            dialog.summary_edit.setText(item.what)
            self._open(dialog)

    def snooze(self) -> None:
        item = self.selected_item()
        if item is None or item.task_id is None:
            return
        dialog = SnoozeDialog(item.what, self.workspace.as_of, self)
        dialog.chosen.connect(lambda day, task_id=item.task_id: self.snooze_until(task_id, day))
        self._open(dialog)

    def snooze_until(self, task_id: int, day: date) -> None:
        as_of = self.workspace.as_of
        self.workspace.save(lambda s: snooze_task(s, task_id, day, as_of), None, self,
                            "snooze the task")

    def open_account(self) -> None:
        item = self.selected_item()
        if item is not None and item.account_id is not None:
            self.workspace.account_requested.emit(item.account_id)

    def _open(self, dialog: Any) -> None:
        self.dialog = dialog
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
