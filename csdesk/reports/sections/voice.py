"""Voice of customer: NPS, CSAT and what people wrote, grouped by sentiment."""

from __future__ import annotations

from reportlab.platypus import Flowable

from csdesk.reports import narrative
from csdesk.reports import numbers as fmt
from csdesk.reports.kit import Column, Kit, Tile
from csdesk.services.review_data import ReviewData

COMMENT_ROWS = 12
COMMENT_COLUMNS = (Column("Date", 1.3), Column("Answer", 1.3), Column("Sentiment", 1.2),
                   Column("Comment", 6))


def voice_of_customer(data: ReviewData, kit: Kit, number: int) -> list[Flowable]:
    """NPS and CSAT figures and the latest comments by sentiment."""
    parts: list[Flowable] = [*kit.heading(number, "Voice of the customer")]
    view = data.voice
    if view.nps is None and view.csat is None and not view.comments:
        parts.append(kit.empty("No survey answers (NPS or CSAT) were received in this period."))
        return parts

    parts.append(kit.tiles([
        Tile("Net Promoter Score", fmt.signed(view.nps),
             f"{view.respondents} respondents, latest answer each in 12 months"
             if view.nps is not None else ""),
        Tile("Promoters / passives / detractors",
             f"{view.promoters} / {view.passives} / {view.detractors}"),
        Tile("CSAT (satisfied)", fmt.share(view.csat),
             f"{view.csat_answers} answers" if view.csat is not None else ""),
        Tile("CSAT mean", fmt.number(view.csat_mean, 1)),
    ]))
    if view.comments:
        themes = ", ".join(f"{name} {count}" for name, count in view.themes)
        parts.append(kit.subheading("What people said"))
        parts.append(kit.text(f"Comments by sentiment: {themes}.", "lead"))
        rows = [[fmt.day(c.answered_on), f"{c.kind.upper()} {c.score} ({c.scale})",
                 c.sentiment.capitalize(), c.text] for c in view.comments[:COMMENT_ROWS]]
        parts.append(kit.table(COMMENT_COLUMNS, rows))
        if len(view.comments) > COMMENT_ROWS:
            parts.append(kit.note(f"The latest {COMMENT_ROWS} of {len(view.comments)} comments."))
    kit.add_insight(parts, *narrative.voice(view))
    return parts
