"""The health score over time, drawn over its green, yellow and red bands."""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.dates import date2num
from matplotlib.figure import Figure

from csdesk.charts.series import TrendPoint, plotted_values
from csdesk.charts.style import (
    ACCENT,
    BAND_FILLS,
    FONT_SIZE,
    MUTED,
    date_axis,
    font,
    new_figure,
    set_title,
    show_no_data,
)


def health_trend_figure(
    points: Sequence[TrendPoint],
    *,
    green_from: float = 70,
    yellow_from: float = 40,
    title: str | None = None,
    width: float = 6.8,
    height: float = 2.3,
) -> Figure:
    """The health score (0-100) per day, with the band thresholds shaded behind it.

    Args:
        points: score readings in date order; a None value is a day without a score.
        green_from: lowest green score (DOMAIN.md: 70).
        yellow_from: lowest yellow score (DOMAIN.md: 40).
        title: an optional title above the chart.
        width: inches.
        height: inches.

    Returns:
        A figure with no pyplot state, for a canvas or a PDF.
    """
    figure, axes = new_figure(width, height)
    set_title(axes, title)
    scored = [p for p in points if p.value is not None]
    if not scored:
        show_no_data(axes, "No health scores in this period")
        return figure

    axes.axhspan(0, yellow_from, color=BAND_FILLS["red"], linewidth=0)
    axes.axhspan(yellow_from, green_from, color=BAND_FILLS["yellow"], linewidth=0)
    axes.axhspan(green_from, 100, color=BAND_FILLS["green"], linewidth=0)

    # Gaps stay gaps: a day without a score is not a score of zero.
    days = date2num([p.day for p in points])
    values = plotted_values(points)
    axes.plot(days, values, color=ACCENT, linewidth=1.8)
    last_day, last_value = float(date2num(scored[-1].day)), float(scored[-1].value or 0)
    axes.plot([last_day], [last_value], marker="o", color=ACCENT, markersize=4.5)
    axes.annotate(f"{last_value:.0f}", (last_day, last_value), xytext=(6, 0),
                  textcoords="offset points", va="center", color=ACCENT,
                  fontproperties=font(FONT_SIZE + 0.5))

    axes.set_ylim(0, 100)
    axes.set_yticks([0, yellow_from, green_from, 100])
    axes.grid(False)
    date_axis(axes, [p.day for p in points])
    axes.set_ylabel("score", color=MUTED, fontproperties=font())
    return figure
