"""The success plan as every face shows it: plain dataclasses for the CLI, window and PDF."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from csdesk.vocabulary import OBJECTIVE_STATUSES


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def progress(baseline: str | None, target: str | None, current: str | None) -> Decimal | None:
    """Share of the way from baseline to target (0 at the baseline, 1 on target).

    Works for targets below the baseline too (a fall in churn, say). None when a value is
    missing or the target equals the baseline. Not clamped: 1.2 means beyond the target.
    """
    if baseline is None or target is None or current is None:
        return None
    start, goal, now = Decimal(baseline), Decimal(target), Decimal(current)
    if goal == start:
        return None
    return ((now - start) / (goal - start)).quantize(Decimal("0.0001"))


@dataclass(frozen=True)
class ObjectiveView:
    """An objective with its KPI values and whether it is overdue."""

    id: int
    outcome_id: int
    title: str
    kpi: str | None
    unit: str | None
    baseline: str | None
    target: str | None
    current: str | None
    owner: str | None
    owner_side: str
    due_on: date | None
    status: str
    overdue: bool

    @property
    def progress(self) -> Decimal | None:
        return progress(self.baseline, self.target, self.current)

    def to_json(self) -> dict[str, Any]:
        ratio = self.progress
        return {
            "id": str(self.id),
            "outcome_id": str(self.outcome_id),
            "title": self.title,
            "kpi": self.kpi,
            "unit": self.unit,
            "baseline": self.baseline,
            "target": self.target,
            "current": self.current,
            "progress": None if ratio is None else str(ratio),
            "owner": self.owner,
            "owner_side": self.owner_side,
            "due_on": _iso(self.due_on),
            "status": self.status,
            "overdue": self.overdue,
        }


@dataclass(frozen=True)
class OutcomeView:
    """A customer outcome and its objectives."""

    id: int
    title: str
    description: str | None
    position: int
    objectives: tuple[ObjectiveView, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "title": self.title,
            "description": self.description,
            "position": self.position,
            "objectives": [o.to_json() for o in self.objectives],
        }


@dataclass(frozen=True)
class MilestoneView:
    """A plan milestone; one may mark first value."""

    id: int
    title: str
    due_on: date | None
    done_on: date | None
    is_first_value: bool
    owner: str | None
    owner_side: str
    overdue: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "title": self.title,
            "due_on": _iso(self.due_on),
            "done_on": _iso(self.done_on),
            "first_value": self.is_first_value,
            "owner": self.owner,
            "owner_side": self.owner_side,
            "overdue": self.overdue,
        }


@dataclass(frozen=True)
class ActionItemView:
    """An action item of a review: the task it became."""

    task_id: int
    review_id: int
    title: str
    owner: str | None
    owner_side: str | None
    due_on: date | None
    status: str

    def to_json(self) -> dict[str, Any]:
        return {
            "task_id": str(self.task_id),
            "review_id": str(self.review_id),
            "title": self.title,
            "owner": self.owner,
            "owner_side": self.owner_side,
            "due_on": _iso(self.due_on),
            "status": self.status,
        }


@dataclass(frozen=True)
class ReviewView:
    """A business review with its attendees and action items."""

    id: int
    kind: str
    held_on: date
    attendees: tuple[str, ...]
    agenda: str | None
    summary: str | None
    action_items: tuple[ActionItemView, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "kind": self.kind,
            "date": self.held_on.isoformat(),
            "attendees": list(self.attendees),
            "agenda": self.agenda,
            "summary": self.summary,
            "action_items": [a.to_json() for a in self.action_items],
        }


@dataclass(frozen=True)
class PlanView:
    """An account's success plan with its recent reviews (``plan_id`` None: no plan yet)."""

    account_id: int
    account_name: str
    tier: int | None
    as_of: date
    plan_id: int | None
    why_they_bought: str | None = None
    success_criteria: str | None = None
    executive_summary: str | None = None
    risks: str | None = None
    outcomes: tuple[OutcomeView, ...] = ()
    milestones: tuple[MilestoneView, ...] = ()
    reviews: tuple[ReviewView, ...] = field(default=())

    @property
    def objectives(self) -> tuple[ObjectiveView, ...]:
        return tuple(o for outcome in self.outcomes for o in outcome.objectives)

    @property
    def first_value(self) -> MilestoneView | None:
        return next((m for m in self.milestones if m.is_first_value), None)

    @property
    def status_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(OBJECTIVE_STATUSES, 0)
        for objective in self.objectives:
            counts[objective.status] += 1
        return counts

    @property
    def open_action_items(self) -> tuple[ActionItemView, ...]:
        return tuple(a for r in self.reviews for a in r.action_items if a.status == "open")

    def to_json(self) -> dict[str, Any]:
        first = self.first_value
        return {
            "account": {"id": str(self.account_id), "name": self.account_name},
            "tier": self.tier,
            "as_of": self.as_of.isoformat(),
            "plan_id": None if self.plan_id is None else str(self.plan_id),
            "why_they_bought": self.why_they_bought,
            "success_criteria": self.success_criteria,
            "executive_summary": self.executive_summary,
            "risks": self.risks,
            "outcomes": [o.to_json() for o in self.outcomes],
            "milestones": [m.to_json() for m in self.milestones],
            "first_value_milestone": None if first is None else str(first.id),
            "objective_status_counts": self.status_counts,
            "reviews": [r.to_json() for r in self.reviews],
        }
