"""Alerts: evaluate the rules for every account and turn what fires into tasks.

A run scores every account on the day and 30 days earlier (set-based, as health does),
asks each rule whether it fires, then raises or refreshes one task per account and reason
through :func:`csdesk.services.tasks.raise_task` (source "alert", key "alert:<rule>").
Whether a closed task comes back is :mod:`csdesk.alerts.occurrences`' call; to tell a new
occurrence from the one the CSM closed, the account's recent days are replayed from its
records.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from functools import partial
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from csdesk.alerts.occurrences import QUIET, TaskMemory, decide
from csdesk.alerts.rules import RULES, AccountState, Alert, evaluate_rules, fires, load_rules
from csdesk.health.config import HealthConfig
from csdesk.health.definitions import figure
from csdesk.health.history import TREND_DAYS
from csdesk.health.score import HealthResult, score_account
from csdesk.models import Task
from csdesk.services.context import AppContext
from csdesk.services.health import (
    compute_health,
    load_facts_on,
    load_health_config,
    load_portfolio_on,
    load_profiles,
    load_series,
    load_timeline,
)
from csdesk.services.settings import declare, get_setting
from csdesk.services.tasks import raise_task

logger = logging.getLogger(__name__)

ALERT_RULES = declare(
    "alerts.rules",
    None,
    "Alert rules: each rule's on/off switch and thresholds (JSON; empty means DOMAIN.md's)",
)
SOURCE = "alert"
DETRACTOR_KEY = "alert:nps_detractor"


def load_alert_rules(session: Session) -> dict[str, dict[str, Any]]:
    return load_rules(get_setting(session, ALERT_RULES.key))


def account_states(
    session: Session, day: date, config: HealthConfig | None = None,
    account_ids: Sequence[int] | None = None,
) -> dict[int, AccountState]:
    """Each account's facts and health on ``day`` and 30 days earlier, set-based."""
    config = config or load_health_config(session)
    profiles = load_profiles(session, account_ids)
    facts = load_facts_on(session, day, profiles, config.options, last_used=True)
    portfolio = load_portfolio_on(session, day, config.options)
    earlier = compute_health(session, day - timedelta(days=TREND_DAYS), config, account_ids)
    return {
        a: AccountState(p, facts[a], portfolio, score_account(p, facts[a], portfolio, config),
                        earlier.get(a), config.options)
        for a, p in profiles.items()
    }


def evaluate_alerts(session: Session, day: date) -> list[Alert]:
    """Every alert firing on ``day``, without touching tasks."""
    rules = load_alert_rules(session)
    return [alert for state in account_states(session, day).values()
            for alert in evaluate_rules(state, rules)]


class _AccountReplay:
    """One account's states on earlier days, from its records, to look back on a rule."""

    def __init__(self, session: Session, account_id: int, config: HealthConfig, day: date):
        profiles = load_profiles(session, [account_id])
        self.series = load_series(session, profiles, config.options, day)[account_id]
        self.timeline = load_timeline(session, config.options, day)
        self.config = config
        self.scores: dict[date, HealthResult] = {}

    def _score(self, day: date) -> HealthResult:
        if day not in self.scores:
            portfolio = self.timeline.facts_on([day])[day]
            self.scores[day] = score_account(self.series.profile, self.series.facts(day),
                                             portfolio, self.config)
        return self.scores[day]

    def state(self, day: date) -> AccountState:
        portfolio = self.timeline.facts_on([day])[day]
        return AccountState(self.series.profile, self.series.facts(day), portfolio,
                            self._score(day), self._score(day - timedelta(days=TREND_DAYS)),
                            self.config.options)


@dataclass(frozen=True)
class AlertChange:
    account_id: int
    account_name: str
    rule: str
    action: str
    task_id: int | None
    title: str
    severity: str | None
    snoozed_until: date | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "account": {"id": str(self.account_id), "name": self.account_name},
            "rule": self.rule, "reason": f"alert:{self.rule}", "action": self.action,
            "task_id": str(self.task_id) if self.task_id is not None else None,
            "title": self.title, "severity": self.severity,
            "snoozed_until": self.snoozed_until.isoformat() if self.snoozed_until else None,
        }


@dataclass(frozen=True)
class AlertRun:
    as_of: date
    changes: tuple[AlertChange, ...]
    cleared: tuple[AlertChange, ...]

    def of(self, action: str) -> list[AlertChange]:
        return [c for c in self.changes if c.action == action]

    def to_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "raised": [c.to_json() for c in self.of("raised")],
            "updated": [c.to_json() for c in self.of("updated")],
            "kept_closed": [c.to_json() for c in self.of("kept closed")],
            "no_longer_firing": [c.to_json() for c in self.cleared],
        }


def _latest_tasks(session: Session) -> dict[tuple[int, str], TaskMemory]:
    """The latest alert task per account and reason: the open one, else the newest."""
    latest: dict[tuple[int, str], Task] = {}
    for task in session.scalars(select(Task).where(Task.source == SOURCE).order_by(Task.id)):
        if task.account_id is None or task.source_key is None:
            continue
        key = (task.account_id, task.source_key)
        held = latest.get(key)
        if held is None or held.status != "open":
            latest[key] = task
    return {key: TaskMemory(t.id, t.status, t.raised_on, t.last_seen_on, t.title, t.severity,
                            t.snoozed_until) for key, t in latest.items()}


@dataclass(frozen=True)
class _Decision:
    state: AccountState
    alert: Alert
    action: str
    task: TaskMemory | None


def _decide_all(session: Session, day: date) -> tuple[list[_Decision], list[AlertChange]]:
    """What to do with each firing alert, and which open alert tasks stopped firing."""
    config = load_health_config(session)
    rules = load_alert_rules(session)
    states = account_states(session, day, config)
    latest = _latest_tasks(session)
    replays: dict[int, _AccountReplay] = {}

    def held_on(rule: str, account_id: int, earlier: date) -> bool:
        if account_id not in replays:
            replays[account_id] = _AccountReplay(session, account_id, config, day)
        return fires(rule, replays[account_id].state(earlier), rules) is not None

    decisions, fired = [], set()
    for account_id, state in states.items():
        for alert in evaluate_rules(state, rules):
            fired.add((account_id, alert.source_key))
            task = latest.get((account_id, alert.source_key))
            action = decide(alert, day, task, partial(held_on, alert.rule, account_id))
            decisions.append(_Decision(state, alert, action, task))

    cleared = [
        AlertChange(a, states[a].profile.name if a in states else "",
                    key.removeprefix("alert:"), "no longer firing", t.task_id, t.title or "",
                    t.severity, t.snoozed_until)
        for (a, key), t in sorted(latest.items())
        if t.status == "open" and (a, key) not in fired
    ]
    return decisions, cleared


def run_alerts(context: AppContext, day: date) -> AlertRun:
    """Evaluate every rule on ``day``, then raise or refresh the tasks in one transaction.

    The evaluation reads; only the task changes hold the write lock, briefly.

    Returns:
        What changed: tasks raised and refreshed, firing alerts kept quiet because their
        task was closed for the same occurrence, and open alert tasks no longer firing.
    """
    with context.read() as session:
        decisions, cleared = _decide_all(session, day)
    with context.write(origin="system", context="alerts") as session:
        changes = [_apply(session, d, day) for d in decisions]
    run = AlertRun(day, tuple(changes), tuple(cleared))
    logger.info("alerts run for %s: %d raised, %d updated, %d kept closed", day.isoformat(),
                len(run.of("raised")), len(run.of("updated")), len(run.of("kept closed")))
    return run


def _apply(session: Session, decision: _Decision, day: date) -> AlertChange:
    alert, profile = decision.alert, decision.state.profile
    if decision.action == QUIET:
        task_id = decision.task.task_id if decision.task else None
        return AlertChange(alert.account_id, profile.name, alert.rule, "kept closed", task_id,
                           alert.title, alert.severity)
    raised = raise_task(
        session, account_id=alert.account_id, source=SOURCE, source_key=alert.source_key,
        title=alert.title, detail=alert.detail, as_of=day, severity=alert.severity,
        owner=profile.owner,
    )
    return AlertChange(alert.account_id, profile.name, alert.rule,
                       "raised" if raised.created else "updated", raised.task.id, alert.title,
                       alert.severity, raised.task.snoozed_until)


@dataclass(frozen=True)
class FollowUpRate:
    """Detractor follow-up tasks raised in a period, and how many of them are closed."""

    start: date
    end: date
    raised: int
    closed: int

    @property
    def rate(self) -> Fraction | None:
        return Fraction(self.closed, self.raised) if self.raised else None

    def to_json(self) -> dict[str, Any]:
        rate = self.rate
        return figure("detractor_follow_up_rate", None if rate is None else float(rate),
                      start=self.start.isoformat(), end=self.end.isoformat(),
                      raised=self.raised, closed=self.closed)


def detractor_follow_up_rate(session: Session, start: date, end: date) -> FollowUpRate:
    """Closed detractor follow-ups / detractor follow-ups raised from ``start`` to ``end``.

    Args:
        session: an open session.
        start: first day of the period (included).
        end: last day of the period (included).

    Returns:
        The counts; ``rate`` is None when no follow-up was raised in the period.
    """
    counts: Mapping[str, int] = dict(session.execute(select(Task.status, func.count()).where(
        Task.source_key == DETRACTOR_KEY, Task.raised_on >= start, Task.raised_on <= end,
    ).group_by(Task.status)).all())
    raised = sum(counts.values())
    return FollowUpRate(start, end, raised, counts.get("done", 0))


__all__ = ["RULES", "AlertChange", "AlertRun", "FollowUpRate", "account_states",
           "detractor_follow_up_rate", "evaluate_alerts", "run_alerts"]
