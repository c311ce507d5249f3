"""Health scores: load the inputs with set-based queries, score, explain, keep history.

Two ways in, one way of scoring. :func:`compute_health` scores every account on one day from
a handful of aggregate queries (one per kind of input, never one per account). History
back-fills load each account's records once (:class:`~csdesk.health.series.AccountSeries`)
and score many days from them. Both hand the same facts to
:func:`csdesk.health.score.score_account`.

Snapshots are derived: the whole history is rebuilt when the scorecard changes, and
:func:`backfill_history` lets an import rebuild from the first day it touched.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from typing import Any

from sqlalchemy import and_, delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from csdesk.health.config import HealthConfig, InputOptions, load_config
from csdesk.health.facts import (
    AccountFacts,
    AccountProfile,
    CaseRecord,
    ContactRecord,
    ContractRecord,
    PortfolioFacts,
    PulseRecord,
    SurveyRecord,
    TierChangeRecord,
    UsageFacts,
    baseline_start,
    case_in_window,
    recent_start,
    support_start,
    survey_start,
)
from csdesk.health.history import (
    DAILY,
    TREND_DAYS,
    WEEKLY,
    HistoryPoint,
    daily_start,
    snapshot_days,
    snapshot_row,
)
from csdesk.health.report import AccountHealth, PortfolioHealthRow
from csdesk.health.score import HealthResult, score_account
from csdesk.health.series import AccountSeries, PortfolioTimeline, most_used
from csdesk.models import (
    Account,
    Activity,
    Contact,
    Contract,
    CsmPulse,
    FeatureUsage,
    HealthSnapshot,
    SupportCase,
    SurveyResponse,
    TierChange,
    UsageDaily,
)
from csdesk.services.accounts import find_account
from csdesk.services.context import ON_OPEN, AppContext
from csdesk.services.settings import declare, get_setting, set_setting

logger = logging.getLogger(__name__)

HEALTH_CONFIG = declare(
    "health.scorecard",
    None,
    "Health scorecards: measures, weights, scoring points and bands, with overrides per tier "
    "or segment, and how raw inputs are read (JSON; empty means DOMAIN.md's defaults)",
)

CHUNK = 500
# Up to this many missing days are filled with one set-based pass per day; more use series.
SET_BASED_DAYS = 3


def load_health_config(session: Session) -> HealthConfig:
    """The portfolio's health configuration (DOMAIN.md's defaults where nothing is set)."""
    return load_config(get_setting(session, HEALTH_CONFIG.key))


def stored_health_document(session: Session) -> dict[str, Any] | None:
    stored = get_setting(session, HEALTH_CONFIG.key)
    return dict(stored) if stored else None


# ---- profiles: the accounts with their contracts, contacts and tier history ----------------

def _day_of(instant: datetime | None) -> date | None:
    return instant.astimezone(UTC).date() if instant is not None else None


def _start_of(day: date) -> datetime:
    return datetime.combine(day, clock_time(0), tzinfo=UTC)


def _account_filter(column: Any, account_ids: Sequence[int] | None) -> Any:
    return column.in_(account_ids) if account_ids is not None else True


def load_profiles(
    session: Session, account_ids: Sequence[int] | None = None
) -> dict[int, AccountProfile]:
    """Every account (or those given) with what scoring needs to know about it."""
    contracts: dict[int, list[ContractRecord]] = defaultdict(list)
    for c in session.execute(select(
            Contract.id, Contract.account_id, Contract.start_date, Contract.end_date,
            Contract.seats, Contract.amount_period, Contract.term_months,
            Contract.billing_frequency, Contract.recurring, Contract.is_trial, Contract.currency,
    ).where(_account_filter(Contract.account_id, account_ids))):
        contracts[c.account_id].append(ContractRecord(
            c.id, c.start_date, c.end_date, c.seats, c.amount_period, c.term_months,
            c.billing_frequency, c.recurring, c.is_trial, c.currency))

    contacts: dict[int, list[ContactRecord]] = defaultdict(list)
    for p in session.execute(select(
            Contact.id, Contact.account_id, Contact.first_name, Contact.last_name, Contact.email,
            Contact.roles, Contact.left_company, Contact.left_on,
    ).where(_account_filter(Contact.account_id, account_ids))):
        name = " ".join(x for x in (p.first_name, p.last_name) if x) or (p.email or f"#{p.id}")
        roles = frozenset(r for r in (p.roles or "").split(",") if r)
        contacts[p.account_id].append(ContactRecord(p.id, name, roles, bool(p.left_company),
                                                    p.left_on))

    tiers: dict[int, list[TierChangeRecord]] = defaultdict(list)
    for t in session.execute(select(
            TierChange.account_id, TierChange.changed_on, TierChange.old_tier, TierChange.new_tier,
    ).where(_account_filter(TierChange.account_id, account_ids)).order_by(
            TierChange.changed_on, TierChange.id)):
        tiers[t.account_id].append(TierChangeRecord(t.changed_on, t.old_tier, t.new_tier))

    profiles = {}
    for a in session.execute(select(
            Account.id, Account.name, Account.owner, Account.tier, Account.tier_override,
            Account.segment, Account.journey_stage, Account.stage_override,
            Account.licensed_seats, Account.customer_since,
    ).where(_account_filter(Account.id, account_ids)).order_by(Account.id)):
        profiles[a.id] = AccountProfile(
            id=a.id, name=a.name, owner=a.owner, tier=a.tier_override or a.tier,
            segment=a.segment, stage=a.stage_override or a.journey_stage,
            licensed_seats=a.licensed_seats, customer_since=a.customer_since,
            contracts=tuple(contracts.get(a.id, ())), contacts=tuple(contacts.get(a.id, ())),
            tier_changes=tuple(tiers.get(a.id, ())),
        )
    return profiles


def sponsor_ids(profiles: Iterable[AccountProfile]) -> set[int]:
    return {c.id for p in profiles for c in p.contacts if "executive_sponsor" in c.roles}


def _touch_filter(options: InputOptions) -> Any:
    kinds = options.touchpoint_kinds
    return Activity.kind.in_(sorted(kinds)) if kinds is not None else True


# ---- one day, set-based -------------------------------------------------------------------

def _usage_on(
    session: Session, day: date, account_ids: Sequence[int] | None
) -> dict[int, UsageFacts]:
    u = UsageDaily
    recent, base = recent_start(day), baseline_start(day)
    used = or_(u.active_users > 0, u.events > 0, u.sessions > 0)

    def first_day(column: Any) -> Any:
        return select(func.min(u.day)).where(
            u.account_id == Account.id, column.isnot(None), u.day <= day).scalar_subquery()

    firsts = session.execute(select(
        Account.id, first_day(u.active_users), first_day(u.events),
        select(func.max(u.day)).where(u.account_id == Account.id, u.day <= day, used)
        .scalar_subquery(),
    ).where(_account_filter(Account.id, account_ids))).all()

    # The windows from the account side, so SQLite walks the (account, day) key per account.
    sums = {row[0]: row[1:] for row in session.execute(select(
        Account.id,
        func.sum(u.active_users).filter(u.day >= recent),
        func.sum(u.active_users).filter(u.day < recent),
        func.sum(u.events).filter(u.day >= recent),
        func.sum(u.events).filter(u.day < recent),
    ).join(u, and_(u.account_id == Account.id, u.day >= base, u.day <= day))
     .where(_account_filter(Account.id, account_ids)).group_by(Account.id))}

    facts = {}
    for account_id, users_first, events_first, last_used in firsts:
        if users_first is None and events_first is None and last_used is None:
            continue
        ur, ub, er, eb = sums.get(account_id, (0, 0, 0, 0))
        facts[account_id] = UsageFacts(users_first, ur or 0, ub or 0, events_first, er or 0,
                                       eb or 0, last_used)
    return facts


def _features_on(
    session: Session, day: date, account_ids: Sequence[int] | None
) -> dict[int, frozenset[str]]:
    f = FeatureUsage
    mine = _account_filter(f.account_id, account_ids)
    with_data = session.scalars(select(f.account_id).where(f.day <= day, mine).distinct()).all()
    used: dict[int, set[str]] = {a: set() for a in with_data}
    for account_id, feature in session.execute(select(f.account_id, f.feature).where(
            f.day >= recent_start(day), f.day <= day, f.count > 0, mine).distinct()):
        used[account_id].add(feature)
    return {a: frozenset(s) for a, s in used.items()}


def _key_features(session: Session, day: date | None, options: InputOptions) -> tuple[str, ...]:
    if options.key_features is not None:
        return options.key_features
    stmt = select(FeatureUsage.feature, func.sum(FeatureUsage.count)).group_by(
        FeatureUsage.feature)
    if day is not None:
        stmt = stmt.where(FeatureUsage.day <= day)
    totals = {feature: int(total or 0) for feature, total in session.execute(stmt)}
    return tuple(most_used(totals, options.key_feature_count))


def _case_record(row: Any) -> CaseRecord:
    return CaseRecord(row.id, _day_of(row.opened_at) or date.min, _day_of(row.closed_at),
                      row.priority, bool(row.escalated))


def _survey_record(row: Any) -> SurveyRecord:
    return SurveyRecord(row.id, row.contact_id, row.kind, row.score, row.scale_min,
                        row.scale_max, row.answered_on, row.topic, row.case_id)


CASE_COLUMNS = (SupportCase.id, SupportCase.account_id, SupportCase.opened_at,
                SupportCase.closed_at, SupportCase.priority, SupportCase.escalated)
SURVEY_COLUMNS = (SurveyResponse.id, SurveyResponse.account_id, SurveyResponse.contact_id,
                  SurveyResponse.kind, SurveyResponse.topic, SurveyResponse.case_id,
                  SurveyResponse.score, SurveyResponse.scale_min, SurveyResponse.scale_max,
                  SurveyResponse.answered_on)
SUPPORT_CSAT = and_(SurveyResponse.kind == "csat", or_(SurveyResponse.topic == "support",
                                                       SurveyResponse.case_id.isnot(None)))


def load_facts_on(
    session: Session, day: date, profiles: Mapping[int, AccountProfile], options: InputOptions
) -> dict[int, AccountFacts]:
    """Every account's facts on ``day``, one query per kind of input."""
    ids = sorted(profiles) if len(profiles) <= CHUNK else None
    usage = _usage_on(session, day, ids)
    features = _features_on(session, day, ids)

    window = _start_of(support_start(day))
    cases: dict[int, list[CaseRecord]] = defaultdict(list)
    for row in session.execute(select(*CASE_COLUMNS).where(
            _account_filter(SupportCase.account_id, ids),
            SupportCase.opened_at < _start_of(day + timedelta(days=1)),
            or_(SupportCase.closed_at.is_(None), SupportCase.closed_at >= window,
                SupportCase.opened_at >= window))):
        record = _case_record(row)
        if case_in_window(record, day):
            cases[row.account_id].append(record)

    surveys: dict[int, list[SurveyRecord]] = defaultdict(list)
    for answer in session.execute(select(*SURVEY_COLUMNS).where(
            _account_filter(SurveyResponse.account_id, ids),
            SurveyResponse.answered_on >= survey_start(day), SurveyResponse.answered_on <= day)):
        surveys[answer.account_id].append(_survey_record(answer))

    sponsors = sponsor_ids(profiles.values())
    touch: dict[int, date] = {}
    sponsor_touch: dict[int, date] = {}
    for account_id, contact_id, last in session.execute(select(
            Activity.account_id, Activity.contact_id, func.max(Activity.occurred_on),
    ).where(_account_filter(Activity.account_id, ids), Activity.occurred_on <= day,
            _touch_filter(options)).group_by(
            Activity.account_id, Activity.contact_id)):
        touch[account_id] = max(last, touch.get(account_id, last))
        if contact_id in sponsors:
            sponsor_touch[account_id] = max(last, sponsor_touch.get(account_id, last))

    pulses: dict[int, tuple[date, int, int]] = {}
    for account_id, recorded_on, pulse_id, score in session.execute(select(
            CsmPulse.account_id, CsmPulse.recorded_on, CsmPulse.id, CsmPulse.score,
    ).where(_account_filter(CsmPulse.account_id, ids), CsmPulse.recorded_on <= day)):
        if account_id not in pulses or (recorded_on, pulse_id) > pulses[account_id][:2]:
            pulses[account_id] = (recorded_on, pulse_id, score)

    facts = {}
    for account_id in profiles:
        pulse = pulses.get(account_id)
        facts[account_id] = AccountFacts(
            day=day,
            usage=usage.get(account_id, UsageFacts()),
            features_used=features.get(account_id),
            cases=tuple(cases.get(account_id, ())),
            surveys=tuple(surveys.get(account_id, ())),
            last_touch=touch.get(account_id),
            last_sponsor_touch=sponsor_touch.get(account_id),
            pulse=PulseRecord(pulse[0], pulse[2]) if pulse else None,
        )
    return facts


def _first_dates(session: Session, options: InputOptions) -> tuple[
        date | None, date | None, date | None]:
    """First day the portfolio holds support data, activities and usage."""
    first_case = _day_of(session.scalar(select(func.min(SupportCase.opened_at))))
    first_csat = session.scalar(select(func.min(SurveyResponse.answered_on)).where(SUPPORT_CSAT))
    support = min((d for d in (first_case, first_csat) if d is not None), default=None)
    activity = session.scalar(select(func.min(Activity.occurred_on)).where(
        _touch_filter(options)))
    usage = session.scalar(select(func.min(UsageDaily.day)))
    return support, activity, usage


def load_portfolio_on(session: Session, day: date, options: InputOptions) -> PortfolioFacts:
    support, activity, usage = _first_dates(session, options)
    return PortfolioFacts(
        day=day,
        key_features=_key_features(session, day, options),
        key_features_configured=options.key_features is not None,
        has_support_data=support is not None and support <= day,
        has_activities=activity is not None and activity <= day,
        has_usage=usage is not None and usage <= day,
    )


def compute_health(
    session: Session,
    day: date,
    config: HealthConfig | None = None,
    account_ids: Sequence[int] | None = None,
) -> dict[int, HealthResult]:
    """Every account's health on ``day`` (or the accounts given), from data dated <= day."""
    config = config or load_health_config(session)
    profiles = load_profiles(session, account_ids)
    facts = load_facts_on(session, day, profiles, config.options)
    portfolio = load_portfolio_on(session, day, config.options)
    return {
        account_id: score_account(profile, facts[account_id], portfolio, config)
        for account_id, profile in profiles.items()
    }


def _with_previous(
    session: Session, day: date, config: HealthConfig, account_ids: Sequence[int] | None
) -> tuple[dict[int, HealthResult], dict[int, HealthResult]]:
    now = compute_health(session, day, config, account_ids)
    before = compute_health(session, day - timedelta(days=TREND_DAYS), config, account_ids)
    return now, before


def account_health(session: Session, key: str, day: date) -> AccountHealth:
    """One account's health on ``day``: measures, drivers, trend, attribution, history."""
    account = find_account(session, key)
    config = load_health_config(session)
    now, before = _with_previous(session, day, config, [account.id])
    result = now[account.id]
    card = config.scorecards.get(result.scorecard, config.scorecards["default"])
    return AccountHealth(account.id, account.name, result, before.get(account.id), card,
                         tuple(load_history(session, account.id, day)))


def portfolio_health(session: Session, day: date) -> list[PortfolioHealthRow]:
    """Every account's score, band, trend and top driver on ``day``, by name."""
    config = load_health_config(session)
    now, before = _with_previous(session, day, config, None)
    names = session.execute(select(Account.id, Account.name, Account.owner, Account.tier,
                                   Account.tier_override).order_by(Account.name, Account.id))
    rows = []
    for account_id, name, owner, tier, override in names:
        result = now[account_id]
        card = config.scorecards.get(result.scorecard, config.scorecards["default"])
        rows.append(PortfolioHealthRow(account_id, name, owner, override or tier, result,
                                       before.get(account_id), card))
    return rows


# ---- many days, from each account's records ---------------------------------------------

def load_series(
    session: Session,
    profiles: Mapping[int, AccountProfile],
    options: InputOptions,
    until: date,
) -> dict[int, AccountSeries]:
    """The records of the given accounts dated up to ``until``, indexed per account."""
    ids = sorted(profiles)
    usage: dict[int, list[Any]] = defaultdict(list)
    for a, d, users, sessions, events in session.execute(select(
            UsageDaily.account_id, UsageDaily.day, UsageDaily.active_users, UsageDaily.sessions,
            UsageDaily.events).where(UsageDaily.account_id.in_(ids), UsageDaily.day <= until)):
        usage[a].append((d, users, sessions, events))

    features: dict[int, list[Any]] = defaultdict(list)
    for a, d, feature, count in session.execute(select(
            FeatureUsage.account_id, FeatureUsage.day, FeatureUsage.feature, FeatureUsage.count,
    ).where(FeatureUsage.account_id.in_(ids), FeatureUsage.day <= until)):
        features[a].append((d, feature, count))

    cases: dict[int, list[CaseRecord]] = defaultdict(list)
    for row in session.execute(select(*CASE_COLUMNS).where(SupportCase.account_id.in_(ids))):
        cases[row.account_id].append(_case_record(row))

    surveys: dict[int, list[SurveyRecord]] = defaultdict(list)
    for answer in session.execute(select(*SURVEY_COLUMNS).where(
            SurveyResponse.account_id.in_(ids), SurveyResponse.answered_on <= until)):
        surveys[answer.account_id].append(_survey_record(answer))

    sponsors = sponsor_ids(profiles.values())
    touches: dict[int, list[tuple[date, bool]]] = defaultdict(list)
    for a, contact_id, d in session.execute(select(
            Activity.account_id, Activity.contact_id, Activity.occurred_on).where(
            Activity.account_id.in_(ids), Activity.occurred_on <= until, _touch_filter(options))):
        touches[a].append((d, contact_id in sponsors))

    pulses: dict[int, list[tuple[date, int, int]]] = defaultdict(list)
    for a, d, pulse_id, score in session.execute(select(
            CsmPulse.account_id, CsmPulse.recorded_on, CsmPulse.id, CsmPulse.score).where(
            CsmPulse.account_id.in_(ids), CsmPulse.recorded_on <= until)):
        pulses[a].append((d, pulse_id, score))

    return {
        a: AccountSeries(profiles[a], usage.get(a, ()), features.get(a, ()), cases.get(a, ()),
                         surveys.get(a, ()), touches.get(a, ()), pulses.get(a, ()))
        for a in ids
    }


def load_timeline(session: Session, options: InputOptions, until: date) -> PortfolioTimeline:
    totals = session.execute(select(
        FeatureUsage.day, FeatureUsage.feature, func.sum(FeatureUsage.count),
    ).where(FeatureUsage.day <= until).group_by(FeatureUsage.day, FeatureUsage.feature)).all()
    support, activity, usage = _first_dates(session, options)
    return PortfolioTimeline(
        [(d, f, int(n or 0)) for d, f, n in totals], support, activity, usage,
        options.key_features, options.key_feature_count,
    )


# ---- history ------------------------------------------------------------------------------

@dataclass(frozen=True)
class BackfillReport:
    accounts: int
    snapshots: int
    first: date | None
    last: date | None
    seconds: float


def _write_snapshots(session: Session, rows: list[dict[str, Any]]) -> None:
    if rows:
        session.execute(insert(HealthSnapshot), rows)


def _backfill_accounts(
    session: Session,
    config: HealthConfig,
    timeline: PortfolioTimeline,
    account_ids: Sequence[int],
    as_of: date,
    since: date | None,
) -> tuple[int, date | None]:
    """Recompute the snapshots of these accounts from ``since`` (None: all) to ``as_of``."""
    profiles = load_profiles(session, account_ids)
    series = load_series(session, profiles, config.options, as_of)
    plans = {a: list(snapshot_days(s.first_day() or as_of, as_of, since))
             for a, s in series.items()}
    portfolio = timeline.facts_on({d for plan in plans.values() for d, _ in plan})

    stale = delete(HealthSnapshot).where(HealthSnapshot.account_id.in_(list(account_ids)),
                                         HealthSnapshot.as_of <= as_of)
    if since is not None:
        stale = stale.where(HealthSnapshot.as_of >= since)
    session.execute(stale)

    rows = []
    first: date | None = None
    for account_id, plan in plans.items():
        account = series[account_id]
        for day, granularity in plan:
            result = score_account(account.profile, account.facts(day), portfolio[day], config)
            rows.append(snapshot_row(result, granularity))
        if plan:
            first = min(first or plan[0][0], plan[0][0])
    _write_snapshots(session, rows)
    return len(rows), first


def backfill_history(
    context: AppContext,
    as_of: date,
    since: date | None = None,
    account_ids: Sequence[int] | None = None,
) -> BackfillReport:
    """Rebuild health history up to ``as_of`` from the data in the portfolio.

    Call it after data arrives (``since``: the earliest day the new data touches) or after
    the scorecard changed (``since`` None: everything). Days before the last 90 get one
    snapshot a week (Mondays), the last 90 one a day.

    Args:
        context: the open portfolio.
        as_of: the last day to compute.
        since: first day to recompute; None rebuilds each account from its first data.
        account_ids: only these accounts (default: all).

    Returns:
        How many accounts and snapshots were written, over which days, in how long.
    """
    started = time.perf_counter()
    with context.read() as session:
        config = load_health_config(session)
        ids = account_ids if account_ids is not None else list(
            session.scalars(select(Account.id).order_by(Account.id)))
        timeline = load_timeline(session, config.options, as_of)

    total, first = 0, None
    for i in range(0, len(ids), CHUNK):
        chunk = list(ids[i:i + CHUNK])
        with context.write(origin="system", context="health history") as session:
            written, chunk_first = _backfill_accounts(session, config, timeline, chunk, as_of,
                                                      since)
        total += written
        if chunk_first is not None:
            first = min(first or chunk_first, chunk_first)
    with context.write(origin="system", context="health history") as session:
        thin_history(session, as_of)

    seconds = time.perf_counter() - started
    logger.info("health history rebuilt: %d snapshots for %d accounts up to %s in %.1f s",
                total, len(ids), as_of.isoformat(), seconds)
    return BackfillReport(len(ids), total, first, as_of if total else None, seconds)


def thin_history(session: Session, as_of: date) -> int:
    """Keep only Mondays of the daily snapshots older than the last 90 days."""
    cutoff = daily_start(as_of)
    old = session.scalars(select(HealthSnapshot.as_of).where(
        HealthSnapshot.granularity == DAILY, HealthSnapshot.as_of < cutoff).distinct()).all()
    drop = [d for d in old if d.weekday() != 0]
    removed = 0
    for i in range(0, len(drop), CHUNK):
        result = session.execute(delete(HealthSnapshot).where(
            HealthSnapshot.granularity == DAILY, HealthSnapshot.as_of.in_(drop[i:i + CHUNK])))
        removed += int(getattr(result, "rowcount", 0) or 0)
    if old:
        session.execute(update(HealthSnapshot).where(
            HealthSnapshot.granularity == DAILY, HealthSnapshot.as_of < cutoff,
        ).values(granularity=WEEKLY))
    return removed


def ensure_up_to_date(context: AppContext, as_of: date) -> int:
    """Add the snapshots missing up to ``as_of``; cheap when history is current.

    Accounts with history get the days since their last snapshot; accounts without any get
    ``as_of`` only (a full back-fill is :func:`backfill_history`'s job, run after imports).

    Returns:
        The number of snapshots written.
    """
    with context.read() as session:
        ids = list(session.scalars(select(Account.id)))
        if not ids:
            return 0
        last = dict(session.execute(select(
            HealthSnapshot.account_id, func.max(HealthSnapshot.as_of)).group_by(
            HealthSnapshot.account_id)).all())

    groups: dict[date | None, list[int]] = defaultdict(list)
    for account_id in ids:
        latest = last.get(account_id)
        if latest is None:
            groups[None].append(account_id)
        elif latest < as_of:
            groups[latest + timedelta(days=1)].append(account_id)
    if not groups:
        return 0

    written = 0
    for since, accounts in sorted(groups.items(), key=lambda g: g[0] or as_of):
        days = [d for d, _ in snapshot_days(since or as_of, as_of)]
        if len(days) <= SET_BASED_DAYS:
            written += _fill_days(context, accounts, days, as_of)
        else:
            written += backfill_history(context, as_of, since, accounts).snapshots
    with context.write(origin="system", context="health history") as session:
        thin_history(session, as_of)
    logger.info("health history brought up to %s: %d snapshots", as_of.isoformat(), written)
    return written


def _fill_days(context: AppContext, accounts: list[int], days: list[date], as_of: date) -> int:
    recent = daily_start(as_of)
    with context.write(origin="system", context="health history") as session:
        config = load_health_config(session)
        rows: list[dict[str, Any]] = []
        for day in days:
            results = compute_health(session, day, config, accounts)
            granularity = DAILY if day >= recent else WEEKLY
            rows.extend(snapshot_row(r, granularity) for r in results.values())
        session.execute(delete(HealthSnapshot).where(
            HealthSnapshot.account_id.in_(accounts), HealthSnapshot.as_of.in_(days)))
        _write_snapshots(session, rows)
    return len(rows)


def load_history(session: Session, account_id: int, until: date) -> list[HistoryPoint]:
    """The stored snapshots of one account up to ``until``, oldest first."""
    rows = session.execute(select(
        HealthSnapshot.as_of, HealthSnapshot.status, HealthSnapshot.score, HealthSnapshot.band,
        HealthSnapshot.granularity,
    ).where(HealthSnapshot.account_id == account_id, HealthSnapshot.as_of <= until).order_by(
        HealthSnapshot.as_of))
    return [HistoryPoint(*row) for row in rows]


# ---- configuration edits ------------------------------------------------------------------

def save_health_config(context: AppContext, document: Mapping[str, Any], as_of: date) -> \
        BackfillReport:
    """Store a new configuration, then restate history under it so trends compare alike.

    Raises:
        ValidationError: the document breaks a rule; nothing is stored.
    """
    load_config(document)
    with context.write(context="health scorecard") as session:
        set_setting(session, HEALTH_CONFIG.key, dict(document))
    logger.info("health scorecard saved")
    return backfill_history(context, as_of)


# ---- portfolio open -----------------------------------------------------------------------

def _bring_history_up_to_date(context: AppContext) -> None:
    # Hooks run as the portfolio opens, before any face has chosen a date, so this hook
    # alone reads the calendar. Derived data: a failure is logged and retried next time.
    try:
        ensure_up_to_date(context, date.today())
    except Exception:
        logger.exception("health history could not be brought up to date; will retry")


if _bring_history_up_to_date not in ON_OPEN:
    ON_OPEN.append(_bring_history_up_to_date)
