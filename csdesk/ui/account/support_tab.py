"""Account > Support: the cases, open ones first."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QWidget

from csdesk.services.account_records import CaseRow, support_cases
from csdesk.ui.account.account_tab import AccountTab, make_table
from csdesk.ui.qtmodels.support_cases_table_model import SupportCasesTableModel
from csdesk.ui.workspace import Workspace


class SupportTab(AccountTab):
    TITLE = "Support"

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(workspace, parent)
        self.model = SupportCasesTableModel(self)
        self.table, self.proxy = make_table(self.model, "Support cases",
                                            SupportCasesTableModel.SUBJECT)
        self.summary = QLabel()
        self.layout_.addWidget(self.summary)
        self.layout_.addWidget(self.table, 1)

    def load(self) -> None:
        account_id = self.account_id

        def read(session: Any) -> list[CaseRow]:
            return support_cases(session, account_id)  # type: ignore[arg-type]

        self.workspace.load(read, self._show, self, "load the support cases")

    def _show(self, cases: list[CaseRow]) -> None:
        self.model.set_rows(sorted(cases, key=lambda c: (not c.is_open,)))
        open_cases = [c for c in cases if c.is_open]
        urgent = sum(1 for c in open_cases if c.priority in ("urgent", "high"))
        escalated = sum(1 for c in cases if c.escalated)
        self.summary.setText(
            f"{len(cases)} cases, {len(open_cases)} open ({urgent} urgent or high), "
            f"{escalated} escalated.")
        self.loaded.emit()
