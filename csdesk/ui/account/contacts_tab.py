"""Account > Contacts: the people, their titles and their roles (champion, sponsor…)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QWidget

from csdesk.services.accounts import AccountDetail, account_detail
from csdesk.services.context import load_rates
from csdesk.ui.account.account_tab import AccountTab, make_table
from csdesk.ui.qtmodels.contacts_table_model import ContactsTableModel
from csdesk.ui.workspace import Workspace


class ContactsTab(AccountTab):
    TITLE = "Contacts"

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(workspace, parent)
        self.model = ContactsTableModel(self)
        self.table, self.proxy = make_table(self.model, "Contacts", ContactsTableModel.ROLES)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.layout_.addWidget(self.note)
        self.layout_.addWidget(self.table, 1)

    def load(self) -> None:
        account_id, as_of = self.account_id, self.workspace.as_of

        def read(session: Any) -> AccountDetail:
            return account_detail(session, str(account_id), as_of, load_rates(session))

        self.workspace.load(read, self._show, self, "load the contacts")

    def _show(self, detail: AccountDetail) -> None:
        self.model.set_rows(detail.contacts)
        roles = {r for c in detail.contacts if not c["left_company"] for r in c["roles"]}
        missing = [name for key, name in (("champion", "champion"),
                                          ("executive_sponsor", "executive sponsor"))
                   if key not in roles]
        self.note.setText(
            f"{len(detail.contacts)} contacts. "
            + (f"No active {' or '.join(missing)} on record." if missing else
               "A champion and an executive sponsor are on record."))
        self.loaded.emit()
