"""Charts into PDFs as vector drawings: matplotlib Figure -> SVG -> reportlab Drawing.

Vector charts stay sharp at any zoom and in print. The SVG is written with fixed ids and no
date, and glyphs as outlines, so the same figure always gives the same drawing (and the same
PDF bytes), and no font has to be matched between matplotlib and reportlab.
"""

from __future__ import annotations

import io
from typing import Any

import matplotlib
from matplotlib.figure import Figure
from reportlab.graphics.shapes import Drawing
from svglib.svglib import svg2rlg

from csdesk.errors import CsdeskError

_SVG_SETTINGS: dict[str, Any] = {"svg.hashsalt": "csdesk", "svg.fonttype": "path", "svg.id": None}


def figure_svg(figure: Figure) -> bytes:
    """The figure as SVG bytes that depend only on the figure."""
    buffer = io.BytesIO()
    with matplotlib.rc_context(_SVG_SETTINGS):  # type: ignore[arg-type]
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def figure_drawing(figure: Figure, width: float) -> Drawing:
    """The figure as a reportlab Drawing, scaled to ``width`` points.

    Args:
        figure: a matplotlib figure (from :mod:`csdesk.charts`).
        width: the width it should take on the page, in points.

    Returns:
        A flowable vector drawing keeping the figure's proportions.
    """
    drawing = svg2rlg(io.BytesIO(figure_svg(figure)))
    if drawing is None or not drawing.width:
        raise CsdeskError("a chart could not be converted for the PDF (empty SVG drawing)")
    scale = width / drawing.width
    drawing.scale(scale, scale)
    drawing.width, drawing.height = width, drawing.height * scale
    return drawing
