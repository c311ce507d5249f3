"""Keeping derived data current: health history, alert tasks and renewal milestone tasks.

A face brings the portfolio up to date for the date it works as of, when it opens the
portfolio (the command line before a command, the window in the background). Every step is
derived from the portfolio, so a failure is logged and retried next time instead of stopping
the user's work.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, select

from csdesk.errors import CsdeskError
from csdesk.models import Account
from csdesk.services.alerts import run_alerts
from csdesk.services.context import AppContext
from csdesk.services.health import backfill_history, ensure_up_to_date
from csdesk.services.renewals import run_milestones
from csdesk.services.settings import declare, get_setting, set_setting

logger = logging.getLogger(__name__)

HISTORY_DIRTY_SINCE = declare(
    "upkeep.history_dirty_since", None,
    "Earliest day touched by data that arrived since health history was last rebuilt",
)
TASKS_RAISED_UP_TO = declare(
    "upkeep.tasks_raised_up_to", None,
    "The latest day for which alert and renewal milestone tasks were raised",
)


@dataclass(frozen=True)
class UpkeepReport:
    snapshots: int
    alerts_run: bool
    milestone_tasks: int


def mark_data_arrived(context: AppContext, earliest_day: date) -> None:
    """Note that data dated from ``earliest_day`` on arrived.

    The next :func:`bring_up_to_date` rebuilds health history from that day and evaluates the
    alerts again, even for a day it already did.
    """
    with context.write(origin="system", context="health history") as session:
        current = get_setting(session, HISTORY_DIRTY_SINCE.key)
        if current is None or earliest_day.isoformat() < current:
            set_setting(session, HISTORY_DIRTY_SINCE.key, earliest_day.isoformat())
        set_setting(session, TASKS_RAISED_UP_TO.key, None)


def bring_up_to_date(context: AppContext, as_of: date, raise_tasks: bool = True) -> UpkeepReport:
    """Rebuild stale health history, then (optionally) raise the day's alert and milestone tasks.

    Tasks are raised only when ``as_of`` moves forward, so looking at an earlier date never
    adds old alerts to today's list. Failures are logged and retried next time.
    """
    snapshots, alerts_run, milestone_tasks = 0, False, 0
    try:
        snapshots = refresh_history(context, as_of)
        if raise_tasks:
            alerts_run, milestone_tasks = raise_due_tasks(context, as_of)
    except Exception as exc:
        # The command goes on with the history there is; the user hears why in one line,
        # the log file keeps the traceback.
        logger.debug("upkeep failed as of %s", as_of.isoformat(), exc_info=True)
        reason = str(exc) if isinstance(exc, CsdeskError) else f"{type(exc).__name__}: {exc}"
        logger.warning("health history and tasks not brought up to date (will retry next "
                       "time): %s", reason)
    return UpkeepReport(snapshots, alerts_run, milestone_tasks)


def refresh_history(context: AppContext, as_of: date) -> int:
    """Health history up to ``as_of``: rebuilt from where new data arrived, else extended."""
    with context.read() as session:
        if not session.scalar(select(exists().where(Account.id.isnot(None)))):
            return 0
        dirty = get_setting(session, HISTORY_DIRTY_SINCE.key)

    if dirty is None:
        return ensure_up_to_date(context, as_of)
    snapshots = backfill_history(context, as_of, since=date.fromisoformat(dirty)).snapshots
    with context.write(origin="system", context="health history") as session:
        set_setting(session, HISTORY_DIRTY_SINCE.key, None)
    return snapshots


def raise_due_tasks(context: AppContext, as_of: date) -> tuple[bool, int]:
    """Run the alert rules and the renewal milestones once per day as the calendar moves on.

    Returns:
        Whether they ran, and how many milestone tasks were raised.
    """
    with context.read() as session:
        raised_up_to = get_setting(session, TASKS_RAISED_UP_TO.key)
    if raised_up_to is not None and as_of.isoformat() <= raised_up_to:
        return False, 0

    run_alerts(context, as_of)
    with context.write(origin="system", context="renewal milestones") as session:
        milestones = run_milestones(session, as_of)
        set_setting(session, TASKS_RAISED_UP_TO.key, as_of.isoformat())
    logger.info("alert and milestone tasks raised as of %s", as_of.isoformat())
    return True, len(milestones.raised)
