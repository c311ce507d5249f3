"""Names and definitions of every figure health and alerts show, so a reader can look it up.

Each figure in the JSON output is ``{"name": ..., "definition": ..., "value": ...}``; the
definitions below say where in DOMAIN.md the rule comes from and how csdesk reads it.
"""

from __future__ import annotations

from typing import Any

DEFINITIONS: dict[str, str] = {
    "health_score": "DOMAIN.md Health score: weighted mean of the measures with data, 0-100 "
    "(sum of weight x score / sum of weights); not scored with data for less than half the "
    "weight",
    "health_band": "DOMAIN.md Health score: green >= 70, yellow >= 40, red below (the "
    "scorecard's thresholds), on the unrounded score",
    "health_trend": "DOMAIN.md Health score, History: score now minus the score 30 days "
    "earlier; a change under 5 points is flat",
    "measure_score": "DOMAIN.md Health score: the measure's 0-100 score, piecewise linear "
    "between the scorecard's points",
    "measure_weight": "DOMAIN.md Health score: the measure's weight in the scorecard",
    "normalised_weight": "weight / sum of the weights of the measures with data",
    "shortfall": "DOMAIN.md Health score, Drivers: normalised weight x (100 - score); the "
    "shortfalls add up to 100 - health score",
    "change_attribution": "DOMAIN.md Health score, Drivers: the change between two dates split "
    "per measure; parts add up to the total change (symmetric numerator/denominator split)",
    "license_utilisation": "DOMAIN.md License utilisation: u = average daily active users over "
    "the last 30 days / licensed seats",
    "usage_trend": "DOMAIN.md Usage trend: r = average daily usage over the last 30 days / over "
    "the 90 days before, minus 1",
    "feature_adoption": "DOMAIN.md Feature adoption: a = key features used in the last 30 days "
    "/ key features (default: the 10 most used across the portfolio in the last 90 days)",
    "support": "DOMAIN.md Support: 100 minus 25 per open urgent ticket, 10 per open high "
    "ticket, 15 per escalation, 20 if support CSAT < 60% (90 days), floor 0",
    "sentiment": "DOMAIN.md Sentiment: (account NPS + 100) / 2, averaged with the relationship "
    "CSAT percentage when both exist (12 months)",
    "engagement": "DOMAIN.md Engagement: d = days since the last CSM touchpoint against the "
    "tier's check-in cadence c; 100 at d <= c, 0 at d >= 3c, minus 20 without an "
    "executive-sponsor touch in 90 days (tiers 1 and 2)",
    "csm_pulse": "DOMAIN.md CSM pulse: the CSM's 1-5 read (1 -> 0 ... 5 -> 100), valid 30 days",
    "account_nps": "DOMAIN.md Voice of customer: % promoters - % detractors over each contact's "
    "latest answer within 12 months",
    "csat_percentage": "DOMAIN.md Voice of customer: share of satisfied answers (4-5 on 1-5, 3 "
    "on 1-3, 9-10 on 1-10, up on thumbs)",
    "detractor_follow_up_rate": "DOMAIN.md Alerts: NPS detractor follow-up tasks closed / "
    "detractor follow-up tasks raised in the period",
}


def figure(name: str, value: Any, **extra: Any) -> dict[str, Any]:
    """A figure with its definition's name and text, for JSON output."""
    return {"name": name, "definition": DEFINITIONS[name], "value": value, **extra}


def rounded(value: float | None, places: int = 2) -> float | None:
    return None if value is None else round(value, places)
