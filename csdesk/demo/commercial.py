"""Contracts, opportunities and churn events of a demo account."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

from dateutil.relativedelta import relativedelta

from csdesk.demo.catalogue import PLAN_BY_TIER, RATES
from csdesk.demo.plan import AccountPlan
from csdesk.demo.rows import Rows
from csdesk.demo.texts import CHURN_FEEDBACK
from csdesk.money import Money
from csdesk.vocabulary import CHURN_REASONS

CRM_FORECAST_VALUES = {
    "commit": "Commit",
    "best_case": "Best Case",
    "pipeline": "Pipeline",
    "at_risk": "At Risk",
    "churn": "Omitted",
    "closed_won": "Closed",
    "closed_lost": "Omitted",
}

# How much ARR changed from one annual term to the next, by profile.
TERM_GROWTH = {
    "healthy": ("1", "1", "1.05", "1.1", "1.2", "1.3"),
    "steady": ("1", "1", "1", "1.05", "0.9"),
    "at_risk": ("1", "0.9", "1.1"),
    "sharp_drop": ("1.1", "1.2"),
    "churned": ("1", "1", "0.9", "1.1"),
    "onboarding": ("1",),
}

CHURN_REASON_WEIGHTS = (3, 1, 4, 2, 1, 3, 1, 2, 1, 1)


@dataclass(frozen=True)
class Term:
    """One priced period of the subscription, oldest first."""

    start: date
    end: date | None
    arr: Decimal
    seats: int


@dataclass
class Commercials:
    """What later steps need to know about an account's contracts."""

    arr: Decimal
    current_contract_id: int | None = None
    terms: list[Term] = field(default_factory=list)
    contract_ids: list[int] = field(default_factory=list)


def local_amount(usd: Decimal, currency: str) -> Decimal:
    """A round price in the account's currency (tens of units, or thousands of yen)."""
    return round_price(usd / RATES[currency] if currency in RATES else usd, currency)


def round_price(value: Decimal, currency: str) -> Decimal:
    """Round to tens of units (thousands of yen), as price lists are."""
    step = Decimal(1000) if currency == "JPY" else Decimal(10)
    return (value / step).quantize(Decimal(1), rounding=ROUND_HALF_EVEN) * step


def minor(amount: Decimal, currency: str) -> int:
    """Integer minor units of an amount (cents, or whole yen)."""
    return Money.of(amount, currency).to_minor()


def build_terms(plan: AccountPlan, as_of: date) -> list[Term]:
    """The annual (or multi-year) terms from customer-since to the renewal or churn date."""
    arr = local_amount(plan.arr_usd, plan.currency)
    if plan.shape in ("annual_auto", "monthly", "quarterly", "evergreen"):
        return [Term(plan.customer_since, None, arr, plan.seats)]

    last_end = plan.churned_on or plan.renewal
    assert last_end is not None
    current_months = plan.term_months if plan.shape == "multi_year" else 12
    boundaries = [last_end, last_end - relativedelta(months=current_months)]
    while boundaries[-1] > plan.customer_since:
        boundaries.append(boundaries[-1] - relativedelta(months=12))
    boundaries.reverse()

    terms: list[Term] = []
    value, seats = arr, plan.seats
    growth = TERM_GROWTH[plan.profile]
    for start, end in reversed(list(zip(boundaries, boundaries[1:], strict=False))):
        terms.append(Term(start, end, value, seats))
        step = Decimal(plan.rng.choice(growth))
        value = round_price(value / step, plan.currency)
        seats = max(5, int(seats / step))
    terms.reverse()
    return terms


def add_contracts(rows: Rows, plan: AccountPlan, as_of: date) -> Commercials:
    """Add the account's subscription terms and extras; returns what later steps need."""
    terms = build_terms(plan, as_of)
    result = Commercials(arr=terms[-1].arr, terms=terms)
    plan_name = PLAN_BY_TIER[plan.size_tier]
    notice = plan.rng.choice((30, 60, 90))

    for n, term in enumerate(terms):
        is_current = n == len(terms) - 1
        contract_id = _add_subscription(rows, plan, term, plan_name, notice, is_current)
        result.contract_ids.append(contract_id)
        if is_current:
            result.current_contract_id = contract_id

    _add_extras(rows, plan, result, as_of)
    return result


def _add_subscription(
    rows: Rows,
    plan: AccountPlan,
    term: Term,
    plan_name: str,
    notice: int,
    is_current: bool,
) -> int:
    shape = plan.shape if is_current else "annual_term"
    currency = plan.currency
    months = 12
    if shape == "multi_year":
        months = plan.term_months
    amount, period, billing = term.arr, "year", "annual"
    if shape in ("monthly", "evergreen"):
        monthly = (term.arr / 12).quantize(Decimal(100) if currency == "JPY" else Decimal(1))
        amount, period, billing = monthly, "month", "monthly"
    elif shape == "quarterly":
        amount, period, billing = (term.arr / 4).quantize(Decimal(1)), "quarter", "quarterly"
    elif shape == "multi_year":
        amount, period = term.arr * months / 12, "term"
        billing = plan.rng.choice(("annual", "upfront"))
    if shape == "evergreen":
        months = 1

    auto_renew = shape in ("annual_auto", "monthly", "quarterly", "evergreen") or (
        shape == "annual_term" and is_current and plan.rng.random() < 0.3
    )
    label = "month-to-month" if shape == "evergreen" else f"{term.start.year}"
    return rows.add(
        "contract",
        account_id=plan.id,
        name=f"{plan_name} subscription {label}",
        plan=plan_name,
        start_date=term.start,
        end_date=term.end,
        term_months=months,
        billing_frequency=billing,
        amount_minor=minor(amount, currency),
        currency=currency,
        amount_period=period,
        recurring=True,
        is_trial=False,
        auto_renew=auto_renew,
        notice_days=(30 if shape == "evergreen" else notice) if auto_renew else None,
        seats=term.seats,
    )


def _add_extras(rows: Rows, plan: AccountPlan, result: Commercials, as_of: date) -> None:
    """One-off services, pilots and co-termed add-ons, which ARR must treat correctly."""
    rng = plan.rng
    if plan.size_tier < 3 and rng.random() < 0.3:
        fee = local_amount(Decimal(rng.choice((8000, 12000, 20000))), plan.currency)
        result.contract_ids.append(rows.add(
            "contract", account_id=plan.id, name="Onboarding services package",
            plan="Professional services", start_date=plan.customer_since,
            end_date=plan.customer_since + relativedelta(months=3), term_months=3,
            billing_frequency="upfront", amount_minor=minor(fee, plan.currency),
            currency=plan.currency, amount_period="term", recurring=False, is_trial=False,
            auto_renew=False, notice_days=None, seats=None,
        ))
    if plan.profile == "onboarding" and rng.random() < 0.5:
        result.contract_ids.append(rows.add(
            "contract", account_id=plan.id, name="Pilot", plan=PLAN_BY_TIER[plan.size_tier],
            start_date=plan.customer_since - timedelta(days=30), end_date=plan.customer_since,
            term_months=1, billing_frequency="other", amount_minor=0, currency=plan.currency,
            amount_period="month", recurring=True, is_trial=True, auto_renew=False,
            notice_days=None, seats=min(plan.seats, 25),
        ))
    if (plan.profile == "healthy" and plan.renewal and plan.size_tier < 3
            and rng.random() < 0.2):
        start = as_of - timedelta(days=rng.randint(20, 200))
        if plan.customer_since < start < plan.renewal - timedelta(days=30):
            seats = max(5, plan.seats // rng.choice((4, 5, 8)))
            addon = round_price(result.arr * seats / plan.seats, plan.currency)
            result.contract_ids.append(rows.add(
                "contract", account_id=plan.id, name=f"Add-on: {seats} seats",
                plan=PLAN_BY_TIER[plan.size_tier], start_date=start, end_date=plan.renewal,
                term_months=None, billing_frequency="annual",
                amount_minor=minor(addon, plan.currency), currency=plan.currency,
                amount_period="year", recurring=True, is_trial=False, auto_renew=False,
                notice_days=None, seats=seats,
            ))
            result.arr += addon
            plan.seats += seats


def add_opportunities(rows: Rows, plan: AccountPlan, deal: Commercials, as_of: date) -> None:
    """Past renewals (won, or lost at churn), the open renewal, and expansions."""
    _add_past_renewals(rows, plan, deal, as_of)
    if plan.renewal is not None and (plan.renewal - as_of).days <= 180:
        _add_open_renewal(rows, plan, deal, as_of)
    _add_expansions(rows, plan, deal, as_of)
    if plan.profile == "onboarding":
        _opportunity(rows, plan, None, "new", f"{plan.name}: new business", "Closed Won",
                     plan.customer_since - timedelta(days=plan.rng.randint(3, 25)),
                     deal.terms[0].arr, "closed_won")


def _add_past_renewals(rows: Rows, plan: AccountPlan, deal: Commercials, as_of: date) -> None:
    window_start = as_of - timedelta(days=730)
    terms = deal.terms
    for term, contract_id in zip(terms[1:], deal.contract_ids, strict=False):
        if window_start < term.start <= as_of:
            close = term.start - timedelta(days=plan.rng.randint(0, 25))
            _opportunity(rows, plan, contract_id, "renewal",
                         f"{plan.name}: renewal {term.start.year}", "Closed Won", close,
                         term.arr, "closed_won")
    if len(terms) == 1 and terms[0].end is None:
        anniversary = terms[0].start + relativedelta(months=12)
        while anniversary <= as_of:
            if anniversary > window_start:
                close = anniversary - timedelta(days=plan.rng.randint(0, 25))
                _opportunity(rows, plan, deal.current_contract_id, "renewal",
                             f"{plan.name}: renewal {anniversary.year}", "Closed Won", close,
                             terms[0].arr, "closed_won")
            anniversary += relativedelta(months=12)
    if plan.churned_on is not None:
        close = plan.churned_on - timedelta(days=plan.rng.randint(5, 40))
        _opportunity(rows, plan, deal.current_contract_id, "renewal",
                     f"{plan.name}: renewal {plan.churned_on.year}", "Closed Lost", close,
                     terms[-1].arr, "closed_lost")


def _add_open_renewal(rows: Rows, plan: AccountPlan, deal: Commercials, as_of: date) -> None:
    assert plan.renewal is not None
    rng = plan.rng
    days = (plan.renewal - as_of).days
    category = {
        "healthy": "commit" if days <= 90 else rng.choice(("best_case", "pipeline")),
        "onboarding": "pipeline",
        "steady": rng.choice(("best_case", "pipeline", "pipeline", "at_risk")),
        "at_risk": rng.choice(("at_risk", "at_risk", "churn")),
        "sharp_drop": "at_risk",
    }[plan.profile]
    factor = {"healthy": rng.choice(("1", "1.05", "1.1", "1.15")),
              "at_risk": rng.choice(("0.6", "0.8", "1"))}.get(plan.profile, "1")
    amount = (deal.arr * Decimal(factor)).quantize(Decimal(1))
    # Some CRM close dates drift from the contract's renewal date, as they do in practice.
    close = plan.renewal
    if rng.random() < 0.3:
        close = plan.renewal - timedelta(days=rng.randint(5, 20))
    stage = "Renewal: negotiation" if days <= 45 else (
        "Renewal: proposal sent" if days <= 90 else "Renewal: discovery")
    _opportunity(rows, plan, deal.current_contract_id, "renewal",
                 f"{plan.name}: renewal {plan.renewal.year}", stage, close, amount, category)


def _add_expansions(rows: Rows, plan: AccountPlan, deal: Commercials, as_of: date) -> None:
    rng = plan.rng
    if plan.profile != "healthy" or plan.size_tier == 3:
        return
    if rng.random() < 0.35:
        amount = (deal.arr * Decimal(rng.choice(("0.1", "0.2", "0.3")))).quantize(Decimal(1))
        category = rng.choice(("pipeline", "best_case", "commit"))
        _opportunity(rows, plan, None, "expansion", f"{plan.name}: more seats", "Proposal",
                     as_of + timedelta(days=rng.randint(20, 150)), amount, category)
    if rng.random() < 0.3:
        won = rng.random() < 0.6
        amount = (deal.arr * Decimal("0.15")).quantize(Decimal(1))
        _opportunity(rows, plan, None, "expansion", f"{plan.name}: forecasting module",
                     "Closed Won" if won else "Closed Lost",
                     as_of - timedelta(days=rng.randint(30, 600)), amount,
                     "closed_won" if won else "closed_lost")


def _opportunity(
    rows: Rows,
    plan: AccountPlan,
    contract_id: int | None,
    kind: str,
    name: str,
    stage: str,
    close: date,
    amount: Decimal,
    category: str,
) -> None:
    closed = category in ("closed_won", "closed_lost")
    rows.add(
        "opportunity",
        account_id=plan.id,
        contract_id=contract_id,
        name=name,
        kind=kind,
        stage=stage,
        close_date=close,
        amount_minor=minor(amount, plan.currency),
        currency=plan.currency,
        forecast_category=category,
        crm_forecast_value=CRM_FORECAST_VALUES[category],
        is_closed=closed,
        is_won=category == "closed_won",
    )


def add_churn_event(rows: Rows, plan: AccountPlan, deal: Commercials) -> str:
    """The churn record with a reason from the taxonomy, the ARR lost and the feedback."""
    assert plan.churned_on is not None
    reason = plan.rng.choices(CHURN_REASONS, CHURN_REASON_WEIGHTS)[0]
    rows.add(
        "churn_event",
        account_id=plan.id,
        churned_on=plan.churned_on,
        reason=reason,
        lost_arr_minor=minor(deal.terms[-1].arr, plan.currency),
        currency=plan.currency,
        feedback=CHURN_FEEDBACK[reason],
        is_reactivation=False,
    )
    return reason
