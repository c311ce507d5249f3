"""An account's support cases."""

from __future__ import annotations

from csdesk.services.account_records import CaseRow
from csdesk.ui import formatting as fmt
from csdesk.ui.qtmodels.record_table_model import RIGHT, Column, RecordTableModel

PRIORITY_ORDER = {"urgent": 0, "high": 1, "normal": 2, "low": 3}


def _state(row: CaseRow) -> str:
    return "Open" if row.is_open else f"Closed {fmt.day(row.closed_at.date())}"  # type: ignore[union-attr]


class SupportCasesTableModel(RecordTableModel):
    SUBJECT, PRIORITY, OPENED, STATE, ESCALATED, FIRST_RESPONSE = range(6)
    COLUMNS = (
        Column("Subject", lambda r: r.subject or "—", lambda r: (r.subject or "").casefold()),
        Column("Priority", lambda r: fmt.label(r.priority), lambda r: PRIORITY_ORDER[r.priority]),
        Column("Opened", lambda r: fmt.day(r.opened_at.date()), lambda r: r.opened_at),
        Column("State", _state, lambda r: (not r.is_open, r.closed_at)),
        Column("Escalated", lambda r: "Yes" if r.escalated else "No", lambda r: r.escalated),
        Column("First response", lambda r: fmt.number(r.first_response_minutes) + " min"
               if r.first_response_minutes is not None else "—",
               lambda r: r.first_response_minutes, align=RIGHT),
    )
