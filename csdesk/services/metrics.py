"""The metrics use cases: load the portfolio as known on a date, compute, and keep the
settings the metrics depend on (the currency rates table and NPS scale mappings).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from csdesk.errors import ValidationError
from csdesk.metrics import ChurnReport, MetricsReport, compute_churn, compute_metrics
from csdesk.metrics.inputs import (
    AccountFacts,
    ChurnRecord,
    FollowUp,
    HealthReading,
    MetricInputs,
    SurveyAnswer,
)
from csdesk.metrics.periods import effective_period, parse_period
from csdesk.metrics.value import TTV_TARGET_DAYS
from csdesk.models import (
    Account,
    ChurnEvent,
    Contract,
    CurrencyRate,
    HealthSnapshot,
    Milestone,
    SuccessPlan,
    SurveyResponse,
    Task,
    UsageDaily,
)
from csdesk.money import Money, RateTable, normalise_currency
from csdesk.services.accounts import contract_terms
from csdesk.services.settings import REPORTING_CURRENCY, declare, get_setting, set_setting

logger = logging.getLogger(__name__)

NPS_SCALES = declare(
    "metrics.nps_scales", {}, "Explicit mappings of NPS answers on other scales onto 0-10"
)
TTV_TARGET = declare(
    "metrics.ttv_target_days", TTV_TARGET_DAYS, "Time to first value target, in days"
)

DETRACTOR_ALERT = "alert:nps_detractor"


def portfolio_metrics(
    session: Session,
    as_of: date,
    period: str | None = None,
    group_by: str | None = None,
    ttv_from_kickoff: bool = False,
) -> MetricsReport:
    """Every metric for a period (default: trailing 12 months) as known on ``as_of``.

    Args:
        session: an open portfolio session (read only).
        as_of: the day the figures are computed as of; nothing dated later is read.
        period: the period as the user typed it (``ttm``, ``2026``, ``2026Q3``, ...).
        group_by: None for the whole book, or tier, csm/owner, segment, country.
        ttv_from_kickoff: count time to value from the onboarding kickoff when recorded.
    """
    chosen = parse_period(period, as_of)
    until = effective_period(chosen, as_of)[0].end
    report = compute_metrics(
        load_inputs(session, as_of, health_until=until),
        chosen,
        as_of,
        rate_table(session),
        group_by=group_by,
        ttv_from_kickoff=ttv_from_kickoff,
        ttv_target_days=int(get_setting(session, TTV_TARGET.key)),
    )
    logger.info(
        "metrics computed for %s as of %s (%d groups)",
        report.period.label, as_of.isoformat(), len(report.groups),
    )
    return report


def churn_report(session: Session, as_of: date, period: str | None = None) -> ChurnReport:
    """Churn by reason for a period (default: trailing 12 months) as known on ``as_of``."""
    chosen = parse_period(period, as_of)
    report = compute_churn(
        load_inputs(session, as_of, with_activity=False), chosen, as_of, rate_table(session)
    )
    logger.info("churn report for %s as of %s", report.period.label, as_of.isoformat())
    return report


def load_inputs(
    session: Session, as_of: date, health_until: date | None = None, with_activity: bool = True
) -> MetricInputs:
    """The portfolio's facts as known on ``as_of``: nothing dated after it is read.

    Args:
        session: an open portfolio session.
        as_of: the last day of data to read.
        health_until: read each account's latest health snapshot on or before this day.
        with_activity: also read surveys, tasks, usage, milestones and health (the churn
            report needs none of them).
    """
    accounts = _accounts(session, as_of)
    churn = _churn_events(session, as_of)
    if not with_activity:
        return MetricInputs(accounts=accounts, churn_events=churn)
    return MetricInputs(
        accounts=accounts,
        surveys=_surveys(session, as_of),
        churn_events=churn,
        follow_ups=_follow_ups(session, as_of),
        health=_health(session, min(health_until or as_of, as_of)),
        usage=_usage(session, as_of),
        first_value_marks=_first_value_marks(session, as_of),
        nps_scales=nps_scale_mappings(session),
    )


def _accounts(session: Session, as_of: date) -> tuple[AccountFacts, ...]:
    contracts: dict[int, list[Contract]] = defaultdict(list)
    for contract in session.scalars(select(Contract).where(Contract.start_date <= as_of)):
        contracts[contract.account_id].append(contract)

    facts = []
    for account in session.scalars(select(Account).order_by(Account.id)):
        mine = sorted(contracts.get(account.id, []), key=lambda c: (c.start_date, c.id))
        facts.append(
            AccountFacts(
                id=account.id,
                name=account.name,
                contracts=tuple(contract_terms(c) for c in mine),
                owner=account.owner,
                segment=account.segment,
                tier=account.tier_override or account.tier,
                country=account.country,
                stage=account.stage_override or account.journey_stage,
                licensed_seats=account.licensed_seats,
                customer_since=account.customer_since,
                onboarding_kickoff=account.onboarding_kickoff,
                contract_seats={c.id: c.seats for c in mine if c.seats},
                contract_billing={c.id: c.billing_frequency for c in mine},
            )
        )
    return tuple(facts)


def _surveys(session: Session, as_of: date) -> tuple[SurveyAnswer, ...]:
    rows = session.scalars(select(SurveyResponse).where(SurveyResponse.answered_on <= as_of))
    return tuple(
        SurveyAnswer(
            id=r.id, account_id=r.account_id, kind=r.kind, score=r.score,
            scale_min=r.scale_min, scale_max=r.scale_max, answered_on=r.answered_on,
            contact_id=r.contact_id, topic=r.topic, case_id=r.case_id,
        )
        for r in rows
    )


def _churn_events(session: Session, as_of: date) -> tuple[ChurnRecord, ...]:
    rows = session.scalars(select(ChurnEvent).where(ChurnEvent.churned_on <= as_of))
    return tuple(
        ChurnRecord(
            id=r.id,
            account_id=r.account_id,
            churned_on=r.churned_on,
            reason=r.reason,
            lost_arr=(
                Money.from_minor(r.lost_arr_minor, r.currency)
                if r.lost_arr_minor is not None and r.currency else None
            ),
            feedback=r.feedback,
            is_reactivation=r.is_reactivation,
        )
        for r in rows
    )


def _follow_ups(session: Session, as_of: date) -> tuple[FollowUp, ...]:
    stmt = select(Task).where(
        Task.source == "alert",
        or_(Task.source_key == DETRACTOR_ALERT, Task.source_key.like(DETRACTOR_ALERT + ":%")),
    )
    follow_ups = []
    for task in session.scalars(stmt):
        raised = task.raised_on or task.created_at.date()
        if raised > as_of:
            continue
        closed = task.closed_at.date() if task.closed_at is not None else None
        if task.status != "done" or (closed is not None and closed > as_of):
            closed = None
        follow_ups.append(FollowUp(task.id, task.account_id, raised, closed))
    return tuple(follow_ups)


def _health(session: Session, until: date) -> tuple[HealthReading, ...]:
    """Each account's latest snapshot on or before ``until``."""
    latest = (
        select(HealthSnapshot.account_id, func.max(HealthSnapshot.as_of).label("day"))
        .where(HealthSnapshot.as_of <= until)
        .group_by(HealthSnapshot.account_id)
        .subquery()
    )
    stmt = select(HealthSnapshot).join(
        latest,
        (HealthSnapshot.account_id == latest.c.account_id) & (HealthSnapshot.as_of == latest.c.day),
    )
    return tuple(
        HealthReading(s.account_id, s.as_of, s.band, s.status) for s in session.scalars(stmt)
    )


def _usage(session: Session, as_of: date) -> dict[int, tuple[tuple[date, int], ...]]:
    stmt = (
        select(UsageDaily.account_id, UsageDaily.day, UsageDaily.active_users)
        .where(UsageDaily.day <= as_of, UsageDaily.active_users.is_not(None))
        .order_by(UsageDaily.account_id, UsageDaily.day)
    )
    usage: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for account_id, day, active in session.execute(stmt):
        if active is not None:
            usage[account_id].append((day, active))
    return {k: tuple(v) for k, v in usage.items()}


def _first_value_marks(session: Session, as_of: date) -> dict[int, tuple[date | None, ...]]:
    stmt = (
        select(SuccessPlan.account_id, Milestone.done_on)
        .join(Milestone, Milestone.plan_id == SuccessPlan.id)
        .where(Milestone.is_first_value.is_(True))
    )
    marks: dict[int, list[date | None]] = defaultdict(list)
    for account_id, done_on in session.execute(stmt):
        marks[account_id].append(done_on if done_on is not None and done_on <= as_of else None)
    return {k: tuple(v) for k, v in marks.items()}


def rate_table(session: Session) -> RateTable:
    """The user's rates table, into the reporting currency."""
    view = rates_view(session)
    return RateTable(view.reporting_currency, {r.currency: r.rate for r in view.rows})


# --- NPS scale mappings -------------------------------------------------------------------


# Every answer of a scale is mapped by hand; more answers than 0-100 is a typo (and listing
# the answers left unmapped would never end).
MAX_SCALE_ANSWERS = 101


def parse_scale(text: str) -> tuple[int, int]:
    """Read a scale typed as ``1-10``."""
    try:
        low, high = (int(part) for part in text.strip().split("-"))
    except ValueError:
        raise ValidationError(
            f"'{text}' is not a scale; write it as lowest-highest, e.g. 1-10"
        ) from None
    if low >= high:
        raise ValidationError(f"scale {text}: the lowest answer must be below the highest")
    if high - low + 1 > MAX_SCALE_ANSWERS:
        raise ValidationError(f"scale {text} has {high - low + 1} answers; a survey scale has "
                              f"at most {MAX_SCALE_ANSWERS} (such as 0-100)")
    return low, high


def nps_scale_mappings(session: Session) -> dict[tuple[int, int], dict[int, int]]:
    """The user's explicit mappings of NPS answers on other scales onto 0-10."""
    stored: dict[str, dict[str, int]] = get_setting(session, NPS_SCALES.key) or {}
    return {
        parse_scale(scale): {int(raw): int(nps) for raw, nps in mapping.items()}
        for scale, mapping in stored.items()
    }


def set_nps_scale_mapping(session: Session, scale_text: str, pairs: list[str]) -> dict[int, int]:
    """Map every answer of a scale onto 0-10, from ``raw=nps`` pairs (all answers required).

    Raises:
        ValidationError: a malformed pair, an answer outside the scale, an NPS score outside
            0-10, or an answer of the scale left unmapped.
    """
    low, high = parse_scale(scale_text)
    if (low, high) == (0, 10):
        raise ValidationError("0-10 is the NPS scale itself; it needs no mapping")
    mapping: dict[int, int] = {}
    for pair in pairs:
        raw, sep, nps = pair.partition("=")
        try:
            answer, score = int(raw), int(nps)
        except ValueError:
            raise ValidationError(f"'{pair}' is not answer=score (for example 10=10)") from None
        if not sep or not low <= answer <= high:
            raise ValidationError(f"'{pair}': the answer must be on the {low}-{high} scale")
        if not 0 <= score <= 10:
            raise ValidationError(f"'{pair}': an NPS score runs from 0 to 10")
        if answer in mapping and mapping[answer] != score:
            raise ValidationError(f"'{pair}': answer {answer} is already mapped to "
                                  f"{mapping[answer]}; map each answer once")
        mapping[answer] = score

    missing = [str(n) for n in range(low, high + 1) if n not in mapping]
    if missing:
        raise ValidationError(
            f"scale {low}-{high}: map every answer, csdesk never guesses; missing "
            f"{', '.join(missing)}"
        )
    stored = dict(get_setting(session, NPS_SCALES.key) or {})
    stored[f"{low}-{high}"] = {str(k): v for k, v in sorted(mapping.items())}
    set_setting(session, NPS_SCALES.key, stored)
    logger.info("NPS mapping set for the %d-%d scale", low, high)
    return mapping


def remove_nps_scale_mapping(session: Session, scale_text: str) -> None:
    low, high = parse_scale(scale_text)
    stored = dict(get_setting(session, NPS_SCALES.key) or {})
    if stored.pop(f"{low}-{high}", None) is None:
        raise ValidationError(f"there is no mapping for the {low}-{high} scale")
    set_setting(session, NPS_SCALES.key, stored)
    logger.info("NPS mapping removed for the %d-%d scale", low, high)


# --- The currency rates table --------------------------------------------------------------


@dataclass(frozen=True)
class RateRow:
    currency: str
    rate: Decimal
    updated_on: date | None


@dataclass(frozen=True)
class RatesView:
    """The rates table: how many units of the reporting currency one unit of each is worth."""

    reporting_currency: str
    rows: tuple[RateRow, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "reporting_currency": self.reporting_currency,
            "rates": [
                {
                    "currency": r.currency,
                    "rate": format(r.rate, "f"),
                    "updated_on": r.updated_on.isoformat() if r.updated_on else None,
                }
                for r in self.rows
            ],
        }


def rates_view(session: Session) -> RatesView:
    rows = session.scalars(select(CurrencyRate).order_by(CurrencyRate.currency))
    return RatesView(
        str(get_setting(session, REPORTING_CURRENCY.key)),
        tuple(RateRow(r.currency, Decimal(r.rate), r.updated_on) for r in rows),
    )


# No two currencies are a billion apart; a rate outside this span is a typo (1e400, a
# missing decimal point) that would turn every total into nonsense.
SMALLEST_RATE = Decimal("1e-9")
LARGEST_RATE = Decimal("1e9")


def parse_rate(text: str) -> Decimal:
    """A currency rate typed by the user: a positive decimal between 1e-9 and 1e9."""
    try:
        rate = Decimal(text.strip())
    except InvalidOperation:
        raise ValidationError(f"'{text}' is not a rate; write a decimal such as 1.08") from None
    if not rate.is_finite() or rate <= 0:
        raise ValidationError(f"'{text}': a rate must be a number above zero")
    if not SMALLEST_RATE <= rate <= LARGEST_RATE:
        raise ValidationError(f"'{text}' is not a believable rate; give one between "
                              "0.000000001 and 1000000000 (for example 1.08)")
    return rate


def set_rate(session: Session, currency: str, rate_text: str, as_of: date) -> RateRow:
    """Store how many units of the reporting currency one unit of ``currency`` is worth."""
    code = normalise_currency(currency)
    rate = parse_rate(rate_text)
    reporting = str(get_setting(session, REPORTING_CURRENCY.key))
    if code == reporting:
        raise ValidationError(
            f"{code} is the reporting currency: its rate is always 1 "
            "(change it with `csdesk rates reporting CODE`)"
        )
    _store_rate(session, code, rate, as_of)
    logger.info("rate set: 1 %s = %s %s", code, rate, reporting)
    return RateRow(code, rate, as_of)


def _store_rate(session: Session, code: str, rate: Decimal, as_of: date) -> None:
    row = session.get(CurrencyRate, code)
    text = format(rate.normalize(), "f")
    if row is None:
        session.add(CurrencyRate(currency=code, rate=text, updated_on=as_of))
    else:
        row.rate = text
        row.updated_on = as_of


def set_reporting_currency(session: Session, currency: str, as_of: date) -> RatesView:
    """Change the reporting currency, restating every rate in it.

    A rate from the new currency must exist first (unless the table is empty), so the other
    rates can be restated: new rate of C = old rate of C / old rate of the new currency.
    """
    code = normalise_currency(currency)
    old = str(get_setting(session, REPORTING_CURRENCY.key))
    if code == old:
        return rates_view(session)

    rows = {r.currency: r for r in session.scalars(select(CurrencyRate))}
    if rows and code not in rows:
        raise ValidationError(
            f"your rates are in {old}: add a rate for {code} first "
            f"(`csdesk rates set {code} <rate>`), so csdesk can restate the others in {code}"
        )
    if rows:
        pivot = Decimal(rows[code].rate)
        for other, row in rows.items():
            if other != code:
                _store_rate(session, other, _restated(Decimal(row.rate) / pivot), as_of)
        _store_rate(session, old, _restated(Decimal(1) / pivot), as_of)
        session.delete(rows[code])
    set_setting(session, REPORTING_CURRENCY.key, code)
    session.flush()
    logger.info("reporting currency changed from %s to %s", old, code)
    return rates_view(session)


def _restated(rate: Decimal) -> Decimal:
    # Twelve decimal places keep even a rate like JPY's exact to well under a cent.
    return rate.quantize(Decimal("1e-12")).normalize()
