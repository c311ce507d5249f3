"""The status bar: where the portfolio lives, sync state, last sync and changes not yet sent."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QSizePolicy, QStatusBar, QWidget

from csdesk.services.status import SyncStatus, sync_status
from csdesk.ui import formatting as fmt
from csdesk.ui.workspace import Workspace

OFFLINE_TEXT = "Offline — sync not configured"


class SyncStatusBar(QStatusBar):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.location = QLabel(f"Portfolio: {workspace.context.portfolio.path}")
        self.location.setToolTip(f"The portfolio file on this computer: "
                                 f"{workspace.context.portfolio.path}")
        # A long path must not widen the window; it is cut and the tooltip has it whole.
        self.location.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.connection = QLabel(OFFLINE_TEXT)
        self.connection.setToolTip(
            "csdesk works offline; changes wait in the change log until a CRM is connected")
        self.last_sync = QLabel("Last sync: never")
        self.pending = QLabel("Pending changes: …")
        self.pending.setToolTip("Changes made here that no CRM has received yet")
        self.addWidget(self.location, 1)
        for label in (self.connection, self.last_sync, self.pending):
            self.addPermanentWidget(label)

    def refresh(self) -> None:
        def read(session: Any) -> SyncStatus:
            return sync_status(session)

        self.workspace.load(read, self._show, self, "read the sync status")

    def _show(self, status: SyncStatus) -> None:
        when = fmt.instant(status.last_pushed_at) if status.last_pushed_at else "never"
        self.last_sync.setText(f"Last sync: {when}")
        self.pending.setText(f"Pending changes: {fmt.number(status.pending_changes)}")
