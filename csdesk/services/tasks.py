"""Tasks: raised by alerts, renewal milestones and review action items, or by hand.

A task raised for a reason (``source_key``) stays one open task per account and reason: a
repeat updates it. A snoozed task stays quiet until its date; closing records who and when.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from csdesk.errors import NotFoundError, ValidationError
from csdesk.models import Account, Task
from csdesk.models.base import utc_now

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RaisedTask:
    task: Task
    created: bool


def raise_task(
    session: Session,
    *,
    account_id: int | None,
    source: str,
    source_key: str,
    title: str,
    as_of: date,
    detail: str | None = None,
    due_on: date | None = None,
    severity: str | None = None,
    owner: str | None = None,
) -> RaisedTask:
    """Open a task for this account and reason, or refresh the open one."""
    existing = session.scalars(
        select(Task).where(
            Task.account_id == account_id if account_id is not None else Task.account_id.is_(None),
            Task.source_key == source_key,
            Task.status == "open",
        )
    ).first()
    if existing is not None:
        existing.title = title
        existing.detail = detail
        existing.severity = severity
        # A run for an earlier day (``--as-of`` in the past) must not move this back.
        existing.last_seen_on = max(as_of, existing.last_seen_on or as_of)
        if due_on is not None and existing.due_on is None:
            existing.due_on = due_on
        return RaisedTask(existing, created=False)

    task = Task(
        account_id=account_id,
        source=source,
        source_key=source_key,
        title=title,
        detail=detail,
        due_on=due_on or as_of,
        severity=severity,
        owner=owner,
        raised_on=as_of,
        last_seen_on=as_of,
        status="open",
    )
    session.add(task)
    session.flush()
    return RaisedTask(task, created=True)


def get_task(session: Session, task_id: int) -> Task:
    task = session.get(Task, task_id)
    if task is None:
        raise NotFoundError(f"there is no task {task_id} (see `csdesk tasks`)")
    return task


def snooze_task(session: Session, task_id: int, until: date, as_of: date) -> Task:
    task = get_task(session, task_id)
    if task.status != "open":
        raise ValidationError(f"task {task_id} is already closed; only open tasks can be snoozed")
    if until <= as_of:
        raise ValidationError(f"snooze until {until.isoformat()} is not after {as_of.isoformat()}")
    task.snoozed_until = until
    logger.info("task %s snoozed until %s", task_id, until.isoformat())
    return task


def close_task(session: Session, task_id: int, actor: str) -> Task:
    task = get_task(session, task_id)
    if task.status == "done":
        raise ValidationError(f"task {task_id} was already closed by {task.closed_by}")
    task.status = "done"
    task.closed_at = utc_now()
    task.closed_by = actor
    logger.info("task %s closed by %s", task_id, actor)
    return task


def is_visible(task: Task, as_of: date) -> bool:
    """Open and not snoozed past ``as_of``."""
    return task.status == "open" and (task.snoozed_until is None or task.snoozed_until <= as_of)


def task_json(task: Task, account_name: str | None = None) -> dict[str, Any]:
    return {
        "id": str(task.id),
        "account_id": str(task.account_id) if task.account_id is not None else None,
        "account": account_name,
        "title": task.title,
        "detail": task.detail,
        "source": task.source,
        "reason": task.source_key,
        "severity": task.severity,
        "status": task.status,
        "due_on": task.due_on.isoformat() if task.due_on else None,
        "snoozed_until": task.snoozed_until.isoformat() if task.snoozed_until else None,
        "raised_on": task.raised_on.isoformat() if task.raised_on else None,
        "closed_at": task.closed_at.isoformat() if task.closed_at else None,
        "closed_by": task.closed_by,
    }


def list_tasks(
    session: Session,
    as_of: date,
    open_only: bool = False,
    account_id: int | None = None,
) -> list[tuple[Task, str | None]]:
    stmt = (
        select(Task, Account.name)
        .outerjoin(Account, Account.id == Task.account_id)
        .order_by(Task.status, Task.due_on, Task.id)
    )
    if account_id is not None:
        stmt = stmt.where(Task.account_id == account_id)
    rows: list[tuple[Task, str | None]] = [(t, n) for t, n in session.execute(stmt)]
    if open_only:
        rows = [(t, n) for t, n in rows if is_visible(t, as_of)]
    return rows
