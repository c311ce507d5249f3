"""The common behaviour of the main window's pages: load when shown, reload when stale."""

from __future__ import annotations

import logging

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QWidget

from csdesk.ui.workspace import Workspace

logger = logging.getLogger(__name__)


class ViewPage(QWidget):
    """A page that reads portfolio data in the background.

    Subclasses implement :meth:`reload`, start their background load there, and call
    :meth:`finish_loading` when the result has been shown.

    Signals:
        loaded: the page finished showing freshly loaded data.
    """

    TITLE = ""
    loaded = Signal()

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.stale = True
        self.loading = False
        workspace.portfolio_changed.connect(self._on_workspace_portfolio_changed)

    def refresh(self) -> None:
        """Load the page's data again now."""
        self.stale = False
        self.loading = True
        self.reload()

    def reload(self) -> None:
        """Start loading; a page without portfolio data is simply done."""
        self.finish_loading()

    def finish_loading(self) -> None:
        self.loading = False
        self.loaded.emit()

    def ensure_loaded(self) -> None:
        if self.stale and not self.loading:
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self.ensure_loaded()

    def _on_workspace_portfolio_changed(self) -> None:
        self.stale = True
        if self.isVisible():
            self.refresh()
