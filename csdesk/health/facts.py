"""What a health score is computed from: an account's profile and its facts on one day.

Facts hold only data dated on or before their day, so a score "as of D" never sees what
happened later. They come from two places that must agree: set-based SQL for one day across
the portfolio (the services), and an account's full records for many days (:mod:`.series`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

# The windows DOMAIN.md fixes, in days ending on (and including) the day of the score.
RECENT_DAYS = 30
BASELINE_DAYS = 90
SUPPORT_DAYS = 90
KEY_FEATURE_DAYS = 90


@lru_cache(maxsize=4096)
def recent_start(day: date) -> date:
    """First day of the last 30 days (utilisation, usage trend, feature adoption)."""
    return day - timedelta(days=RECENT_DAYS - 1)


@lru_cache(maxsize=4096)
def baseline_start(day: date) -> date:
    """First day of the 90 days before the last 30 (the usage trend's baseline)."""
    return day - timedelta(days=RECENT_DAYS + BASELINE_DAYS - 1)


@lru_cache(maxsize=4096)
def support_start(day: date) -> date:
    return day - timedelta(days=SUPPORT_DAYS - 1)


@lru_cache(maxsize=4096)
def key_feature_start(day: date) -> date:
    """First day of the window over which the portfolio's most used features are ranked."""
    return day - timedelta(days=KEY_FEATURE_DAYS - 1)


@lru_cache(maxsize=4096)
def year_start(day: date) -> date:
    """First day of the 12 months ending on ``day`` (one year back plus one day).

    The window of survey answers (sentiment).

    A year before 29 February is 28 February, as with ``relativedelta(years=1)``; done by
    hand because this runs for every account on every day of a history back-fill.
    """
    try:
        year_ago = day.replace(year=day.year - 1)
    except ValueError:
        year_ago = day.replace(year=day.year - 1, day=28)
    return year_ago + timedelta(days=1)


@dataclass(frozen=True, slots=True)
class ContactRecord:
    id: int
    name: str
    roles: frozenset[str]
    left_company: bool = False
    left_on: date | None = None


@dataclass(frozen=True, slots=True)
class ContractRecord:
    id: int
    start: date
    end: date | None
    seats: int | None = None
    amount_period: str = "year"
    term_months: int | None = None
    billing_frequency: str = "annual"
    recurring: bool = True
    is_trial: bool = False
    currency: str = "USD"

    def is_active(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


@dataclass(frozen=True, slots=True)
class TierChangeRecord:
    changed_on: date
    old_tier: int | None
    new_tier: int


@dataclass(frozen=True, slots=True)
class AccountProfile:
    """The account itself: undated attributes and the records dated by their own fields."""

    id: int
    name: str
    owner: str | None = None
    tier: int | None = None
    segment: str | None = None
    stage: str | None = None
    licensed_seats: int | None = None
    customer_since: date | None = None
    contracts: tuple[ContractRecord, ...] = ()
    contacts: tuple[ContactRecord, ...] = ()
    tier_changes: tuple[TierChangeRecord, ...] = ()

    def tier_on(self, day: date) -> int | None:
        """The tier in force on ``day``: today's tier unless the tier history says otherwise."""
        if not self.tier_changes:
            return self.tier
        changes = sorted(self.tier_changes, key=lambda c: c.changed_on)
        if day >= changes[-1].changed_on:
            return self.tier
        before = [c for c in changes if c.changed_on <= day]
        if before:
            return before[-1].new_tier
        return changes[0].old_tier if changes[0].old_tier is not None else self.tier

    def seats_on(self, day: date) -> int | None:
        """Seats of the contracts active on ``day`` when they say; else the account's figure."""
        if not self.contracts:
            return self.licensed_seats
        seats = [c.seats for c in self.contracts if c.is_active(day) and c.seats is not None]
        if seats:
            return sum(seats)
        return self.licensed_seats

    def customer_start(self, day: date) -> date | None:
        """When the account became a customer, as known on ``day``."""
        starts = [c.start for c in self.contracts if c.start <= day and not c.is_trial]
        if self.customer_since is not None and self.customer_since <= day:
            starts.append(self.customer_since)
        return min(starts) if starts else None

    def is_live(self, day: date) -> bool:
        """Not churned: no contracts on record, or one active on ``day``."""
        if self.stage == "churned":
            return False
        if not self.contracts:
            return True
        return any(c.is_active(day) for c in self.contracts)


@dataclass(frozen=True, slots=True)
class UsageFacts:
    """Daily usage sums over the DOMAIN.md windows; days without a row count as no usage.

    ``users_first_day`` is the first day with an active-user figure (None: this account's
    usage has none), likewise for events; ``last_used_day`` is read by alerts only.
    """

    users_first_day: date | None = None
    users_recent: int = 0
    users_baseline: int = 0
    events_first_day: date | None = None
    events_recent: int = 0
    events_baseline: int = 0
    last_used_day: date | None = None


@dataclass(frozen=True, slots=True)
class CaseRecord:
    id: int
    opened_on: date
    closed_on: date | None
    priority: str
    escalated: bool = False

    def is_open(self, day: date) -> bool:
        return self.opened_on <= day and (self.closed_on is None or self.closed_on > day)


@dataclass(frozen=True, slots=True)
class SurveyRecord:
    id: int
    contact_id: int | None
    kind: str
    score: int
    scale_min: int
    scale_max: int
    answered_on: date
    topic: str | None = None
    case_id: int | None = None

    @property
    def scale(self) -> str:
        return f"{self.scale_min}-{self.scale_max}"

    @property
    def is_support(self) -> bool:
        """A CSAT answer about a ticket (kind "support"); the rest is relationship CSAT."""
        return self.kind == "csat" and (self.topic == "support" or self.case_id is not None)


@dataclass(frozen=True, slots=True)
class PulseRecord:
    recorded_on: date
    score: int


@dataclass(frozen=True, slots=True)
class AccountFacts:
    """An account's dated inputs on ``day``, already cut to the windows that matter."""

    day: date
    usage: UsageFacts = field(default_factory=UsageFacts)
    # Features used in the last 30 days; None when the account has no feature data at all.
    features_used: frozenset[str] | None = None
    # Tickets opened in the last 90 days or still open on the day.
    cases: tuple[CaseRecord, ...] = ()
    # Survey answers from the 12 months up to the day.
    surveys: tuple[SurveyRecord, ...] = ()
    last_touch: date | None = None
    last_sponsor_touch: date | None = None
    pulse: PulseRecord | None = None


@dataclass(frozen=True, slots=True)
class PortfolioFacts:
    """What the whole portfolio holds on ``day``: key features, and which sources exist."""

    day: date
    key_features: tuple[str, ...] = ()
    key_features_configured: bool = False
    has_support_data: bool = False
    has_activities: bool = False
    has_usage: bool = False


def case_in_window(case: CaseRecord, day: date) -> bool:
    """Opened in the 90 days up to ``day``, or still open on it."""
    return case.opened_on <= day and (case.opened_on >= support_start(day) or case.is_open(day))
