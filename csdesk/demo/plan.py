"""Who is in the demo book: each account's profile, size, market, owner and key dates.

Profiles decide the story the data tells:

- ``healthy``: stable or growing usage, happy contacts, regular touchpoints.
- ``steady``: middling adoption and sentiment (usually yellow).
- ``at_risk``: usage declining for months, detractors, lapsed contact (usually red).
- ``sharp_drop``: healthy until about a month ago, then the champion left and usage
  collapsed; on the as-of date an urgent ticket, a detractor answer and a pulse of 1 push it
  into red (health down far more than 15 points in 30 days).
- ``onboarding``: bought in the last three months and still ramping up.
- ``churned``: contracts ended in the past, with usage fading before the end.

Flags make sure every alert of DOMAIN.md has at least one account that trips it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from csdesk.demo.catalogue import (
    CSMS,
    GROUPS,
    INDUSTRIES,
    MARKETS,
    SEAT_PRICE_USD,
    SIGNATURE_ACCOUNTS,
)
from csdesk.demo.names import NameSource

# Alert scenarios carried by at-risk accounts, handed out in this order.
AT_RISK_FLAGS = (
    "dark_30",
    "urgent_open",
    "recent_detractor",
    "renewal_soon",
    "stale_pulse",
    "sponsor_left",
)
# Scenarios carried by steady accounts.
STEADY_FLAGS = ("dark_7", "usage_drop", "stale_pulse")

CHURNED_SHARE = 0.06
AT_RISK_SHARE = 0.14
STEADY_SHARE = 0.27
ONBOARDING_SHARE = 0.05

# Renewal days ahead for the accounts that must renew soon (while not green).
SOON_RENEWAL_DAYS = {"sharp_drop": 58, "renewal_soon": 40}


@dataclass
class AccountPlan:
    """One account of the book before any row is written."""

    id: int
    name: str
    country: str
    currency: str
    industry: str
    profile: str
    flags: frozenset[str]
    size_tier: int
    strategic: bool
    owner: str
    parent_id: int | None
    domain: str
    seats: int
    arr_usd: Decimal
    shape: str
    customer_since: date
    renewal: date | None
    churned_on: date | None
    rng: random.Random = field(repr=False)
    term_months: int = 12
    tier: int = 3

    @property
    def is_live(self) -> bool:
        """Still a customer (not churned)."""
        return self.churned_on is None


def account_names(count: int, names: NameSource, rng: random.Random) -> list[tuple]:
    """(name, country, parent index) for each account: fixed names first, then Faker's."""
    chosen: list[tuple[str, str, int | None]] = []
    for parent, country, children in GROUPS:
        parent_index = len(chosen)
        chosen.append((parent, country, None))
        chosen.extend((child, child_country, parent_index) for child, child_country in children)
    chosen.extend((name, country, None) for name, country in SIGNATURE_ACCOUNTS)

    seen = {name for name, _, _ in chosen}
    weights = [m.weight for m in MARKETS]
    while len(chosen) < count:
        market = rng.choices(MARKETS, weights)[0]
        name = names.company(market.country)
        if name not in seen:
            seen.add(name)
            chosen.append((name, market.country, None))
    return chosen[:count]


def profile_slots(count: int, rng: random.Random, parents: set[int]) -> list[str]:
    """A profile per account index, in fixed proportions (so every seed tells the same story)."""
    churned = max(1, round(count * CHURNED_SHARE))
    live = count - churned
    at_risk = max(2, round(live * AT_RISK_SHARE))
    steady = max(2, round(live * STEADY_SHARE))
    onboarding = max(1, round(live * ONBOARDING_SHARE))
    healthy = live - at_risk - steady - onboarding - 1
    labels = (
        ["churned"] * churned
        + ["at_risk"] * at_risk
        + ["steady"] * steady
        + ["onboarding"] * onboarding
        + ["sharp_drop"]
        + ["healthy"] * healthy
    )
    rng.shuffle(labels)

    # Parent companies stay customers: swap a churned parent with a healthy account.
    for index in sorted(parents):
        if index < count and labels[index] in ("churned", "onboarding"):
            swap = next(i for i, label in enumerate(labels) if label == "healthy"
                        and i not in parents)
            labels[index], labels[swap] = labels[swap], labels[index]
    return labels


def assign_flags(profiles: list[str]) -> list[set[str]]:
    """Hand the alert scenarios to at-risk and steady accounts, and the sharp drop's own."""
    flags: list[set[str]] = [set() for _ in profiles]
    at_risk = [i for i, p in enumerate(profiles) if p == "at_risk"]
    steady = [i for i, p in enumerate(profiles) if p == "steady"]
    for n, flag in enumerate(AT_RISK_FLAGS):
        flags[at_risk[n % len(at_risk)]].add(flag)
    for n, flag in enumerate(STEADY_FLAGS):
        flags[steady[n % len(steady)]].add(flag)
    sharp = profiles.index("sharp_drop")
    flags[sharp].update({"sponsor_left", "recent_detractor"})
    return flags


def size_tier(profile: str, is_parent: bool, rng: random.Random) -> int:
    """The tier an account's size is drawn for (its real tier follows from its ARR)."""
    if profile == "sharp_drop" or is_parent:
        return 1
    return rng.choices((1, 2, 3), (20, 35, 45))[0]


def target_arr_usd(tier: int, rng: random.Random) -> Decimal:
    """ARR drawn on a log scale inside the tier, kept clear of the 25k and 100k lines."""
    low, high = {1: (112_000, 560_000), 2: (28_000, 90_000), 3: (3_000, 22_000)}[tier]
    value = low * (high / low) ** rng.random()
    return Decimal(round(value, -2))


def contract_shape(tier: int, profile: str, rng: random.Random) -> str:
    """How the account buys: annual, priced monthly or quarterly, multi-year or evergreen."""
    if profile == "onboarding":
        return rng.choice(("annual_auto", "annual_term"))
    if profile == "churned":
        return "annual_term"
    options = {
        1: (("annual_term", 45), ("annual_auto", 25), ("multi_year", 20), ("quarterly", 10)),
        2: (("annual_auto", 40), ("annual_term", 30), ("quarterly", 10), ("monthly", 10),
            ("multi_year", 10)),
        3: (("annual_auto", 45), ("monthly", 25), ("annual_term", 18), ("evergreen", 12)),
    }[tier]
    if profile == "sharp_drop":
        return "annual_term"
    shapes, weights = zip(*options, strict=True)
    return rng.choices(shapes, weights)[0]


def plan_accounts(count: int, seed: int, as_of: date, names: NameSource) -> list[AccountPlan]:
    """Plan ``count`` accounts as of ``as_of``; the same inputs give the same plans."""
    rng = random.Random(f"{seed}:plan")
    named = account_names(count, names, rng)
    parents = {parent for _, _, parent in named if parent is not None}
    profiles = profile_slots(count, rng, parents)
    flags = assign_flags(profiles)
    market_of = {m.country: m for m in MARKETS}

    plans: list[AccountPlan] = []
    for index, (name, country, parent) in enumerate(named):
        own = random.Random(f"{seed}:account:{index}")
        profile = profiles[index]
        tier = size_tier(profile, index in parents, own)
        # A few mid-sized accounts are strategic (a logo, a partner): tier 1 by rule.
        strategic = tier == 2 and own.random() < 0.08
        arr = target_arr_usd(tier, own)
        shape = contract_shape(tier, profile, own)
        if flags[index] & {"renewal_soon"}:
            shape = "annual_term"
        plans.append(
            AccountPlan(
                id=index + 1,
                name=name,
                country=country,
                currency=market_of[country].currency,
                industry=own.choice(INDUSTRIES),
                profile=profile,
                flags=frozenset(flags[index]),
                size_tier=tier,
                strategic=strategic,
                owner=own.choices(CSMS, (3, 3, 2, 2))[0],
                parent_id=parent + 1 if parent is not None else None,
                domain=names.domain(name, country, own),
                seats=max(5, int(arr / SEAT_PRICE_USD[tier])),
                arr_usd=arr,
                shape=shape,
                customer_since=as_of,
                renewal=None,
                churned_on=None,
                rng=own,
            )
        )
    schedule_dates(plans, as_of, rng)
    return plans


def schedule_dates(plans: list[AccountPlan], as_of: date, rng: random.Random) -> None:
    """Set customer-since, renewal and churn dates.

    Dated renewals are spread evenly over the next 365 days (so every month of the next
    twelve has renewals); some multi-year contracts renew 12 to 18 months out.
    """
    spread: list[AccountPlan] = []
    for plan in plans:
        own = plan.rng
        if plan.profile == "churned":
            plan.churned_on = as_of - timedelta(days=own.randint(25, 540))
            plan.customer_since = plan.churned_on - relativedelta(months=12 * own.randint(1, 3))
        elif plan.profile == "onboarding":
            plan.customer_since = as_of - timedelta(days=own.randint(12, 80))
            plan.renewal = plan.customer_since + relativedelta(months=12)
        elif plan.shape == "evergreen":
            plan.customer_since = as_of - timedelta(days=own.randint(150, 1100))
        elif plan.shape == "multi_year" and own.random() < 0.5:
            plan.renewal = as_of + timedelta(days=own.randint(370, 540))
        else:
            spread.append(plan)

    rng.shuffle(spread)
    for key, days in SOON_RENEWAL_DAYS.items():
        _move_to_day(spread, key, days)
    jitter = rng.random()
    for rank, plan in enumerate(spread):
        offset = 3 + int((rank + jitter) * 362 / len(spread))
        plan.renewal = as_of + timedelta(days=offset)

    for plan in plans:
        if plan.renewal is not None and plan.profile != "onboarding":
            plan.customer_since = _start_for(plan, as_of)


def _move_to_day(spread: list[AccountPlan], key: str, days: int) -> None:
    """Put the account with profile or flag ``key`` at the rank that renews near ``days``."""
    holders = [p for p in spread if p.profile == key or key in p.flags]
    for n, plan in enumerate(holders):
        rank = min(len(spread) - 1, int((days - 3) * len(spread) / 362) + n)
        current = spread.index(plan)
        spread[current], spread[rank] = spread[rank], spread[current]


def _start_for(plan: AccountPlan, as_of: date) -> date:
    """First contract start: whole terms before the next renewal, at least 100 days ago."""
    assert plan.renewal is not None
    if plan.shape == "multi_year":
        plan.term_months = plan.rng.choice((24, 36))
    start = plan.renewal - relativedelta(months=plan.term_months)
    while start > as_of - timedelta(days=100):
        start -= relativedelta(months=12)
    extra_years = plan.rng.choice((0, 0, 1, 1, 2, 3))
    return start - relativedelta(months=12 * extra_years)
