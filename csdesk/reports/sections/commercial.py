"""Commercial summary (internal, or when chosen) and the plan for the next 90 days."""

from __future__ import annotations

from datetime import timedelta

from reportlab.platypus import Flowable

from csdesk.reports import narrative
from csdesk.reports import numbers as fmt
from csdesk.reports.kit import Column, Kit, Tile
from csdesk.services.review_data import PLAN_HORIZON_DAYS, ReviewData
from csdesk.vocabulary import label

PLAN_COLUMNS = (Column("Due", 1.5), Column("What", 5), Column("Type", 1.3),
                Column("Owner", 2), Column("Status", 1.2))


def _option_columns(internal: bool) -> tuple[Column, ...]:
    columns = [Column("Option", 3.5), Column("Type", 1.3), Column("Amount", 1.6, numeric=True),
               Column("Close date", 1.4)]
    if internal:
        columns.append(Column("Forecast", 1.3))
    return tuple(columns)


def commercial_summary(data: ReviewData, kit: Kit, number: int) -> list[Flowable]:
    """ARR, the next renewal and the options; nothing when not shown."""
    view = data.commercial
    if view is None:
        return []
    parts: list[Flowable] = [*kit.heading(number, "Commercial summary")]
    days = (view.next_renewal - data.as_of).days if view.next_renewal else None
    parts.append(kit.tiles([
        Tile("Annual recurring revenue", fmt.money(view.arr)),
        Tile("Next renewal", fmt.day(view.next_renewal) if view.next_renewal else "none dated",
             f"in {days} days" if days is not None else ""),
        Tile("ARR renewing", fmt.money(view.renewal_arr) if view.renewal_arr else "-"),
        Tile("Renewal terms", "auto-renew" if view.auto_renew else "renewal by signature",
             f"notice by {fmt.day(view.notice_deadline)}" if view.notice_deadline else ""),
    ]))
    if data.internal and view.renewal_category:
        parts.append(kit.text(f"Renewal forecast: {label(view.renewal_category)}."))
    if view.options:
        parts.append(kit.subheading("Options under discussion"))
        rows: list[list[object]] = []
        for option in view.options:
            row: list[object] = [option.name, label(option.kind), fmt.money(option.amount)
                                 if option.amount else "-", fmt.day(option.close_date)]
            if data.internal:
                row.append(label(option.category) if option.category else "-")
            rows.append(row)
        parts.append(kit.table(_option_columns(data.internal), rows))
    kit.add_insight(parts, *narrative.commercial(view, data.as_of))
    return parts


def next_90_days(data: ReviewData, kit: Kit, number: int) -> list[Flowable]:
    """Open objectives, milestones and tasks due within 90 days."""
    parts: list[Flowable] = [*kit.heading(number, f"The next {PLAN_HORIZON_DAYS} days")]
    if not data.next_90_days:
        parts.append(kit.empty(f"Nothing is planned for the next {PLAN_HORIZON_DAYS} days yet."))
        return parts
    rows = []
    for item in data.next_90_days:
        overdue = item.due_on is not None and item.due_on < data.as_of
        status = kit.status("at_risk", "Overdue") if overdue else kit.status(
            item.status if item.status in ("on_track", "at_risk", "not_started") else "on_track",
            label(item.status) if item.status != "open" else "Open")
        rows.append([fmt.day(item.due_on), item.title, item.kind,
                     item.owner or "-", status])
    parts.append(kit.table(PLAN_COLUMNS, rows))
    horizon = data.as_of + timedelta(days=PLAN_HORIZON_DAYS)
    parts.append(kit.note(f"Open objectives, milestones and tasks due by {fmt.day(horizon)}, "
                          "earliest first."))
    return parts
