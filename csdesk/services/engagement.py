"""Engagement: the touchpoint schedule, compliance, and logging what was done.

The schedule is computed each time from the activity history and the plan of each account's
tier; nothing about it is stored. Inputs are read with one query per table for the whole
book (or one owner's accounts), never one query per account.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from csdesk.engagement.compliance import (
    ComplianceCount,
    Window,
    account_occurrences,
    count_in_window,
)
from csdesk.engagement.history import AccountHistory, Trigger
from csdesk.engagement.plan import (
    DEFAULT_ENGAGEMENT_PLANS,
    MOMENTS,
    REVIEW_ACTIVITY_KINDS,
    STEP,
    EngagementPlans,
    describe,
    parse_engagement_plans,
)
from csdesk.engagement.schedule import Touchpoint, account_schedule
from csdesk.errors import AmbiguousError, NotFoundError, ValidationError
from csdesk.models import (
    Account,
    Activity,
    BusinessReview,
    Contact,
    Contract,
    SurveyResponse,
    Task,
)
from csdesk.money import RateTable
from csdesk.services.accounts import find_account
from csdesk.services.settings import declare, get_setting, set_setting
from csdesk.services.tiers import effective_tiers, tier_timelines
from csdesk.vocabulary import TIER_LABELS

logger = logging.getLogger(__name__)

ENGAGEMENT_PLANS = declare(
    "engagement.plans",
    DEFAULT_ENGAGEMENT_PLANS,
    "Engagement plans per tier: touchpoints, their cadence and the activity kinds that count",
)

ALERT_SOURCE = "alert"
SUMMARY_LIMIT = 500


def load_plans(session: Session) -> EngagementPlans:
    """The engagement plans in force: the stored document, else the defaults."""
    return parse_engagement_plans(get_setting(session, ENGAGEMENT_PLANS.key))


def save_plans(session: Session, document: Any) -> EngagementPlans:
    """Check and store new engagement plans (inside a unit of work); invalid ones are refused."""
    plans = parse_engagement_plans(document)
    set_setting(session, ENGAGEMENT_PLANS.key, document)
    logger.info("engagement plans replaced: %d touchpoint kinds", len(plans.keys()))
    return plans


# Loading -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountRef:
    id: int
    name: str
    owner: str | None
    tier: int

    def to_json(self) -> dict[str, Any]:
        return {"id": str(self.id), "name": self.name}


@dataclass
class EngagementBook:
    """The accounts in scope that are customers on ``as_of``, with their histories."""

    as_of: date
    plans: EngagementPlans
    accounts: dict[int, AccountRef] = field(default_factory=dict)
    histories: dict[int, AccountHistory] = field(default_factory=dict)


def _in_scope(stmt: Any, column: Any, owner: str | None, account_id: int | None) -> Any:
    if account_id is not None:
        return stmt.where(column == account_id)
    if owner:
        return stmt.where(column.in_(
            select(Account.id).where(func.lower(Account.owner) == owner.lower())))
    return stmt


def _paid(as_of: date) -> Any:
    return and_(Contract.recurring.is_(True), Contract.is_trial.is_(False),
                Contract.amount_minor > 0, Contract.start_date <= as_of)


def _customers(session: Session, as_of: date, owner: str | None,
               account_id: int | None) -> dict[int, date]:
    """Purchase date (first paid contract start) of each account with a paid contract on."""
    first = _in_scope(
        select(Contract.account_id, func.min(Contract.start_date))
        .where(_paid(as_of)).group_by(Contract.account_id),
        Contract.account_id, owner, account_id)
    active = _in_scope(
        select(Contract.account_id).distinct().where(
            _paid(as_of), or_(Contract.end_date.is_(None), Contract.end_date > as_of)),
        Contract.account_id, owner, account_id)
    current = set(session.scalars(active))
    return {acc: start for acc, start in session.execute(first) if acc in current}


def load_book(
    session: Session,
    as_of: date,
    rates: RateTable,
    owner: str | None = None,
    account_id: int | None = None,
    whole_history: bool = True,
) -> EngagementBook:
    """Everything the schedule and compliance need, for customers in scope on ``as_of``.

    Compliance needs every activity. The schedule only needs the latest activity of each kind,
    except for survey moments and for the onboarding steps of accounts still onboarding;
    ``whole_history=False`` reads just that, which is much less to read on a large book.
    """
    plans = load_plans(session)
    book = EngagementBook(as_of, plans)
    purchases = _customers(session, as_of, owner, account_id)
    if not purchases:
        return book

    tiers = effective_tiers(session, as_of, rates, purchases)
    stmt = _in_scope(select(Account.id, Account.name, Account.owner), Account.id, owner,
                     account_id)
    for acc, name, account_owner in session.execute(stmt):
        if acc in purchases:
            book.accounts[acc] = AccountRef(acc, name, account_owner, tiers[acc])

    events = _events(session, as_of, plans, owner, account_id, whole_history)
    triggers = _triggers(session, as_of, owner, account_id) if plans.uses_trigger() else {}
    for acc in book.accounts:
        kinds = events.get(acc, {})
        for dates in kinds.values():
            dates.sort()
        book.histories[acc] = AccountHistory(acc, purchases[acc], kinds,
                                             tuple(triggers.get(acc, ())))
    return book


def _events(session: Session, as_of: date, plans: EngagementPlans, owner: str | None,
            account_id: int | None, whole_history: bool) -> dict[int, dict[str, list[date]]]:
    used = plans.kinds_used()
    events: dict[int, dict[str, list[date]]] = defaultdict(lambda: defaultdict(list))

    every = Activity.kind.in_(used) if whole_history else _needing_every_date(plans, as_of)
    stmt = _in_scope(select(Activity.account_id, Activity.kind, Activity.occurred_on)
                     .where(Activity.occurred_on <= as_of, every)
                     .order_by(Activity.account_id, Activity.occurred_on),
                     Activity.account_id, owner, account_id)
    for acc, kind, day in session.connection().execute(stmt).all():
        events[acc][kind].append(day)

    if not whole_history:
        stmt = _in_scope(select(Activity.account_id, Activity.kind,
                                func.max(Activity.occurred_on))
                         .where(Activity.occurred_on <= as_of, Activity.kind.in_(used))
                         # Kind first: a plain scan beats walking the account index here.
                         .group_by(Activity.kind, Activity.account_id),
                         Activity.account_id, owner, account_id)
        for acc, kind, day in session.connection().execute(stmt).all():
            if not events[acc][kind]:
                events[acc][kind].append(day)

    review_kinds = {k: v for k, v in REVIEW_ACTIVITY_KINDS.items() if v in used}
    if review_kinds:
        stmt = _in_scope(select(BusinessReview.account_id, BusinessReview.kind,
                                BusinessReview.held_on)
                         .where(BusinessReview.held_on <= as_of,
                                BusinessReview.kind.in_(review_kinds)),
                         BusinessReview.account_id, owner, account_id)
        for acc, kind, day in session.execute(stmt):
            _add_once(events[acc][review_kinds[kind]], day)

    if "survey_response" in used:
        stmt = _in_scope(select(SurveyResponse.account_id, SurveyResponse.answered_on)
                         .where(SurveyResponse.answered_on <= as_of),
                         SurveyResponse.account_id, owner, account_id)
        for acc, day in session.execute(stmt):
            events[acc]["survey_response"].append(day)
    return events


def _needing_every_date(plans: EngagementPlans, as_of: date) -> Any:
    """Activities the schedule needs one by one: survey moments, and onboarding steps of
    accounts bought recently enough for a step to be open."""
    moment_kinds: set[str] = set()
    step_kinds: set[str] = set()
    last_open = -1
    for spec in plans.every_tier:
        if spec.pattern == MOMENTS:
            moment_kinds |= spec.kinds
        elif spec.pattern == STEP:
            step_kinds |= spec.kinds
            last_open = max(last_open, spec.due_day + spec.open_days)
    onboarding = (select(Contract.account_id).where(_paid(as_of)).group_by(Contract.account_id)
                  .having(func.min(Contract.start_date) >= as_of - timedelta(days=last_open)))
    return or_(Activity.kind.in_(moment_kinds),
               and_(Activity.kind.in_(step_kinds), Activity.account_id.in_(onboarding)))


def _add_once(dates: list[date], day: date) -> None:
    # A review logged as an activity and recorded as a review is one event, not two.
    if day not in dates:
        dates.append(day)


def _triggers(session: Session, as_of: date, owner: str | None,
              account_id: int | None) -> dict[int, list[Trigger]]:
    stmt = _in_scope(select(Task.account_id, Task.raised_on, Task.title, Task.closed_at,
                            Task.snoozed_until, Task.status)
                     .where(Task.source == ALERT_SOURCE, Task.raised_on <= as_of,
                            Task.account_id.isnot(None))
                     .order_by(Task.raised_on),
                     Task.account_id, owner, account_id)
    found: dict[int, list[Trigger]] = defaultdict(list)
    for acc, raised, title, closed_at, snoozed, status in session.execute(stmt):
        closed_on = closed_at.date() if closed_at is not None else None
        if status == "done" and closed_on is None:
            closed_on = raised
        found[acc].append(Trigger(raised, title, closed_on, snoozed))
    return found


# The schedule ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleRow:
    """One open touchpoint of one account, as the lists show it."""

    account: AccountRef
    touchpoint: Touchpoint
    cadence: str
    kinds: frozenset[str]

    def to_json(self) -> dict[str, Any]:
        t = self.touchpoint
        return {
            "account": self.account.to_json(),
            "owner": self.account.owner,
            "tier": self.account.tier,
            "touchpoint": t.key,
            "label": t.label,
            "review": t.review,
            "cadence": self.cadence,
            "satisfied_by": sorted(self.kinds),
            "due_on": t.due_on.isoformat(),
            "status": t.status,
            "days_until": t.days_until,
            "days_overdue": max(0, -t.days_until),
            "missed": t.missed,
            "last_done": t.last_done.isoformat() if t.last_done else None,
            "detail": t.detail,
        }


@dataclass(frozen=True)
class Schedule:
    as_of: date
    accounts: int
    rows: tuple[ScheduleRow, ...]

    def overdue(self) -> list[ScheduleRow]:
        return [r for r in self.rows if r.touchpoint.is_overdue]

    def due_within(self, days: int, include_overdue: bool = True) -> list[ScheduleRow]:
        """Touchpoints due from today up to ``days`` days ahead (and overdue ones if asked)."""
        return [r for r in self.rows if r.touchpoint.days_until <= days
                and (include_overdue or not r.touchpoint.is_overdue)]


def schedule_of(book: EngagementBook) -> Schedule:
    """Compute the open touchpoints of every account in a loaded book."""
    rows = []
    specs = {tier: book.plans.for_tier(tier) for tier in TIER_LABELS}
    cadences = {(tier, s.key): (describe(s), s.kinds) for tier in specs for s in specs[tier]}
    for acc, ref in book.accounts.items():
        for touchpoint in account_schedule(book.histories[acc], specs[ref.tier], book.as_of):
            cadence, kinds = cadences[(ref.tier, touchpoint.key)]
            rows.append(ScheduleRow(ref, touchpoint, cadence, kinds))
    rows.sort(key=lambda r: (r.touchpoint.due_on, r.account.name.casefold(), r.touchpoint.key))
    return Schedule(book.as_of, len(book.accounts), tuple(rows))


def touchpoint_schedule(
    session: Session, as_of: date, rates: RateTable, owner: str | None = None
) -> Schedule:
    """The open touchpoints of every customer (or one owner's), earliest due first."""
    schedule = schedule_of(load_book(session, as_of, rates, owner, whole_history=False))
    logger.info("touchpoint schedule as of %s: %d touchpoints over %d accounts, %d overdue",
                as_of, len(schedule.rows), schedule.accounts, len(schedule.overdue()))
    return schedule


def account_touchpoints(
    session: Session, account_id: int, as_of: date, rates: RateTable
) -> list[ScheduleRow]:
    """The open touchpoints of one account."""
    book = load_book(session, as_of, rates, account_id=account_id, whole_history=False)
    return list(schedule_of(book).rows)


# Compliance --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ComplianceLine:
    """Touchpoints due and done on time for one group: an account, a CSM, a tier..."""

    label: str
    value: Any
    count: ComplianceCount

    def to_json(self, group: str) -> dict[str, Any]:
        rate = self.count.rate
        return {
            group: self.value,
            "due": self.count.due,
            "on_time": self.count.on_time,
            "compliance": None if rate is None else round(rate, 4),
        }


@dataclass(frozen=True)
class ComplianceReport:
    as_of: date
    window: Window
    total: ComplianceCount
    groups: dict[str, tuple[ComplianceLine, ...]]

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "as_of": self.as_of.isoformat(),
            "window": {"start": self.window.start.isoformat(),
                       "end": self.window.end.isoformat()},
            "total": ComplianceLine("all", "all", self.total).to_json("total"),
        }
        for group, lines in self.groups.items():
            data[f"by_{group}"] = [line.to_json(group) for line in lines]
        return data


COMPLIANCE_GROUPS = ("account", "owner", "tier", "touchpoint")


def compliance_report(
    session: Session,
    window: Window,
    rates: RateTable,
    owner: str | None = None,
) -> ComplianceReport:
    """Touchpoints done on time / touchpoints due in ``window``, per account, CSM and tier.

    Covers the accounts that are customers on the window's last day. Occurrences count on
    the day they were done on time, or on their due date when it passed without that.
    """
    as_of = window.end
    book = load_book(session, as_of, rates, owner)
    timelines = tier_timelines(session, {a: r.tier for a, r in book.accounts.items()})

    total = ComplianceCount()
    counts: dict[str, dict[Any, ComplianceCount]] = {g: {} for g in COMPLIANCE_GROUPS}
    labels: dict[str, dict[Any, str]] = {g: {} for g in COMPLIANCE_GROUPS}
    for acc, ref in book.accounts.items():
        occurrences = account_occurrences(book.histories[acc], book.plans, timelines[acc], as_of)
        keys = {"account": (acc, ref.name), "owner": (ref.owner, ref.owner or "(no owner)"),
                "tier": (ref.tier, f"{ref.tier} {TIER_LABELS[ref.tier]}")}
        for touchpoint, count in count_in_window(occurrences, window).items():
            total.add(count)
            for group, (key, label) in {**keys, "touchpoint": (touchpoint, touchpoint)}.items():
                counts[group].setdefault(key, ComplianceCount()).add(count)
                labels[group][key] = label

    def value(group: str, key: Any) -> Any:
        return {"id": str(key), "name": labels[group][key]} if group == "account" else key

    groups = {
        group: tuple(ComplianceLine(labels[group][key], value(group, key), count)
                     for key, count in sorted(counts[group].items(),
                                              key=lambda item: labels[group][item[0]].casefold()))
        for group in COMPLIANCE_GROUPS
    }
    logger.info("engagement compliance %s to %s: %d of %d on time", window.start, window.end,
                total.on_time, total.due)
    return ComplianceReport(as_of, window, total, groups)


# Logging an activity -----------------------------------------------------------------------


def log_activity(
    session: Session,
    key: str,
    kind: str,
    on: date,
    summary: str,
    as_of: date,
    author: str,
    contact: str | None = None,
) -> tuple[Account, Activity]:
    """Record something done with a customer (inside a unit of work, so it is change-logged).

    Raises:
        ValidationError: unknown kind, a date after ``as_of``, or an empty summary.
        NotFoundError, AmbiguousError: the account or contact cannot be told apart.
    """
    kinds = load_plans(session).activity_kinds
    if kind not in kinds:
        raise ValidationError(f"'{kind}' is not an activity kind; use one of: "
                              f"{', '.join(kinds)} (or add it to the engagement plans)")
    if on > as_of:
        raise ValidationError(f"the activity date {on.isoformat()} is after today "
                              f"({as_of.isoformat()}); log what has happened")
    text = (summary or "").strip()
    if not text:
        raise ValidationError("give a short summary of the activity (--summary \"...\")")
    if len(text) > SUMMARY_LIMIT:
        raise ValidationError(f"the summary has {len(text)} characters; keep it to "
                              f"{SUMMARY_LIMIT} and put the rest in a note")

    account = find_account(session, key)
    contact_id = _find_contact(session, account, contact).id if contact else None
    activity = Activity(account_id=account.id, contact_id=contact_id, kind=kind,
                        occurred_on=on, summary=text, author=author)
    session.add(activity)
    session.flush()
    logger.info("activity %s logged: %s with account %s on %s", activity.id, kind, account.id,
                on.isoformat())
    return account, activity


def _find_contact(session: Session, account: Account, key: str) -> Contact:
    wanted = key.strip().casefold()
    contacts = list(session.scalars(select(Contact).where(Contact.account_id == account.id)))
    matches = [c for c in contacts
               if wanted in (c.full_name.casefold(), (c.email or "").casefold(), str(c.id))]
    if not matches:
        matches = [c for c in contacts if wanted and wanted in c.full_name.casefold()]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        known = ", ".join(sorted(c.full_name for c in contacts)[:8]) or "none recorded"
        raise NotFoundError(f"{account.name} has no contact '{key}' (contacts: {known})")
    names = "; ".join(f"{c.id} {c.full_name}" for c in matches[:5])
    raise AmbiguousError(f"'{key}' matches several contacts of {account.name} ({names}); "
                         "give the e-mail address or id")
