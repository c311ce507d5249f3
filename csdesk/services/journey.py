"""Journey stages: apply the rules, keep manual overrides, and remember when each began.

An account's stored ``journey_stage`` is what the rules gave when they last ran; its
``stage_override`` (with a reason) wins over it. Each change of the stage an account
effectively has is a :class:`~csdesk.models.StageChange` row with its entry date, so the time
spent in a stage is known.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from csdesk.errors import ValidationError
from csdesk.journey.first_value import FirstValue, first_value
from csdesk.journey.rules import DEFAULT_JOURNEY_RULES, JourneyRules, parse_journey_rules
from csdesk.journey.stages import (
    Expansion,
    JourneyFacts,
    Renewal,
    Sentiment,
    StageDecision,
    account_nps,
    decide_stage,
)
from csdesk.models import (
    Account,
    ChurnEvent,
    Contract,
    HealthSnapshot,
    Milestone,
    Opportunity,
    StageChange,
    SuccessPlan,
    SurveyResponse,
    UsageDaily,
)
from csdesk.money import RateTable
from csdesk.renewals.milestones import parse_schedule, specs_for_tier
from csdesk.services.accounts import find_account
from csdesk.services.renewals import MILESTONES, account_next_renewals
from csdesk.services.settings import declare, get_setting, set_setting
from csdesk.services.tiers import effective_tiers
from csdesk.vocabulary import JOURNEY_STAGES

logger = logging.getLogger(__name__)

JOURNEY_RULES = declare(
    "journey.rules",
    DEFAULT_JOURNEY_RULES,
    "Journey stage rules: onboarding length, what makes an advocate, first value by usage",
)


def load_journey_rules(session: Session) -> JourneyRules:
    """The journey rules in force: the stored document, else the defaults."""
    return parse_journey_rules(get_setting(session, JOURNEY_RULES.key))


def save_journey_rules(session: Session, document: Any) -> JourneyRules:
    """Check and store new journey rules (inside a unit of work)."""
    rules = parse_journey_rules(document)
    set_setting(session, JOURNEY_RULES.key, document)
    logger.info("journey rules replaced")
    return rules


# Loading the facts -------------------------------------------------------------------------


@dataclass
class _Paid:
    purchase: date | None = None
    active: bool = False
    latest_active_start: date | None = None
    last_end: date | None = None
    first_seats: int | None = None


def _paid_contracts(session: Session, as_of: date) -> dict[int, _Paid]:
    stmt = (select(Contract.account_id, Contract.start_date, Contract.end_date, Contract.seats)
            .where(Contract.recurring.is_(True), Contract.is_trial.is_(False),
                   Contract.amount_minor > 0, Contract.start_date <= as_of)
            .order_by(Contract.start_date, Contract.id))
    found: dict[int, _Paid] = defaultdict(_Paid)
    for acc, start, end, seats in session.execute(stmt):
        paid = found[acc]
        if paid.purchase is None:
            paid.purchase, paid.first_seats = start, seats
        if end is None or end > as_of:
            paid.active = True
            paid.latest_active_start = start
        elif paid.last_end is None or end > paid.last_end:
            paid.last_end = end
    return found


def _churns(session: Session, as_of: date) -> dict[int, tuple[date, str]]:
    stmt = (select(ChurnEvent.account_id, ChurnEvent.churned_on, ChurnEvent.reason)
            .where(ChurnEvent.churned_on <= as_of, ChurnEvent.is_reactivation.is_(False))
            .order_by(ChurnEvent.churned_on, ChurnEvent.id))
    return {acc: (day, reason) for acc, day, reason in session.execute(stmt)}


def _first_value_marks(session: Session) -> dict[int, list[tuple[str, date | None]]]:
    stmt = (select(SuccessPlan.account_id, Milestone.title, Milestone.done_on)
            .join(Milestone, Milestone.plan_id == SuccessPlan.id)
            .where(Milestone.is_first_value.is_(True)))
    marks: dict[int, list[tuple[str, date | None]]] = defaultdict(list)
    for acc, title, done_on in session.execute(stmt):
        marks[acc].append((title, done_on))
    return marks


def _usage(session: Session, as_of: date, wanted: set[int]) -> dict[int, list[tuple[date, int]]]:
    usage: dict[int, list[tuple[date, int]]] = defaultdict(list)
    if not wanted:
        return usage
    stmt = select(UsageDaily.account_id, UsageDaily.day, UsageDaily.active_users).where(
        UsageDaily.day <= as_of, UsageDaily.active_users.isnot(None))
    for acc, day, active in session.execute(stmt):
        if acc in wanted and active is not None:
            usage[acc].append((day, int(active)))
    return usage


def _renewals(session: Session, as_of: date, tiers: dict[int, int]) -> dict[int, Renewal]:
    schedule = parse_schedule(get_setting(session, MILESTONES.key))
    renewals = {}
    for acc, line in account_next_renewals(session, as_of).items():
        if line.renewal_date is None:
            continue
        specs = specs_for_tier(schedule, tiers.get(acc))
        horizon = max((s.days for s in specs), default=0)
        anchor = line.anchor or line.renewal_date
        renewals[acc] = Renewal(line.renewal_date, anchor, horizon)
    return renewals


def _expansions(session: Session) -> dict[int, Expansion]:
    stmt = (select(Opportunity.account_id, Opportunity.name, Opportunity.created_at)
            .where(Opportunity.kind == "expansion", Opportunity.is_closed.is_(False))
            .order_by(Opportunity.created_at, Opportunity.id))
    found: dict[int, Expansion] = {}
    for acc, name, created_at in session.execute(stmt):
        found.setdefault(acc, Expansion(created_at.date(), name or "unnamed"))
    return found


def _sentiment(session: Session, as_of: date) -> dict[int, Sentiment]:
    since = as_of - relativedelta(years=1) + timedelta(days=1)
    stmt = (select(SurveyResponse.id, SurveyResponse.account_id, SurveyResponse.contact_id,
                   SurveyResponse.score, SurveyResponse.answered_on)
            .where(SurveyResponse.kind == "nps", SurveyResponse.scale_min == 0,
                   SurveyResponse.scale_max == 10, SurveyResponse.answered_on >= since,
                   SurveyResponse.answered_on <= as_of)
            .order_by(SurveyResponse.answered_on, SurveyResponse.id))
    # Each contact's latest answer; an answer without a contact stands for itself.
    latest: dict[int, dict[object, tuple[int, date]]] = defaultdict(dict)
    for answer_id, acc, contact_id, score, day in session.execute(stmt):
        who = contact_id if contact_id is not None else ("answer", answer_id)
        latest[acc][who] = (score, day)

    bands = _health_bands(session, as_of)
    found = {acc: Sentiment(health_band=band) for acc, band in bands.items()}
    for acc, answers in latest.items():
        scores = [score for score, _ in answers.values()]
        found[acc] = Sentiment(account_nps(scores), len(scores),
                               max(day for _, day in answers.values()), bands.get(acc))
    return found


def _health_bands(session: Session, as_of: date) -> dict[int, str | None]:
    latest = (select(HealthSnapshot.account_id, func.max(HealthSnapshot.as_of).label("day"))
              .where(HealthSnapshot.as_of <= as_of)
              .group_by(HealthSnapshot.account_id).subquery())
    stmt = select(HealthSnapshot.account_id, HealthSnapshot.band).join(
        latest, and_(HealthSnapshot.account_id == latest.c.account_id,
                     HealthSnapshot.as_of == latest.c.day))
    return {acc: band for acc, band in session.execute(stmt)}


def journey_facts(
    session: Session, as_of: date, rates: RateTable, rules: JourneyRules
) -> dict[int, JourneyFacts]:
    """The facts the stage rules need, for every account, read with one query per table."""
    seats_by_account = dict(session.execute(select(Account.id, Account.licensed_seats)).all())
    paid = _paid_contracts(session, as_of)
    tiers = effective_tiers(session, as_of, rates, paid)
    churns = _churns(session, as_of)
    marks = _first_value_marks(session)
    wanted = {acc for acc, p in paid.items()
              if acc not in marks and (seats_by_account.get(acc) or p.first_seats)}
    usage = _usage(session, as_of, wanted)
    renewals = _renewals(session, as_of, tiers)
    expansions = _expansions(session)
    sentiment = _sentiment(session, as_of)

    facts = {}
    for acc in seats_by_account:
        p = paid.get(acc, _Paid())
        value: FirstValue | None = None
        if p.purchase is not None:
            seats = seats_by_account.get(acc) or p.first_seats
            value = first_value(p.purchase, as_of, marks.get(acc, []), usage.get(acc, []),
                                seats, rules.first_value_seat_share)
        churn = churns.get(acc)
        facts[acc] = JourneyFacts(
            account_id=acc,
            purchase=p.purchase,
            paid_active=p.active,
            latest_paid_start=p.latest_active_start,
            last_paid_end=p.last_end,
            churned_on=churn[0] if churn else None,
            churn_reason=churn[1] if churn else None,
            first_value=value,
            renewal=renewals.get(acc),
            expansion=expansions.get(acc),
            sentiment=sentiment.get(acc, Sentiment()),
        )
    return facts


# Views and changes -------------------------------------------------------------------------


@dataclass(frozen=True)
class StageRow:
    """One account's stage: the one it has now, since when, and what the rules say."""

    account_id: int
    name: str
    owner: str | None
    as_of: date
    decision: StageDecision
    stored: str | None
    override: str | None
    override_reason: str | None
    entered_on: date | None

    @property
    def stage(self) -> str | None:
        return self.override or self.decision.stage

    @property
    def source(self) -> str:
        return "override" if self.override else "rule"

    @property
    def pending(self) -> bool:
        """The rules now give another stage than the one stored when they last ran."""
        return self.stored != self.decision.stage

    @property
    def since(self) -> date | None:
        """The entry date recorded for the current stage, else the day its condition began."""
        if self.entered_on is not None:
            return self.entered_on
        return None if self.override else self.decision.since

    @property
    def days_in_stage(self) -> int | None:
        return None if self.since is None else (self.as_of - self.since).days

    @property
    def reason(self) -> str:
        if self.override:
            return f"set by hand: {self.override_reason or 'no reason given'}"
        return self.decision.reason

    def to_json(self) -> dict[str, Any]:
        return {
            "account": {"id": str(self.account_id), "name": self.name},
            "owner": self.owner,
            "stage": self.stage,
            "source": self.source,
            "reason": self.reason,
            "since": self.since.isoformat() if self.since else None,
            "days_in_stage": self.days_in_stage,
            "rule_stage": self.decision.stage,
            "rule_reason": self.decision.reason,
            "stored_stage": self.stored,
            "override": None if not self.override else {
                "stage": self.override, "reason": self.override_reason},
            "pending": self.pending,
        }


def _latest_entries(session: Session) -> dict[int, tuple[str, date]]:
    stmt = select(StageChange.account_id, StageChange.stage, StageChange.entered_on).order_by(
        StageChange.entered_on, StageChange.id)
    return {acc: (stage, day) for acc, stage, day in session.execute(stmt)}


def stage_overview(
    session: Session, as_of: date, rates: RateTable, owner: str | None = None
) -> list[StageRow]:
    """Every account (or one owner's) with its stage, time in stage and the rules' verdict."""
    rules = load_journey_rules(session)
    facts = journey_facts(session, as_of, rates, rules)
    entries = _latest_entries(session)
    stmt = select(Account).order_by(Account.name, Account.id)
    if owner:
        stmt = stmt.where(func.lower(Account.owner) == owner.lower())
    rows = []
    for account in session.scalars(stmt):
        decision = decide_stage(facts[account.id], rules, as_of)
        effective = account.stage_override or decision.stage
        entry = entries.get(account.id)
        entered = entry[1] if entry and entry[0] == effective and entry[1] <= as_of else None
        rows.append(StageRow(account.id, account.name, account.owner, as_of, decision,
                             account.journey_stage, account.stage_override,
                             account.stage_override_reason, entered))
    return rows


@dataclass(frozen=True)
class StageMove:
    account_id: int
    name: str
    old_stage: str | None
    new_stage: str
    entered_on: date
    source: str
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {
            "account": {"id": str(self.account_id), "name": self.name},
            "old_stage": self.old_stage,
            "new_stage": self.new_stage,
            "entered_on": self.entered_on.isoformat(),
            "source": self.source,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class StageApplyResult:
    as_of: date
    moves: tuple[StageMove, ...]
    unchanged: int

    def to_json(self) -> dict[str, Any]:
        return {"as_of": self.as_of.isoformat(), "unchanged": self.unchanged,
                "changes": [m.to_json() for m in self.moves]}


def _enter(session: Session, account: Account, old: str | None, stage: str, entered_on: date,
           source: str, reason: str) -> StageMove:
    session.add(StageChange(account_id=account.id, entered_on=entered_on, stage=stage,
                            source=source, reason=reason))
    return StageMove(account.id, account.name, old, stage, entered_on, source, reason)


def apply_stages(session: Session, as_of: date, rates: RateTable) -> StageApplyResult:
    """Run the stage rules for every account and store the result (in a unit of work).

    A changed stage is entered on the day its condition began (purchase, renewal window,
    first value...). When that day is before the previous stage's entry, the account was
    recorded in that previous stage then, so it enters the new one on ``as_of``.
    """
    rules = load_journey_rules(session)
    facts = journey_facts(session, as_of, rates, rules)
    entries = _latest_entries(session)
    moves = []
    unchanged = 0
    for account in session.scalars(select(Account).order_by(Account.id)):
        decision = decide_stage(facts[account.id], rules, as_of)
        before = account.stage_override or account.journey_stage
        if account.journey_stage != decision.stage:
            account.journey_stage = decision.stage
        after = account.stage_override or decision.stage
        if after is None or after == before:
            unchanged += 1
            continue
        entered = min(decision.since or as_of, as_of)
        previous = entries.get(account.id)
        if previous is not None and entered < previous[1]:
            entered = as_of
        moves.append(_enter(session, account, before, after, entered, "rule", decision.reason))
    logger.info("journey stages applied as of %s: %d changed, %d unchanged", as_of, len(moves),
                unchanged)
    return StageApplyResult(as_of, tuple(moves), unchanged)


def set_stage_override(
    session: Session, key: str, stage: str, reason: str, as_of: date
) -> StageMove | None:
    """Put an account in a stage by hand, with a reason; it wins over the rules until cleared."""
    if stage not in JOURNEY_STAGES:
        raise ValidationError(f"'{stage}' is not a journey stage; use one of: "
                              f"{', '.join(JOURNEY_STAGES)}")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("say why the stage is set by hand (--reason \"...\")")
    account = find_account(session, key)
    before = account.stage_override or account.journey_stage
    account.stage_override = stage
    account.stage_override_reason = reason
    logger.info("journey stage of account %s set by hand to %s", account.id, stage)
    if before == stage:
        return None
    return _enter(session, account, before, stage, as_of, "override", reason)


def clear_stage_override(
    session: Session, key: str, as_of: date, rates: RateTable
) -> tuple[Account, StageMove | None]:
    """Drop an account's manual stage; the rules (as of ``as_of``) decide again from today."""
    account = find_account(session, key)
    if account.stage_override is None:
        raise ValidationError(f"{account.name} has no stage set by hand; its stage comes from "
                              "the rules")
    rules = load_journey_rules(session)
    decision = decide_stage(journey_facts(session, as_of, rates, rules)[account.id], rules,
                            as_of)
    before = account.stage_override
    account.stage_override = None
    account.stage_override_reason = None
    account.journey_stage = decision.stage
    logger.info("journey stage override of account %s cleared", account.id)
    if decision.stage is None or decision.stage == before:
        return account, None
    reason = f"override cleared; {decision.reason}"
    return account, _enter(session, account, before, decision.stage, as_of, "rule", reason)
