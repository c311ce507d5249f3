"""Action items since the last review, risks and blockers, and roadmap alignment."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.platypus import Flowable

from csdesk.reports import narrative
from csdesk.reports import numbers as fmt
from csdesk.reports.kit import Column, Kit
from csdesk.services.review_data import ActionRow, ReviewData

ACTION_COLUMNS = (Column("Action", 5), Column("Owner", 1.8), Column("Due", 1.3),
                  Column("Status", 1.2))
RISK_COLUMNS = (Column("Risk", 3), Column("Detail", 5), Column("Source", 1.2))
REQUEST_COLUMNS = (Column("Raised", 1.3), Column("Request", 3), Column("Detail", 5.5))
SOURCE_LABELS = {"objective": "Plan", "note": "Note", "alert": "Alert", "renewal": "Renewal",
                 "health": "Health", "system": "System"}


def _action_rows(kit: Kit, items: Sequence[ActionRow]) -> list[list[object]]:
    rows: list[list[object]] = []
    for item in items:
        if item.status == "done":
            status = kit.status("done", "Done")
        elif item.overdue:
            status = kit.status("at_risk", "Overdue")
        else:
            status = kit.status("on_track", "Open")
        rows.append([item.title, item.owner or "-", fmt.day(item.due_on), status])
    return rows


def action_items(data: ReviewData, kit: Kit, number: int) -> list[Flowable]:
    """The last review's items done and open, and the new ones since."""
    parts: list[Flowable] = [*kit.heading(number, "Action items since the last review")]
    items = data.actions
    if not (items.done or items.open or items.new):
        since = f" since the review on {fmt.day(items.since)}" if items.since else ""
        parts.append(kit.empty(f"There are no action items{since}."))
        return parts

    groups = (
        ("Done", items.done, "None of the last review's items are done yet."),
        ("Still open", items.open, "Nothing from the last review is still open."),
        ("New since the last review", items.new, "No new items."),
    )
    for title, rows, empty in groups:
        parts.append(kit.subheading(f"{title} ({len(rows)})"))
        parts.append(kit.table(ACTION_COLUMNS, _action_rows(kit, rows)) if rows
                     else kit.empty(empty))
    kit.add_insight(parts, *narrative.actions(items, data.as_of))
    return parts


def risks_and_blockers(data: ReviewData, kit: Kit, number: int) -> list[Flowable]:
    """The plan's written risks and each open risk, with its source."""
    parts: list[Flowable] = [*kit.heading(number, "Risks and blockers")]
    written = data.plan.risks if data.plan else None
    if not (written and written.strip()) and not data.risks:
        parts.append(kit.empty("No risks or blockers are recorded."))
        return parts

    parts += kit.long_text(written)
    if data.risks:
        rows = [[r.title, r.detail or "-", SOURCE_LABELS.get(r.source, r.source.capitalize())]
                for r in data.risks]
        parts.append(kit.table(RISK_COLUMNS, rows))
    count = len(data.risks) + (1 if written and written.strip() else 0)
    meaning = (f"{fmt.count(len(data.risks), 'specific risk')} open" if data.risks
               else "The plan describes the risks above")
    kit.add_insight(
        parts,
        meaning + ("." if count else ""),
        "Agree an owner and a mitigation with a date for each risk.",
    )
    return parts


def roadmap_alignment(data: ReviewData, kit: Kit, number: int) -> list[Flowable]:
    """Product requests recorded as notes of the category 'request'."""
    parts: list[Flowable] = [*kit.heading(number, "Roadmap alignment")]
    if not data.roadmap:
        parts.append(kit.empty("No product requests have been recorded."))
        return parts
    rows = [[fmt.day(r.written_on), r.title, r.body] for r in data.roadmap]
    parts.append(kit.table(REQUEST_COLUMNS, rows))
    first = data.roadmap[-1].written_on
    kit.add_insight(
        parts,
        f"{fmt.count(len(data.roadmap), 'product request')} raised since {fmt.day(first)}.",
        "Confirm the status of each request with the product team before the next review.",
    )
    return parts
