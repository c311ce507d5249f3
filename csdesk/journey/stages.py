"""Journey stage rules: Onboard, Adopt, Value, Renew, Expand, Advocate, plus Churned.

The first rule that holds gives the stage:

1. churned: a churn was recorded (and no paid contract started since), or no paid contract
   is active any more;
2. onboard: within the onboarding period after purchase and first value not reached yet;
3. renew: the next renewal is within the tier's milestone horizon (T-180, T-90 or T-60,
   counted back from the notice deadline when there is one) and has not passed;
4. expand: an expansion opportunity is open;
5. advocate: account NPS at least the rules' minimum and the health band as required;
6. value: first value reached;
7. adopt: past onboarding, first value not reached yet.

An account that has never had a paid contract has no stage. Each stage says since when its
condition holds, so the entry date of a stage is known even on the first run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from csdesk.journey.first_value import FirstValue
from csdesk.journey.rules import JourneyRules


@dataclass(frozen=True)
class Renewal:
    """An account's next renewal, the date its milestones count back from, and the day the
    first of them (T-180, T-90 or T-60 by tier) is reached."""

    on: date
    anchor: date
    horizon_days: int

    @property
    def window_opens(self) -> date:
        return self.anchor - timedelta(days=self.horizon_days)

    def describe(self) -> str:
        text = (f"renews on {self.on.isoformat()}; the T-{self.horizon_days} milestone opened "
                f"the renewal window on {self.window_opens.isoformat()}")
        if self.anchor != self.on:
            text += f" (counted from the notice deadline {self.anchor.isoformat()})"
        return text


@dataclass(frozen=True)
class Expansion:
    opened_on: date
    name: str


@dataclass(frozen=True)
class Sentiment:
    """Account NPS (latest answer per contact, 12 months) and the current health band."""

    nps: Decimal | None = None
    answers: int = 0
    latest_answer: date | None = None
    health_band: str | None = None


@dataclass(frozen=True)
class JourneyFacts:
    """What the stage rules look at for one account, as of one day."""

    account_id: int
    purchase: date | None
    paid_active: bool
    latest_paid_start: date | None = None
    last_paid_end: date | None = None
    churned_on: date | None = None
    churn_reason: str | None = None
    first_value: FirstValue | None = None
    renewal: Renewal | None = None
    expansion: Expansion | None = None
    sentiment: Sentiment = Sentiment()


@dataclass(frozen=True)
class StageDecision:
    """The stage the rules give (None: not a customer yet), since when, and why."""

    stage: str | None
    since: date | None
    reason: str


def decide_stage(facts: JourneyFacts, rules: JourneyRules, as_of: date) -> StageDecision:
    """Apply the stage rules in order (see the module docstring)."""
    purchase = facts.purchase
    if purchase is None or purchase > as_of:
        return StageDecision(None, None, "no paid contract has started yet")

    churn = _churned(facts)
    if churn is not None:
        return churn

    value = facts.first_value if facts.first_value and facts.first_value.on <= as_of else None
    day = (as_of - purchase).days
    if value is None and day < rules.onboarding_days:
        return StageDecision("onboard", purchase,
                             f"day {day + 1} of the {rules.onboarding_days}-day onboarding; "
                             "first value not reached yet")

    renewal = facts.renewal
    if renewal is not None and renewal.window_opens <= as_of <= renewal.on:
        return StageDecision("renew", max(renewal.window_opens, purchase), renewal.describe())

    if facts.expansion is not None:
        return StageDecision("expand", max(min(facts.expansion.opened_on, as_of), purchase),
                             f"expansion opportunity open: {facts.expansion.name}")

    advocate = _advocate(facts.sentiment, rules)
    if advocate is not None:
        return advocate

    if value is not None:
        return StageDecision("value", value.on, f"first value on {value.on.isoformat()}: "
                                                f"{value.source}")
    return StageDecision("adopt", purchase + timedelta(days=rules.onboarding_days),
                         f"past the {rules.onboarding_days}-day onboarding; first value not "
                         "reached yet")


def _churned(facts: JourneyFacts) -> StageDecision | None:
    if facts.churned_on is not None:
        came_back = (facts.paid_active and facts.latest_paid_start is not None
                     and facts.latest_paid_start > facts.churned_on)
        if not came_back:
            reason = f"churn recorded on {facts.churned_on.isoformat()}"
            if facts.churn_reason:
                reason += f" ({facts.churn_reason.replace('_', ' ')})"
            return StageDecision("churned", facts.churned_on, reason)
    if not facts.paid_active:
        ended = facts.last_paid_end
        since = f" since {ended.isoformat()}" if ended else ""
        return StageDecision("churned", ended, f"no active paid contract{since}")
    return None


def _advocate(sentiment: Sentiment, rules: JourneyRules) -> StageDecision | None:
    if sentiment.nps is None or sentiment.nps < rules.advocate_min_nps:
        return None
    if sentiment.health_band != rules.advocate_health_band:
        return None
    answers = f"{sentiment.answers} answer{'s' if sentiment.answers != 1 else ''}"
    return StageDecision("advocate", sentiment.latest_answer,
                         f"account NPS {sentiment.nps:+.0f} from {answers} and health "
                         f"{sentiment.health_band}")


def account_nps(latest_scores: list[int]) -> Decimal | None:
    """NPS over each respondent's latest 0-10 answer: % promoters - % detractors."""
    if not latest_scores:
        return None
    promoters = sum(1 for s in latest_scores if s >= 9)
    detractors = sum(1 for s in latest_scores if s <= 6)
    return Decimal(100 * (promoters - detractors)) / len(latest_scores)
