"""Build the whole demo book in memory: plain rows per table, ready to be written."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from csdesk.demo import catalogue
from csdesk.demo.commercial import Commercials, add_churn_event, add_contracts, add_opportunities
from csdesk.demo.engagement import add_activities, add_notes, add_pulses, touch_until
from csdesk.demo.names import NameSource
from csdesk.demo.people import Person, add_contacts
from csdesk.demo.plan import AccountPlan, plan_accounts
from csdesk.demo.rows import Rows
from csdesk.demo.success import add_reviews, add_success_plan, wants_plan
from csdesk.demo.usage import generate_usage
from csdesk.demo.voice import add_support, add_surveys
from csdesk.errors import ValidationError

DEFAULT_ACCOUNTS = 150
DEFAULT_SEED = 1729
MIN_ACCOUNTS = 20
MAX_ACCOUNTS = 2000


@dataclass(frozen=True)
class DemoOptions:
    """What to build: how many accounts, from which seed, ending on which day."""

    as_of: date
    accounts: int = DEFAULT_ACCOUNTS
    seed: int = DEFAULT_SEED

    def validate(self) -> None:
        """Refuse an account count the book cannot be built with."""
        if not MIN_ACCOUNTS <= self.accounts <= MAX_ACCOUNTS:
            raise ValidationError(
                f"--accounts {self.accounts} is out of range: the demo book needs between "
                f"{MIN_ACCOUNTS} and {MAX_ACCOUNTS} accounts"
            )


@dataclass
class DemoBook:
    """The rows of every table, the settings to store and the currency rates."""

    options: DemoOptions
    tables: dict[str, list[dict[str, Any]]]
    settings: dict[str, Any] = field(default_factory=dict)
    rates: dict[str, Decimal] = field(default_factory=dict)

    def count(self, table: str) -> int:
        """Rows of one table in the book."""
        return len(self.tables.get(table, ()))


def build_book(options: DemoOptions) -> DemoBook:
    """Build the demo book; the same options always give the same rows."""
    options.validate()
    as_of = options.as_of
    names = NameSource(options.seed)
    plans = plan_accounts(options.accounts, options.seed, as_of, names)
    rows = Rows()
    for plan in plans:
        _build_account(rows, plan, names, as_of)
    return DemoBook(
        options=options,
        tables=dict(rows.tables),
        settings={"me": catalogue.ME, "reporting_currency": catalogue.REPORTING_CURRENCY},
        rates=dict(catalogue.RATES),
    )


def _build_account(rows: Rows, plan: AccountPlan, names: NameSource, as_of: date) -> None:
    deal = add_contracts(rows, plan, as_of)
    plan.tier = tier_for(plan, deal)
    people = add_contacts(rows, plan, names, as_of)
    add_opportunities(rows, plan, deal, as_of)
    if plan.churned_on is not None:
        add_churn_event(rows, plan, deal)

    usage, features = generate_usage(plan, as_of)
    rows.extend("usage_daily", usage)
    rows.extend("feature_usage", features)
    add_support(rows, plan, people, as_of)
    add_surveys(rows, plan, people, as_of)

    until = touch_until(plan, as_of)
    add_activities(rows, plan, people, as_of, until)
    add_pulses(rows, plan, as_of)
    add_notes(rows, plan, as_of)
    if wants_plan(plan):
        add_success_plan(rows, plan, people, as_of)
    add_reviews(rows, plan, people, as_of, until)
    _add_account(rows, plan, people, as_of)


def tier_for(plan: AccountPlan, deal: Commercials) -> int:
    """DOMAIN.md's default rule on ARR in the reporting currency (strategic means tier 1)."""
    rate = catalogue.RATES.get(plan.currency, Decimal(1))
    arr = deal.arr * rate
    if plan.strategic or arr >= 100_000:
        return 1
    return 2 if arr >= 25_000 else 3


def journey_stage(plan: AccountPlan, as_of: date) -> tuple[str, date]:
    """A plausible starting stage and the day it was entered."""
    rng = plan.rng
    since = plan.customer_since
    if plan.churned_on is not None:
        return "churned", plan.churned_on
    if plan.profile == "onboarding":
        return "onboard", since
    if plan.renewal is not None and (plan.renewal - as_of).days <= 90:
        return "renew", max(since, plan.renewal - timedelta(days=90))
    entered = max(since + timedelta(days=90), as_of - timedelta(days=rng.randint(30, 300)))
    if plan.profile == "healthy":
        tenure = (as_of - since).days
        stage = "advocate" if tenure > 730 and rng.random() < 0.4 else rng.choice(
            ("value", "value", "expand"))
        return stage, entered
    return ("adopt" if plan.profile in ("steady", "at_risk") else "value"), entered


def _add_account(rows: Rows, plan: AccountPlan, people: list[Person], as_of: date) -> None:
    rng = random.Random(f"{plan.id}:{plan.name}")
    stage, entered = journey_stage(plan, as_of)
    segment = catalogue.SEGMENT_BY_TIER[plan.tier]
    if rng.random() < 0.12:
        # Segments come from sales territories, which do not always match the tier.
        segment = rng.choice(tuple(catalogue.SEGMENT_BY_TIER.values()))
    rows.add(
        "account",
        name=plan.name,
        parent_id=plan.parent_id,
        owner=plan.owner,
        segment=segment,
        tier=plan.tier,
        tier_override=None,
        tier_override_reason=None,
        strategic=plan.strategic,
        journey_stage=stage,
        stage_override=None,
        stage_override_reason=None,
        industry=plan.industry,
        country=plan.country,
        licensed_seats=plan.seats,
        customer_since=plan.customer_since,
        onboarding_kickoff=plan.customer_since + timedelta(days=rng.randint(2, 7)),
        website=f"https://www.{plan.domain}",
    )
    rows.add("stage_change", account_id=plan.id, entered_on=entered, stage=stage,
             source="rule", reason="starting stage of the demo book")
