"""Activities on each tier's cadence, CSM pulses and notes (product requests among them)."""

from __future__ import annotations

from datetime import date, timedelta

from csdesk.demo import texts
from csdesk.demo.people import Person, pick
from csdesk.demo.plan import AccountPlan
from csdesk.demo.rows import Rows
from csdesk.demo.usage import usage_end, usage_start

CHECK_IN_DAYS = {1: 14, 2: 30}
EXEC_MEETING_DAYS = {1: 120, 2: 200}
AD_HOC_TOUCHES_PER_DAY = {1: 1 / 10, 2: 1 / 20, 3: 1 / 60}
ONBOARDING_DAYS = (3, 14, 30, 45, 60, 90)
DIGITAL_AUTHOR = "Digital success programme"

PULSE_SCORES = {
    "healthy": (4, 5, 4, 4, 5, 3),
    "steady": (3, 3, 4, 2, 3),
    "at_risk": (2, 2, 1, 3),
    "onboarding": (4, 3, 4),
    "sharp_drop": (4, 4, 5),
    "churned": (2, 3, 2),
}
STALE_PULSE_CHANCE = {"healthy": 0.1, "steady": 0.3, "at_risk": 0.4}


def touch_until(plan: AccountPlan, as_of: date) -> date:
    """The last day the CSM was in touch: at-risk accounts have gone quiet for weeks."""
    if plan.profile == "at_risk" and plan.tier < 3:
        cadence = CHECK_IN_DAYS[plan.tier]
        return as_of - timedelta(days=plan.rng.randint(2 * cadence, 4 * cadence))
    if plan.profile == "sharp_drop":
        return as_of - timedelta(days=10)
    return usage_end(plan, as_of)


def add_activities(
    rows: Rows, plan: AccountPlan, people: list[Person], as_of: date, until: date
) -> None:
    """Onboarding, check-ins, sponsor meetings, ad-hoc touches and digital touches."""
    start = usage_start(plan, as_of)
    _onboarding(rows, plan, people, start, until)
    if plan.tier < 3:
        _check_ins(rows, plan, people, start, until)
        _exec_meetings(rows, plan, people, start, until, as_of)
    _ad_hoc(rows, plan, people, start, until)
    if plan.tier == 3:
        _digital(rows, plan, people, start, usage_end(plan, as_of))
    if plan.profile == "sharp_drop":
        day = as_of - timedelta(days=45)
        activity(rows, plan, "exec_meeting", day, "Executive sponsor meeting",
                 pick(people, day, "executive_sponsor", 0.0))
        activity(rows, plan, "call", until, "Call: our champion has left; agreed a handover",
                 pick(people, until, "user", 0.0))


def activity(
    rows: Rows,
    plan: AccountPlan,
    kind: str,
    day: date,
    summary: str,
    contact: Person | None,
    author: str | None = None,
    body: str | None = None,
) -> None:
    """Add one activity row, written by the account's CSM unless ``author`` says otherwise."""
    rows.add(
        "activity",
        account_id=plan.id,
        contact_id=contact.id if contact else None,
        kind=kind,
        occurred_on=day,
        summary=summary,
        body=body,
        author=author or plan.owner,
    )


def _onboarding(
    rows: Rows, plan: AccountPlan, people: list[Person], start: date, until: date
) -> None:
    for step, offset in zip(texts.ONBOARDING_STEPS, ONBOARDING_DAYS, strict=True):
        day = plan.customer_since + timedelta(days=offset + plan.rng.randint(0, 3))
        if start <= day <= until:
            author = DIGITAL_AUTHOR if plan.tier == 3 and offset > 3 else None
            activity(rows, plan, "onboarding", day, step,
                     pick(people, day, "champion", plan.rng.random()), author)


def _check_ins(
    rows: Rows, plan: AccountPlan, people: list[Person], start: date, until: date
) -> None:
    rng = plan.rng
    cadence = CHECK_IN_DAYS[plan.tier]
    stretch = 1.0 if plan.profile in ("healthy", "sharp_drop", "onboarding") else 1.35
    day = max(start, plan.customer_since + timedelta(days=10)) + timedelta(
        days=rng.randint(0, cadence))
    while day <= until:
        activity(rows, plan, "check_in", day, rng.choice(texts.CHECK_IN_SUMMARIES),
                 pick(people, day, "champion", rng.random()))
        day += timedelta(days=max(5, int(cadence * stretch) - rng.randint(0, 4)))


def _exec_meetings(
    rows: Rows,
    plan: AccountPlan,
    people: list[Person],
    start: date,
    until: date,
    as_of: date,
) -> None:
    rng = plan.rng
    every = EXEC_MEETING_DAYS[plan.tier]
    # Troubled accounts have had no executive contact for months.
    last = until if plan.profile in ("healthy", "sharp_drop") else min(
        until, as_of - timedelta(days=120))
    day = start + timedelta(days=rng.randint(20, every))
    while day <= last:
        sponsor = pick(people, day, "executive_sponsor", rng.random())
        activity(rows, plan, "exec_meeting", day, "Executive sponsor meeting", sponsor)
        day += timedelta(days=every + rng.randint(-20, 20))


def _ad_hoc(
    rows: Rows, plan: AccountPlan, people: list[Person], start: date, until: date
) -> None:
    rng = plan.rng
    rate = AD_HOC_TOUCHES_PER_DAY[plan.tier]
    day = start + timedelta(days=int(rng.expovariate(rate)))
    kinds = (("call", texts.CALL_SUMMARIES), ("email", texts.EMAIL_SUMMARIES),
             ("meeting", texts.MEETING_SUMMARIES))
    while day <= until:
        kind, summaries = rng.choices(kinds, (4, 5, 2))[0]
        activity(rows, plan, kind, day, rng.choice(summaries),
                 pick(people, day, "user", rng.random()))
        day += timedelta(days=1 + int(rng.expovariate(rate)))


def _digital(
    rows: Rows, plan: AccountPlan, people: list[Person], start: date, end: date
) -> None:
    rng = plan.rng
    day = start + timedelta(days=rng.randint(0, 30))
    while day <= end:
        contact = pick(people, day, "champion", rng.random())
        activity(rows, plan, "digital", day, rng.choice(texts.DIGITAL_TOUCHES), contact,
                 DIGITAL_AUTHOR)
        if rng.random() < 0.3:
            webinar_day = day + timedelta(days=rng.randint(1, 20))
            if webinar_day <= end:
                activity(rows, plan, "webinar", webinar_day, rng.choice(texts.WEBINAR_TITLES),
                         pick(people, webinar_day, "user", rng.random()), DIGITAL_AUTHOR)
        day += timedelta(days=rng.randint(25, 35))


def add_pulses(rows: Rows, plan: AccountPlan, as_of: date) -> None:
    """The CSM's 1-5 read every few weeks; some accounts' latest pulse is over 30 days old."""
    rng = plan.rng
    # Tech-touch accounts get a pulse only now and then, unless they are in trouble.
    if plan.tier == 3 and plan.profile != "at_risk" and rng.random() < 0.7:
        return
    end = usage_end(plan, as_of)
    stale = "stale_pulse" in plan.flags or rng.random() < STALE_PULSE_CHANCE.get(plan.profile, 0)
    if stale and plan.is_live:
        end = as_of - timedelta(days=rng.randint(35, 75))
    if plan.profile == "sharp_drop":
        end = as_of - timedelta(days=32)

    day = max(usage_start(plan, as_of), plan.customer_since + timedelta(days=30))
    last_day = day
    while day <= end:
        _pulse(rows, plan, day, rng.choice(PULSE_SCORES[plan.profile]))
        last_day = day
        day += timedelta(days=rng.randint(14, 35))
    if plan.profile == "sharp_drop":
        _pulse(rows, plan, as_of - timedelta(days=32), 4)
        _pulse(rows, plan, as_of - timedelta(days=15), 3)
        _pulse(rows, plan, as_of, 1)
    elif plan.is_live and not stale and last_day < as_of - timedelta(days=25):
        _pulse(rows, plan, as_of - timedelta(days=rng.randint(0, 20)),
               rng.choice(PULSE_SCORES[plan.profile]))


def _pulse(rows: Rows, plan: AccountPlan, day: date, score: int) -> None:
    comment = texts.PULSE_COMMENTS[score] if plan.rng.random() < 0.5 else None
    rows.add("csm_pulse", account_id=plan.id, score=score, recorded_on=day,
             author=plan.owner, comment=comment)


def add_notes(rows: Rows, plan: AccountPlan, as_of: date) -> None:
    """Product requests, risk notes, meeting notes and general remarks."""
    rng = plan.rng
    start, end = usage_start(plan, as_of), usage_end(plan, as_of)
    span = max(1, (end - start).days)

    def some_day(recent_days: int | None = None) -> date:
        """A day in the usage window, or within its last ``recent_days``."""
        if recent_days:
            return max(start, end - timedelta(days=rng.randint(0, recent_days)))
        return start + timedelta(days=rng.randint(0, span))

    requests = {1: rng.randint(1, 3), 2: rng.randint(0, 2), 3: int(rng.random() < 0.3)}
    for title, body in rng.sample(texts.PRODUCT_REQUESTS, requests[plan.tier]):
        _note(rows, plan, f"Request: {title}", body, "request", some_day())
    if plan.profile in ("at_risk", "sharp_drop", "churned"):
        _note(rows, plan, "Renewal risk", rng.choice(texts.RISK_NOTES), "risk", some_day(60))
    if plan.tier < 3 and rng.random() < 0.6:
        _note(rows, plan, "Meeting notes", rng.choice(texts.MEETING_NOTES), "meeting",
              some_day())
    if rng.random() < 0.4:
        _note(rows, plan, None, rng.choice(texts.GENERAL_NOTES), "general", some_day())


def _note(
    rows: Rows, plan: AccountPlan, title: str | None, body: str, category: str, day: date
) -> None:
    rows.add("note", account_id=plan.id, title=title, body=body, category=category,
             written_on=day, author=plan.owner)
