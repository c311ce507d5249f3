"""Success plans and business reviews: read the plan, edit it, record reviews.

Call the editing functions inside a unit of work (``context.write("user")``) so the change
log records every field changed; deletes leave tombstones through the same log. Every input
is checked before anything is written, and an error names the field and the account.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from csdesk.errors import NotFoundError, ValidationError
from csdesk.models import (
    Account,
    BusinessReview,
    Milestone,
    Objective,
    Outcome,
    SuccessPlan,
    Task,
)
from csdesk.plans import fields
from csdesk.plans.fields import ActionItem
from csdesk.plans.templates import DEFAULT_TEMPLATES, parse_template, template_name_for_tier
from csdesk.plans.view import (
    ActionItemView,
    MilestoneView,
    ObjectiveView,
    OutcomeView,
    PlanView,
    ReviewView,
)
from csdesk.services.accounts import find_account
from csdesk.services.settings import declare, get_setting

logger = logging.getLogger(__name__)

PLAN_TEMPLATES = declare(
    "plans.templates", DEFAULT_TEMPLATES,
    "Success plan templates (tier1, tier2, tier3): outcomes, objectives and milestones",
)


@dataclass(frozen=True)
class FieldChange:
    """One field an edit changed, for the confirmation a face shows."""

    field: str
    old: Any
    new: Any


# Reading -----------------------------------------------------------------------------------


def _tier(account: Account) -> int | None:
    return account.tier_override or account.tier


def find_plan(session: Session, account: Account) -> SuccessPlan | None:
    """The account's success plan, if it has one."""
    return session.scalars(
        select(SuccessPlan).where(SuccessPlan.account_id == account.id)
    ).first()


def _objective_view(o: Objective, as_of: date) -> ObjectiveView:
    return ObjectiveView(
        id=o.id, outcome_id=o.outcome_id, title=o.title, kpi=o.kpi, unit=o.unit,
        baseline=o.baseline, target=o.target, current=o.current, owner=o.owner,
        owner_side=o.owner_side, due_on=o.due_on, status=o.status,
        overdue=o.due_on is not None and o.due_on < as_of and o.status != "done",
    )


def _milestone_view(m: Milestone, as_of: date) -> MilestoneView:
    return MilestoneView(
        id=m.id, title=m.title, due_on=m.due_on, done_on=m.done_on,
        is_first_value=m.is_first_value, owner=m.owner, owner_side=m.owner_side,
        overdue=m.due_on is not None and m.due_on < as_of and m.done_on is None,
    )


def _reviews(session: Session, account_id: int) -> tuple[ReviewView, ...]:
    reviews = session.scalars(
        select(BusinessReview).where(BusinessReview.account_id == account_id)
        .order_by(BusinessReview.held_on.desc(), BusinessReview.id.desc())
    ).all()
    items: dict[int, list[ActionItemView]] = defaultdict(list)
    tasks = session.scalars(
        select(Task).where(Task.review_id.in_([r.id for r in reviews])).order_by(Task.id)
    )
    for task in tasks:
        if task.review_id is not None:
            items[task.review_id].append(ActionItemView(
                task_id=task.id, review_id=task.review_id, title=task.title, owner=task.owner,
                owner_side=task.owner_side, due_on=task.due_on, status=task.status,
            ))
    return tuple(
        ReviewView(
            id=r.id, kind=r.kind, held_on=r.held_on,
            attendees=tuple(a for a in (r.attendees or "").split("\n") if a),
            agenda=r.agenda, summary=r.summary, action_items=tuple(items[r.id]),
        )
        for r in reviews
    )


def plan_view(session: Session, account_key: str, as_of: date) -> PlanView:
    """The account's success plan and its business reviews (an empty view if no plan yet)."""
    account = find_account(session, account_key)
    plan = find_plan(session, account)
    reviews = _reviews(session, account.id)
    if plan is None:
        return PlanView(account.id, account.name, _tier(account), as_of, None, reviews=reviews)

    outcomes = session.scalars(
        select(Outcome).where(Outcome.plan_id == plan.id).order_by(Outcome.position, Outcome.id)
    ).all()
    objectives: dict[int, list[ObjectiveView]] = defaultdict(list)
    for objective in session.scalars(
        select(Objective).where(Objective.outcome_id.in_([o.id for o in outcomes]))
        .order_by(Objective.id)
    ):
        objectives[objective.outcome_id].append(_objective_view(objective, as_of))
    milestones = session.scalars(
        select(Milestone).where(Milestone.plan_id == plan.id)
        .order_by(Milestone.due_on.is_(None), Milestone.due_on, Milestone.id)
    ).all()

    return PlanView(
        account_id=account.id, account_name=account.name, tier=_tier(account), as_of=as_of,
        plan_id=plan.id, why_they_bought=plan.why_they_bought,
        success_criteria=plan.success_criteria, executive_summary=plan.executive_summary,
        risks=plan.risks,
        outcomes=tuple(
            OutcomeView(o.id, o.title, o.description, o.position, tuple(objectives[o.id]))
            for o in outcomes
        ),
        milestones=tuple(_milestone_view(m, as_of) for m in milestones),
        reviews=reviews,
    )


# Starting a plan ---------------------------------------------------------------------------


def _plan_for_edit(session: Session, account: Account) -> SuccessPlan:
    plan = find_plan(session, account)
    if plan is None:
        plan = SuccessPlan(account_id=account.id)
        session.add(plan)
        session.flush()
    return plan


def init_plan(
    session: Session, account_key: str, as_of: date, template: str | None = None
) -> SuccessPlan:
    """Start the account's plan from a template (default: the one for its tier).

    Due dates in the template count from ``as_of``.

    Raises:
        ValidationError: the account already has outcomes or milestones, or the template is
            unknown or malformed.
    """
    account = find_account(session, account_key)
    name = template or template_name_for_tier(_tier(account))
    chosen = parse_template(get_setting(session, PLAN_TEMPLATES.key), name)
    plan = find_plan(session, account)
    if plan is not None:
        outcomes = _count(session, Outcome, Outcome.plan_id == plan.id)
        milestones = _count(session, Milestone, Milestone.plan_id == plan.id)
        if outcomes or milestones:
            raise ValidationError(
                f"{account.name} already has a success plan ({outcomes} outcomes, "
                f"{milestones} milestones); edit it instead of starting from a template"
            )
    plan = _plan_for_edit(session, account)

    for position, outcome_template in enumerate(chosen.outcomes, start=1):
        outcome = Outcome(plan_id=plan.id, title=outcome_template.title,
                          description=outcome_template.description, position=position)
        session.add(outcome)
        session.flush()
        for o in outcome_template.objectives:
            session.add(Objective(
                outcome_id=outcome.id, title=o.title, kpi=o.kpi, unit=o.unit,
                baseline=o.baseline, target=o.target, owner_side=o.owner_side,
                due_on=o.due_on(as_of), status="not_started",
            ))
    for m in chosen.milestones:
        session.add(Milestone(plan_id=plan.id, title=m.title, due_on=m.due_on(as_of),
                              is_first_value=m.first_value, owner_side="ours"))
    session.flush()
    logger.info("success plan %s started for account %s from template %s",
                plan.id, account.id, name)
    return plan


def _count(session: Session, model: Any, *conditions: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0)


# Plan texts ------------------------------------------------------------------------------

PLAN_TEXTS = ("why_they_bought", "success_criteria", "executive_summary", "risks")


def set_plan_texts(
    session: Session, account_key: str, texts: Mapping[str, str | None]
) -> list[FieldChange]:
    """Set any of why they bought, success criteria, executive summary and risks."""
    unknown = set(texts) - set(PLAN_TEXTS)
    if unknown:
        raise ValidationError(f"unknown plan text {', '.join(sorted(unknown))}")
    account = find_account(session, account_key)
    plan = _plan_for_edit(session, account)
    changes = _apply(plan, {k: fields.optional_text(v) for k, v in texts.items()})
    logger.info("success plan %s: %d texts changed", plan.id, len(changes))
    return changes


def _apply(record: Any, values: Mapping[str, Any]) -> list[FieldChange]:
    changes = []
    for name, value in values.items():
        old = getattr(record, name)
        if old != value:
            setattr(record, name, value)
            changes.append(FieldChange(name, old, value))
    return changes


# Outcomes --------------------------------------------------------------------------------


def _outcome(session: Session, account: Account, outcome_id: int) -> Outcome:
    outcome = session.get(Outcome, outcome_id)
    plan = find_plan(session, account)
    if outcome is None or plan is None or outcome.plan_id != plan.id:
        raise NotFoundError(
            f"there is no outcome {outcome_id} in {account.name}'s success plan "
            f"(see `csdesk plan {account.id}`)"
        )
    return outcome


def add_outcome(
    session: Session, account_key: str, title: str, description: str | None = None
) -> Outcome:
    """Add an outcome at the end of the account's plan (started if needed)."""
    account = find_account(session, account_key)
    clean_title = fields.title(title, "the outcome")
    plan = _plan_for_edit(session, account)
    last = session.scalar(select(func.max(Outcome.position)).where(Outcome.plan_id == plan.id))
    outcome = Outcome(plan_id=plan.id, title=clean_title,
                      description=fields.optional_text(description), position=(last or 0) + 1)
    session.add(outcome)
    session.flush()
    logger.info("outcome %s added to success plan %s", outcome.id, plan.id)
    return outcome


def update_outcome(
    session: Session, account_key: str, outcome_id: int, changes: Mapping[str, Any]
) -> list[FieldChange]:
    """Change an outcome's ``title``, ``description`` or ``position``."""
    account = find_account(session, account_key)
    outcome = _outcome(session, account, outcome_id)
    where = f"outcome {outcome_id}"
    values: dict[str, Any] = {}
    for name, value in changes.items():
        if name == "title":
            values[name] = fields.title(value, where)
        elif name == "description":
            values[name] = fields.optional_text(value)
        elif name == "position":
            values[name] = int(value)
        else:
            raise ValidationError(f"{where}: '{name}' cannot be changed")
    applied = _apply(outcome, values)
    logger.info("%s updated: %s", where, ", ".join(c.field for c in applied) or "no change")
    return applied


def delete_outcome(session: Session, account_key: str, outcome_id: int) -> None:
    """Delete an outcome and its objectives (each leaves a tombstone)."""
    account = find_account(session, account_key)
    outcome = _outcome(session, account, outcome_id)
    for objective in session.scalars(select(Objective).where(Objective.outcome_id == outcome.id)):
        session.delete(objective)
    session.flush()
    session.delete(outcome)
    session.flush()
    logger.info("outcome %s deleted", outcome_id)


# Objectives ------------------------------------------------------------------------------

OBJECTIVE_FIELDS = ("outcome_id", "title", "kpi", "unit", "baseline", "target", "current",
                    "owner", "owner_side", "due_on", "status")


def _objective(session: Session, account: Account, objective_id: int) -> Objective:
    objective = session.get(Objective, objective_id)
    plan = find_plan(session, account)
    outcome = session.get(Outcome, objective.outcome_id) if objective else None
    if objective is None or plan is None or outcome is None or outcome.plan_id != plan.id:
        raise NotFoundError(
            f"there is no objective {objective_id} in {account.name}'s success plan "
            f"(see `csdesk plan {account.id}`)"
        )
    return objective


def _objective_values(
    session: Session, account: Account, changes: Mapping[str, Any], where: str
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, value in changes.items():
        if name == "outcome_id":
            values[name] = _outcome(session, account, int(value)).id
        elif name == "title":
            values[name] = fields.title(value, where)
        elif name in ("kpi", "unit", "owner"):
            values[name] = fields.optional_text(value)
        elif name in ("baseline", "target", "current"):
            values[name] = fields.decimal_text(value, f"{where}, {name}")
        elif name == "owner_side":
            values[name] = fields.owner_side(value, where)
        elif name == "status":
            values[name] = fields.status(value, where)
        elif name == "due_on":
            if value is not None and not isinstance(value, date):
                raise ValidationError(f"{where}: the due date must be a date")
            values[name] = value
        else:
            raise ValidationError(f"{where}: '{name}' cannot be changed")
    return values


def add_objective(
    session: Session, account_key: str, outcome_id: int, values: Mapping[str, Any]
) -> Objective:
    """Add an objective under an outcome; ``values`` takes any of :data:`OBJECTIVE_FIELDS`."""
    account = find_account(session, account_key)
    outcome = _outcome(session, account, outcome_id)
    clean = _objective_values(session, account, {**values, "title": values.get("title")},
                              "the new objective")
    clean.pop("outcome_id", None)
    clean.setdefault("owner_side", "ours")
    clean.setdefault("status", "not_started")
    objective = Objective(outcome_id=outcome.id, **clean)
    session.add(objective)
    session.flush()
    logger.info("objective %s added to outcome %s", objective.id, outcome.id)
    return objective


def update_objective(
    session: Session, account_key: str, objective_id: int, changes: Mapping[str, Any]
) -> list[FieldChange]:
    """Change any of :data:`OBJECTIVE_FIELDS`; the change log records old and new values."""
    account = find_account(session, account_key)
    objective = _objective(session, account, objective_id)
    where = f"objective {objective_id}"
    applied = _apply(objective, _objective_values(session, account, changes, where))
    logger.info("%s updated: %s", where, ", ".join(c.field for c in applied) or "no change")
    return applied


def delete_objective(session: Session, account_key: str, objective_id: int) -> None:
    """Delete an objective (it leaves a tombstone)."""
    account = find_account(session, account_key)
    session.delete(_objective(session, account, objective_id))
    session.flush()
    logger.info("objective %s deleted", objective_id)


# Milestones ------------------------------------------------------------------------------

MILESTONE_FIELDS = ("title", "due_on", "done_on", "is_first_value", "owner", "owner_side")


def _milestone(session: Session, account: Account, milestone_id: int) -> Milestone:
    milestone = session.get(Milestone, milestone_id)
    plan = find_plan(session, account)
    if milestone is None or plan is None or milestone.plan_id != plan.id:
        raise NotFoundError(
            f"there is no milestone {milestone_id} in {account.name}'s success plan "
            f"(see `csdesk plan {account.id}`)"
        )
    return milestone


def _milestone_values(changes: Mapping[str, Any], where: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, value in changes.items():
        if name == "title":
            values[name] = fields.title(value, where)
        elif name == "owner":
            values[name] = fields.optional_text(value)
        elif name == "owner_side":
            values[name] = fields.owner_side(value, where)
        elif name in ("due_on", "done_on"):
            if value is not None and not isinstance(value, date):
                raise ValidationError(f"{where}: {name.replace('_on', '')} must be a date")
            values[name] = value
        elif name == "is_first_value":
            values[name] = bool(value)
        else:
            raise ValidationError(f"{where}: '{name}' cannot be changed")
    return values


def _unmark_other_first_value(session: Session, milestone: Milestone) -> None:
    """Only one milestone marks first value: marking one unmarks the one before."""
    others = session.scalars(
        select(Milestone).where(Milestone.plan_id == milestone.plan_id,
                                Milestone.is_first_value.is_(True))
    )
    for other in others:
        if other is not milestone:
            other.is_first_value = False


def add_milestone(session: Session, account_key: str, values: Mapping[str, Any]) -> Milestone:
    """Add a milestone; ``values`` takes any of :data:`MILESTONE_FIELDS` (title required)."""
    account = find_account(session, account_key)
    clean = _milestone_values({**values, "title": values.get("title")}, "the new milestone")
    plan = _plan_for_edit(session, account)
    clean.setdefault("owner_side", "ours")
    clean.setdefault("is_first_value", False)
    milestone = Milestone(plan_id=plan.id, **clean)
    session.add(milestone)
    session.flush()
    if milestone.is_first_value:
        _unmark_other_first_value(session, milestone)
    session.flush()
    logger.info("milestone %s added to success plan %s", milestone.id, plan.id)
    return milestone


def update_milestone(
    session: Session, account_key: str, milestone_id: int, changes: Mapping[str, Any]
) -> list[FieldChange]:
    """Change any of :data:`MILESTONE_FIELDS`; marking first value unmarks the other."""
    account = find_account(session, account_key)
    milestone = _milestone(session, account, milestone_id)
    where = f"milestone {milestone_id}"
    applied = _apply(milestone, _milestone_values(changes, where))
    if milestone.is_first_value:
        _unmark_other_first_value(session, milestone)
    session.flush()
    logger.info("%s updated: %s", where, ", ".join(c.field for c in applied) or "no change")
    return applied


def delete_milestone(session: Session, account_key: str, milestone_id: int) -> None:
    """Delete a milestone (it leaves a tombstone)."""
    account = find_account(session, account_key)
    session.delete(_milestone(session, account, milestone_id))
    session.flush()
    logger.info("milestone %s deleted", milestone_id)


# Business reviews ------------------------------------------------------------------------


def _attendees(attendees: Iterable[str]) -> str | None:
    names = [n.strip() for entry in attendees for n in entry.split(";") if n.strip()]
    return "\n".join(names) or None


def add_review(
    session: Session,
    account_key: str,
    kind: str,
    held_on: date,
    as_of: date,
    attendees: Iterable[str] = (),
    agenda: str | None = None,
    summary: str | None = None,
    actions: Sequence[str | ActionItem] = (),
) -> BusinessReview:
    """Record a QBR or EBR; each action item becomes an open task linked to the review.

    Action items are ``ActionItem`` values or text ``"text;owner;side;due"``; all are read
    before anything is written.
    """
    account = find_account(session, account_key)
    clean_kind = fields.review_kind(kind, f"the review of {account.name}")
    items = [a if isinstance(a, ActionItem) else fields.action_item(a) for a in actions]

    review = BusinessReview(account_id=account.id, kind=clean_kind, held_on=held_on,
                            attendees=_attendees(attendees), agenda=fields.optional_text(agenda),
                            summary=fields.optional_text(summary))
    session.add(review)
    session.flush()
    for number, item in enumerate(items, start=1):
        session.add(Task(
            account_id=account.id, title=item.text,
            detail=f"Action item from the {clean_kind} on {held_on.isoformat()}",
            source="review", source_key=f"review:{review.id}:{number}", review_id=review.id,
            owner=item.owner, owner_side=item.owner_side, due_on=item.due_on,
            raised_on=as_of, last_seen_on=as_of, status="open",
        ))
    session.flush()
    logger.info("%s %s recorded for account %s with %d action items",
                clean_kind, review.id, account.id, len(items))
    return review


def list_reviews(session: Session, account_key: str) -> tuple[ReviewView, ...]:
    """The account's business reviews, newest first, with their action items."""
    account = find_account(session, account_key)
    return _reviews(session, account.id)
