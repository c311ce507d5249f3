"""The fixed vocabularies of the domain (DOMAIN.md), shared by every layer.

This module imports nothing from csdesk, so the store, the domain and the faces can all use
it. Values are the stored spellings; labels are what people read.
"""

from __future__ import annotations

CONTACT_ROLES = ("champion", "executive_sponsor", "decision_maker", "user", "billing")

CHURN_REASONS = (
    "budget",
    "product_fit",
    "poor_adoption",
    "champion_left",
    "acquired_or_merged",
    "competitor",
    "support_experience",
    "pricing",
    "business_closed",
    "other",
)

JOURNEY_STAGES = ("onboard", "adopt", "value", "renew", "expand", "advocate", "churned")

FORECAST_CATEGORIES = (
    "commit",
    "best_case",
    "pipeline",
    "at_risk",
    "churn",
    "closed_won",
    "closed_lost",
)

OPPORTUNITY_KINDS = ("renewal", "expansion", "new")

BOOKING_TYPES = ("renewal", "renewal_upsell", "renewal_downsell", "expansion", "churn")

# How a contract's recurring amount is quoted, independent of how often it is invoiced.
AMOUNT_PERIODS = ("month", "quarter", "year", "term")
BILLING_FREQUENCIES = ("monthly", "quarterly", "annual", "upfront", "other")

CASE_PRIORITIES = ("low", "normal", "high", "urgent")

SURVEY_KINDS = ("nps", "csat")
CSAT_TOPICS = ("relationship", "support")

OBJECTIVE_STATUSES = ("not_started", "on_track", "at_risk", "done")
OWNER_SIDES = ("ours", "theirs")
REVIEW_KINDS = ("QBR", "EBR")

TASK_STATUSES = ("open", "done")
CHANGE_ORIGINS = ("user", "import", "sync", "system")

TIERS = (1, 2, 3)
TIER_LABELS = {1: "High touch", 2: "Mid touch", 3: "Tech touch"}


def label(value: str) -> str:
    """Human spelling of a stored value: 'executive_sponsor' -> 'Executive sponsor'."""
    special = {"closed_won": "Closed won", "closed_lost": "Closed lost", "best_case": "Best case"}
    if value in special:
        return special[value]
    return value.replace("_", " ").capitalize()
