"""Support cases with their CSAT answers, and relationship surveys (NPS and CSAT)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from csdesk.demo.people import Person, pick
from csdesk.demo.plan import AccountPlan
from csdesk.demo.rows import Rows
from csdesk.demo.texts import CASE_SUBJECTS, CSAT_COMMENTS, NPS_COMMENTS
from csdesk.demo.usage import usage_end, usage_start

CASES_PER_DAY = {1: 1 / 30, 2: 1 / 60, 3: 1 / 150}
PRIORITY_WEIGHTS = {
    "calm": (30, 55, 12, 3),
    "troubled": (15, 45, 28, 12),
}
PRIORITIES = ("low", "normal", "high", "urgent")
ESCALATION_CHANCE = {"low": 0.0, "normal": 0.03, "high": 0.15, "urgent": 0.45}
RESOLUTION_HOURS = {"low": (24, 480), "normal": (8, 240), "high": (4, 120), "urgent": (2, 48)}
FIRST_RESPONSE_MINUTES = {"low": (120, 1440), "normal": (60, 600), "high": (15, 240),
                          "urgent": (5, 60)}

NPS_SCORES = {
    "healthy": (10, 10, 9, 9, 9, 8, 8, 7, 6),
    "steady": (9, 8, 8, 7, 7, 6, 6, 5),
    "troubled": (7, 6, 5, 4, 3, 2, 6),
    "onboarding": (9, 8, 8, 7, 10),
}
CSAT_SCORES = {
    "healthy": (5, 5, 4, 4, 3),
    "steady": (4, 4, 3, 3, 5, 2),
    "troubled": (3, 2, 2, 1, 4),
    "onboarding": (5, 4, 4, 3),
}
SUPPORT_CSAT_SCORES = {
    "healthy": (5, 5, 5, 4, 4, 3),
    "steady": (5, 4, 4, 3, 3, 2),
    "troubled": (4, 3, 2, 2, 1, 3),
    "onboarding": (5, 4, 4, 3),
}
TROUBLED_PROFILES = ("at_risk", "churned")


def instant(day: date, hour: int, minute: int = 0) -> datetime:
    """An aware UTC instant on ``day`` at the given time."""
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


def add_support(rows: Rows, plan: AccountPlan, people: list[Person], as_of: date) -> None:
    """Tickets at a rate that grows with the account, more and worse when it is in trouble."""
    rng = plan.rng
    start, end = usage_start(plan, as_of), usage_end(plan, as_of)
    troubled = plan.profile in TROUBLED_PROFILES
    rate = CASES_PER_DAY[plan.size_tier] * (1.8 if troubled else 1.0)
    weights = PRIORITY_WEIGHTS["troubled" if troubled else "calm"]

    day = start + timedelta(days=int(rng.expovariate(rate)))
    while day <= end:
        priority = rng.choices(PRIORITIES, weights)[0]
        if plan.profile == "sharp_drop":
            # A calm account until the day it tips over.
            _add_case(rows, plan, people, day, priority, as_of, end, escalated=False)
        else:
            _add_case(rows, plan, people, day, priority, as_of, end)
        day += timedelta(days=1 + int(rng.expovariate(rate)))

    if plan.profile == "at_risk":
        # Trouble shows in support: a high ticket still open, often an escalation as well.
        opened = as_of - timedelta(days=rng.randint(3, 20))
        _add_case(rows, plan, people, opened, "high", as_of, end, keep_open=True)
        if rng.random() < 0.5:
            opened = as_of - timedelta(days=rng.randint(25, 80))
            _add_case(rows, plan, people, opened, "high", as_of, end, escalated=True)
    if "urgent_open" in plan.flags:
        opened = as_of - timedelta(days=rng.randint(9, 20))
        _add_case(rows, plan, people, opened, "urgent", as_of, end, keep_open=True,
                  escalated=True)
    if plan.profile == "sharp_drop":
        # The day the account tips into red: two urgent tickets, both escalated.
        for hour in (9, 14):
            _add_case(rows, plan, people, as_of, "urgent", as_of, end, keep_open=True,
                      escalated=True, hour=hour)


def _add_case(
    rows: Rows,
    plan: AccountPlan,
    people: list[Person],
    day: date,
    priority: str,
    as_of: date,
    end: date,
    keep_open: bool = False,
    escalated: bool | None = None,
    hour: int | None = None,
) -> None:
    rng = plan.rng
    opened = instant(day, hour if hour is not None else rng.randint(6, 17), rng.randint(0, 59))
    low, high = RESOLUTION_HOURS[priority]
    closed: datetime | None = opened + timedelta(hours=rng.uniform(low, high))
    last_moment = instant(end, 23, 0)
    if keep_open:
        closed = None
    elif closed is not None and closed > last_moment:
        # Cases still running on the as-of date: minor ones stay open; serious ones only
        # stay open at accounts that are in trouble (so healthy accounts keep healthy support).
        in_trouble = plan.profile in ("at_risk", "sharp_drop")
        if plan.churned_on is None and (priority in ("low", "normal") or in_trouble):
            closed = None
        else:
            closed = max(opened + timedelta(minutes=30), last_moment - timedelta(hours=1))
    if escalated is None:
        escalated = rng.random() < ESCALATION_CHANCE[priority]
    low_minutes, high_minutes = FIRST_RESPONSE_MINUTES[priority]
    contact = pick(people, day, "user", rng.random())
    case_id = rows.add(
        "support_case",
        account_id=plan.id,
        subject=rng.choice(CASE_SUBJECTS),
        priority=priority,
        opened_at=opened,
        closed_at=closed,
        escalated=escalated,
        first_response_minutes=rng.randint(low_minutes, high_minutes),
    )
    if closed is not None and rng.random() < 0.45:
        answered = closed.date() + timedelta(days=rng.randint(0, 2))
        if answered <= min(as_of, end):
            mood = _mood(plan, answered, as_of)
            score = rng.choice(SUPPORT_CSAT_SCORES[mood])
            _answer(rows, plan, contact, "csat", "support", score, 1, 5, answered,
                    _csat_comment(plan, score), case_id=case_id)


def _mood(plan: AccountPlan, day: date, as_of: date) -> str:
    """How the customer feels on ``day``: troubled accounts sour in their last months."""
    if plan.profile == "onboarding":
        return "onboarding"
    if plan.profile in TROUBLED_PROFILES:
        end = plan.churned_on or as_of
        return "troubled" if (end - day).days < 200 else "steady"
    if plan.profile == "sharp_drop":
        return "healthy"
    return plan.profile


def survey_moments(plan: AccountPlan, as_of: date) -> list[date]:
    """90, 180 and 270 days after purchase, then every 180 days (DOMAIN.md)."""
    start, end = usage_start(plan, as_of), usage_end(plan, as_of)
    moments = [plan.customer_since + timedelta(days=d) for d in (90, 180, 270)]
    while moments[-1] + timedelta(days=180) <= end:
        moments.append(moments[-1] + timedelta(days=180))
    return [m for m in moments if start <= m <= end]


def add_surveys(rows: Rows, plan: AccountPlan, people: list[Person], as_of: date) -> None:
    """NPS and relationship CSAT answers at the moments of truth, plus scenario answers."""
    rng = plan.rng
    end = usage_end(plan, as_of)
    for moment in survey_moments(plan, as_of):
        for person in people:
            if person.roles == {"billing"} or not person.present_on(moment):
                continue
            answered = min(end, moment + timedelta(days=rng.randint(0, 10)))
            mood = _mood(plan, answered, as_of)
            if rng.random() < 0.5:
                score = rng.choice(NPS_SCORES[mood])
                _answer(rows, plan, person, "nps", None, score, 0, 10, answered,
                        _nps_comment(plan, score))
            if rng.random() < 0.35:
                score = rng.choice(CSAT_SCORES[mood])
                _answer(rows, plan, person, "csat", "relationship", score, 1, 5, answered,
                        _csat_comment(plan, score))
    _add_scenario_answers(rows, plan, people, as_of)


def _add_scenario_answers(
    rows: Rows, plan: AccountPlan, people: list[Person], as_of: date
) -> None:
    rng = plan.rng
    if plan.profile == "at_risk":
        day = as_of - timedelta(days=rng.randint(40, 200))
        person = pick(people, day, "champion", rng.random())
        _answer(rows, plan, person, "nps", None, rng.randint(3, 6), 0, 10, day,
                rng.choice(NPS_COMMENTS["detractor"]))
    if "recent_detractor" in plan.flags and plan.profile != "sharp_drop":
        day = as_of - timedelta(days=rng.randint(3, 20))
        person = pick(people, day, "user", rng.random())
        score = rng.randint(2, 5)
        _answer(rows, plan, person, "nps", None, score, 0, 10, day,
                rng.choice(NPS_COMMENTS["detractor"]))
    if plan.profile == "sharp_drop":
        earlier = as_of - relativedelta(months=2, days=rng.randint(5, 20))
        sponsor = pick(people, as_of, "executive_sponsor", 0.0)
        others = [p for p in people if p.present_on(as_of) and p is not sponsor][:2]
        for person, score in zip(others, (9, 8), strict=False):
            _answer(rows, plan, person, "nps", None, score, 0, 10, earlier,
                    _nps_comment(plan, score))
        _answer(rows, plan, sponsor, "csat", "relationship", 5, 1, 5, earlier, None)
        # On the as-of date the sponsor answers in anger.
        _answer(rows, plan, sponsor, "nps", None, 2, 0, 10, as_of,
                "Since our champion left nobody from your side has helped us.")
        _answer(rows, plan, sponsor, "csat", "relationship", 2, 1, 5, as_of, None)


def _answer(
    rows: Rows,
    plan: AccountPlan,
    person: Person | None,
    kind: str,
    topic: str | None,
    score: int,
    low: int,
    high: int,
    day: date,
    comment: str | None,
    case_id: int | None = None,
) -> None:
    rows.add(
        "survey_response",
        account_id=plan.id,
        contact_id=person.id if person else None,
        case_id=case_id,
        kind=kind,
        topic=topic,
        score=score,
        scale_min=low,
        scale_max=high,
        answered_on=day,
        comment=comment,
    )


def _nps_comment(plan: AccountPlan, score: int) -> str | None:
    if plan.rng.random() > 0.45:
        return None
    bucket = "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"
    return plan.rng.choice(NPS_COMMENTS[bucket])


def _csat_comment(plan: AccountPlan, score: int) -> str | None:
    if plan.rng.random() > 0.3:
        return None
    return plan.rng.choice(CSAT_COMMENTS["satisfied" if score >= 4 else "unsatisfied"])
