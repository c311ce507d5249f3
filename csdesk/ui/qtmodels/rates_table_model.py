"""The currency rates table of Settings."""

from __future__ import annotations

from csdesk.ui import formatting as fmt
from csdesk.ui.qtmodels.record_table_model import RIGHT, Column, RecordTableModel


class RatesTableModel(RecordTableModel):
    CURRENCY, RATE, UPDATED = range(3)
    COLUMNS = (
        Column("Currency", lambda r: r.currency, lambda r: r.currency),
        Column("Rate", lambda r: format(r.rate, "f"), lambda r: r.rate, align=RIGHT,
               header_tip="Units of the reporting currency one unit is worth"),
        Column("Updated", lambda r: fmt.day(r.updated_on), lambda r: r.updated_on),
    )

    def row_key(self, row: object) -> object:
        return getattr(row, "currency", None)
