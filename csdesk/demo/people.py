"""Contacts of a demo account: who holds which role, and who has left the company."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from csdesk.demo.catalogue import MARKET_BY_COUNTRY, TITLES
from csdesk.demo.names import NameSource
from csdesk.demo.plan import AccountPlan
from csdesk.demo.rows import Rows

# Days before the as-of date that the sharp-drop account's champion left (the usage collapse
# follows a few days later).
SHARP_DROP_CHAMPION_LEFT = 34


@dataclass(frozen=True)
class Person:
    """A contact as the other generators need it."""

    id: int
    name: str
    roles: frozenset[str]
    left_on: date | None

    def present_on(self, day: date) -> bool:
        """Still at the company on ``day``."""
        return self.left_on is None or day < self.left_on


def role_sets(plan: AccountPlan) -> list[frozenset[str]]:
    """The roles of each contact; small accounts have people wearing several hats."""
    rng = plan.rng
    if plan.size_tier == 3:
        sets = [{"champion", "decision_maker"}, {"billing", "user"}]
        sets += [{"user"} for _ in range(rng.randint(0, 2))]
        if rng.random() < 0.5:
            sets.append({"executive_sponsor"})
    else:
        sets = [{"executive_sponsor"}, {"champion"}, {"decision_maker"}, {"billing"}]
        users = rng.randint(3, 5) if plan.size_tier == 1 else rng.randint(1, 2)
        sets += [{"user"} for _ in range(users)]
        if rng.random() < 0.4:
            sets[0].add("decision_maker")
            sets.pop(2)
    return [frozenset(s) for s in sets]


def departure(plan: AccountPlan, roles: frozenset[str], as_of: date) -> date | None:
    """When this contact left, if they did."""
    rng = plan.rng
    if "champion" in roles and plan.profile == "sharp_drop":
        return as_of - timedelta(days=SHARP_DROP_CHAMPION_LEFT)
    if "champion" in roles and "sponsor_left" in plan.flags:
        return as_of - timedelta(days=rng.randint(4, 24))
    if plan.churned_on is not None and "champion" in roles and rng.random() < 0.4:
        return plan.churned_on - timedelta(days=rng.randint(40, 150))
    if rng.random() < 0.08:
        earliest = max(plan.customer_since, as_of - timedelta(days=700))
        span = (as_of - timedelta(days=60) - earliest).days
        if span > 0:
            return earliest + timedelta(days=rng.randint(0, span))
    return None


def add_contacts(rows: Rows, plan: AccountPlan, names: NameSource, as_of: date) -> list[Person]:
    """Add the account's contacts; returns them for the other generators."""
    rng = plan.rng
    sets = role_sets(plan)
    people: list[Person] = []
    for roles in sets:
        people.append(_add_person(rows, plan, names, roles, departure(plan, roles, as_of)))

    # Healthy accounts whose champion left long ago have found a new one.
    for person in list(people):
        gone_long = person.left_on is not None and person.left_on < as_of - timedelta(days=90)
        if gone_long and "champion" in person.roles and plan.is_live:
            people.append(_add_person(rows, plan, names, frozenset({"champion"}), None))
    if rng.random() < 0.2:
        people.append(_add_person(rows, plan, names, frozenset({"user"}), None))
    return people


def _add_person(
    rows: Rows,
    plan: AccountPlan,
    names: NameSource,
    roles: frozenset[str],
    left_on: date | None,
) -> Person:
    first, last = names.person(plan.country)
    main_role = next(r for r in ("executive_sponsor", "champion", "decision_maker", "billing",
                                 "user") if r in roles)
    generator = names.faker(MARKET_BY_COUNTRY[plan.country].locale)
    contact_id = rows.add(
        "contact",
        account_id=plan.id,
        first_name=first,
        last_name=last,
        email=names.email(first, last, plan.domain),
        title=plan.rng.choice(TITLES[main_role]),
        phone=str(generator.phone_number()),
        roles=",".join(sorted(roles)),
        left_company=left_on is not None,
        left_on=left_on,
    )
    return Person(contact_id, f"{first} {last}", roles, left_on)


def pick(people: list[Person], day: date, role: str, rng_value: float) -> Person | None:
    """A contact with ``role`` still at the company on ``day`` (any present one otherwise)."""
    present = [p for p in people if p.present_on(day)]
    holders = [p for p in present if role in p.roles] or present
    if not holders:
        return None
    return holders[int(rng_value * len(holders)) % len(holders)]
