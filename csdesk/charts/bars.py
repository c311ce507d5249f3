"""A labelled horizontal bar chart for a handful of figures (metrics, shares, counts)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from matplotlib.figure import Figure

from csdesk.charts.series import Bar
from csdesk.charts.style import INK, font, new_figure, palette_colour, set_title, show_no_data


def metric_bar_figure(
    bars: Sequence[Bar],
    *,
    title: str | None = None,
    value_format: Callable[[float], str] = lambda v: f"{v:,.0f}",
    limit: float | None = None,
    width: float = 6.8,
    height: float | None = None,
) -> Figure:
    """Horizontal bars, first bar on top, each with its value written at its end.

    Args:
        bars: the bars in reading order; a None value is written as "no data".
        title: an optional title above the chart.
        value_format: turns a value into the text at the end of its bar.
        limit: the axis maximum (for shares, 1.0 or 100); default: the largest value.
        width: inches.
        height: inches (default: grows with the number of bars).

    Returns:
        A figure with no pyplot state, for a canvas or a PDF.
    """
    figure, axes = new_figure(width, height or 0.5 + 0.32 * max(len(bars), 2))
    set_title(axes, title)
    if not bars:
        show_no_data(axes, "Nothing to show")
        return figure

    positions = list(range(len(bars)))[::-1]
    values = [b.value or 0.0 for b in bars]
    colours = [palette_colour(b.colour) for b in bars]
    axes.barh(positions, values, color=colours, height=0.62, linewidth=0)
    axes.set_yticks(positions, [b.label for b in bars])

    top = limit if limit is not None else max(max(values), 1e-9)
    axes.set_xlim(0, top * 1.18)
    for position, bar in zip(positions, bars, strict=True):
        text = bar.text or ("no data" if bar.value is None else value_format(bar.value))
        axes.text((bar.value or 0.0) + top * 0.01, position, text, va="center", color=INK,
                  fontproperties=font())
    axes.grid(True, axis="x")
    axes.grid(False, axis="y")
    axes.set_xticks([])
    return figure
