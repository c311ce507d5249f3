"""Active users over time against the seats the customer pays for."""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.dates import date2num
from matplotlib.figure import Figure

from csdesk.charts.series import TrendPoint, plotted_values
from csdesk.charts.style import (
    ACCENT,
    MUTED,
    SECONDARY,
    date_axis,
    font,
    new_figure,
    set_title,
    show_no_data,
)


def usage_trend_figure(
    points: Sequence[TrendPoint],
    licensed_seats: int | None = None,
    *,
    label: str = "active users (weekly average)",
    title: str | None = None,
    width: float = 6.8,
    height: float = 2.3,
) -> Figure:
    """Active users per week (or day), with licensed seats as a dashed line.

    Args:
        points: readings in date order; a None value is a gap with no usage data.
        licensed_seats: seats the customer pays for, drawn as a reference line.
        label: legend text for the line.
        title: an optional title above the chart.
        width: inches.
        height: inches.

    Returns:
        A figure with no pyplot state, for a canvas or a PDF.
    """
    figure, axes = new_figure(width, height)
    set_title(axes, title)
    measured = [p for p in points if p.value is not None]
    if not measured:
        show_no_data(axes, "No product usage recorded in this period")
        return figure

    days = date2num([p.day for p in points])
    values = plotted_values(points)
    axes.fill_between(days, values, color=SECONDARY, alpha=0.35, linewidth=0)
    axes.plot(days, values, color=ACCENT, linewidth=1.8, label=label)

    top = max(p.value for p in measured if p.value is not None)
    if licensed_seats:
        axes.axhline(licensed_seats, color=MUTED, linestyle=(0, (4, 3)), linewidth=1.1,
                     label=f"licensed seats ({licensed_seats:,})")
        top = max(top, licensed_seats)
    axes.set_ylim(0, top * 1.15 if top else 1)

    date_axis(axes, [p.day for p in points])
    axes.legend(loc="lower left", frameon=False, prop=font(), ncols=2,
                bbox_to_anchor=(0, 1.0), borderaxespad=0.2)
    return figure
