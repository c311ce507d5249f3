"""The upcoming renewals: account, date, renewable ARR, forecast category and milestones."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from csdesk.services.renewals import RenewalRow
from csdesk.ui import formatting as fmt
from csdesk.ui.qtmodels.record_table_model import RIGHT, Column, RecordTableModel


def _milestone(row: RenewalRow) -> str:
    upcoming = row.next_milestone
    if upcoming is None:
        return "all reached"
    return f"{upcoming.spec.name} on {fmt.day(upcoming.on)}"


def _close(row: RenewalRow) -> str:
    line = row.line
    if line.close_date is None:
        return "—"
    flag = " ⚠" if line.close_date_differs else ""
    return fmt.day(line.close_date) + flag


def _close_tip(row: RenewalRow) -> str | None:
    if row.line.close_date_differs:
        return (f"The opportunity closes on {row.line.close_date}, the contract renews on "
                f"{row.line.renewal_date}")
    return None


class RenewalsTableModel(RecordTableModel):
    ACCOUNT, RENEWAL, DAYS, ARR, CATEGORY, HEALTH, MILESTONE, CLOSE, OWNER = range(9)
    BAND_ROLE = Qt.ItemDataRole.UserRole + 10
    COLUMNS = (
        Column("Account", lambda r: r.line.account.name, lambda r: r.line.account.name.casefold()),
        Column("Renews", lambda r: fmt.day(r.line.renewal_date), lambda r: r.line.renewal_date),
        Column("Days left", lambda r: fmt.number(r.line.days_left(r.as_of)),
               lambda r: r.line.days_left(r.as_of), align=RIGHT),
        Column("Renewable ARR", lambda r: fmt.money(r.line.renewable),
               lambda r: r.line.renewable.amount, align=RIGHT),
        Column("Forecast", lambda r: fmt.label(r.line.category), lambda r: r.line.category),
        Column("Health", lambda r: fmt.label(r.line.account.health_band),
               lambda r: r.line.account.health_band),
        Column("Next milestone", _milestone, lambda r: r.next_milestone.on
               if r.next_milestone else None),
        Column("Close date", _close, lambda r: r.line.close_date, _close_tip),
        Column("CSM", lambda r: r.line.account.owner or "—", lambda r: r.line.account.owner),
    )

    def row_key(self, row: RenewalRow) -> object:
        return row.line.key

    def extra_data(self, row: Any, column: int, role: int) -> Any:
        if role == self.BAND_ROLE and column == self.HEALTH:
            return row.line.account.health_band or "none"
        return None
