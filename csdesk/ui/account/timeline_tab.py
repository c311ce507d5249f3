"""Account > Timeline: activities and notes, newest first; log, write and edit them offline."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from csdesk.services.account_records import TimelineEntry, timeline
from csdesk.ui.account.account_tab import AccountTab, make_table
from csdesk.ui.dialogs.activity_edit_dialog import ActivityEditDialog
from csdesk.ui.dialogs.note_edit_dialog import NoteEditDialog
from csdesk.ui.qtmodels.timeline_table_model import TimelineTableModel
from csdesk.ui.workspace import Workspace


class TimelineTab(AccountTab):
    TITLE = "Timeline"

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(workspace, parent)
        self.model = TimelineTableModel(self)
        self.table, self.proxy = make_table(self.model, "Timeline", TimelineTableModel.BODY)
        self.table.activated.connect(lambda _index: self.edit_selected())
        self.log_button = QPushButton("Log activity…")
        self.log_button.clicked.connect(self.log_activity)
        self.note_button = QPushButton("Write note…")
        self.note_button.clicked.connect(self.write_note)
        self.edit_button = QPushButton("Edit…")
        self.edit_button.clicked.connect(self.edit_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.log_button)
        buttons.addWidget(self.note_button)
        buttons.addWidget(self.edit_button)
        buttons.addStretch(1)
        self.layout_.addLayout(buttons)
        self.layout_.addWidget(self.table, 1)
        self.dialog: ActivityEditDialog | NoteEditDialog | None = None

    def load(self) -> None:
        account_id = self.account_id

        def read(session: Any) -> list[TimelineEntry]:
            return timeline(session, account_id)  # type: ignore[arg-type]

        self.workspace.load(read, self._show, self, "load the timeline")

    def _show(self, entries: list[TimelineEntry]) -> None:
        self.model.set_rows(entries)
        self.edit_button.setEnabled(bool(entries))
        self.loaded.emit()

    def selected_entry(self) -> TimelineEntry | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        entry: TimelineEntry = self.proxy.row_at(rows[0].row())
        return entry

    def log_activity(self) -> None:
        self._open(ActivityEditDialog(self.workspace, self.account_id, None, self))

    def write_note(self) -> None:
        self._open(NoteEditDialog(self.workspace, self.account_id, None, self))

    def edit_selected(self) -> None:
        entry = self.selected_entry()
        if entry is None:
            return
        if entry.entity == "note":
            self._open(NoteEditDialog(self.workspace, self.account_id, entry, self))
        else:
            self._open(ActivityEditDialog(self.workspace, self.account_id, entry, self))

    def _open(self, dialog: ActivityEditDialog | NoteEditDialog) -> None:
        self.dialog = dialog
        dialog.saved.connect(self.load)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
