"""Renewable ARR due per month, stacked by forecast category."""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from csdesk.charts.series import RenewalBucket
from csdesk.charts.style import (
    CATEGORY_COLOURS,
    compact_number,
    font,
    new_figure,
    set_title,
    show_no_data,
)

CATEGORY_LABELS = {
    "commit": "Commit",
    "best_case": "Best case",
    "pipeline": "Pipeline",
    "at_risk": "At risk",
    "churn": "Churn",
    "closed_won": "Closed won",
    "closed_lost": "Closed lost",
    "unforecast": "No forecast",
}


def renewal_timeline_figure(
    buckets: Sequence[RenewalBucket],
    currency: str,
    *,
    title: str | None = None,
    width: float = 6.8,
    height: float = 2.8,
) -> Figure:
    """One stacked bar per month: the renewable ARR due, by forecast category.

    Args:
        buckets: one per month, in order (months with nothing due included, as zero).
        currency: ISO code of the amounts, shown on the axis.
        title: an optional title above the chart.
        width: inches.
        height: inches.

    Returns:
        A figure with no pyplot state, for a canvas or a PDF.
    """
    figure, axes = new_figure(width, height)
    set_title(axes, title)
    if not buckets or all(b.total == 0 for b in buckets):
        show_no_data(axes, "No renewals due in these months")
        return figure

    positions = list(range(len(buckets)))
    present = [c for c in CATEGORY_LABELS if any(b.amounts.get(c) for b in buckets)]
    base = [0.0] * len(buckets)
    for category in present:
        # Plotting needs floats; the exact amounts stay in the table beside the chart.
        heights = [float(b.amounts.get(category, 0)) for b in buckets]
        axes.bar(positions, heights, bottom=base, width=0.7, linewidth=0,
                 color=CATEGORY_COLOURS[category], label=CATEGORY_LABELS[category])
        base = [low + high for low, high in zip(base, heights, strict=True)]

    labels = [b.month.strftime("%b\n%Y") if i == 0 or b.month.month == 1
              else b.month.strftime("%b") for i, b in enumerate(buckets)]
    axes.set_xticks(positions, labels)
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: compact_number(value)))
    axes.set_ylabel(f"ARR due ({currency})", fontproperties=font())
    axes.legend(loc="lower left", frameon=False, prop=font(), ncols=min(len(present), 6),
                bbox_to_anchor=(0, 1.0), borderaxespad=0.2)
    return figure
