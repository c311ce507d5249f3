"""What the metrics are computed from: plain records the service loads from the store."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from csdesk.money import Money
from csdesk.revenue import ContractTerms


@dataclass(frozen=True)
class AccountFacts:
    """An account as the metrics see it: its grouping attributes and its contracts."""

    id: int
    name: str
    contracts: tuple[ContractTerms, ...] = ()
    owner: str | None = None
    segment: str | None = None
    tier: int | None = None
    country: str | None = None
    stage: str | None = None
    licensed_seats: int | None = None
    customer_since: date | None = None
    onboarding_kickoff: date | None = None
    # Seats per contract id, for when the account itself has no licensed seats.
    contract_seats: Mapping[int, int] = field(default_factory=dict)
    # How often each contract is invoiced (contract id -> billing frequency).
    contract_billing: Mapping[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SurveyAnswer:
    """One NPS or CSAT answer, raw, with its scale."""

    id: int
    account_id: int
    kind: str
    score: int
    scale_min: int
    scale_max: int
    answered_on: date
    contact_id: int | None = None
    topic: str | None = None
    case_id: int | None = None

    @property
    def scale(self) -> tuple[int, int]:
        return (self.scale_min, self.scale_max)

    @property
    def is_support(self) -> bool:
        """A support ticket's satisfaction score; survey answers are "relationship"."""
        if self.topic:
            return self.topic == "support"
        return self.case_id is not None


@dataclass(frozen=True)
class ChurnRecord:
    """A recorded churn: when, why, the ARR lost (when known) and the customer's words."""

    id: int
    account_id: int
    churned_on: date
    reason: str
    lost_arr: Money | None = None
    feedback: str | None = None
    is_reactivation: bool = False


@dataclass(frozen=True)
class FollowUp:
    """An NPS-detractor follow-up task: when it was raised and when (if) it was closed."""

    id: int
    account_id: int | None
    raised_on: date
    closed_on: date | None = None


@dataclass(frozen=True)
class HealthReading:
    """An account's health band on one day (a health snapshot)."""

    account_id: int
    as_of: date
    band: str | None
    status: str = "scored"


@dataclass(frozen=True)
class MetricInputs:
    """Everything the metrics need, already limited to what was known on the as-of date."""

    accounts: tuple[AccountFacts, ...]
    surveys: tuple[SurveyAnswer, ...] = ()
    churn_events: tuple[ChurnRecord, ...] = ()
    follow_ups: tuple[FollowUp, ...] = ()
    health: tuple[HealthReading, ...] = ()
    # account id -> (day, active users) for the days with a known figure.
    usage: Mapping[int, tuple[tuple[date, int], ...]] = field(default_factory=dict)
    # account id -> done_on of each success-plan milestone marked "first value" (None: not done).
    first_value_marks: Mapping[int, tuple[date | None, ...]] = field(default_factory=dict)
    # (scale_min, scale_max) -> {raw score: NPS score 0-10}, set explicitly by the user.
    nps_scales: Mapping[tuple[int, int], Mapping[int, int]] = field(default_factory=dict)
