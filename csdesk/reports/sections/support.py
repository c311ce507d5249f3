"""Support: ticket volume, time to resolve and escalations in the period."""

from __future__ import annotations

from reportlab.platypus import Flowable

from csdesk.reports import narrative
from csdesk.reports import numbers as fmt
from csdesk.reports.kit import Column, Kit, Tile
from csdesk.services.review_data import ReviewData
from csdesk.vocabulary import label


def support(data: ReviewData, kit: Kit, number: int) -> list[Flowable]:
    """Ticket figures, tickets by priority, and the insight."""
    parts: list[Flowable] = [*kit.heading(number, "Support")]
    view = data.support
    if view.opened == 0 and view.closed == 0 and view.open_at_end == 0:
        parts.append(kit.empty("No support tickets were opened or worked on in this period."))
        return parts

    first_response = view.median_first_response_minutes
    parts.append(kit.tiles([
        Tile("Tickets opened", fmt.number(view.opened)),
        Tile("Tickets closed", fmt.number(view.closed)),
        Tile("Open at period end", fmt.number(view.open_at_end)),
        Tile("Escalations", fmt.number(view.escalations), status="red" if view.escalations
             else None),
        Tile("Median time to resolve", fmt.hours(view.median_resolution_hours)),
        Tile("Median first response", fmt.hours(first_response / 60)
             if first_response is not None else fmt.NO_DATA),
        Tile("Support satisfaction", fmt.share(view.support_csat), "share of satisfied answers"
             if view.support_csat is not None else ""),
    ]))
    if view.by_priority:
        parts.append(kit.table((Column("Priority", 3), Column("Tickets opened", 2, numeric=True)),
                               [[label(p), fmt.number(n)] for p, n in view.by_priority]))
    kit.add_insight(parts, *narrative.support(view))
    return parts
