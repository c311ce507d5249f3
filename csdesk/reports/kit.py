"""Building blocks every section uses: headings, tables, figure tiles, charts, insights.

A :class:`Kit` belongs to one document: it holds the theme and the :class:`Markup` that
escapes user text, so no section ever puts raw user text into a paragraph.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.figure import Figure
from reportlab.lib.colors import Color
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from csdesk.fonts import SANS
from csdesk.reports.layout import CONTENT_WIDTH, PAGE_HEIGHT
from csdesk.reports.text import Markup, needs_shaping
from csdesk.reports.theme import RULE, STATUS_COLOURS, ZEBRA, Theme
from csdesk.reports.vector import figure_drawing


@dataclass(frozen=True)
class Tile:
    """A key figure: a big value with a label and an optional note under it."""

    label: str
    value: str
    note: str = ""
    status: str | None = None


@dataclass(frozen=True)
class Column:
    """A table column: its header, its share of the width, and whether it holds numbers."""

    header: str
    width: float
    numeric: bool = False


# Data taller than this is not moved to the next page just to sit beside its insight.
INSIGHT_KEEP_HEIGHT = 90 * mm


def _hex(colour: Color) -> str:
    return "#" + colour.hexval()[2:]


def _height(flowable: Flowable) -> float:
    """How tall a flowable is at the text width (a group: its parts added up)."""
    if isinstance(flowable, KeepTogether):
        return sum(_height(part) for part in flowable._content)
    return float(flowable.wrap(CONTENT_WIDTH, PAGE_HEIGHT)[1])


def _unwrapped(flowable: Flowable) -> list[Flowable]:
    # A group inside a group always looks too tall to reportlab, so groups are merged.
    if isinstance(flowable, KeepTogether):
        return list(flowable._content)
    return [flowable]


def _kept_with_next(flowable: Flowable) -> bool:
    style = getattr(flowable, "style", None)
    return bool(style is not None and getattr(style, "keepWithNext", False))


class Kit:
    """Flowable makers for one document."""

    def __init__(self, theme: Theme, markup: Markup) -> None:
        self.theme = theme
        self.markup = markup
        self.headings: list[tuple[int, str]] = []

    def text(self, value: object, style: str = "body") -> Paragraph:
        """A paragraph of user text (escaped, fonts per run)."""
        bold = self.theme.style(style).fontName == SANS.pdf_font(bold=True)
        return self.rich(self.markup.inline(value, bold=bold), style)

    def rich(self, markup: str, style: str = "body") -> Paragraph:
        """A paragraph from markup built by the caller with :meth:`escape` pieces."""
        return Paragraph(markup, self.theme.style(style, shaped=needs_shaping(markup)))

    def escape(self, value: object, bold: bool = False) -> str:
        """Markup for a piece of user text, to combine with other markup."""
        return self.markup.inline(value, bold=bold)

    def long_text(self, value: str | None, style: str = "body") -> list[Flowable]:
        """A long text as paragraphs; it flows over as many pages as it needs."""
        return [self.rich(chunk, style) for chunk in self.markup.paragraphs(value)]

    def heading(self, number: int, title: str) -> list[Flowable]:
        # Start a section on a new page rather than leave its heading stranded at the bottom.
        """A numbered section heading, starting a new page when little room is left."""
        self.headings.append((number, title))
        return [CondPageBreak(45 * mm),
                self.rich(f'<font color="#8A97A3">{number:02d}</font>&nbsp;&nbsp;'
                          f"{self.escape(title, bold=True)}", "h1")]

    def subheading(self, title: str) -> Paragraph:
        """A heading inside a section."""
        return self.text(title, "h2")

    def empty(self, message: str) -> Paragraph:
        """The one line a section shows instead of an empty table or chart."""
        return self.text(message, "empty")

    def note(self, message: str) -> Paragraph:
        """A small muted note (a caption, a footnote)."""
        return self.text(message, "note")

    def spacer(self, height: float = 4 * mm) -> Spacer:
        """Vertical space the width of the text."""
        return Spacer(CONTENT_WIDTH, height)

    def add_insight(self, parts: list[Flowable], meaning: str, action: str) -> None:
        """Append "What it means" and "Next step" in a tinted box, kept with the data above.

        The box stays on the page of the last piece of data before it, unless that piece is
        too tall to move (a long table), so the reading never starts with a lone conclusion.
        """
        rows = [
            [self.text("WHAT IT MEANS", "insight_label"), self.text(meaning, "insight")],
            [self.text("NEXT STEP", "insight_label"), self.text(action, "insight")],
        ]
        table = Table(rows, colWidths=[28 * mm, CONTENT_WIDTH - 28 * mm], hAlign="LEFT")
        table.setStyle(TableStyle([
            ("BACKGROUND", (0, 0), (-1, -1), self.theme.light),
            ("LINEBEFORE", (0, 0), (0, -1), 3, self.theme.primary),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ("LEFTPADDING", (0, 0), (-1, -1), 8),
        ]))
        box: list[Flowable] = [Spacer(CONTENT_WIDTH, 2 * mm), table,
                               Spacer(CONTENT_WIDTH, 3 * mm)]
        if parts and _height(parts[-1]) <= INSIGHT_KEEP_HEIGHT:
            box[:0] = _unwrapped(parts.pop())
            # Headings and lead-in lines meant to stay with what follows come along too.
            while parts and _kept_with_next(parts[-1]):
                box.insert(0, parts.pop())
        parts.append(KeepTogether(box))

    def tiles(self, tiles: Sequence[Tile], per_row: int | None = None) -> Flowable:
        """Key figures side by side, a big value over its label (rows of 3 or 4, balanced)."""
        if per_row is None:
            per_row = 3 if len(tiles) in (3, 5, 6, 9) else 4
        cells: list[list[Flowable]] = []
        for tile in tiles:
            colour = STATUS_COLOURS.get(tile.status or "")
            value = self.escape(tile.value, bold=True)
            if colour is not None:
                value = f'<font color="{_hex(colour)}">{value}</font>'
            cell: list[Flowable] = [self.rich(value, "figure_value"),
                                    self.text(tile.label, "figure_label")]
            if tile.note:
                cell.append(self.text(tile.note, "small"))
            cells.append(cell)
        rows = [cells[i:i + per_row] for i in range(0, len(cells), per_row)]
        rows[-1] += [[]] * (per_row - len(rows[-1]))
        width = CONTENT_WIDTH / per_row
        table = Table(rows, colWidths=[width] * per_row, hAlign="LEFT")
        table.setStyle(TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEABOVE", (0, 0), (-1, -1), 2, self.theme.primary),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 8),
            ("TOPPADDING", (0, 0), (-1, -1), 5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 9),
        ]))
        return table

    def table(self, columns: Sequence[Column], rows: Sequence[Sequence[object]]) -> Table:
        """A data table that splits across pages and repeats its header on each.

        Cells are user values (escaped here) or ready flowables.
        """
        total = sum(c.width for c in columns)
        widths = [CONTENT_WIDTH * c.width / total for c in columns]
        header = [self.text(c.header, "header_cell_right" if c.numeric else "header_cell")
                  for c in columns]
        body = [[self._cell(value, column) for value, column in zip(row, columns, strict=True)]
                for row in rows]
        table = Table([header, *body], colWidths=widths, repeatRows=1, hAlign="LEFT")
        commands: list[tuple[object, ...]] = [
            ("BACKGROUND", (0, 0), (-1, 0), self.theme.primary),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 1), (-1, -1), 0.4, RULE),
            ("TOPPADDING", (0, 0), (-1, -1), 3.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ]
        commands += [("BACKGROUND", (0, i), (-1, i), ZEBRA) for i in range(2, len(body) + 1, 2)]
        table.setStyle(TableStyle(commands))
        return table

    def _cell(self, value: object, column: Column) -> Flowable:
        if isinstance(value, Flowable):
            return value
        return self.text(value, "cell_right" if column.numeric else "cell")

    def status(self, status: str, label: str) -> Paragraph:
        """A status word in its colour (done, on track, at risk, green, red ...)."""
        colour = STATUS_COLOURS.get(status)
        text = self.escape(label, bold=True)
        if colour is not None:
            text = f'<font color="{_hex(colour)}">{text}</font>'
        return self.rich(text, "cell_bold")

    def chart_parts(self, figure: Figure, caption: str | None = None) -> list[Flowable]:
        """A chart as a vector drawing the width of the text, and its caption."""
        parts: list[Flowable] = [figure_drawing(figure, CONTENT_WIDTH)]
        if caption:
            parts.append(self.note(caption))
        return parts

    def chart(self, figure: Figure, caption: str | None = None) -> Flowable:
        """A chart kept on one page with its caption."""
        return KeepTogether(self.chart_parts(figure, caption))
