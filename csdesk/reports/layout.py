"""Pages of a csdesk document: cover and body templates, header, footer, "Page X of Y".

The same input must give the same bytes: reportlab runs in invariant mode (fixed document
id and no clock), and the PDF's creation date is the as-of date the document was built for.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph

from csdesk.fonts import SANS
from csdesk.reports.text import Markup, needs_shaping
from csdesk.reports.theme import MUTED, RULE, Theme

logger = logging.getLogger(__name__)

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 18 * mm
HEADER_HEIGHT = 12 * mm
FOOTER_HEIGHT = 11 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
COVER_BAND = 50 * mm


@dataclass(frozen=True)
class DocumentInfo:
    """What a document says about itself: PDF metadata and the running header and footer.

    Attributes:
        title: PDF title, and the document's name in the header.
        subject: PDF subject.
        author: PDF author (our company).
        created_on: the as-of date, written as the PDF's creation date.
        header: text at the top left of each body page (user text, escaped here).
        header_right: text at the top right (our company).
        footer: text at the bottom left (for whom the document is, or "internal").
        keywords: PDF keywords.
    """

    title: str
    subject: str
    author: str
    created_on: date
    header: str
    header_right: str
    footer: str
    keywords: tuple[str, ...] = ()


CoverPainter = Callable[[Canvas], None]


class ReportDocument(BaseDocTemplate):
    """An A4 document whose first page may be a cover, the rest carrying header and footer."""

    def __init__(
        self,
        target: Any,
        info: DocumentInfo,
        theme: Theme,
        markup: Markup,
        cover: CoverPainter | None = None,
    ) -> None:
        super().__init__(
            target,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN + HEADER_HEIGHT,
            bottomMargin=MARGIN + FOOTER_HEIGHT,
            title=info.title,
            author=info.author,
            subject=info.subject,
            creator="csdesk",
            keywords=list(info.keywords),
            invariant=1,
            lang="en",
        )
        self.info = info
        self.theme = theme
        self.markup = markup
        self._cover = cover
        body = Frame(MARGIN, MARGIN + FOOTER_HEIGHT, CONTENT_WIDTH,
                     PAGE_HEIGHT - 2 * MARGIN - HEADER_HEIGHT - FOOTER_HEIGHT, id="body",
                     leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        templates = [PageTemplate("body", [body], onPage=self._decorate_body)]
        if cover is not None:
            cover_frame = Frame(MARGIN, MARGIN + FOOTER_HEIGHT, CONTENT_WIDTH,
                                PAGE_HEIGHT - COVER_BAND - MARGIN - FOOTER_HEIGHT - 14 * mm,
                                id="cover", leftPadding=0, rightPadding=0, topPadding=0,
                                bottomPadding=0)
            templates.insert(0, PageTemplate("cover", [cover_frame], onPage=self._decorate_cover))
        self.addPageTemplates(templates)

    def _decorate_cover(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        canvas.saveState()
        if self._cover is not None:
            self._cover(canvas)
        self._draw_footer(canvas)
        canvas.restoreState()

    def _decorate_body(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        canvas.saveState()
        top = PAGE_HEIGHT - MARGIN
        width = CONTENT_WIDTH * 0.62
        self._draw_paragraph(canvas, self.markup.inline(self.info.header), "header",
                             MARGIN, top, width)
        self._draw_paragraph(canvas, self.markup.inline(self.info.header_right, bold=True),
                             "header_right", PAGE_WIDTH - MARGIN - CONTENT_WIDTH * 0.36, top,
                             CONTENT_WIDTH * 0.36)
        canvas.setStrokeColor(self.theme.primary)
        canvas.setLineWidth(1.2)
        rule_y = top - HEADER_HEIGHT + 4 * mm
        canvas.line(MARGIN, rule_y, PAGE_WIDTH - MARGIN, rule_y)
        self._draw_footer(canvas)
        canvas.restoreState()

    def _draw_footer(self, canvas: Canvas) -> None:
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.6)
        canvas.line(MARGIN, MARGIN + 6 * mm, PAGE_WIDTH - MARGIN, MARGIN + 6 * mm)
        self._draw_paragraph(canvas, self.markup.inline(self.info.footer), "footer", MARGIN,
                             MARGIN + 4.5 * mm, CONTENT_WIDTH * 0.75)

    def _draw_paragraph(self, canvas: Canvas, text: str, style: str, x: float, top: float,
                        width: float) -> None:
        paragraph = Paragraph(text, self.theme.style(style, shaped=needs_shaping(text)))
        _, height = paragraph.wrapOn(canvas, width, 40 * mm)
        paragraph.drawOn(canvas, x, top - height)


def numbered_canvas(created_on: date) -> type[Canvas]:
    """A canvas class that writes "Page X of Y" once it knows Y, dated ``created_on``."""
    stamp = created_on.strftime("D:%Y%m%d000000+00'00'")

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.setDateFormatter(lambda *parts: stamp)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            # Keep the page; it is written in save(), when the page count is known.
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self.setFont(SANS.pdf_name, 7.5)
                self.setFillColor(MUTED)
                self.drawRightString(PAGE_WIDTH - MARGIN, MARGIN + 1.6 * mm,
                                     f"Page {number} of {total}")
                Canvas.showPage(self)
            Canvas.save(self)

    return NumberedCanvas


def render(
    story: Sequence[Flowable],
    info: DocumentInfo,
    theme: Theme,
    markup: Markup,
    cover: CoverPainter | None = None,
) -> bytes:
    """Lay the story out into PDF bytes."""
    buffer = io.BytesIO()
    document = ReportDocument(buffer, info, theme, markup, cover)
    document.build(list(story), canvasmaker=numbered_canvas(info.created_on))
    return buffer.getvalue()
