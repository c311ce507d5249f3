"""An account's survey answers (NPS and CSAT), shown with their scale."""

from __future__ import annotations

from csdesk.services.account_records import SurveyRow
from csdesk.ui import formatting as fmt
from csdesk.ui.qtmodels.record_table_model import CENTRE, Column, RecordTableModel


def _kind(row: SurveyRow) -> str:
    if row.kind == "nps":
        return "NPS"
    return f"CSAT ({row.topic})" if row.topic else "CSAT"


class SurveyAnswersTableModel(RecordTableModel):
    ANSWERED, KIND, SCORE, CONTACT, COMMENT = range(5)
    COLUMNS = (
        Column("Answered", lambda r: fmt.day(r.answered_on), lambda r: r.answered_on),
        Column("Survey", _kind, _kind),
        Column("Score", lambda r: f"{r.score} of {r.scale_min}-{r.scale_max}",
               lambda r: (r.score - r.scale_min) / max(1, r.scale_max - r.scale_min),
               align=CENTRE),
        Column("Contact", lambda r: r.contact or "—", lambda r: r.contact),
        Column("Comment", lambda r: (r.comment or "—").replace("\n", " "), lambda r: r.comment,
               tooltip=lambda r: r.comment),
    )
