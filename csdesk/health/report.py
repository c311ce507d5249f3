"""What the faces show about health: one account in full, or one row per account.

The same objects feed the command line (text or ``--json``) and the window. In JSON every
figure carries its definition's name and text (see :mod:`.definitions`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from csdesk.health.attribution import Attribution, attribute_change
from csdesk.health.config import MEASURE_LABELS, Scorecard
from csdesk.health.definitions import figure, rounded
from csdesk.health.history import FLAT_POINTS, HistoryPoint, trend
from csdesk.health.measures import NO_DATA, OFF, STALE, MeasureResult
from csdesk.health.score import Driver, HealthResult, measure_band


def score_figure(result: HealthResult) -> dict[str, Any]:
    return figure("health_score", rounded(result.score), unrounded=result.score,
                  status=result.status, scorecard=result.scorecard,
                  weight_with_data=result.weight_with_data, total_weight=result.total_weight)


def band_figure(result: HealthResult, card: Scorecard) -> dict[str, Any]:
    return figure("health_band", result.band,
                  thresholds={"green": card.bands.green, "yellow": card.bands.yellow})


def trend_figure(result: HealthResult, previous: HealthResult | None) -> dict[str, Any]:
    before = previous.score if previous else None
    change = None if result.score is None or before is None else result.score - before
    return figure("health_trend", trend(result.score, before), change=rounded(change),
                  previous_score=rounded(before),
                  compared_with=previous.day.isoformat() if previous else None,
                  flat_below=FLAT_POINTS)


def driver_figure(driver: Driver) -> dict[str, Any]:
    return figure("shortfall", rounded(driver.shortfall), measure=driver.key,
                  label=MEASURE_LABELS[driver.key], score=rounded(driver.score),
                  normalised_weight=round(driver.normalised_weight, 4))


def measure_figure(m: MeasureResult, result: HealthResult, card: Scorecard) -> dict[str, Any]:
    share = result.normalised_weight(m.key)
    return figure(
        m.key, rounded(m.score), label=MEASURE_LABELS[m.key], status=m.status,
        weight=m.weight, normalised_weight=None if share is None else round(share, 4),
        band=measure_band(m, card), no_data=m.status == NO_DATA, stale=m.status == STALE,
        off=m.status == OFF, explanation=m.explanation, raw=m.raw,
    )


def attribution_figure(attribution: Attribution) -> dict[str, Any]:
    parts = attribution.rounded_parts()
    return figure(
        "change_attribution", float(attribution.rounded_total()),
        start=attribution.start.isoformat(), end=attribution.end.isoformat(),
        exact_total=float(attribution.total),
        parts=[{"measure": key, "label": MEASURE_LABELS[key], "value": float(value),
                "exact": float(attribution.parts[key])} for key, value in parts.items()],
    )


@dataclass(frozen=True)
class AccountHealth:
    """One account's health on a day, compared with 30 days earlier, with its history."""

    account_id: int
    account_name: str
    result: HealthResult
    previous: HealthResult | None
    card: Scorecard
    history: tuple[HistoryPoint, ...] = field(default=())

    @property
    def as_of(self) -> date:
        return self.result.day

    @property
    def trend(self) -> str | None:
        return trend(self.result.score, self.previous.score if self.previous else None)

    @property
    def attribution(self) -> Attribution | None:
        return attribute_change(self.previous, self.result) if self.previous else None

    def to_json(self) -> dict[str, Any]:
        attribution = self.attribution
        return {
            "account": {"id": str(self.account_id), "name": self.account_name},
            "as_of": self.as_of.isoformat(),
            "scorecard": self.result.scorecard,
            "status": self.result.status,
            "health_score": score_figure(self.result),
            "band": band_figure(self.result, self.card),
            "trend": trend_figure(self.result, self.previous),
            "measures": [measure_figure(m, self.result, self.card)
                         for m in self.result.measures],
            "drivers": [driver_figure(d) for d in self.result.drivers()],
            "change_attribution": attribution_figure(attribution) if attribution else None,
            "history": [p.to_json() for p in self.history],
        }


@dataclass(frozen=True)
class PortfolioHealthRow:
    account_id: int
    account_name: str
    owner: str | None
    tier: int | None
    result: HealthResult
    previous: HealthResult | None
    card: Scorecard

    @property
    def trend(self) -> str | None:
        return trend(self.result.score, self.previous.score if self.previous else None)

    @property
    def top_driver(self) -> Driver | None:
        drivers = self.result.drivers()
        return drivers[0] if drivers else None

    def to_json(self) -> dict[str, Any]:
        top = self.top_driver
        return {
            "account": {"id": str(self.account_id), "name": self.account_name},
            "owner": self.owner,
            "tier": self.tier,
            "as_of": self.result.day.isoformat(),
            "status": self.result.status,
            "health_score": score_figure(self.result),
            "band": band_figure(self.result, self.card),
            "trend": trend_figure(self.result, self.previous),
            "top_driver": driver_figure(top) if top else None,
        }
