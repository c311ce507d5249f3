"""Health: the score, its band and trend, and (internally) what pulls it down.

The customer edition shows the score, band and trend only; the measure-by-measure detail
and the drivers are the account team's working material and stay in the internal edition.
"""

from __future__ import annotations

from reportlab.platypus import Flowable

from csdesk.charts import health_trend_figure
from csdesk.reports import narrative
from csdesk.reports import numbers as fmt
from csdesk.reports.kit import Column, Kit, Tile
from csdesk.services.review_data import HealthView, ReviewData

MEASURE_COLUMNS = (Column("Measure", 3), Column("Score", 1, numeric=True),
                   Column("Weight", 1, numeric=True), Column("Pulls the score down by", 2,
                                                             numeric=True))


def _measures(view: HealthView, kit: Kit) -> list[Flowable]:
    rows = [
        [m.label, fmt.number(m.score) if m.score is not None else "no data",
         fmt.number(m.weight), fmt.number(m.shortfall, 1) if m.shortfall is not None else "-"]
        for m in view.measures
        if m.key != "csm_pulse" or m.score is not None
    ]
    if not rows:
        return []
    return [kit.subheading("Measures"), kit.table(MEASURE_COLUMNS, rows),
            kit.note("Each measure scores 0-100; the overall score is their weighted average "
                     "over the measures with data. 'Pulls down by' is the weighted shortfall "
                     "from 100, in points.")]


def health(data: ReviewData, kit: Kit, number: int) -> list[Flowable]:
    """Score, band and trend; the measures table in the internal edition."""
    parts: list[Flowable] = [*kit.heading(number, "Health")]
    view = data.health
    if view is None:
        parts.append(kit.empty("No health score has been calculated for this period."))
        return parts

    band = (view.band or "").capitalize() or "-"
    if view.status == "insufficient_data" or view.score is None:
        band = "Insufficient data"
    change = ("flat" if view.change_30d is not None and abs(view.change_30d) < 5
              else f"{fmt.signed(view.change_30d)} points")
    parts.append(kit.tiles([
        Tile("Health score", fmt.number(view.score), f"on {fmt.day(view.scored_on)}",
             view.band),
        Tile("Band", band, "green 70+, yellow 40-69, red under 40", view.band),
        Tile("Change over 30 days", change if view.change_30d is not None else "no data"),
    ], per_row=3))
    parts.append(kit.chart(health_trend_figure(view.trend),
                           f"Health score over the {len(view.trend)} scored days to "
                           f"{fmt.day(view.scored_on)}."))
    if data.internal:
        parts += _measures(view, kit)
    kit.add_insight(parts, *narrative.health(view, data.internal))
    return parts
