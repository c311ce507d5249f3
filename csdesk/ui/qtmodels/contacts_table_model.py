"""An account's contacts and their roles."""

from __future__ import annotations

from csdesk.ui import formatting as fmt
from csdesk.ui.qtmodels.record_table_model import Column, RecordTableModel


def _roles(row: dict) -> str:
    return ", ".join(fmt.label(r) for r in row["roles"]) or "—"


class ContactsTableModel(RecordTableModel):
    NAME, TITLE, EMAIL, ROLES, STATUS = range(5)
    COLUMNS = (
        Column("Name", lambda r: r["name"] or "—", lambda r: (r["name"] or "").casefold()),
        Column("Title", lambda r: r["title"] or "—", lambda r: r["title"]),
        Column("Email", lambda r: r["email"] or "—", lambda r: r["email"]),
        Column("Roles", _roles, lambda r: _roles(r)),
        Column("Status", lambda r: "Left the company" if r["left_company"] else "Active",
               lambda r: r["left_company"]),
    )

    def row_key(self, row: dict) -> object:
        return row["id"]
