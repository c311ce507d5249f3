"""Charts shared by the window and the PDF reports.

Each function builds a :class:`matplotlib.figure.Figure` (never through pyplot) from plain
records; the window wraps it in a canvas, the reports turn it into a vector drawing.
"""

from csdesk.charts.bars import metric_bar_figure
from csdesk.charts.health import health_trend_figure
from csdesk.charts.renewals import CATEGORY_LABELS, renewal_timeline_figure
from csdesk.charts.series import Bar, RenewalBucket, TrendPoint
from csdesk.charts.usage import usage_trend_figure

__all__ = [
    "CATEGORY_LABELS",
    "Bar",
    "RenewalBucket",
    "TrendPoint",
    "health_trend_figure",
    "metric_bar_figure",
    "renewal_timeline_figure",
    "usage_trend_figure",
]
