"""The look every csdesk chart shares: colours, fonts, sizes, and the empty-chart message.

Figures are built from :class:`matplotlib.figure.Figure` directly (never pyplot, which keeps
every figure alive in global state). Fonts are set on each text and on the tick labels
themselves, so a figure draws the same in the window, where it is drawn later, as in a PDF.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

import matplotlib
from babel.numbers import format_compact_decimal
from matplotlib.axes import Axes
from matplotlib.dates import (
    AutoDateLocator,
    ConciseDateFormatter,
    DateLocator,
    DayLocator,
    date2num,
)
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties

from csdesk.fonts import matplotlib_families

INK = "#1B2631"
MUTED = "#5D6D7E"
GRID = "#D5DBDB"
ACCENT = "#1F4E79"
SECONDARY = "#9CC3E6"

BAND_COLOURS = {"green": "#2E7D32", "yellow": "#F2A900", "red": "#C62828"}
BAND_FILLS = {"green": "#E8F5E9", "yellow": "#FFF8E1", "red": "#FDECEA"}

# Forecast categories (DOMAIN.md "Renewals") plus "unforecast": a renewal with no forecast yet.
CATEGORY_COLOURS = {
    "commit": "#1F4E79",
    "best_case": "#4F8FC0",
    "pipeline": "#9CC3E6",
    "at_risk": "#F2A900",
    "churn": "#C62828",
    "closed_won": "#2E7D32",
    "closed_lost": "#7F8C8D",
    "unforecast": "#CCD1D1",
}

FONT_SIZE = 8.5


def palette_colour(key: str | None, default: str = ACCENT) -> str:
    """A colour from a palette key (band, category) or a hex colour given as is."""
    if not key:
        return default
    if key.startswith("#"):
        return key
    return BAND_COLOURS.get(key) or CATEGORY_COLOURS.get(key) or default


def font(size: float = FONT_SIZE) -> FontProperties:
    """The shipped fonts in fallback order, so any script draws without missing glyphs.

    Charts use the regular weight only: the CJK face has no bold, and asking for one makes
    matplotlib warn on every label.
    """
    return FontProperties(family=matplotlib_families(), size=size)


@contextmanager
def _chart_defaults() -> Iterator[None]:
    # Defaults for artists created while a figure is built; texts drawn later carry their
    # own font properties, so nothing here has to stay set.
    families = matplotlib_families()
    with matplotlib.rc_context({
        "font.family": families,
        "font.size": FONT_SIZE,
        "axes.edgecolor": GRID,
        "axes.labelcolor": MUTED,
        "xtick.color": MUTED,
        "ytick.color": MUTED,
        "axes.titlesize": FONT_SIZE + 1.5,
    }):
        yield


def new_figure(width: float, height: float) -> tuple[Figure, Axes]:
    """A figure of ``width`` x ``height`` inches with one styled axes."""
    with _chart_defaults():
        figure = Figure(figsize=(width, height), dpi=100, layout="constrained")
        axes = figure.add_subplot()
    style_axes(axes)
    return figure, axes


def style_axes(axes: Axes) -> None:
    """Quiet frame, light grid behind the data, shipped fonts on the tick labels."""
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        axes.spines[side].set_color(GRID)
    axes.grid(True, axis="y", color=GRID, linewidth=0.6)
    axes.set_axisbelow(True)
    axes.tick_params(
        labelfontfamily=matplotlib_families(), labelsize=FONT_SIZE, colors=MUTED, length=0,
        pad=4,
    )


def set_title(axes: Axes, title: str | None) -> None:
    """An optional title, left-aligned above the axes."""
    if title:
        axes.set_title(title, loc="left", fontproperties=font(FONT_SIZE + 1.5),
                       color=INK)


def show_no_data(axes: Axes, message: str) -> None:
    """An empty chart says why instead of showing bare axes."""
    axes.set_xticks([])
    axes.set_yticks([])
    axes.grid(False)
    for spine in axes.spines.values():
        spine.set_visible(False)
    axes.text(0.5, 0.5, message, transform=axes.transAxes, ha="center", va="center",
              fontproperties=font(FONT_SIZE + 1), color=MUTED)


def date_axis(axes: Axes, days: Sequence[date]) -> None:
    """Readable date ticks for any span, from a single day to several years."""
    span = (max(days) - min(days)).days if days else 0
    if span == 0:
        only = days[0] if days else None
        if only is not None:
            axes.set_xticks(date2num([only]), [only.isoformat()])
        return
    locator: DateLocator
    if span <= 60:
        # AutoDateLocator cannot always fit a short span into a handful of ticks.
        locator = DayLocator(interval=max(1, math.ceil(span / 6)))
    else:
        locator = AutoDateLocator(minticks=3, maxticks=8)
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator, show_offset=False))


def compact_number(value: float, locale: str = "en_US") -> str:
    """Axis label for a large figure: 1200000 -> "1.2M"."""
    return str(format_compact_decimal(Decimal(str(round(value, 2))), locale=locale,
                                      fraction_digits=1))
