"""What the one-off documents (renewal timeline, portfolio summary) share: a title block
in place of a cover, and the document settings for our branding.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Table, TableStyle

from csdesk.reports.kit import Kit
from csdesk.reports.layout import CONTENT_WIDTH
from csdesk.reports.text import Markup
from csdesk.reports.theme import make_theme
from csdesk.services.review_data import Branding


def new_kit(branding: Branding, document: str) -> Kit:
    """A kit for a document in our brand colour."""
    return Kit(make_theme(branding.primary_colour), Markup(document))


def title_block(
    kit: Kit, title: str, subtitle: str, facts: list[tuple[str, str]]
) -> list[Flowable]:
    """The document's title, a line under it, and a row of small labelled facts."""
    cells = [[kit.text(label.upper(), "cover_label"), kit.text(value, "body")]
             for label, value in facts]
    row = Table([cells], colWidths=[CONTENT_WIDTH / len(cells)] * len(cells))
    row.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("LINEABOVE", (0, 0), (-1, 0), 0.5, kit.theme.primary),
    ]))
    return [kit.text(title, "cover_title"), kit.text(subtitle, "cover_subtitle"),
            kit.spacer(2 * mm), row, kit.spacer(4 * mm)]
