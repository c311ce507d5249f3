"""One sentence on what a section's figures mean, and one on what to do next.

The sentences are worked out from the figures alone, so they always agree with the table
or chart beside them, and they read well to both the customer and the account team.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from csdesk.reports import numbers as fmt
from csdesk.services.review_data import (
    ActionItems,
    Adoption,
    Commercial,
    HealthView,
    ObjectiveRow,
    SupportView,
    VoiceView,
)

Insight = tuple[str, str]

# What to work on when a health measure pulls the score down most.
MEASURE_ACTIONS = {
    "license_utilisation": "bring the unused licensed seats into regular use with targeted "
                           "enablement",
    "usage_trend": "find out why usage has fallen and agree a plan to restore it",
    "feature_adoption": "introduce the key features the team does not use yet",
    "support": "resolve the open high-priority tickets and review the escalations",
    "sentiment": "follow up on the survey feedback with the people who gave it",
    "engagement": "book the next check-in and an executive sponsor touchpoint",
    "csm_pulse": "refresh the account team's own assessment after the next meeting",
}


def outcomes(objectives: Sequence[ObjectiveRow]) -> Insight:
    """How the objectives stand, and what to do about the first at risk."""
    total = len(objectives)
    done = sum(1 for o in objectives if o.status == "done")
    on_track = sum(1 for o in objectives if o.status == "on_track")
    at_risk = [o for o in objectives if o.status == "at_risk"]
    meaning = (f"{done + on_track} of {total} objectives are done or on track"
               f"{f'; {len(at_risk)} at risk' if at_risk else ''}.")
    if at_risk:
        first = at_risk[0]
        owner = f" with {first.owner}" if first.owner else ""
        return meaning, f"Agree a recovery step for '{first.title}'{owner} this month."
    not_started = [o for o in objectives if o.status == "not_started"]
    if not_started:
        return meaning, f"Set a start date and an owner for '{not_started[0].title}'."
    return meaning, "Keep the current pace and set the targets for the next quarter together."


def adoption(data: Adoption) -> Insight:
    """Daily active users against licensed seats, against the period before."""
    users = data.average_active_users
    seats = data.licensed_seats
    utilisation = data.utilisation
    if utilisation is None or users is None or not seats:
        meaning = f"On average {fmt.number(users)} people used the product each day."
        return meaning, "Confirm the number of licensed seats so adoption can be measured."

    meaning = (f"On average {fmt.number(users)} of {fmt.number(seats)} licensed seats "
               f"({fmt.share(utilisation)}) were active each day")
    previous = data.previous_utilisation
    if previous is not None:
        change = (utilisation - previous) * 100
        direction = "up" if change > 0 else "down" if change < 0 else "unchanged"
        meaning += (f", {direction} from {fmt.share(previous)} the period before"
                    if direction != "unchanged" else ", as in the period before")
    meaning += "."
    unused = max(seats - int(users), 0)
    if utilisation < 0.5:
        action = (f"Plan enablement sessions for the {unused:,} seats not in regular use "
                  "and name a champion for each team.")
    elif utilisation < 0.8:
        action = f"Target the {unused:,} seats not in regular use with role-based training."
    else:
        action = "Adoption is strong: review together whether more teams would benefit."
    return meaning, action


def health(data: HealthView, internal: bool) -> Insight:
    """The score, its 30-day change and (internally) the measure pulling it down."""
    if data.score is None:
        return ("There is not yet enough data to give a health score.",
                "Connect usage and survey data so the score can be calculated.")
    meaning = f"Health is {fmt.number(data.score)} ({data.band or 'unbanded'})"
    if data.change_30d is not None:
        change = data.change_30d
        meaning += (" and flat over 30 days" if abs(change) < 5
                    else f", {fmt.signed(change)} points in 30 days")
    drivers = data.drivers
    if internal and drivers:
        meaning += f"; {drivers[0].label.lower()} pulls it down most"
    meaning += "."
    if not drivers or data.band == "green":
        return meaning, "Keep the current cadence of check-ins and reviews."
    key = drivers[0].key
    action = MEASURE_ACTIONS.get(key, f"work on {drivers[0].label.lower()}")
    return meaning, action[0].upper() + action[1:] + "."


def support(data: SupportView) -> Insight:
    """Ticket volume, time to resolve and escalations."""
    if data.opened == 0:
        return ("No support tickets were opened in the period.",
                "No support follow-up is needed.")
    meaning = (f"{fmt.count(data.opened, 'ticket')} opened and {data.closed} closed; median "
               f"time to resolve was {fmt.hours(data.median_resolution_hours)}")
    meaning += f", with {data.escalations} escalated." if data.escalations else "."
    urgent = dict(data.by_priority).get("urgent", 0)
    if data.escalations:
        action = "Review each escalation with the support lead and agree how to prevent repeats."
    elif urgent:
        action = "Check the root cause of the urgent tickets with the customer's admins."
    elif data.open_at_end:
        action = (f"Close out the {fmt.count(data.open_at_end, 'ticket')} still open at the "
                  "period's end.")
    else:
        action = "No support follow-up is needed."
    return meaning, action


def voice(data: VoiceView) -> Insight:
    """NPS and CSAT, and whom to call."""
    if data.nps is None and data.csat is None:
        return ("No survey answers were received in the period.",
                "Send the next relationship survey to the main contacts.")
    parts = []
    if data.nps is not None:
        parts.append(f"NPS is {fmt.signed(data.nps)} from "
                     f"{fmt.count(data.respondents, 'respondent')} "
                     f"({fmt.count(data.promoters, 'promoter')}, "
                     f"{fmt.count(data.detractors, 'detractor')})")
    if data.csat is not None:
        parts.append(f"{fmt.share(data.csat)} of {fmt.count(data.csat_answers, 'CSAT answer')} "
                     "satisfied")
    meaning = "; ".join(parts) + "."
    if data.detractors:
        return meaning, "Call each detractor, hear the concern and agree one fix with them."
    if data.promoters:
        return meaning, "Invite the promoters to share their story as a reference."
    return meaning, "Ask the passives what would make the product indispensable."


def actions(data: ActionItems, as_of: date) -> Insight:
    """How many of the last review's action items are done and overdue."""
    finished, still_open = len(data.done), len(data.open)
    overdue = sum(1 for a in data.open if a.overdue)
    if data.since is None:
        meaning = (f"There is no earlier review; {fmt.count(len(data.new), 'action item')} "
                   "open.")
    else:
        meaning = (f"{finished} of {fmt.count(finished + still_open, 'action item')} from the "
                   f"review on {fmt.day(data.since)} done")
        meaning += f"; {overdue} overdue." if overdue else "."
    if overdue:
        return meaning, "Close or re-plan the overdue items, with a new date and owner for each."
    if still_open or data.new:
        return meaning, "Confirm the owner and date of each open item before the next review."
    return meaning, "All items are closed: agree the actions for the next quarter."


def commercial(data: Commercial, as_of: date) -> Insight:
    """ARR and how soon it renews."""
    if data.next_renewal is None:
        return (f"Annual recurring revenue is {fmt.money(data.arr)}, with no dated renewal.",
                "Review the contract terms and confirm how the subscription continues.")
    days = (data.next_renewal - as_of).days
    meaning = (f"Annual recurring revenue is {fmt.money(data.arr)}; the next renewal is on "
               f"{fmt.day(data.next_renewal)}, in {days} days.")
    if days <= 90:
        action = "Agree the renewal terms and start the paperwork now."
    elif days <= 180:
        action = "Share the value summary with the sponsor ahead of the renewal conversation."
    else:
        action = "Keep building the value case for the renewal and any expansion."
    return meaning, action
