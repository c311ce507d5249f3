"""Typography and colours of every csdesk document, tinted with the user's brand colour."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.colors import Color, HexColor, white
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle

from csdesk.fonts import SANS, register_reportlab_fonts

INK = HexColor("#1B2631")
MUTED = HexColor("#5D6D7E")
RULE = HexColor("#D5DBDB")
ZEBRA = HexColor("#F4F6F7")
STATUS_COLOURS = {
    "green": HexColor("#2E7D32"),
    "yellow": HexColor("#B7791F"),
    "red": HexColor("#C62828"),
    "done": HexColor("#2E7D32"),
    "on_track": HexColor("#1F6FB2"),
    "at_risk": HexColor("#C62828"),
    "not_started": HexColor("#5D6D7E"),
}

BODY_SIZE = 9.5


def tint(colour: Color, share: float) -> Color:
    """The colour mixed with white: ``share`` 0 is white, 1 the colour itself."""
    return Color(
        1 - (1 - colour.red) * share,
        1 - (1 - colour.green) * share,
        1 - (1 - colour.blue) * share,
    )


@dataclass(frozen=True)
class Theme:
    """Colours and paragraph styles of one document."""

    primary: Color
    light: Color
    styles: dict[str, ParagraphStyle]
    shaped_styles: dict[str, ParagraphStyle]

    def style(self, name: str, shaped: bool = False) -> ParagraphStyle:
        """A paragraph style; ``shaped`` for text in a script that needs HarfBuzz shaping."""
        return self.shaped_styles[name] if shaped else self.styles[name]


def make_theme(primary_hex: str) -> Theme:
    """Styles for a document in the brand colour ``primary_hex`` (#RRGGBB)."""
    register_reportlab_fonts()
    primary = HexColor(primary_hex)
    regular, bold = SANS.pdf_font(False), SANS.pdf_font(True)

    def style(name: str, size: float, *, font: str = regular, colour: Color = INK,
              leading: float | None = None, **extra: object) -> ParagraphStyle:
        return ParagraphStyle(name, fontName=font, fontSize=size,
                              leading=leading or size * 1.38, textColor=colour,
                              splitLongWords=1, **extra)

    styles = {
        "cover_kicker": style("cover_kicker", 11, font=bold, colour=primary, spaceAfter=6),
        "cover_title": style("cover_title", 28, font=bold, leading=34, spaceAfter=10),
        "cover_subtitle": style("cover_subtitle", 13, colour=MUTED, spaceAfter=4),
        "cover_label": style("cover_label", 8, font=bold, colour=MUTED, spaceBefore=12,
                             spaceAfter=3),
        "cover_text": style("cover_text", 10.5),
        "h1": style("h1", 16, font=bold, colour=primary, spaceBefore=4, spaceAfter=8,
                    keepWithNext=1),
        "h2": style("h2", 11, font=bold, spaceBefore=8, spaceAfter=4, keepWithNext=1),
        "body": style("body", BODY_SIZE, spaceAfter=6),
        "body_bold": style("body_bold", BODY_SIZE, font=bold, spaceAfter=6),
        "lead": style("lead", BODY_SIZE, spaceAfter=6, keepWithNext=1),
        "small": style("small", 7.8, colour=MUTED, spaceAfter=3),
        "note": style("note", 7.8, colour=MUTED, spaceBefore=2, spaceAfter=6),
        "empty": style("empty", BODY_SIZE, colour=MUTED, spaceAfter=8),
        "cell": style("cell", 8.3, leading=10.8),
        "cell_right": style("cell_right", 8.3, leading=10.8, alignment=TA_RIGHT),
        "cell_bold": style("cell_bold", 8.3, font=bold, leading=10.8),
        "header_cell": style("header_cell", 8, font=bold, colour=white, leading=10.4),
        "header_cell_right": style("header_cell_right", 8, font=bold, colour=white,
                                   leading=10.4, alignment=TA_RIGHT),
        "figure_value": style("figure_value", 15, font=bold, colour=primary, leading=19),
        "figure_label": style("figure_label", 7.6, colour=MUTED, leading=9.6),
        "insight_label": style("insight_label", 7.6, font=bold, colour=primary, leading=10),
        "insight": style("insight", 9, leading=12.4),
        "header": style("header", 7.8, colour=MUTED, leading=10, alignment=TA_LEFT),
        "header_right": style("header_right", 7.8, font=bold, colour=primary, leading=10,
                              alignment=TA_RIGHT),
        "footer": style("footer", 7.5, colour=MUTED, leading=9.5),
    }
    # shaping=1 runs HarfBuzz, so Arabic letters join and right-to-left text reads in order.
    # Only paragraphs that need it get it: reportlab's shaping also turns on discretionary
    # ligatures, and "st" drawn as one glyph would no longer be found by a PDF search.
    shaped = {name: style.clone(f"{name}_shaped", shaping=1) for name, style in styles.items()}
    return Theme(primary=primary, light=tint(primary, 0.10), styles=styles, shaped_styles=shaped)
