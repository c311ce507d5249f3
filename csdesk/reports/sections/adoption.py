"""Adoption and usage: active users against licensed seats, features, and the trend."""

from __future__ import annotations

from reportlab.platypus import Flowable

from csdesk.charts import usage_trend_figure
from csdesk.reports import narrative
from csdesk.reports import numbers as fmt
from csdesk.reports.kit import Column, Kit, Tile
from csdesk.services.review_data import ReviewData

FEATURE_ROWS = 10
FEATURE_COLUMNS = (Column("Feature", 4), Column("Uses in the period", 1.6, numeric=True),
                   Column("Key feature", 1.2))


def adoption_and_usage(data: ReviewData, kit: Kit, number: int) -> list[Flowable]:
    """Usage figures, the usage trend chart and feature adoption."""
    parts: list[Flowable] = [*kit.heading(number, "Adoption and usage")]
    usage = data.adoption
    if usage.usage_days == 0 and not usage.features:
        parts.append(kit.empty("No product usage was recorded in this period."))
        return parts

    parts.append(kit.tiles([
        Tile("Average daily active users", fmt.number(usage.average_active_users, 1)),
        Tile("Licensed seats", fmt.number(usage.licensed_seats)),
        Tile("Seats in daily use", fmt.share(usage.utilisation),
             f"{fmt.share(usage.previous_utilisation)} the period before"
             if usage.previous_utilisation is not None else ""),
        Tile("Peak daily active users", fmt.number(usage.peak_active_users),
             "seats used on the busiest day"),
    ]))
    parts.append(kit.chart(
        usage_trend_figure(usage.trend, usage.licensed_seats),
        f"Weekly average of daily active users over the {len(usage.trend)} weeks to "
        f"{fmt.day(data.period.end)}.",
    ))

    parts.append(kit.subheading("Feature adoption"))
    if usage.key_features:
        parts.append(kit.text(
            f"{usage.key_features_used} of the {usage.key_features} key features were used in "
            "the period (key features: the ten used most across all customers).", "lead"))
    if usage.features:
        rows = [[f.feature, fmt.number(f.uses), "yes" if f.is_key else "-"]
                for f in usage.features[:FEATURE_ROWS]]
        parts.append(kit.table(FEATURE_COLUMNS, rows))
        if len(usage.features) > FEATURE_ROWS:
            parts.append(kit.note(f"The {FEATURE_ROWS} features used most, of "
                                  f"{len(usage.features)} used in the period."))
    else:
        parts.append(kit.empty("No feature usage was recorded in this period."))
    kit.add_insight(parts, *narrative.adoption(usage))
    return parts
