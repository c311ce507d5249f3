"""Success plans (outcomes, objectives, milestones) and the business reviews held so far."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from csdesk.demo import texts
from csdesk.demo.engagement import activity
from csdesk.demo.people import Person, pick
from csdesk.demo.plan import AccountPlan
from csdesk.demo.rows import Rows
from csdesk.demo.usage import usage_end, usage_start

PROGRESS = {
    "healthy": (0.6, 1.05),
    "steady": (0.3, 0.65),
    "at_risk": (0.0, 0.3),
    "sharp_drop": (0.5, 0.8),
    "onboarding": (0.0, 0.25),
    "churned": (0.0, 0.3),
}
SUMMARIES = {
    "healthy": "On track: adoption is broad and the first outcomes are reached.",
    "steady": "Progressing slowly: adoption is limited to the core team.",
    "at_risk": "At risk: usage is falling and the sponsor has gone quiet.",
    "sharp_drop": "Was on track until the champion left; usage has collapsed since.",
    "onboarding": "Onboarding: setting up and training the first teams.",
    "churned": "Closed: the customer did not renew.",
}
REVIEW_DAYS = {1: 91, 2: 182}


def wants_plan(plan: AccountPlan) -> bool:
    """Tier 1 needs a success plan; some tier 2 accounts have one as well."""
    if not plan.is_live:
        return False
    return plan.tier == 1 or (plan.tier == 2 and plan.rng.random() < 0.4)


def add_success_plan(rows: Rows, plan: AccountPlan, people: list[Person], as_of: date) -> None:
    """A plan with two or three outcomes, their objectives and the milestones."""
    rng = plan.rng
    chosen = rng.sample(texts.OUTCOMES, rng.randint(2, 3))
    champion = pick(people, as_of, "champion", 0.0)
    risks = texts.RISK_NOTES[plan.id % len(texts.RISK_NOTES)] if plan.profile in (
        "at_risk", "sharp_drop") else None
    plan_id = rows.add(
        "success_plan",
        account_id=plan.id,
        why_they_bought=" ".join(reason for _, reason, _ in chosen),
        success_criteria="; ".join(obj[0] for _, _, objs in chosen for obj in objs),
        executive_summary=SUMMARIES[plan.profile],
        risks=risks,
    )
    for position, (title, reason, objectives) in enumerate(chosen):
        outcome_id = rows.add("outcome", plan_id=plan_id, title=title, description=reason,
                              position=position)
        for n, objective in enumerate(objectives):
            _add_objective(rows, plan, outcome_id, objective, n, champion, as_of)
    _add_milestones(rows, plan, plan_id, champion, as_of)


def _add_objective(
    rows: Rows,
    plan: AccountPlan,
    outcome_id: int,
    objective: tuple[str, str, str, str, str],
    n: int,
    champion: Person | None,
    as_of: date,
) -> None:
    rng = plan.rng
    title, kpi, unit, baseline, target = objective
    low, high = PROGRESS[plan.profile]
    progress = min(1.0, rng.uniform(low, high))
    current = Decimal(baseline) + (Decimal(target) - Decimal(baseline)) * Decimal(
        str(round(progress, 2)))
    due = as_of + timedelta(days=rng.randint(-60, 240))
    if progress >= 1.0:
        status = "done"
    elif plan.profile in ("at_risk", "sharp_drop") or (progress < 0.4 and due < as_of):
        status = "at_risk"
    elif progress == 0:
        status = "not_started"
    else:
        status = "on_track"
    theirs = n % 2 == 1 and champion is not None
    rows.add(
        "objective",
        outcome_id=outcome_id,
        title=title,
        kpi=kpi,
        unit=unit,
        baseline=baseline,
        target=target,
        current=str(current.quantize(Decimal(1))),
        owner=champion.name if theirs and champion else plan.owner,
        owner_side="theirs" if theirs else "ours",
        due_on=due,
        status=status,
    )


def _add_milestones(
    rows: Rows, plan: AccountPlan, plan_id: int, champion: Person | None, as_of: date
) -> None:
    rng = plan.rng
    slow_start = plan.profile == "onboarding" and rng.random() < 0.5
    for title, offset in texts.MILESTONES:
        due = plan.customer_since + timedelta(days=offset + 7)
        done: date | None = plan.customer_since + timedelta(days=offset + rng.randint(-3, 20))
        first_value = title == texts.FIRST_VALUE_MILESTONE
        late_stage = offset > 100 and plan.profile == "at_risk"
        if (done and done > as_of) or late_stage or (first_value and slow_start):
            done = None
        theirs = offset in (14, 120) and champion is not None
        rows.add(
            "milestone",
            plan_id=plan_id,
            title=title,
            due_on=due,
            done_on=done,
            is_first_value=first_value,
            owner=champion.name if theirs and champion else plan.owner,
            owner_side="theirs" if theirs else "ours",
        )


def add_reviews(
    rows: Rows, plan: AccountPlan, people: list[Person], as_of: date, until: date
) -> None:
    """QBRs every quarter (tier 1, every second one an EBR) or half-year (tier 2)."""
    if plan.tier == 3:
        return
    rng = plan.rng
    every = REVIEW_DAYS[plan.tier]
    start = usage_start(plan, as_of)
    last = min(until, usage_end(plan, as_of))
    day = plan.customer_since + timedelta(days=every)
    held: list[tuple[int, date]] = []
    number = 0
    while day <= last:
        number += 1
        if day >= start:
            kind = "EBR" if plan.tier == 1 and number % 2 == 0 else "QBR"
            held.append((_add_review(rows, plan, people, kind, day), day))
        day += timedelta(days=every + rng.randint(-10, 10))
    for review_id, held_on in held[-2:]:
        _add_action_items(rows, plan, people, review_id, held_on, as_of,
                          latest=review_id == held[-1][0])


def _add_review(
    rows: Rows, plan: AccountPlan, people: list[Person], kind: str, day: date
) -> int:
    rng = plan.rng
    lead_role = "executive_sponsor" if kind == "EBR" else "champion"
    lead = pick(people, day, lead_role, 0.0)
    guests = [p for p in people if p.present_on(day) and p is not lead][:2]
    attendees = [f"{plan.owner} (CSM)"] + [f"{p.name} ({plan.name})" for p in
                                            ([lead] if lead else []) + guests]
    agenda = rng.sample(texts.REVIEW_AGENDA, 4)
    summary = f"{kind} with {plan.name}: {agenda[0].lower()} and {agenda[1].lower()}."
    review_id = rows.add(
        "business_review",
        account_id=plan.id,
        kind=kind,
        held_on=day,
        attendees="; ".join(attendees),
        agenda="\n".join(agenda),
        summary=summary,
    )
    activity(rows, plan, kind.lower(), day, f"{kind} held", lead, body=summary)
    return review_id


def _add_action_items(
    rows: Rows,
    plan: AccountPlan,
    people: list[Person],
    review_id: int,
    held_on: date,
    as_of: date,
    latest: bool,
) -> None:
    rng = plan.rng
    champion = pick(people, held_on, "champion", 0.0)
    for title, side in rng.sample(texts.REVIEW_ACTIONS, 2):
        due = held_on + timedelta(days=rng.randint(14, 45))
        done = not latest or rng.random() < 0.3
        closed_on = min(as_of, held_on + timedelta(days=rng.randint(5, 40)))
        owner = champion.name if side == "theirs" and champion else plan.owner
        rows.add(
            "task",
            account_id=plan.id,
            title=title,
            detail=None,
            source="review",
            source_key=None,
            severity=None,
            owner=owner,
            owner_side=side,
            due_on=due,
            status="done" if done else "open",
            snoozed_until=None,
            raised_on=held_on,
            last_seen_on=None,
            closed_at=datetime.combine(closed_on, time(16, 0), tzinfo=UTC) if done else None,
            closed_by=plan.owner if done else None,
            review_id=review_id,
        )
