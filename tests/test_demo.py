"""The demo book: what makes it useful, checked on the data it writes.

The conditions are computed here from the stored rows, independently of the generator:
renewal dates, usage windows and each alert rule's trigger. Health scores come from csdesk's
health service (DOMAIN.md's default scorecard), and the alert service must raise every rule.
"""

from __future__ import annotations

import csv
import json
import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select

from csdesk.alerts.rules import RULES
from csdesk.demo import ACTIVITY_KINDS, DemoOptions, load_demo
from csdesk.health.score import HealthResult
from csdesk.models import (
    Account,
    Activity,
    BusinessReview,
    ChangeLogEntry,
    ChurnEvent,
    Contact,
    Contract,
    CsmPulse,
    CurrencyRate,
    FeatureUsage,
    Milestone,
    Note,
    Objective,
    Opportunity,
    Outcome,
    Setting,
    SuccessPlan,
    SupportCase,
    SurveyResponse,
    Tombstone,
    UsageDaily,
)
from csdesk.money import Money
from csdesk.services.alerts import evaluate_alerts
from csdesk.services.context import AppContext, open_context
from csdesk.services.export import export_portfolio
from csdesk.services.health import compute_health

AS_OF = date(2026, 3, 15)
# Days the health checks look at: the as-of date, the day before, and 30 days before.
HEALTH_OFFSETS = (0, 1, 30)


@dataclass
class AccountData:
    """One account's stored records, as plain values."""

    account: Account
    contracts: list[Contract] = field(default_factory=list)
    contacts: dict[int, Contact] = field(default_factory=dict)
    usage: list[tuple[date, int, int]] = field(default_factory=list)  # day, users, events
    features: list[tuple[date, str]] = field(default_factory=list)
    cases: list[SupportCase] = field(default_factory=list)
    surveys: list[SurveyResponse] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)
    pulses: list[CsmPulse] = field(default_factory=list)

    def usage_between(self, first: date, last: date) -> list[tuple[date, int, int]]:
        days = [u[0] for u in self.usage]
        return self.usage[bisect_left(days, first):bisect_right(days, last)]


@dataclass
class Book:
    as_of: date
    accounts: dict[int, AccountData]
    key_features: list[str]
    churn: list[ChurnEvent]
    rates: dict[str, Decimal]
    health: dict[date, dict[int, HealthResult]]

    def live(self) -> list[AccountData]:
        return [a for a in self.accounts.values() if arr_usd(a, self.as_of, self.rates) > 0]


def load_book(context: AppContext, as_of: date) -> Book:
    with context.read() as session:
        accounts = {a.id: AccountData(a) for a in session.scalars(select(Account))}
        for c in session.scalars(select(Contract)):
            accounts[c.account_id].contracts.append(c)
        for p in session.scalars(select(Contact)):
            accounts[p.account_id].contacts[p.id] = p
        rows = session.execute(select(UsageDaily.account_id, UsageDaily.day,
                                      UsageDaily.active_users, UsageDaily.events)
                               .order_by(UsageDaily.account_id, UsageDaily.day))
        for account_id, day, users, events in rows:
            accounts[account_id].usage.append((day, users or 0, events or 0))
        totals: dict[str, int] = defaultdict(int)
        for account_id, day, feature, count in session.execute(
                select(FeatureUsage.account_id, FeatureUsage.day, FeatureUsage.feature,
                       FeatureUsage.count)):
            accounts[account_id].features.append((day, feature))
            totals[feature] += count
        for case in session.scalars(select(SupportCase)):
            accounts[case.account_id].cases.append(case)
        for answer in session.scalars(select(SurveyResponse)):
            accounts[answer.account_id].surveys.append(answer)
        for act in session.scalars(select(Activity)):
            accounts[act.account_id].activities.append(act)
        for pulse in session.scalars(select(CsmPulse)):
            accounts[pulse.account_id].pulses.append(pulse)
        churn = list(session.scalars(select(ChurnEvent)))
        rates = {c: Decimal(r) for c, r in session.execute(
            select(CurrencyRate.currency, CurrencyRate.rate))}
        health = {as_of - timedelta(days=n): compute_health(session, as_of - timedelta(days=n))
                  for n in HEALTH_OFFSETS}
    keys = sorted(totals, key=lambda f: -totals[f])[:10]
    return Book(as_of, accounts, keys, churn, rates, health)


def annual_value(contract: Contract) -> Decimal:
    """ARR of one contract, worked out from its quoted amount and period."""
    if not contract.recurring or contract.is_trial:
        return Decimal(0)
    amount = Money.from_minor(contract.amount_minor, contract.currency).amount
    if contract.amount_period == "term":
        months = contract.term_months or (
            relativedelta(contract.end_date, contract.start_date).years * 12)
        return amount * 12 / months
    return amount * {"month": 12, "quarter": 4, "year": 1}[contract.amount_period]


def is_active(contract: Contract, day: date) -> bool:
    return contract.start_date <= day and (contract.end_date is None or day < contract.end_date)


def arr_usd(data: AccountData, day: date, rates: dict[str, Decimal]) -> Decimal:
    return sum((annual_value(c) * rates.get(c.currency, Decimal(1))
                for c in data.contracts if is_active(c, day)), Decimal(0))


def is_evergreen(contract: Contract) -> bool:
    return (contract.end_date is None and contract.amount_period == "month"
            and contract.billing_frequency == "monthly" and contract.term_months in (None, 1))


def renewals(data: AccountData, after: date, until: date) -> list[date]:
    """Dated renewals of the account's recurring contracts in (after, until]."""
    found = []
    for c in data.contracts:
        if not c.recurring or c.is_trial or is_evergreen(c):
            continue
        if c.end_date is not None:
            if after < c.end_date <= until:
                found.append(c.end_date)
            continue
        n = 1
        while (day := c.start_date + relativedelta(months=(c.term_months or 12) * n)) <= until:
            if day > after:
                found.append(day)
            n += 1
    return found


# --- health, from csdesk's health engine (DOMAIN.md's scorecard) -------------------------

def band_of(book: Book, data: AccountData, day: date) -> str | None:
    return book.health[day][data.account.id].band


def score_of(book: Book, data: AccountData, day: date) -> float | None:
    return book.health[day][data.account.id].score


# --- fixtures -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A portfolio holding the default 150-account demo book as of AS_OF."""
    home = tmp_path_factory.mktemp("demo-book")
    context = open_context(str(home))
    try:
        load_demo(context, DemoOptions(as_of=AS_OF))
    finally:
        context.close()
    return home


@pytest.fixture(scope="module")
def demo_context(demo_home: Path) -> Iterator[AppContext]:
    context = open_context(str(demo_home))
    yield context
    context.close()


@pytest.fixture(scope="module")
def book(demo_context: AppContext) -> Book:
    return load_book(demo_context, AS_OF)


# --- what the book holds ------------------------------------------------------------------

def test_a_red_minority_by_the_health_score(book: Book) -> None:
    live = book.live()
    bands = [band_of(book, a, AS_OF) for a in live]
    red_share = bands.count("red") / len(live)

    assert 0.10 <= red_share <= 0.25, f"{red_share:.0%} of {len(live)} customers are red"
    assert bands.count("green") > bands.count("yellow") > bands.count("red")
    # Churned accounts count too when "accounts" means every account in the book.
    churned = len(book.accounts) - len(live)
    assert (bands.count("red") + churned) / len(book.accounts) <= 0.25


def test_every_month_of_the_next_twelve_has_renewals(book: Book) -> None:
    dates = [d for a in book.live() for d in renewals(a, AS_OF, AS_OF + relativedelta(months=18))]

    for k in range(12):
        first_day = (AS_OF + relativedelta(months=k + 1)).replace(day=1)
        month = (first_day.year, first_day.month)
        assert any((d.year, d.month) == month for d in dates), f"no renewal in {month}"
        window = (AS_OF + relativedelta(months=k), AS_OF + relativedelta(months=k + 1))
        assert any(window[0] < d <= window[1] for d in dates), f"none in {window}"
    # Multi-year contracts renew further out, up to 18 months ahead.
    assert any(d > AS_OF + relativedelta(months=12) for d in dates)


def test_usage_falls_before_churn(book: Book) -> None:
    assert len(book.churn) >= 5
    for event in book.churn:
        data = book.accounts[event.account_id]
        before = data.usage_between(event.churned_on - timedelta(days=120),
                                    event.churned_on - timedelta(days=31))
        last = data.usage_between(event.churned_on - timedelta(days=30),
                                  event.churned_on - timedelta(days=1))
        assert before and last
        assert sum(u for _, u, _ in last) / len(last) < sum(u for _, u, _ in before) / len(before)
        assert sum(e for _, _, e in last) / len(last) < sum(e for _, _, e in before) / len(before)
        assert not data.usage_between(event.churned_on, AS_OF), "usage after churn"
        assert arr_usd(data, AS_OF, book.rates) == 0
        assert all(c.end_date and c.end_date <= event.churned_on for c in data.contracts
                   if c.recurring and not c.is_trial)
        assert event.lost_arr_minor and event.lost_arr_minor > 0 and event.feedback


def test_churn_reasons_come_from_the_taxonomy(book: Book) -> None:
    reasons = {e.reason for e in book.churn}
    assert len(reasons) >= 3


# --- every alert rule of DOMAIN.md fires at least once as of the as-of date ----------------

def last_used(data: AccountData, day: date) -> date | None:
    used = [d for d, users, _ in data.usage if d <= day and users > 0]
    return used[-1] if used else None


def test_alert_no_usage_for_7_days(book: Book) -> None:
    quiet = [a for a in book.live() if (seen := last_used(a, AS_OF))
             and 7 <= (AS_OF - seen).days < 30]
    assert quiet


def test_alert_no_usage_for_30_days(book: Book) -> None:
    silent = [a for a in book.live() if (seen := last_used(a, AS_OF))
              and (AS_OF - seen).days >= 30]
    assert silent


def test_alert_usage_down_30_percent_against_the_baseline(book: Book) -> None:
    def down(data: AccountData) -> bool:
        recent = data.usage_between(AS_OF - timedelta(days=29), AS_OF)
        base = data.usage_between(AS_OF - timedelta(days=119), AS_OF - timedelta(days=30))
        if not recent or not base or data.usage[0][0] > AS_OF - timedelta(days=119):
            return False
        recent_avg = sum(u for _, u, _ in recent) / 30
        base_avg = sum(u for _, u, _ in base) / 90
        return base_avg > 0 and recent_avg <= 0.7 * base_avg and recent_avg > 0

    assert any(down(a) for a in book.live())


def test_alert_health_down_15_points_in_30_days(book: Book) -> None:
    drops = []
    for a in book.live():
        now, before = score_of(book, a, AS_OF), score_of(book, a, AS_OF - timedelta(days=30))
        if now is not None and before is not None:
            drops.append(before - now)
    assert max(drops) >= 15
    # The designed sharp drop: from green to red within the month.
    assert max(drops) >= 40


def test_alert_band_falls_to_red_on_the_as_of_date(book: Book) -> None:
    fallen = [a for a in book.live()
              if band_of(book, a, AS_OF) == "red"
              and band_of(book, a, AS_OF - timedelta(days=1)) in ("green", "yellow")]
    assert fallen
    assert any(band_of(book, a, AS_OF - timedelta(days=30)) == "green" for a in fallen)


def test_alert_nps_detractor_in_the_last_30_days(book: Book) -> None:
    detractors = [s for a in book.live() for s in a.surveys
                  if s.kind == "nps" and s.scale_max == 10 and s.score <= 6
                  and AS_OF - timedelta(days=30) < s.answered_on <= AS_OF]
    assert len(detractors) >= 2


def test_alert_champion_or_sponsor_left_recently(book: Book) -> None:
    left = [p for a in book.live() for p in a.contacts.values()
            if p.left_company and p.left_on and AS_OF - timedelta(days=30) < p.left_on <= AS_OF
            and p.role_set & {"champion", "executive_sponsor"}]
    assert left


def test_alert_renewal_within_90_days_while_not_green(book: Book) -> None:
    soon = [a for a in book.live() if renewals(a, AS_OF - timedelta(days=1),
                                               AS_OF + timedelta(days=90))
            and band_of(book, a, AS_OF) in ("yellow", "red")]
    assert soon


def test_alert_urgent_ticket_open_more_than_7_days(book: Book) -> None:
    old_urgent = [c for a in book.live() for c in a.cases
                  if c.priority == "urgent" and c.closed_at is None
                  and (AS_OF - c.opened_at.date()).days > 7]
    assert old_urgent


def test_alert_csm_pulse_stale(book: Book) -> None:
    stale = [a for a in book.live() if a.pulses
             and (AS_OF - max(p.recorded_on for p in a.pulses)).days > 30]
    assert stale


def test_the_alert_service_raises_every_rule(demo_context: AppContext) -> None:
    with demo_context.read() as session:
        alerts = evaluate_alerts(session, AS_OF)
    assert {a.rule for a in alerts} == set(RULES)
    assert {a.severity for a in alerts if a.rule == "no_usage"} == {"watch", "reach_out"}


# --- a believable book ---------------------------------------------------------------------

SCRIPTS = {
    "accented Latin": r"[À-ÿĀ-ž]",
    "Chinese": r"[\u4e00-\u9fff]",
    "Japanese kana": r"[\u3040-\u30ff]",
    "Hangul": r"[\uac00-\ud7af]",
    "Arabic": r"[\u0600-\u06ff]",
    "Hebrew": r"[\u0590-\u05ff]",
    "Cyrillic": r"[\u0400-\u04ff]",
}


def test_names_cover_scripts_and_awkward_characters(book: Book) -> None:
    names = [a.account.name for a in book.accounts.values()]

    for script, pattern in SCRIPTS.items():
        assert any(re.search(pattern, n) for n in names), f"no {script} company name"
    for character in "&<'":
        assert any(character in n for n in names), f"no name with {character!r}"
    assert "Café Müller GmbH" in names and "R&D <Labs>" in names and "O'Neil & Sons" in names
    assert len(set(names)) == len(names)


def test_markets_currencies_and_reporting_setup(book: Book, demo_context: AppContext) -> None:
    accounts = [a.account for a in book.accounts.values()]
    currencies = {c.currency for a in book.accounts.values() for c in a.contracts}

    assert {"USD", "EUR", "GBP", "JPY"} <= currencies
    assert len({a.country for a in accounts}) >= 12
    assert len({a.industry for a in accounts}) >= 8
    assert set(book.rates) == currencies - {"USD"}
    with demo_context.read() as session:
        settings = {s.key: s.value for s in session.scalars(select(Setting))}
    assert settings["reporting_currency"] == '"USD"'
    me = settings["me"].strip('"')
    owners = {a.owner for a in accounts}
    assert 3 <= len(owners) <= 5 and me in owners


def test_tiers_follow_arr_in_the_reporting_currency(book: Book) -> None:
    tiers = defaultdict(int)
    for data in book.live():
        account = data.account
        arr = arr_usd(data, AS_OF, book.rates)
        expected = 1 if arr >= 100_000 or account.strategic else 2 if arr >= 25_000 else 3
        assert account.tier == expected, (account.name, arr, account.strategic)
        tiers[account.tier] += 1

    assert all(tiers[t] >= 10 for t in (1, 2, 3)), tiers
    assert any(a.account.strategic for a in book.live())
    segments = {a.account.segment for a in book.accounts.values()}
    assert segments == {"Enterprise", "Mid-Market", "SMB"}


def test_parents_and_subsidiaries(book: Book) -> None:
    children = [a.account for a in book.accounts.values() if a.account.parent_id]
    assert len(children) >= 3
    assert all(c.parent_id in book.accounts and c.parent_id != c.id for c in children)
    assert all(a.account.licensed_seats and a.account.customer_since
               for a in book.accounts.values())


def test_contacts_hold_every_role_and_some_have_left(book: Book) -> None:
    contacts = [p for a in book.accounts.values() for p in a.contacts.values()]
    roles = {r for p in contacts for r in p.role_set}

    assert roles == {"champion", "executive_sponsor", "decision_maker", "user", "billing"}
    assert any(p.left_company and p.left_on for p in contacts)
    assert all(p.email and "@" in p.email and p.email.isascii() for p in contacts)
    assert all(any("champion" in p.role_set for p in a.contacts.values())
               for a in book.accounts.values())


def test_contract_variety(book: Book) -> None:
    contracts = [c for a in book.accounts.values() for c in a.contracts]

    annual = [c for c in contracts if c.amount_period == "year" and c.recurring]
    monthly_priced = [c for c in contracts if c.amount_period == "month"
                      and c.term_months == 12]
    multi_year = [c for c in contracts if c.amount_period == "term" and c.recurring
                  and (c.term_months or 0) >= 24]
    evergreen = [c for c in contracts if is_evergreen(c) and not c.is_trial]
    assert len(annual) > len(monthly_priced) > 0 and multi_year and evergreen
    assert {c.notice_days for c in contracts if c.auto_renew} >= {30, 60, 90}
    assert any(c.auto_renew for c in contracts) and any(not c.auto_renew for c in contracts)
    assert any(not c.recurring for c in contracts), "a one-off services fee"
    assert any(c.is_trial for c in contracts)
    assert all(c.end_date is None or c.end_date > c.start_date for c in contracts)


def test_opportunities_carry_the_forecast(demo_context: AppContext, book: Book) -> None:
    with demo_context.read() as session:
        opportunities = list(session.scalars(select(Opportunity)))
    categories = {o.forecast_category for o in opportunities}
    assert categories == {"commit", "best_case", "pipeline", "at_risk", "churn",
                          "closed_won", "closed_lost"}
    assert any(o.kind == "expansion" and not o.is_closed for o in opportunities)
    assert all(o.is_closed == (o.forecast_category in ("closed_won", "closed_lost"))
               for o in opportunities)

    open_renewals = {o.account_id for o in opportunities if o.kind == "renewal" and not o.is_closed}
    for data in book.live():
        if renewals(data, AS_OF, AS_OF + timedelta(days=90)):
            assert data.account.id in open_renewals, data.account.name
    assert all(o.close_date and o.close_date < AS_OF for o in opportunities if o.is_closed)


def test_two_years_of_daily_usage_with_weekend_dips(book: Book) -> None:
    for data in book.live():
        days = [d for d, _, _ in data.usage]
        first = max(data.account.customer_since, AS_OF - timedelta(days=729))
        assert days[0] == first and days[-1] == AS_OF
        assert len(days) == (AS_OF - first).days + 1, "one row per day"

    weekday, weekend = [], []
    for data in book.live():
        for day, users, _ in data.usage:
            (weekend if day.weekday() >= 5 else weekday).append(users)
    assert sum(weekend) / len(weekend) < 0.5 * sum(weekday) / len(weekday)


def test_most_customers_hold_or_grow_usage(book: Book) -> None:
    def year_on_year(data: AccountData) -> float | None:
        now = data.usage_between(AS_OF - timedelta(days=89), AS_OF)
        then = data.usage_between(AS_OF - timedelta(days=454), AS_OF - timedelta(days=365))
        if len(then) < 90 or not sum(u for _, u, _ in then):
            return None
        return sum(u for _, u, _ in now) / sum(u for _, u, _ in then)

    ratios = [r for a in book.live() if (r := year_on_year(a)) is not None]
    assert sum(r >= 0.95 for r in ratios) / len(ratios) >= 0.6


def test_feature_usage_is_kept_small(book: Book, demo_context: AppContext) -> None:
    with demo_context.read() as session:
        features = session.scalar(select(func.count(func.distinct(FeatureUsage.feature))))
        rows = session.scalar(select(func.count()).select_from(FeatureUsage))
        usage_rows = session.scalar(select(func.count()).select_from(UsageDaily))
    assert features == 15
    assert rows is not None and usage_rows is not None and rows < 1.5 * usage_rows
    assert len(book.key_features) == 10


def test_support_cases_and_survey_answers(book: Book) -> None:
    cases = [c for a in book.accounts.values() for c in a.cases]
    answers = [s for a in book.accounts.values() for s in a.surveys]

    assert {c.priority for c in cases} == {"low", "normal", "high", "urgent"}
    assert any(c.escalated for c in cases) and any(c.closed_at is None for c in cases)
    assert all(c.closed_at is None or c.closed_at > c.opened_at for c in cases)
    by_id = {c.id: c for c in cases}
    support_csat = [s for s in answers if s.topic == "support"]
    assert support_csat and all(by_id[s.case_id].closed_at is not None for s in support_csat)

    nps = [s for s in answers if s.kind == "nps"]
    assert all((s.scale_min, s.scale_max) == (0, 10) for s in nps)
    assert {s.score for s in nps} >= {2, 6, 7, 9, 10}
    assert any(s.comment for s in nps if s.score <= 6)
    relationship = [s for s in answers if s.kind == "csat" and s.topic == "relationship"]
    assert relationship and all((s.scale_min, s.scale_max) == (1, 5) for s in relationship)
    assert all(s.answered_on <= AS_OF for s in answers)


def test_activities_pulses_and_notes(book: Book, demo_context: AppContext) -> None:
    activities = [x for a in book.accounts.values() for x in a.activities]
    assert {x.kind for x in activities} == set(ACTIVITY_KINDS)
    assert all(x.occurred_on <= AS_OF for x in activities)

    latest_pulse = [max(p.recorded_on for p in a.pulses) for a in book.live() if a.pulses]
    assert any((AS_OF - d).days > 30 for d in latest_pulse)
    assert sum((AS_OF - d).days <= 30 for d in latest_pulse) > len(latest_pulse) / 2

    with demo_context.read() as session:
        requests = session.scalars(select(Note).where(Note.category == "request")).all()
    assert len(requests) >= 20 and all(n.body for n in requests)


def test_success_plans_and_business_reviews(book: Book, demo_context: AppContext) -> None:
    with demo_context.read() as session:
        plans = {p.account_id: p for p in session.scalars(select(SuccessPlan))}
        objectives = list(session.scalars(select(Objective)))
        outcomes = list(session.scalars(select(Outcome)))
        milestones = list(session.scalars(select(Milestone)))
        reviews = list(session.scalars(select(BusinessReview)))

    tier_1 = [a.account.id for a in book.live() if a.account.tier == 1]
    tier_2 = [a.account.id for a in book.live() if a.account.tier == 2]
    assert all(account_id in plans for account_id in tier_1)
    assert 0 < sum(account_id in plans for account_id in tier_2) < len(tier_2)
    assert len(outcomes) >= 2 * len(plans)
    assert all(o.kpi and o.baseline and o.target and o.current for o in objectives)
    assert {o.owner_side for o in objectives} == {"ours", "theirs"}
    assert {o.status for o in objectives} >= {"on_track", "at_risk", "done"}
    first_value = [m for m in milestones if m.is_first_value]
    assert len(first_value) == len(plans)
    assert any(m.done_on for m in first_value) and any(m.done_on is None for m in first_value)

    assert {r.kind for r in reviews} == {"QBR", "EBR"}
    assert all(r.held_on <= AS_OF and r.attendees and r.agenda for r in reviews)


def test_every_row_is_in_the_change_log(demo_context: AppContext) -> None:
    with demo_context.read() as session:
        def logged(entity: str) -> int:
            return int(session.scalar(select(func.count()).select_from(ChangeLogEntry).where(
                ChangeLogEntry.entity == entity, ChangeLogEntry.op == "create")) or 0)

        for model in (Account, Contract, Activity, SurveyResponse):
            rows = session.scalar(select(func.count()).select_from(model))
            assert logged(model.__tablename__) == rows, model.__tablename__

        # Usage is logged per account: each entry holds every row of its account.
        daily = session.execute(select(UsageDaily.account_id, UsageDaily.day,
                                       UsageDaily.active_users, UsageDaily.sessions,
                                       UsageDaily.events)).all()
        features = session.execute(select(FeatureUsage.account_id, FeatureUsage.day,
                                          FeatureUsage.feature, FeatureUsage.count)).all()
        assert daily and features
        for entity, stored in (("usage_daily", {(str(a), d.isoformat()): (u, s, e)
                                                for a, d, u, s, e in daily}),
                               ("feature_usage", {(str(a), d.isoformat(), f): c
                                                  for a, d, f, c in features})):
            entries = session.execute(select(ChangeLogEntry.entity_id, ChangeLogEntry.op,
                                             ChangeLogEntry.old_value, ChangeLogEntry.new_value)
                                      .where(ChangeLogEntry.entity == entity)).all()
            assert {op for _, op, _, _ in entries} == {"upsert"}
            assert all(old is None for _, _, old, _ in entries)
            assert len(entries) == len({key[0] for key in stored}), entity
            logged_rows = {}
            for account, _, _, new in entries:
                for day, value in json.loads(new).items():
                    if entity == "usage_daily":
                        logged_rows[(account, day)] = (value["active_users"], value["sessions"],
                                                       value["events"])
                    else:
                        logged_rows.update(((account, day, feature), row["count"])
                                           for feature, row in value.items())
            assert logged_rows == stored, entity
        origins = {(o, a) for o, a in session.execute(
            select(ChangeLogEntry.origin, ChangeLogEntry.actor).distinct())}
    assert origins == {("system", "csdesk demo")}


# --- the command ---------------------------------------------------------------------------

SMALL = ("--accounts", "20", "--seed", "7", "--as-of", "2025-06-30")


def exported(home: Path, options: DemoOptions, target: Path) -> dict[str, list[dict[str, str]]]:
    """Load a book into ``home`` and export it: every table but the log, without instants."""
    context = open_context(str(home))
    try:
        load_demo(context, options)
        with context.read() as session:
            export_portfolio(session, target)
    finally:
        context.close()
    tables = {}
    for path in sorted(target.glob("*.csv")):
        if path.stem in ("change_log", "tombstone"):
            continue
        with path.open(encoding="utf-8", newline="") as handle:
            tables[path.stem] = [{k: v for k, v in row.items()
                                  if k not in ("created_at", "updated_at")}
                                 for row in csv.DictReader(handle)]
    return tables


def test_same_accounts_seed_and_date_give_the_same_book(tmp_path: Path) -> None:
    options = DemoOptions(as_of=date(2025, 6, 30), accounts=20, seed=7)
    one = exported(tmp_path / "one", options, tmp_path / "export-one")
    two = exported(tmp_path / "two", options, tmp_path / "export-two")
    other = exported(tmp_path / "other", DemoOptions(as_of=date(2025, 6, 30), accounts=20,
                                                     seed=8), tmp_path / "export-other")

    assert one["account"] and one["usage_daily"] and one["survey_response"]
    assert one == two
    assert one["account"] != other["account"]
    assert one["usage_daily"] != other["usage_daily"]


def test_a_small_book_as_of_a_given_date(run_cli) -> None:
    result = run_cli("demo", *SMALL)
    assert result.code == 0, result.err
    assert "20 accounts" in result.out and "2025-06-30" in result.out

    listed = run_cli("accounts", "--json", "--as-of", "2025-06-30").json()
    assert len(listed) == 20
    assert "Café Müller GmbH" in {a["name"] for a in listed}
    live = [a for a in listed if a["arr"]["amount"] != "0.00"]
    assert len(live) >= 17
    assert {a["tier"] for a in listed} == {1, 2, 3}


def test_the_summary_as_json(run_cli) -> None:
    result = run_cli("demo", *SMALL, "--json")
    assert result.code == 0, result.err
    summary = result.json()
    assert summary["accounts"] == 20 and summary["seed"] == 7
    assert summary["as_of"] == "2025-06-30" and summary["me"] == "Maya Lindqvist"
    assert summary["rows"]["usage_daily"] > 20 * 300


def test_refuses_a_portfolio_that_has_accounts(run_cli, context: AppContext) -> None:
    with context.write(origin="user") as session:
        session.add(Account(name="Keep Me Ltd"))

    result = run_cli("demo", *SMALL)

    assert result.code == 1
    assert "already has 1 account," in result.err and "--replace" in result.err
    with context.read() as session:
        assert session.scalars(select(Account.name)).all() == ["Keep Me Ltd"]
        assert session.scalar(select(func.count()).select_from(UsageDaily)) == 0


def test_replace_clears_the_portfolio_in_one_logged_transaction(
    run_cli, context: AppContext
) -> None:
    with context.write(origin="user") as session:
        account = Account(name="Old Customer SA")
        session.add(account)
        session.flush()
        session.add(Note(account_id=account.id, body="called", written_on=date(2025, 1, 2)))
        old_id = account.id

    result = run_cli("demo", *SMALL, "--replace")

    assert result.code == 0, result.err
    assert "replaced 1 account that" in result.out
    with context.read() as session:
        names = set(session.scalars(select(Account.name)))
        deletes = session.scalars(select(ChangeLogEntry).where(
            ChangeLogEntry.op == "delete")).all()
        tombstones = session.scalars(select(Tombstone)).all()
    assert len(names) == 20 and "Old Customer SA" not in names
    assert {(d.entity, d.origin, d.actor) for d in deletes} == {
        ("account", "system", "csdesk demo"), ("note", "system", "csdesk demo")}
    assert {(t.entity, t.entity_id) for t in tombstones} >= {("account", str(old_id))}

    with context.read() as session:
        usage_before = session.scalar(select(func.count()).select_from(UsageDaily))
        last = session.scalar(select(func.max(ChangeLogEntry.seq)))
    again = run_cli("demo", *SMALL, "--replace")
    assert again.code == 0 and "replaced 20 accounts" in again.out

    # The demo's usage rows leave one delete entry per account, holding every removed day.
    with context.read() as session:
        removed = session.execute(select(ChangeLogEntry.entity_id, ChangeLogEntry.old_value,
                                         ChangeLogEntry.new_value).where(
            ChangeLogEntry.seq > last, ChangeLogEntry.op == "delete",
            ChangeLogEntry.entity == "usage_daily")).all()
    assert len({account for account, _, _ in removed}) == len(removed) <= 20
    assert all(new is None for _, _, new in removed)
    assert sum(len(json.loads(old)) for _, old, _ in removed) == usage_before > 0


def test_out_of_range_account_count(run_cli) -> None:
    result = run_cli("demo", "--accounts", "5")
    assert result.code == 1
    assert "--accounts 5" in result.err and "between 20 and" in result.err


def test_demo_then_accounts_lists_the_book(run_cli) -> None:
    created = run_cli("demo")
    assert created.code == 0, created.err
    assert "150 accounts" in created.out

    listed = run_cli("accounts", "--json")
    assert listed.code == 0
    accounts = listed.json()
    assert len(accounts) == 150
    assert {a["owner"] for a in accounts} >= {"Maya Lindqvist"}
    assert any(a["arr"]["currency"] == "JPY" for a in accounts)


@pytest.mark.parametrize(("accounts", "seed", "as_of"),
                         [(40, 3, date(2024, 2, 29)), (30, 11, date(2025, 12, 31))])
def test_other_seeds_and_dates_keep_the_story(
    home: Path, accounts: int, seed: int, as_of: date
) -> None:
    context = open_context(str(home))
    try:
        load_demo(context, DemoOptions(as_of=as_of, accounts=accounts, seed=seed))
        other = load_book(context, as_of)
    finally:
        context.close()

    live = other.live()
    red = sum(band_of(other, a, as_of) == "red" for a in live)
    assert 0.10 <= red / len(live) <= 0.25
    dates = [d for a in live for d in renewals(a, as_of, as_of + relativedelta(months=12))]
    for k in range(12):
        window = (as_of + relativedelta(months=k), as_of + relativedelta(months=k + 1))
        assert any(window[0] < d <= window[1] for d in dates), window
    assert any(last_used(a, as_of) and 7 <= (as_of - last_used(a, as_of)).days < 30
               for a in live)
    assert any(band_of(other, a, as_of) == "red"
               and band_of(other, a, as_of - timedelta(days=1)) != "red" for a in live)
