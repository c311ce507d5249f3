"""The cover: both companies, the period, who prepared it and who attended the last review."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

from reportlab.graphics import renderPDF
from reportlab.lib.colors import white
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle
from svglib.svglib import svg2rlg

from csdesk.errors import CsdeskError
from csdesk.reports import numbers as fmt
from csdesk.reports.kit import Kit
from csdesk.reports.layout import (
    CONTENT_WIDTH,
    COVER_BAND,
    MARGIN,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    CoverPainter,
)
from csdesk.reports.text import needs_shaping
from csdesk.reports.theme import RULE
from csdesk.services.review_data import Branding

logger = logging.getLogger(__name__)

LOGO_BOX = (44 * mm, 20 * mm)


def cover_painter(branding: Branding, kit: Kit, strap: str, edition: str) -> CoverPainter:
    """Draws the brand band across the top of the cover: our logo, name and the edition."""

    def paint(canvas: Canvas) -> None:
        canvas.setFillColor(kit.theme.primary)
        canvas.rect(0, PAGE_HEIGHT - COVER_BAND, PAGE_WIDTH, COVER_BAND, stroke=0, fill=1)
        left = MARGIN
        top = PAGE_HEIGHT - 14 * mm
        if branding.logo_path is not None:
            _draw_logo(canvas, branding.logo_path, left, top - LOGO_BOX[1])
            left += LOGO_BOX[0] + 7 * mm
        name_markup = kit.escape(branding.company_name, bold=True)
        name = Paragraph(
            f'<font color="white">{name_markup}</font>',
            kit.theme.style("cover_title", shaped=needs_shaping(name_markup))
            .clone("cover_brand", fontSize=20, leading=24),
        )
        _, height = name.wrapOn(canvas, PAGE_WIDTH - left - MARGIN, LOGO_BOX[1])
        name.drawOn(canvas, left, top - min(height, LOGO_BOX[1]))

        bottom = PAGE_HEIGHT - COVER_BAND + 8 * mm
        for text, x, style in ((strap, MARGIN, "header"),
                               (edition, PAGE_WIDTH / 2, "header_right")):
            markup = f'<font color="white">{kit.escape(text.upper(), bold=True)}</font>'
            line = kit.rich(markup, style)
            line.wrapOn(canvas, CONTENT_WIDTH / 2, 10 * mm)
            line.drawOn(canvas, x, bottom)

    return paint


def _draw_logo(canvas: Canvas, path: Path, x: float, y: float) -> None:
    # A white card behind the logo, so a dark logo stays visible on the brand colour.
    canvas.setFillColor(white)
    canvas.roundRect(x, y, LOGO_BOX[0], LOGO_BOX[1], 2.5 * mm, stroke=0, fill=1)
    pad = 2.5 * mm
    box_w, box_h = LOGO_BOX[0] - 2 * pad, LOGO_BOX[1] - 2 * pad
    try:
        if path.suffix.lower() == ".svg":
            drawing = svg2rlg(str(path))
            if drawing is None or not drawing.width or not drawing.height:
                raise CsdeskError(f"the logo {path} is an empty SVG drawing")
            scale = min(box_w / drawing.width, box_h / drawing.height)
            drawing.scale(scale, scale)
            offset_x = (box_w - drawing.width * scale) / 2
            offset_y = (box_h - drawing.height * scale) / 2
            renderPDF.draw(drawing, canvas, x + pad + offset_x, y + pad + offset_y)
        else:
            canvas.drawImage(ImageReader(str(path)), x + pad, y + pad, box_w, box_h,
                             preserveAspectRatio=True, anchor="c", mask="auto")
    except CsdeskError:
        raise
    except Exception as exc:  # a broken image file: say which one, not a reportlab trace
        raise CsdeskError(f"the logo {path} could not be read ({exc}); choose another logo "
                          "in Settings > Branding") from exc


def cover_story(
    kit: Kit,
    *,
    customer: str,
    kicker: str,
    period_text: str,
    details: list[tuple[str, str]],
    attendees_title: str | None,
    attendees: tuple[str, ...],
    contents: list[tuple[int, str]],
) -> list[Flowable]:
    """The flowables of the cover page below the brand band."""
    story: list[Flowable] = [
        kit.text(kicker.upper(), "cover_kicker"),
        kit.text(customer, "cover_title"),
        kit.text(period_text, "cover_subtitle"),
        kit.spacer(5 * mm),
        _pairs(kit, [(kit.text(name.upper(), "cover_label"), kit.text(value, "cover_text"))
                     for name, value in details]),
    ]
    if attendees_title:
        story.append(kit.text(attendees_title.upper(), "cover_label"))
        names = [kit.text(a, "cover_text") for a in attendees] or [
            kit.text("No attendees were recorded.", "cover_text")]
        story.append(_columns(names))
    if contents:
        story.append(kit.text("IN THIS REVIEW", "cover_label"))
        story.append(_columns([kit.rich(f"<font color=\"#8A97A3\">{number:02d}</font>"
                                        f"&nbsp;&nbsp;{kit.escape(title)}", "cover_text")
                               for number, title in contents]))
    return story


def _pairs(kit: Kit, rows: list[tuple[Flowable, Flowable]]) -> Table:
    table = Table([list(row) for row in rows], colWidths=[46 * mm, CONTENT_WIDTH - 46 * mm])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.5, RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))
    return table


def _columns(cells: list[Flowable], columns: int = 2) -> Table:
    """Short items in columns, filled top to bottom."""
    rows = -(-len(cells) // columns)
    grid: list[list[Flowable | str]] = [
        [cells[c * rows + r] if c * rows + r < len(cells) else "" for c in range(columns)]
        for r in range(rows)
    ]
    table = Table(grid, colWidths=[CONTENT_WIDTH / columns] * columns)
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
    ]))
    return table


def period_text(first: date, last: date) -> str:
    """The period's first and last days, as the cover shows them."""
    return f"{fmt.day(first)} to {fmt.day(last)}"
