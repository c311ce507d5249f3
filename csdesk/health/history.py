"""Health history: which days get a snapshot, what a snapshot holds, and the trend.

The last 90 days are kept day by day; older history keeps one snapshot a week, on Mondays,
so a chart of two years stays light. As days pass, daily snapshots that leave the 90-day
window are thinned to their Mondays.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from csdesk.health.measures import MeasureResult
from csdesk.health.score import HealthResult

DAILY_DAYS = 90
TREND_DAYS = 30
FLAT_POINTS = 5.0
WEEKLY = "weekly"
DAILY = "daily"


@dataclass(frozen=True)
class HistoryPoint:
    """One stored snapshot, as a history chart or table shows it."""

    day: date
    status: str
    score: float | None
    band: str | None
    granularity: str

    def to_json(self) -> dict[str, Any]:
        return {"as_of": self.day.isoformat(), "status": self.status,
                "score": None if self.score is None else round(self.score, 2),
                "band": self.band, "granularity": self.granularity}


def daily_start(as_of: date) -> date:
    """First day kept day by day when history is brought up to ``as_of``."""
    return as_of - timedelta(days=DAILY_DAYS - 1)


def snapshot_days(first: date, as_of: date, since: date | None = None) -> Iterator[
        tuple[date, str]]:
    """The days from ``first`` (or ``since``) to ``as_of`` that get a snapshot, oldest first.

    Args:
        first: the account's earliest dated input.
        as_of: the last day.
        since: skip days before this one.

    Yields:
        ``(day, granularity)``: Mondays before the daily window, then every day in it.
    """
    start = max(first, since) if since else first
    recent = daily_start(as_of)
    monday = start + timedelta(days=(7 - start.weekday()) % 7)
    while monday < recent and monday <= as_of:
        yield monday, WEEKLY
        monday += timedelta(days=7)
    day = max(start, recent)
    while day <= as_of:
        yield day, DAILY
        day += timedelta(days=1)


def trend(now: float | None, before: float | None) -> str | None:
    """up, down or flat (a change under 5 points); None without two scores."""
    if now is None or before is None:
        return None
    change = now - before
    if abs(change) < FLAT_POINTS:
        return "flat"
    return "up" if change > 0 else "down"


def measure_json(result: MeasureResult) -> dict[str, Any]:
    """A measure as a snapshot stores it: status, score, weight and raw inputs.

    The key features themselves are the portfolio's, the same in every account's snapshot:
    a snapshot keeps how many there were and which ones the account used.
    """
    raw = result.raw
    if "key_features" in raw:
        raw = {k: v for k, v in raw.items() if k not in ("key_features", "key_features_source")}
        raw["key_feature_count"] = len(result.raw["key_features"])
    return {"status": result.status, "score": result.score, "weight": result.weight,
            "raw": raw}


def snapshot_measures(result: HealthResult) -> str:
    """The snapshot's ``measures`` column: every measure's status, score, weight and inputs."""
    return json.dumps({m.key: measure_json(m) for m in result.measures},
                      separators=(",", ":"), default=str)


def snapshot_row(result: HealthResult, granularity: str) -> dict[str, Any]:
    """A health_snapshot row for a bulk insert."""
    return {
        "account_id": result.account_id,
        "as_of": result.day,
        "granularity": granularity,
        "status": result.status,
        "score": result.score,
        "band": result.band,
        "scorecard": result.scorecard,
        "measures": snapshot_measures(result),
    }
