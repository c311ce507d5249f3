"""Account > Contracts & renewals: what the customer pays for, and what is being renewed."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QWidget

from csdesk.services.accounts import AccountDetail, account_detail
from csdesk.services.context import load_rates
from csdesk.ui.account.account_tab import AccountTab, make_table
from csdesk.ui.qtmodels.contracts_table_model import ContractsTableModel, OpportunitiesTableModel
from csdesk.ui.workspace import Workspace


class ContractsTab(AccountTab):
    TITLE = "Contracts && renewals"  # && shows one ampersand in a tab

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(workspace, parent)
        self.contracts = ContractsTableModel(self)
        self.contracts_table, _ = make_table(self.contracts, "Contracts",
                                             ContractsTableModel.TERMS)
        self.opportunities = OpportunitiesTableModel(self)
        self.opportunities_table, _ = make_table(self.opportunities, "Opportunities",
                                                 OpportunitiesTableModel.NAME)
        self.layout_.addWidget(QLabel("<b>Contracts</b>"))
        self.layout_.addWidget(self.contracts_table, 1)
        self.layout_.addWidget(QLabel("<b>Renewal and expansion opportunities</b>"))
        self.layout_.addWidget(self.opportunities_table, 1)

    def load(self) -> None:
        account_id, as_of = self.account_id, self.workspace.as_of

        def read(session: Any) -> AccountDetail:
            return account_detail(session, str(account_id), as_of, load_rates(session))

        self.workspace.load(read, self._show, self, "load the contracts")

    def _show(self, detail: AccountDetail) -> None:
        self.contracts.set_rows(detail.contracts)
        self.opportunities.set_rows(detail.opportunities)
        self.loaded.emit()
