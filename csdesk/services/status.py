"""What the window's status bar reports about the portfolio: unsent changes and last sync."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from csdesk.models.changelog import ChangeLogEntry


@dataclass(frozen=True)
class SyncStatus:
    """Changes waiting to be pushed, and when changes were last pushed (None: never)."""

    pending_changes: int
    last_pushed_at: datetime | None


def pending_change_count(session: Session) -> int:
    """The user's own edits not yet pushed to a CRM.

    Rows written by imports, sync, the demo book or csdesk itself (health history, alert
    tasks) came from elsewhere or are derived, so they are not waiting to be pushed.
    """
    stmt = select(func.count()).select_from(ChangeLogEntry).where(
        ChangeLogEntry.pushed_at.is_(None), ChangeLogEntry.origin == "user"
    )
    return int(session.scalar(stmt) or 0)


def sync_status(session: Session) -> SyncStatus:
    """Pending changes and the time of the most recent push, read in one session."""
    last = session.scalar(select(func.max(ChangeLogEntry.pushed_at)))
    return SyncStatus(pending_changes=pending_change_count(session), last_pushed_at=last)
