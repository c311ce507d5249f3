"""How the book is spread: customers per health band and accounts per journey stage."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from csdesk.metrics.inputs import AccountFacts, HealthReading
from csdesk.metrics.results import Metric
from csdesk.vocabulary import JOURNEY_STAGES

BANDS = ("green", "yellow", "red")


def latest_readings(readings: Iterable[HealthReading], until: date) -> dict[int, HealthReading]:
    """Each account's latest health reading on or before ``until``."""
    latest: dict[int, HealthReading] = {}
    for reading in readings:
        if reading.as_of > until:
            continue
        held = latest.get(reading.account_id)
        if held is None or reading.as_of > held.as_of:
            latest[reading.account_id] = reading
    return latest


def health_distribution(
    customers: Sequence[int], latest: dict[int, HealthReading], any_readings: bool, until: date
) -> Metric:
    """Customers per band; those unscored or never scored are counted apart."""
    if not any_readings:
        return Metric.no_data(
            "health_distribution", f"no health snapshots on or before {until.isoformat()}"
        )
    counts = dict.fromkeys((*BANDS, "insufficient_data", "no_snapshot"), 0)
    for account_id in customers:
        reading = latest.get(account_id)
        if reading is None:
            counts["no_snapshot"] += 1
        elif reading.band in BANDS:
            counts[reading.band] += 1
        else:
            counts["insufficient_data"] += 1
    scored = sum(counts[band] for band in BANDS)
    return Metric.of(
        "health_distribution", scored, denominator=len(customers),
        parts=tuple(counts.items()),
        note="value: customers with a health band" if customers else "no customers at period end",
    )


def stage_counts(accounts: Sequence[AccountFacts], until: date) -> Metric:
    """Accounts that have started a contract by ``until``, per journey stage."""
    counts = dict.fromkeys((*JOURNEY_STAGES, "unknown"), 0)
    counted = [a for a in accounts if any(c.start <= until for c in a.contracts)]
    for account in counted:
        stage = account.stage if account.stage in JOURNEY_STAGES else None
        counts[stage or "unknown"] += 1
    if not counted:
        return Metric.no_data("journey_stages", "no account had started a contract")
    return Metric.of(
        "journey_stages", len(counted), parts=tuple(counts.items()),
        note="each account's current stage (its manual override when set)",
    )
