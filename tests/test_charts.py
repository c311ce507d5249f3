"""The shared charts: built without pyplot from plain records, the same every time."""

from __future__ import annotations

import math
import subprocess
import sys
import warnings
from datetime import date, timedelta
from decimal import Decimal

import pytest
from matplotlib.figure import Figure

from csdesk.charts import (
    Bar,
    RenewalBucket,
    TrendPoint,
    health_trend_figure,
    metric_bar_figure,
    renewal_timeline_figure,
    usage_trend_figure,
)
from csdesk.reports.vector import figure_drawing, figure_svg


def weekly(values: list[float | None]) -> list[TrendPoint]:
    return [TrendPoint(date(2026, 4, 6) + timedelta(weeks=i), v) for i, v in enumerate(values)]


def texts(figure: Figure) -> list[str]:
    return [t.get_text() for t in figure.findobj(lambda a: hasattr(a, "get_text"))]


def test_charts_never_load_pyplot() -> None:
    code = (
        "import sys\n"
        "from datetime import date\n"
        "from csdesk.charts import *\n"
        "from csdesk.reports.vector import figure_svg\n"
        "figure_svg(health_trend_figure([TrendPoint(date(2026, 1, 5), 50.0)]))\n"
        "assert 'matplotlib.pyplot' not in sys.modules\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_health_trend_keeps_gaps_and_labels_the_latest_score() -> None:
    figure = health_trend_figure(weekly([72.0, None, 65.5, 58.0]))

    line = figure.axes[0].get_lines()[0]
    ys = list(line.get_ydata())
    assert ys[0] == 72.0 and math.isnan(ys[1]) and ys[3] == 58.0
    assert "58" in texts(figure)
    assert figure.axes[0].get_ylim() == (0.0, 100.0)


def test_empty_charts_say_why() -> None:
    assert "No health scores in this period" in texts(health_trend_figure([]))
    assert "No product usage recorded in this period" in texts(
        usage_trend_figure(weekly([None, None])))
    assert "No renewals due in these months" in texts(renewal_timeline_figure([], "USD"))


def test_usage_trend_draws_the_licensed_seats() -> None:
    figure = usage_trend_figure(weekly([20, 25, 30]), licensed_seats=50)

    seats = [line for line in figure.axes[0].get_lines() if list(line.get_ydata()) == [50, 50]]
    assert seats
    assert "licensed seats (50)" in texts(figure)


def test_renewal_bars_stack_the_categories_to_the_month_total() -> None:
    buckets = [
        RenewalBucket(date(2026, 11, 1), {"commit": Decimal("1000"), "at_risk": Decimal("500")}),
        RenewalBucket(date(2026, 12, 1), {}),
        RenewalBucket(date(2027, 1, 1), {"unforecast": Decimal("250.50")}),
    ]

    figure = renewal_timeline_figure(buckets, "EUR")

    tops = {}
    for patch in figure.axes[0].patches:
        x = round(patch.get_x() + patch.get_width() / 2)
        tops[x] = max(tops.get(x, 0.0), patch.get_y() + patch.get_height())
    assert tops == {0: 1500.0, 1: 0.0, 2: 250.5}
    legend = [t.get_text() for t in figure.axes[0].get_legend().get_texts()]
    assert legend == ["Commit", "At risk", "No forecast"]


def test_bar_chart_writes_each_value_and_handles_cjk_labels_without_warnings() -> None:
    bars = [Bar("株式会社アクメ", 12), Bar("한국 주식회사", 7), Bar("Unknown", None)]

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        figure = metric_bar_figure(bars)
        figure_svg(figure)

    assert {"12", "7", "no data"} <= set(texts(figure))


@pytest.mark.parametrize("days", [1, 3, 20, 45, 400, 2000])
def test_date_axes_work_for_any_span_without_warnings(days: int) -> None:
    points = [TrendPoint(date(2026, 1, 1), 40.0), TrendPoint(date(2026, 1, 1) +
                                                             timedelta(days=days - 1), 60.0)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        figure_svg(health_trend_figure(points))
        figure_svg(usage_trend_figure(points, 80))


def test_the_same_figure_gives_the_same_svg_and_a_vector_drawing_of_the_asked_width() -> None:
    first = figure_svg(usage_trend_figure(weekly([10, 12, 15]), 20))
    second = figure_svg(usage_trend_figure(weekly([10, 12, 15]), 20))

    drawing = figure_drawing(usage_trend_figure(weekly([10, 12, 15]), 20), 400)

    assert first == second
    assert b"<image" not in first  # vector paths, no embedded bitmap
    assert drawing.width == pytest.approx(400)
    assert drawing.height == pytest.approx(400 * 2.3 / 6.8, rel=0.01)
