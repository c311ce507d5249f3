"""Two years of daily product usage per account, and how often each feature was used.

Each profile follows a level curve (the share of licensed seats active on a weekday):
healthy accounts hold or grow, at-risk and churned accounts fade for months, the sharp-drop
account collapses a month before the as-of date. Weekends and the year-end holidays dip.
Feature rows exist only for days a feature was used, which keeps the table small.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta

from csdesk.demo.catalogue import FEATURES
from csdesk.demo.plan import AccountPlan

HISTORY_DAYS = 730
WEEKEND_FACTOR = {5: 0.22, 6: 0.15}
HOLIDAY_FACTOR = 0.35
# Days before the as-of date when the sharp-drop account's usage starts to collapse.
SHARP_DROP_DAYS = 31
FEATURE_RATE = 0.035


@dataclass(frozen=True)
class Curve:
    """Parameters of one account's usage level over time."""

    plateau: float
    late: float
    decline_days: int
    growth: float
    dark_days: int
    drop_days: int
    drop_factor: float


def usage_start(plan: AccountPlan, as_of: date) -> date:
    """The first day with usage: purchase, or two years before the as-of date."""
    return max(plan.customer_since, as_of - timedelta(days=HISTORY_DAYS - 1))


def usage_end(plan: AccountPlan, as_of: date) -> date:
    """The last day with usage: the as-of date, or the day before the account churned."""
    return plan.churned_on - timedelta(days=1) if plan.churned_on else as_of


def make_curve(plan: AccountPlan) -> Curve:
    """Draw the account's usage curve from its profile and flags."""
    rng = plan.rng
    profile = plan.profile
    plateau = {
        "healthy": rng.uniform(0.62, 0.85),
        "steady": rng.uniform(0.38, 0.52),
        "at_risk": rng.uniform(0.45, 0.6),
        "sharp_drop": 0.8,
        "onboarding": rng.choice((rng.uniform(0.5, 0.75), rng.uniform(0.25, 0.35))),
        "churned": rng.uniform(0.35, 0.55),
    }[profile]
    late = {"at_risk": rng.uniform(0.1, 0.17), "churned": rng.uniform(0.05, 0.12),
            "sharp_drop": 0.1}.get(profile, plateau)
    decline = {"at_risk": rng.randint(80, 160), "churned": rng.randint(100, 160),
               "sharp_drop": SHARP_DROP_DAYS}.get(profile, 0)
    growth = rng.uniform(0.0, 0.15) if profile == "healthy" else rng.uniform(-0.05, 0.05)
    dark = 0
    if "dark_7" in plan.flags:
        dark = rng.randint(9, 13)
    if "dark_30" in plan.flags:
        dark = rng.randint(35, 50)
    drop_days, drop_factor = (35, 0.6) if "usage_drop" in plan.flags else (0, 1.0)
    return Curve(plateau, late, decline, growth, dark, drop_days, drop_factor)


def level_on(curve: Curve, plan: AccountPlan, day: date, end: date, start: date) -> float:
    """Expected share of seats active on a weekday ``day``."""
    before_end = (end - day).days
    position = (day - start).days / HISTORY_DAYS
    level = curve.plateau * (1 + curve.growth * (position - 0.5))

    if before_end < curve.decline_days:
        if plan.profile == "sharp_drop":
            # Falls over five days, then stays at the floor.
            progress = min(1.0, (curve.decline_days - before_end) / 5)
        else:
            progress = (curve.decline_days - before_end) / curve.decline_days
        level = level + (curve.late - level) * progress
    if before_end < curve.drop_days:
        level *= curve.drop_factor
    if before_end < curve.dark_days:
        return 0.0

    since_purchase = (day - plan.customer_since).days
    if since_purchase < 75:
        level *= 0.15 + 0.85 * since_purchase / 75
    return level


def day_factor(day: date) -> float:
    """Weekend and year-end holiday dip of ``day``."""
    factor = WEEKEND_FACTOR.get(day.weekday(), 1.0)
    if (day.month == 12 and day.day >= 24) or (day.month == 1 and day.day == 1):
        factor *= HOLIDAY_FACTOR
    return factor


def adopted_features(plan: AccountPlan) -> list[tuple[str, float]]:
    """The features this account uses, most used first."""
    rng = plan.rng
    low, high = {"healthy": (8, 15), "steady": (5, 8), "at_risk": (4, 7), "sharp_drop": (10, 11),
                 "onboarding": (4, 8), "churned": (3, 6)}[plan.profile]
    count = rng.randint(low, high)
    ranked = sorted(FEATURES, key=lambda f: -f[1] * rng.uniform(0.6, 1.4))
    return sorted(ranked[:count], key=lambda f: -f[1])


def generate_usage(
    plan: AccountPlan, as_of: date
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """Daily usage rows and feature rows of one account, oldest first."""
    rng = random.Random(plan.rng.random())
    curve = make_curve(plan)
    features = adopted_features(plan)
    start, end = usage_start(plan, as_of), usage_end(plan, as_of)
    usage: list[dict[str, object]] = []
    feature_rows: list[dict[str, object]] = []

    # A fading account keeps only its core features.
    narrow_days = curve.decline_days * (1.0 if plan.profile == "sharp_drop" else 0.6)
    core = {"sharp_drop": 3, "at_risk": 1}.get(plan.profile, 2)
    day = start
    while day <= end:
        level = level_on(curve, plan, day, end, start)
        noise = max(0.0, rng.gauss(1.0, 0.07))
        active = int(plan.seats * level * day_factor(day) * noise + rng.random())
        active = min(active, plan.seats)
        sessions = int(active * rng.uniform(1.6, 2.4) + 0.5)
        events = int(sessions * rng.uniform(18, 30) + 0.5)
        usage.append({"account_id": plan.id, "day": day, "active_users": active,
                      "sessions": sessions, "events": events})
        if active:
            used = features[:core] if (end - day).days < narrow_days else features
            _feature_day(feature_rows, plan.id, day, active, used, rng)
        day += timedelta(days=1)
    return usage, feature_rows


def _feature_day(
    rows: list[dict[str, object]],
    account_id: int,
    day: date,
    active: int,
    features: list[tuple[str, float]],
    rng: random.Random,
) -> None:
    reach = 1 + math.log1p(active) / 2
    for name, popularity in features:
        if rng.random() < min(0.9, FEATURE_RATE * (0.5 + popularity) * reach):
            count = max(1, int(active * popularity * rng.uniform(0.3, 1.2)))
            rows.append({"account_id": account_id, "day": day, "feature": name,
                         "count": count, "duration_secs": count * rng.randint(20, 240),
                         "errors": int(count * rng.random() * 0.02)})
