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

import gc
import logging
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from itertools import pairwise
from typing import Any, cast

from sqlalchemy import Table, and_, delete, func, insert, literal, or_, select, update
from sqlalchemy.orm import Session

from csdesk.health.config import HealthConfig, InputOptions, NpsScale, load_config
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
    key_feature_start,
    recent_start,
    support_start,
    year_start,
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
from csdesk.services.context import AppContext
from csdesk.services.metrics import nps_scale_mappings
from csdesk.services.settings import declare, get_setting, set_setting

logger = logging.getLogger(__name__)

HEALTH_CONFIG = declare(
    "health.scorecard",
    None,
    "Health scorecards: measures, weights, scoring points and bands, with overrides per tier "
    "or segment, and how raw inputs are read (JSON; empty means DOMAIN.md's defaults)",
)

SNAPSHOTS = cast(Table, HealthSnapshot.__table__)
CHUNK = 500
# Up to this many missing days are filled with one set-based pass per day; more use series.
SET_BASED_DAYS = 3


def load_health_config(session: Session) -> HealthConfig:
    """The portfolio's health configuration (DOMAIN.md's defaults where nothing is set).

    NPS scales mapped with ``csdesk survey-scales`` (the mapping the metrics use) count in the
    sentiment measure too, unless the health configuration maps that scale itself.
    """
    config = load_config(get_setting(session, HEALTH_CONFIG.key))
    shared = {
        f"{low}-{high}": scale
        for (low, high), mapping in nps_scale_mappings(session).items()
        if (scale := nps_thresholds(mapping)) is not None
    }
    merged = {**shared, **config.options.nps_scales}
    return replace(config, options=replace(config.options, nps_scales=merged))


def nps_thresholds(mapping: Mapping[int, int]) -> NpsScale | None:
    """Promoter and detractor thresholds of a raw-answer -> 0-10 mapping, if it is monotone."""
    ordered = sorted(mapping.items())
    if any(later < earlier for (_, earlier), (_, later) in pairwise(ordered)):
        logger.warning("NPS scale mapping %s is not monotone; the health score ignores it",
                       ordered)
        return None
    promoters = [raw for raw, nps in ordered if nps >= 9]
    detractors = [raw for raw, nps in ordered if nps <= 6]
    highest = ordered[-1][0]
    return NpsScale(promoter_min=promoters[0] if promoters else highest + 1,
                    detractor_max=detractors[-1] if detractors else ordered[0][0] - 1)


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


def _rows(session: Session, stmt: Any) -> Sequence[Any]:
    """All rows at once through the session's connection: no ORM row handling, one fetch."""
    return session.connection().execute(stmt).all()


def load_profiles(
    session: Session, account_ids: Sequence[int] | None = None, contacts: bool = True
) -> dict[int, AccountProfile]:
    """Every account (or those given) with what scoring needs to know about it.

    Scoring one day needs no contacts (sponsor touches are found in SQL); alerts and history
    back-fills do.
    """
    contracts: dict[int, list[ContractRecord]] = defaultdict(list)
    for account_id, *terms in _rows(session, select(
            Contract.account_id, Contract.id, Contract.start_date, Contract.end_date,
            Contract.seats, Contract.amount_period, Contract.term_months,
            Contract.billing_frequency, Contract.recurring, Contract.is_trial, Contract.currency,
    ).where(_account_filter(Contract.account_id, account_ids))):
        contracts[account_id].append(ContractRecord(*terms))

    people: dict[int, list[ContactRecord]] = defaultdict(list)
    for p in _rows(session, select(
            Contact.id, Contact.account_id, Contact.first_name, Contact.last_name, Contact.email,
            Contact.roles, Contact.left_company, Contact.left_on,
    ).where(_account_filter(Contact.account_id, account_ids))) if contacts else ():
        name = " ".join(x for x in (p.first_name, p.last_name) if x) or (p.email or f"#{p.id}")
        roles = frozenset(r for r in (p.roles or "").split(",") if r)
        people[p.account_id].append(ContactRecord(p.id, name, roles, bool(p.left_company),
                                                  p.left_on))

    tiers: dict[int, list[TierChangeRecord]] = defaultdict(list)
    for account_id, *change in _rows(session, select(
            TierChange.account_id, TierChange.changed_on, TierChange.old_tier, TierChange.new_tier,
    ).where(_account_filter(TierChange.account_id, account_ids)).order_by(
            TierChange.changed_on, TierChange.id)):
        tiers[account_id].append(TierChangeRecord(*change))

    profiles = {}
    no_records: tuple[Any, ...] = ()
    for (account_id, name, owner, tier, override, segment, stage, stage_override, seats,
         since) in _rows(session, select(
            Account.id, Account.name, Account.owner, Account.tier, Account.tier_override,
            Account.segment, Account.journey_stage, Account.stage_override,
            Account.licensed_seats, Account.customer_since,
    ).where(_account_filter(Account.id, account_ids)).order_by(Account.id)):
        held = contracts.get(account_id)
        profiles[account_id] = AccountProfile(
            account_id, name, owner, override or tier, segment, stage_override or stage, seats,
            since, tuple(held) if held else no_records,
            tuple(people[account_id]) if account_id in people else no_records,
            tuple(tiers[account_id]) if account_id in tiers else no_records,
        )
    return profiles


def sponsor_ids(profiles: Iterable[AccountProfile]) -> set[int]:
    return {c.id for p in profiles for c in p.contacts if "executive_sponsor" in c.roles}


def _touch_filter(options: InputOptions) -> Any:
    kinds = options.touchpoint_kinds
    return Activity.kind.in_(sorted(kinds)) if kinds is not None else True


# ---- one day, set-based -------------------------------------------------------------------

def _per_account_on(
    session: Session, day: date, options: InputOptions, account_ids: Sequence[int] | None,
    last_used: bool,
) -> dict[int, tuple[Any, ...]]:
    """Usage sums, feature data, last touches and the latest pulse of each account.

    One scalar subquery per figure, correlated on the account: SQLite walks each account's
    slice of the (account, day) keys, where a join with GROUP BY, or a scan of the whole
    table filtered on the day, reads far more rows. Returns per account: active-user first
    day and sums, event first day and sums, last day used (when asked), first feature day,
    last touch, last sponsor touch, latest pulse day and score.
    """
    u, f, t, p = UsageDaily, FeatureUsage, Activity, CsmPulse
    recent, base = recent_start(day), baseline_start(day)
    base_end = recent - timedelta(days=1)

    def usage(aggregate: Any, *where: Any) -> Any:
        return select(aggregate).where(u.account_id == Account.id, *where)

    def latest_pulse(column: Any) -> Any:
        return select(column).where(p.account_id == Account.id, p.recorded_on <= day).order_by(
            p.recorded_on.desc(), p.id.desc()).limit(1)

    touched = [t.account_id == Account.id, t.occurred_on <= day, _touch_filter(options)]
    sponsor = select(func.max(t.occurred_on)).join(Contact, Contact.id == t.contact_id).where(
        *touched, Contact.roles.like("%executive_sponsor%"))
    figures = [
        usage(func.min(u.day), u.active_users.isnot(None), u.day <= day),
        usage(func.sum(u.active_users), u.day >= recent, u.day <= day),
        usage(func.sum(u.active_users), u.day >= base, u.day <= base_end),
        usage(func.min(u.day), u.day <= day),
        usage(func.max(u.day), u.day <= day,
              or_(u.active_users > 0, u.events > 0, u.sessions > 0)) if last_used
        else select(literal(None)),
        select(func.min(f.day)).where(f.account_id == Account.id, f.day <= day),
        select(func.max(t.occurred_on)).where(*touched),
        sponsor,
        latest_pulse(p.recorded_on),
        latest_pulse(p.score),
    ]
    stmt = select(Account.id, *(x.scalar_subquery() for x in figures)).where(
        _account_filter(Account.id, account_ids))
    rows = {row[0]: tuple(row[1:]) for row in _rows(session, stmt)}

    # Events stand in for active users only where an account has none: read them just there.
    without_users = [a for a, row in rows.items() if row[0] is None and row[3] is not None]
    events: dict[int, tuple[Any, ...]] = {}
    for i in range(0, len(without_users), CHUNK):
        stmt = select(Account.id, *(x.scalar_subquery() for x in (
            usage(func.min(u.day), u.events.isnot(None), u.day <= day),
            usage(func.sum(u.events), u.day >= recent, u.day <= day),
            usage(func.sum(u.events), u.day >= base, u.day <= base_end),
        ))).where(Account.id.in_(without_users[i:i + CHUNK]))
        events.update((row[0], tuple(row[1:])) for row in _rows(session, stmt))
    return {a: (*row[:3], *events.get(a, (None, 0, 0)), *row[4:]) for a, row in rows.items()}


def _features_used_on(
    session: Session, day: date, account_ids: Sequence[int] | None
) -> dict[int, set[str]]:
    f = FeatureUsage
    used: dict[int, set[str]] = defaultdict(set)
    for account_id, feature in _rows(session, select(Account.id, f.feature).join(f, and_(
            f.account_id == Account.id, f.day >= recent_start(day), f.day <= day, f.count > 0,
    )).where(_account_filter(Account.id, account_ids)).distinct()):
        used[account_id].add(feature)
    return used


def _key_features(session: Session, day: date, options: InputOptions) -> tuple[str, ...]:
    """The configured key features, else the most used across the portfolio in 90 days."""
    if options.key_features is not None:
        return options.key_features
    f = FeatureUsage
    stmt = select(f.feature, func.sum(f.count)).where(
        f.day >= key_feature_start(day), f.day <= day).group_by(f.feature)
    totals = {feature: int(total or 0) for feature, total in _rows(session, stmt)}
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
    session: Session, day: date, profiles: Mapping[int, AccountProfile], options: InputOptions,
    last_used: bool = False,
) -> dict[int, AccountFacts]:
    """Every account's facts on ``day``, with a handful of set-based queries.

    ``last_used`` also finds each account's last day of product use (alerts need it).
    """
    ids = sorted(profiles) if len(profiles) <= CHUNK else None
    per_account = _per_account_on(session, day, options, ids, last_used)
    used = _features_used_on(session, day, ids)

    window = _start_of(support_start(day))
    cases: dict[int, list[CaseRecord]] = defaultdict(list)
    for row in _rows(session, select(*CASE_COLUMNS).where(
            _account_filter(SupportCase.account_id, ids),
            SupportCase.opened_at < _start_of(day + timedelta(days=1)),
            or_(SupportCase.closed_at.is_(None), SupportCase.closed_at >= window,
                SupportCase.opened_at >= window))):
        record = _case_record(row)
        if case_in_window(record, day):
            cases[row.account_id].append(record)

    surveys: dict[int, list[SurveyRecord]] = defaultdict(list)
    for answer in _rows(session, select(*SURVEY_COLUMNS).where(
            _account_filter(SurveyResponse.account_id, ids),
            SurveyResponse.answered_on >= year_start(day), SurveyResponse.answered_on <= day)):
        surveys[answer.account_id].append(_survey_record(answer))

    facts = {}
    for account_id in profiles:
        (uf, ur, ub, ef, er, eb, used_on, features_from, touch, sponsor_touch, pulse_on,
         pulse) = per_account[account_id]
        facts[account_id] = AccountFacts(
            day=day,
            usage=UsageFacts(uf, ur or 0, ub or 0, ef, er or 0, eb or 0, used_on),
            features_used=None if features_from is None else frozenset(
                used.get(account_id, ())),
            cases=tuple(cases.get(account_id, ())),
            surveys=tuple(surveys.get(account_id, ())),
            last_touch=touch,
            last_sponsor_touch=sponsor_touch,
            pulse=PulseRecord(pulse_on, pulse) if pulse_on is not None else None,
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


def _exists(session: Session, *where: Any) -> bool:
    return session.scalar(select(literal(1)).where(*where).limit(1)) is not None


def load_portfolio_on(session: Session, day: date, options: InputOptions) -> PortfolioFacts:
    """Key features on ``day`` and which sources hold data dated on or before it."""
    tomorrow = _start_of(day + timedelta(days=1))
    return PortfolioFacts(
        day=day,
        key_features=_key_features(session, day, options),
        key_features_configured=options.key_features is not None,
        has_support_data=_exists(session, SupportCase.opened_at < tomorrow) or _exists(
            session, SUPPORT_CSAT, SurveyResponse.answered_on <= day),
        has_activities=_exists(session, Activity.occurred_on <= day, _touch_filter(options)),
        has_usage=_exists(session, UsageDaily.day <= day),
    )


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cycle collector while a batch allocates many small objects and no cycles.

    Its full passes over every live object otherwise come back again and again while
    thousands of facts and results are built, for nothing to collect.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def compute_health(
    session: Session,
    day: date,
    config: HealthConfig | None = None,
    account_ids: Sequence[int] | None = None,
) -> dict[int, HealthResult]:
    """Every account's health on ``day`` (or the accounts given), from data dated <= day."""
    config = config or load_health_config(session)
    with gc_paused():
        profiles = load_profiles(session, account_ids, contacts=False)
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
    for a, d, users, sessions, events in _rows(session, select(
            UsageDaily.account_id, UsageDaily.day, UsageDaily.active_users, UsageDaily.sessions,
            UsageDaily.events).where(UsageDaily.account_id.in_(ids), UsageDaily.day <= until)):
        usage[a].append((d, users, sessions, events))

    features: dict[int, list[Any]] = defaultdict(list)
    for a, d, feature, count in _rows(session, select(
            FeatureUsage.account_id, FeatureUsage.day, FeatureUsage.feature, FeatureUsage.count,
    ).where(FeatureUsage.account_id.in_(ids), FeatureUsage.day <= until)):
        features[a].append((d, feature, count))

    cases: dict[int, list[CaseRecord]] = defaultdict(list)
    for row in _rows(session, select(*CASE_COLUMNS).where(SupportCase.account_id.in_(ids))):
        cases[row.account_id].append(_case_record(row))

    surveys: dict[int, list[SurveyRecord]] = defaultdict(list)
    for answer in _rows(session, select(*SURVEY_COLUMNS).where(
            SurveyResponse.account_id.in_(ids), SurveyResponse.answered_on <= until)):
        surveys[answer.account_id].append(_survey_record(answer))

    sponsors = sponsor_ids(profiles.values())
    touches: dict[int, list[tuple[date, bool]]] = defaultdict(list)
    for a, contact_id, d in _rows(session, select(
            Activity.account_id, Activity.contact_id, Activity.occurred_on).where(
            Activity.account_id.in_(ids), Activity.occurred_on <= until, _touch_filter(options))):
        touches[a].append((d, contact_id in sponsors))

    pulses: dict[int, list[tuple[date, int, int]]] = defaultdict(list)
    for a, d, pulse_id, score in _rows(session, select(
            CsmPulse.account_id, CsmPulse.recorded_on, CsmPulse.id, CsmPulse.score).where(
            CsmPulse.account_id.in_(ids), CsmPulse.recorded_on <= until)):
        pulses[a].append((d, pulse_id, score))

    return {
        a: AccountSeries(profiles[a], usage.get(a, ()), features.get(a, ()), cases.get(a, ()),
                         surveys.get(a, ()), touches.get(a, ()), pulses.get(a, ()))
        for a in ids
    }


def load_timeline(session: Session, options: InputOptions, until: date) -> PortfolioTimeline:
    totals = _rows(session, select(
        FeatureUsage.day, FeatureUsage.feature, func.sum(FeatureUsage.count),
    ).where(FeatureUsage.day <= until).group_by(FeatureUsage.day, FeatureUsage.feature))
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
        session.connection().execute(insert(SNAPSHOTS), rows)


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
    with gc_paused():
        for account_id, plan in plans.items():
            account = series[account_id]
            for day, granularity in plan:
                result = score_account(account.profile, account.facts(day), portfolio[day],
                                       config)
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
