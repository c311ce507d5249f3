"""Whether a firing alert opens a task, refreshes the open one, or stays quiet.

What a CSM expects:

* One open task per account and reason. While it is open, each run refreshes its title and
  detail (the days count, the latest figures) and never opens a second one.
* A snoozed task stays snoozed: a repeat refreshes it without waking it up.
* Closing a task means "handled". The same occurrence does not come back however long the
  condition lasts; a *new* occurrence does. An occurrence is new when it began after the
  last day the closed task was seen (``since``: a new detractor answer, usage that stopped
  again), or when the condition was clear on some day since then (the account turned red,
  recovered, and turned red again).
* The look-back examines at most the last :data:`LOOKBACK_DAYS` days: a condition that held
  throughout them is taken for the same occurrence.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from csdesk.alerts.rules import Alert

LOOKBACK_DAYS = 90

UPDATE = "update"
RAISE = "raise"
QUIET = "quiet"


@dataclass(frozen=True)
class TaskMemory:
    """What the latest task for an account and reason tells about earlier occurrences."""

    task_id: int
    status: str
    raised_on: date | None
    last_seen_on: date | None
    title: str | None = None
    severity: str | None = None
    snoozed_until: date | None = None


def days_to_check(seen: date, day: date) -> list[date]:
    """The days after ``seen`` and before ``day`` (at most the last 90) to look back on."""
    first = max(seen + timedelta(days=1), day - timedelta(days=LOOKBACK_DAYS))
    return [first + timedelta(days=i) for i in range((day - first).days)]


def decide(
    alert: Alert,
    day: date,
    latest: TaskMemory | None,
    held_on: Callable[[date], bool],
) -> str:
    """:data:`UPDATE` the open task, :data:`RAISE` a new one, or stay :data:`QUIET`.

    Args:
        alert: the alert firing on ``day``.
        day: the day of the run.
        latest: the latest task for this account and reason, if any.
        held_on: whether the alert's condition held for the account on a given earlier day.
    """
    if latest is None:
        return RAISE
    if latest.status == "open":
        return UPDATE
    seen = latest.last_seen_on or latest.raised_on
    if seen is None:
        return RAISE
    if alert.since is not None and alert.since > seen:
        return RAISE
    if any(not held_on(d) for d in days_to_check(seen, day)):
        return RAISE
    return QUIET
