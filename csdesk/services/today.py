"""The CSM's day: what is overdue or due this week, alerts to handle, renewal milestones
reached and reviews coming up, for the accounts of "me" (or another owner, or everyone).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from csdesk.errors import ValidationError
from csdesk.models import Account, BusinessReview, Task
from csdesk.money import RateTable
from csdesk.renewals.milestones import milestone_source_key
from csdesk.services.engagement import ALERT_SOURCE, ScheduleRow, touchpoint_schedule
from csdesk.services.renewals import upcoming_renewals
from csdesk.services.settings import ME, get_setting, set_setting
from csdesk.services.tasks import is_visible

logger = logging.getLogger(__name__)

MILESTONE_SOURCE = "milestone"
# Most pressing first; a severity not listed here comes after these.
SEVERITY_ORDER = ("escalate", "reach_out", "follow_up", "watch")
DUE_SOON_DAYS = 7
REVIEW_DAYS = 30
# Far enough ahead for the earliest milestone (T-180) of a renewal with a long notice period.
MILESTONE_LOOKAHEAD_DAYS = 730


# Who is "me" -------------------------------------------------------------------------------


def get_me(session: Session) -> str | None:
    """The CSM name set with `csdesk me`, or None."""
    value = get_setting(session, ME.key)
    return str(value) if value else None


def set_me(session: Session, name: str | None) -> str | None:
    """Store (or, with None, forget) the CSM name the views default to; in a unit of work."""
    if name is not None:
        name = name.strip()
        if not name:
            raise ValidationError("give your name as it appears in account owners, e.g. "
                                  "csdesk me \"Dana Whitfield\"")
        if len(name) > 200:
            raise ValidationError("that name is longer than 200 characters")
    set_setting(session, ME.key, name)
    logger.info("me is now %s", "set" if name else "unset")
    return name


def account_owners(session: Session) -> list[tuple[str, int]]:
    """Each owner name in the book with its number of accounts, most accounts first."""
    stmt = (select(Account.owner, func.count()).where(Account.owner.isnot(None))
            .group_by(Account.owner))
    return sorted(((o or "", n) for o, n in session.execute(stmt)), key=lambda x: (-x[1], x[0]))


@dataclass(frozen=True)
class OwnerScope:
    """Whose accounts a view shows: ``owner`` (any letter case), or everyone when None.

    ``basis`` says how it was chosen: "me", "owner" (asked for), "all" (asked for) or
    "me_unset" (everyone, because ``me`` is not set).
    """

    owner: str | None
    basis: str

    @property
    def note(self) -> str | None:
        if self.basis == "me_unset":
            return "`me` is not set (csdesk me \"Your Name\"), so this shows every account."
        return None

    def to_json(self) -> dict[str, Any]:
        return {"owner": self.owner, "basis": self.basis}


def resolve_scope(session: Session, owner: str | None, show_all: bool) -> OwnerScope:
    """``--all`` shows everyone, ``--owner X`` shows X, otherwise "me" (everyone if unset)."""
    if show_all:
        return OwnerScope(None, "all")
    if owner is not None:
        owner = owner.strip()
        if not owner:
            raise ValidationError("--owner needs a name")
        return OwnerScope(owner, "owner")
    me = get_me(session)
    return OwnerScope(me, "me") if me else OwnerScope(None, "me_unset")


def owner_has_accounts(session: Session, owner: str) -> bool:
    """Whether any account has this owner (any letter case)."""
    stmt = select(func.count()).select_from(Account).where(
        func.lower(Account.owner) == owner.lower())
    return bool(session.scalar(stmt))


def unknown_owner_note(session: Session, scope: OwnerScope) -> str | None:
    """A line saying nobody by the scope's owner name owns an account, and who does."""
    if scope.owner is None or owner_has_accounts(session, scope.owner):
        return None
    owners = ", ".join(name for name, _ in account_owners(session)[:8])
    return f"no account is owned by {scope.owner} (owners: {owners or 'none yet'})"


# The day -----------------------------------------------------------------------------------


def _ref(account_id: int | None, name: str | None) -> dict[str, str | None]:
    return {"id": str(account_id) if account_id is not None else None, "name": name}


@dataclass(frozen=True)
class TaskItem:
    task_id: int
    account_id: int | None
    account: str | None
    title: str
    source: str
    severity: str | None
    raised_on: date | None
    due_on: date | None

    def to_json(self) -> dict[str, Any]:
        return {
            "task_id": str(self.task_id),
            "account": _ref(self.account_id, self.account),
            "title": self.title,
            "source": self.source,
            "severity": self.severity,
            "raised_on": self.raised_on.isoformat() if self.raised_on else None,
            "due_on": self.due_on.isoformat() if self.due_on else None,
        }


@dataclass(frozen=True)
class MilestoneItem:
    """A renewal milestone reached and not yet done (its task, when raised, is still open)."""

    account_id: int
    account: str
    milestone: str
    title: str
    reached_on: date
    renewal_on: date | None
    task_id: int | None

    def to_json(self) -> dict[str, Any]:
        return {
            "account": _ref(self.account_id, self.account),
            "milestone": self.milestone,
            "title": self.title,
            "reached_on": self.reached_on.isoformat(),
            "renewal_on": self.renewal_on.isoformat() if self.renewal_on else None,
            "task_id": str(self.task_id) if self.task_id is not None else None,
        }


@dataclass(frozen=True)
class ReviewItem:
    """A business review coming up: one planned (a review record dated ahead) or one due."""

    account_id: int
    account: str
    kind: str
    on: date
    planned: bool

    def to_json(self) -> dict[str, Any]:
        return {"account": _ref(self.account_id, self.account), "kind": self.kind,
                "on": self.on.isoformat(), "planned": self.planned}


@dataclass(frozen=True)
class DayPlan:
    as_of: date
    scope: OwnerScope
    accounts: int
    overdue: tuple[ScheduleRow, ...]
    due_soon: tuple[ScheduleRow, ...]
    alerts: tuple[TaskItem, ...]
    milestones: tuple[MilestoneItem, ...]
    reviews: tuple[ReviewItem, ...]
    tasks: tuple[TaskItem, ...]

    @property
    def is_empty(self) -> bool:
        return not (self.overdue or self.due_soon or self.alerts or self.milestones
                    or self.reviews or self.tasks)

    def to_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "scope": self.scope.to_json(),
            "accounts": self.accounts,
            "overdue": [r.to_json() for r in self.overdue],
            "due_soon": [r.to_json() for r in self.due_soon],
            "alerts": [t.to_json() for t in self.alerts],
            "renewal_milestones": [m.to_json() for m in self.milestones],
            "reviews": [r.to_json() for r in self.reviews],
            "tasks": [t.to_json() for t in self.tasks],
        }


def plan_day(
    session: Session,
    as_of: date,
    rates: RateTable,
    scope: OwnerScope,
    due_days: int = DUE_SOON_DAYS,
    review_days: int = REVIEW_DAYS,
) -> DayPlan:
    """Everything the CSM should look at on ``as_of``, for the accounts in ``scope``."""
    schedule = touchpoint_schedule(session, as_of, rates, scope.owner)
    overdue = tuple(sorted(schedule.overdue(), key=lambda r: (r.touchpoint.due_on,
                                                               r.account.name.casefold())))
    due_soon = tuple(r for r in schedule.due_within(due_days, include_overdue=False))

    tasks = _visible_tasks(session, as_of, scope)
    alerts = tuple(sorted((t for t in tasks if t.source == ALERT_SOURCE), key=_urgency))
    others = tuple(t for t in tasks if t.source not in (ALERT_SOURCE, MILESTONE_SOURCE)
                   and t.due_on is not None and t.due_on <= as_of + timedelta(days=due_days))
    milestones = _milestones(session, as_of, rates, scope, tasks)

    reviews = [ReviewItem(r.account.id, r.account.name, r.touchpoint.label, r.touchpoint.due_on,
                          False)
               for r in schedule.rows
               if r.touchpoint.review and 0 <= r.touchpoint.days_until <= review_days]
    reviews.extend(_planned_reviews(session, as_of, scope))
    reviews.sort(key=lambda r: (r.on, r.account.casefold()))

    plan = DayPlan(as_of, scope, schedule.accounts, overdue, due_soon, alerts, milestones,
                   tuple(reviews), others)
    logger.info("day plan for %s as of %s: %d overdue, %d due soon, %d alerts, %d milestones",
                scope.owner or "everyone", as_of, len(overdue), len(due_soon), len(alerts),
                len(milestones))
    return plan


def _urgency(task: TaskItem) -> tuple[int, int, str]:
    rank = (SEVERITY_ORDER.index(task.severity) if task.severity in SEVERITY_ORDER
            else len(SEVERITY_ORDER))
    newest_first = -(task.raised_on or date.min).toordinal()
    return rank, newest_first, (task.account or "").casefold()


def _visible_tasks(session: Session, as_of: date, scope: OwnerScope) -> list[TaskItem]:
    stmt = (select(Task, Account.name, Account.owner)
            .outerjoin(Account, Account.id == Task.account_id)
            .where(Task.status == "open")
            .order_by(Task.due_on, Task.id))
    items = []
    for task, name, owner in session.execute(stmt):
        if not is_visible(task, as_of) or (task.raised_on and task.raised_on > as_of):
            continue
        responsible = owner if task.account_id is not None else task.owner
        if scope.owner and (responsible or "").lower() != scope.owner.lower():
            continue
        items.append(TaskItem(task.id, task.account_id, name, task.title, task.source,
                              task.severity, task.raised_on, task.due_on))
    return items


def _milestones(session: Session, as_of: date, rates: RateTable, scope: OwnerScope,
                open_tasks: list[TaskItem]) -> tuple[MilestoneItem, ...]:
    """Milestones reached for renewals still ahead, unless their task was closed or snoozed.

    Also lists open milestone tasks whose renewal is no longer in the book (for example after
    a contract changed), so nothing raised goes missing from the day.
    """
    keys = {key: (task_id, status) for key, task_id, status in session.execute(
        select(Task.source_key, Task.id, Task.status).where(Task.source == MILESTONE_SOURCE))}
    visible = {t.task_id for t in open_tasks if t.source == MILESTONE_SOURCE}

    items = []
    covered: set[int] = set()
    # Two contracts of an account renewing on one day share their milestones.
    seen: set[tuple[int, date, str]] = set()
    renewals = upcoming_renewals(session, as_of, rates, MILESTONE_LOOKAHEAD_DAYS, scope.owner)
    for row in renewals.rows:
        milestone = row.last_reached_milestone
        line = row.line
        anchor = line.anchor or line.renewal_date
        if milestone is None or line.renewal_date is None or anchor is None or anchor < as_of:
            continue
        key = milestone_source_key(line.contract.contract_id, line.renewal_date, milestone.spec)
        task_id, status = keys.get(key, (None, None))
        if task_id is not None:
            covered.add(task_id)
            if status != "open" or task_id not in visible:
                continue
        same = (line.account.account_id, line.renewal_date, milestone.spec.name)
        if same in seen:
            continue
        seen.add(same)
        items.append(MilestoneItem(line.account.account_id, line.account.name,
                                   milestone.spec.name, milestone.spec.title, milestone.on,
                                   line.renewal_date, task_id))

    for task in open_tasks:
        if task.source == MILESTONE_SOURCE and task.task_id not in covered \
                and task.account_id is not None:
            items.append(MilestoneItem(task.account_id, task.account or "", "task", task.title,
                                       task.due_on or task.raised_on or as_of, None,
                                       task.task_id))
    items.sort(key=lambda m: (m.renewal_on or date.max, m.account.casefold()))
    return tuple(items)


def _planned_reviews(session: Session, as_of: date, scope: OwnerScope) -> list[ReviewItem]:
    stmt = (select(BusinessReview.account_id, Account.name, BusinessReview.kind,
                   BusinessReview.held_on)
            .join(Account, Account.id == BusinessReview.account_id)
            .where(BusinessReview.held_on > as_of))
    if scope.owner:
        stmt = stmt.where(func.lower(Account.owner) == scope.owner.lower())
    return [ReviewItem(acc, name, kind, day, True) for acc, name, kind, day in
            session.execute(stmt)]
