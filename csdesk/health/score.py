"""An account's health on one day: the measures, the overall score, its band and drivers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from csdesk.health.config import HealthConfig, Scorecard
from csdesk.health.facts import AccountFacts, AccountProfile, PortfolioFacts
from csdesk.health.measures import MeasureInputs, MeasureResult, evaluate
from csdesk.health.scoring import band_of

SCORED = "scored"
INSUFFICIENT = "insufficient_data"


@dataclass(frozen=True, slots=True)
class Driver:
    """What pulls the score down: normalised weight x (100 - score)."""

    key: str
    score: float
    weight: float
    normalised_weight: float
    shortfall: float


@dataclass(frozen=True, slots=True)
class HealthResult:
    account_id: int
    day: date
    scorecard: str
    status: str
    score: float | None
    band: str | None
    measures: tuple[MeasureResult, ...]
    weight_with_data: float
    total_weight: float

    @property
    def is_scored(self) -> bool:
        return self.status == SCORED

    def measure(self, key: str) -> MeasureResult:
        for result in self.measures:
            if result.key == key:
                return result
        raise KeyError(key)

    def normalised_weight(self, key: str) -> float | None:
        result = self.measure(key)
        if not result.has_data or not self.weight_with_data:
            return None
        return result.weight / self.weight_with_data

    def drivers(self) -> list[Driver]:
        """Shortfalls of the measures with data, largest first; they sum to 100 - score."""
        if not self.is_scored:
            return []
        drivers = []
        for m in self.measures:
            if m.has_data and m.score is not None:
                share = m.weight / self.weight_with_data
                drivers.append(Driver(m.key, m.score, m.weight, share, share * (100 - m.score)))
        order = {m.key: i for i, m in enumerate(self.measures)}
        return sorted(drivers, key=lambda d: (-d.shortfall, order[d.key]))


def combine(
    account_id: int, day: date, card: Scorecard, results: tuple[MeasureResult, ...]
) -> HealthResult:
    """Weighted mean of the measures with data; "insufficient data" under half the weight."""
    total = card.total_weight
    weight = weighted = 0.0
    for m in results:
        if m.status == SCORED and m.score is not None:
            weight += m.weight
            weighted += m.weight * m.score
    if weight <= 0 or weight < total / 2:
        return HealthResult(account_id, day, card.name, INSUFFICIENT, None, None, results,
                            weight, total)
    score = weighted / weight
    band = band_of(score, card.bands.green, card.bands.yellow)
    return HealthResult(account_id, day, card.name, SCORED, score, band, results, weight, total)


def score_account(
    profile: AccountProfile,
    facts: AccountFacts,
    portfolio: PortfolioFacts,
    config: HealthConfig,
) -> HealthResult:
    """The account's health on ``facts.day`` under the scorecard of its segment or tier."""
    day = facts.day
    tier = profile.tier_on(day)
    card = config.scorecard_for(tier, profile.segment)
    inputs = MeasureInputs(day, profile, facts, portfolio, config.options, tier)
    results = tuple([evaluate(m, inputs) for m in card.measures])
    return combine(profile.id, day, card, results)


def measure_band(result: MeasureResult, card: Scorecard) -> str | None:
    """A measure's own band: its per-measure thresholds, else the scorecard's."""
    if result.score is None:
        return None
    bands = card.measure(result.key).bands or card.bands
    return band_of(result.score, bands.green, bands.yellow)
