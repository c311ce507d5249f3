"""The CSM's day as one list: touchpoints, alerts, renewal milestones, reviews and tasks."""

from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple

from csdesk.services.today import DayPlan
from csdesk.ui import formatting as fmt
from csdesk.ui.qtmodels.record_table_model import Column, RecordTableModel

SECTION_ORDER = {"overdue": 0, "alert": 1, "milestone": 2, "due": 3, "task": 4, "review": 5}
SECTION_LABELS = {"overdue": "Overdue touchpoint", "alert": "Alert", "milestone":
                  "Renewal milestone", "due": "Due this week", "task": "Task",
                  "review": "Upcoming review"}


class TodayItem(NamedTuple):
    key: str
    section: str
    account_id: int | None
    account: str
    what: str
    day: date | None
    detail: str
    task_id: int | None


def items_of(plan: DayPlan) -> list[TodayItem]:
    """Flatten a day plan into rows, in the order a CSM should work through them."""
    items: list[TodayItem] = []
    for section, rows in (("overdue", plan.overdue), ("due", plan.due_soon)):
        for r in rows:
            t = r.touchpoint
            detail = f"{t.detail}" + (f" · missed {t.missed}×" if t.missed > 1 else "")
            items.append(TodayItem(f"{section}:{r.account.id}:{t.key}", section, r.account.id,
                                   r.account.name, t.label, t.due_on, detail, None))
    for section, tasks in (("alert", plan.alerts), ("task", plan.tasks)):
        for task in tasks:
            items.append(TodayItem(f"task:{task.task_id}", section, task.account_id,
                                   task.account or "—", task.title,
                                   task.due_on or task.raised_on,
                                   fmt.label(task.severity) if task.severity else "", task.task_id))
    for m in plan.milestones:
        items.append(TodayItem(f"milestone:{m.account_id}:{m.milestone}:{m.renewal_on}",
                               "milestone", m.account_id, m.account, m.title, m.reached_on,
                               f"renewal {fmt.day(m.renewal_on)}", m.task_id))
    for review in plan.reviews:
        items.append(TodayItem(f"review:{review.account_id}:{review.kind}:{review.on}", "review",
                               review.account_id, review.account, review.kind, review.on,
                               "planned" if review.planned else "due by the engagement plan",
                               None))
    return items


class TodayTableModel(RecordTableModel):
    SECTION, ACCOUNT, WHAT, DAY, DETAIL = range(5)
    COLUMNS = (
        Column("", lambda r: SECTION_LABELS[r.section], lambda r: SECTION_ORDER[r.section]),
        Column("Account", lambda r: r.account, lambda r: r.account.casefold()),
        Column("What", lambda r: r.what, lambda r: r.what.casefold()),
        Column("Date", lambda r: fmt.day(r.day), lambda r: r.day),
        Column("Detail", lambda r: r.detail, lambda r: r.detail, tooltip=lambda r: r.detail),
    )

    def row_key(self, row: Any) -> object:
        return row.key
