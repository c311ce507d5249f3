"""The global search: type part of an account's name, pick it, and the account opens."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QStringListModel, Qt, QTimer, Signal
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

from csdesk.services.portfolio_rows import search_accounts
from csdesk.ui import formatting as fmt
from csdesk.ui.workspace import Workspace

SEARCH_DELAY_MS = 200
MAX_RESULTS = 20


class AccountSearchBox(QLineEdit):
    """Searches account names in the background as the user types.

    Signals:
        account_chosen: (account_id) the user picked a result.
        results_shown: (count) a search finished and its results are in the popup.
    """

    account_chosen = Signal(int)
    results_shown = Signal(int)

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.setPlaceholderText("Find an account (Ctrl+F)")
        self.setAccessibleName("Find an account")
        self.setClearButtonEnabled(True)
        self.setMinimumWidth(260)
        self._ids: list[int] = []
        self._results = QStringListModel(self)
        self._completer = QCompleter(self._results, self)
        self._completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self._completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._completer.setWidget(self)
        self._completer.activated[QModelIndex].connect(  # type: ignore[index]
            self._on_completer_activated)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self._search)
        self.textEdited.connect(self._timer.start)
        self.returnPressed.connect(self._on_return_pressed)
        self._generation = 0

    def _search(self) -> None:
        text = self.text().strip()
        self._generation += 1
        generation = self._generation
        if not text:
            self._show([])
            return

        def read(session: Any) -> list[dict[str, Any]]:
            return search_accounts(session, text, MAX_RESULTS)

        def done(found: list[dict[str, Any]]) -> None:
            if generation == self._generation:  # an older search finishing late is ignored
                self._show(found)

        self.workspace.load(read, done, self, "search accounts")

    def _show(self, found: list[dict[str, Any]]) -> None:
        self._ids = [item["id"] for item in found]
        self._results.setStringList([
            f"{item['name']}  ·  {fmt.tier(item['tier'])}  ·  {item['owner'] or 'no CSM'}"
            for item in found
        ])
        if found and self.hasFocus():
            self._completer.complete()
        self.results_shown.emit(len(found))

    def _on_completer_activated(self, index: QModelIndex) -> None:
        row = index.row()
        if 0 <= row < len(self._ids):
            self._choose(self._ids[row])

    def _on_return_pressed(self) -> None:
        if self._timer.isActive():
            self._timer.stop()
            self._search()
            return
        if self._ids:
            self._choose(self._ids[0])

    def _choose(self, account_id: int) -> None:
        popup = self._completer.popup()
        if popup is not None:
            popup.hide()
        self.clear()
        self._ids = []
        self.account_chosen.emit(account_id)
