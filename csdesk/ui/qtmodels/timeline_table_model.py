"""An account's timeline: activities and notes, newest first."""

from __future__ import annotations

from csdesk.services.account_records import TimelineEntry
from csdesk.ui import formatting as fmt
from csdesk.ui.qtmodels.record_table_model import Column, RecordTableModel


def _body(entry: TimelineEntry) -> str:
    return (entry.body or "").replace("\n", " ")


class TimelineTableModel(RecordTableModel):
    DAY, KIND, TITLE, AUTHOR, BODY = range(5)
    COLUMNS = (
        Column("Date", lambda r: fmt.day(r.day), lambda r: (r.day, r.id)),
        Column("Kind", lambda r: "Note" if r.entity == "note" else fmt.label(r.kind),
               lambda r: r.kind),
        Column("Summary", lambda r: r.title or "—", lambda r: r.title.casefold(),
               tooltip=lambda r: r.body),
        Column("By", lambda r: r.author or "—", lambda r: r.author),
        Column("Details", _body, _body, tooltip=lambda r: r.body),
    )

    def row_key(self, row: TimelineEntry) -> object:
        return (row.entity, row.id)
