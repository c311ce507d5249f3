"""Everything a business review document shows, gathered for one account and period.

:func:`gather_review` returns a :class:`ReviewData` view model of plain values (no ORM
objects), which the PDF renders; the window can show the same figures. Sections follow
DOMAIN.md "The exported review document". Each piece of data is cut to the review period
(a quarter by default: the last full quarter before the as-of date).
"""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from statistics import median

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from csdesk.charts import TrendPoint
from csdesk.errors import ValidationError
from csdesk.health.config import MEASURE_LABELS
from csdesk.health.report import AccountHealth
from csdesk.metrics.inputs import SurveyAnswer
from csdesk.metrics.periods import Period, effective_period, parse_period, quarter
from csdesk.metrics.results import MetricGroup, MetricsReport
from csdesk.metrics.voice import csat_metrics, nps_metric
from csdesk.models import (
    Account,
    Contract,
    FeatureUsage,
    Note,
    SupportCase,
    SurveyResponse,
    Task,
    UsageDaily,
)
from csdesk.money import Money, RateTable
from csdesk.plans.view import PlanView, ReviewView
from csdesk.renewals.timeline import RenewalTimeline
from csdesk.revenue import arr_on
from csdesk.services.accounts import contract_terms, find_account
from csdesk.services.health import account_health
from csdesk.services.metrics import nps_scale_mappings, portfolio_metrics
from csdesk.services.plans import plan_view
from csdesk.services.renewals import (
    ForecastSummary,
    RenewalBook,
    RenewalList,
    RenewalRow,
    account_next_renewals,
    forecast_summary,
    load_book,
    renewal_timeline,
    upcoming_renewals,
)
from csdesk.services.settings import COMPANY_NAME, LOGO_PATH, PRIMARY_COLOUR, get_setting
from csdesk.vocabulary import CASE_PRIORITIES

logger = logging.getLogger(__name__)

AUDIENCES = ("customer", "internal")
PLAN_HORIZON_DAYS = 90
RENEWAL_LOOKAHEAD_DAYS = 6 * 366
TREND_WEEKS = 26
KEY_FEATURES = 10
# Tasks raised by the system (alerts, renewal milestones): internal, never shown to customers.
INTERNAL_TASK_SOURCES = frozenset({"alert", "milestone", "renewal", "health", "system"})
_HEX_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg")


@dataclass(frozen=True)
class Branding:
    """Our company as the cover and the page headers show it."""

    company_name: str
    primary_colour: str
    logo_path: Path | None = None


@dataclass(frozen=True)
class AccountFacts:
    """The account as the cover and headers show it."""

    id: int
    name: str
    owner: str | None
    tier: int | None
    segment: str | None
    industry: str | None
    country: str | None
    licensed_seats: int | None
    customer_since: date | None


@dataclass(frozen=True)
class Meeting:
    """A business review held with the customer."""

    kind: str
    held_on: date
    attendees: tuple[str, ...]
    agenda: str | None


@dataclass(frozen=True)
class PlanText:
    """What the CSM wrote in the success plan."""

    executive_summary: str | None
    why_they_bought: str | None
    success_criteria: str | None
    risks: str | None


@dataclass(frozen=True)
class ObjectiveRow:
    """One objective of the success plan, with the outcome it serves."""

    outcome: str
    title: str
    kpi: str | None
    unit: str | None
    baseline: str | None
    target: str | None
    current: str | None
    status: str
    owner: str | None
    owner_side: str
    due_on: date | None


@dataclass(frozen=True)
class FeatureRow:
    """How often a feature was used in the period, and whether it is a key feature."""

    feature: str
    uses: int
    is_key: bool


@dataclass(frozen=True)
class Adoption:
    """Usage in the period against what the customer pays for."""

    licensed_seats: int | None
    usage_days: int
    average_active_users: Decimal | None
    previous_average_active_users: Decimal | None
    peak_active_users: int | None
    key_features: int
    key_features_used: int
    features: tuple[FeatureRow, ...]
    trend: tuple[TrendPoint, ...]

    @property
    def utilisation(self) -> Decimal | None:
        """Average daily active users over licensed seats."""
        if self.average_active_users is None or not self.licensed_seats:
            return None
        return self.average_active_users / self.licensed_seats

    @property
    def previous_utilisation(self) -> Decimal | None:
        """Average daily active users over licensed seats, the period before."""
        if self.previous_average_active_users is None or not self.licensed_seats:
            return None
        return self.previous_average_active_users / self.licensed_seats


@dataclass(frozen=True)
class MeasureRow:
    """One health measure: its score (None: no data), weight and share of the shortfall."""

    key: str
    label: str
    score: float | None
    weight: float
    shortfall: float | None


@dataclass(frozen=True)
class HealthView:
    """The health score at the period's end, its measures and its trend."""

    status: str
    score: float | None
    band: str | None
    scored_on: date
    change_30d: float | None
    measures: tuple[MeasureRow, ...]
    trend: tuple[TrendPoint, ...]

    @property
    def drivers(self) -> tuple[MeasureRow, ...]:
        """Measures pulling the score down, largest shortfall first."""
        pulling = [m for m in self.measures if m.shortfall]
        return tuple(sorted(pulling, key=lambda m: (-(m.shortfall or 0), m.label)))


@dataclass(frozen=True)
class SupportView:
    """Support tickets of the period."""

    opened: int
    closed: int
    open_at_end: int
    escalations: int
    median_resolution_hours: Decimal | None
    median_first_response_minutes: Decimal | None
    by_priority: tuple[tuple[str, int], ...]
    support_csat: Decimal | None


@dataclass(frozen=True)
class CommentRow:
    """A survey comment with its answer and sentiment."""

    answered_on: date
    kind: str
    score: int
    scale: str
    sentiment: str
    text: str


@dataclass(frozen=True)
class VoiceView:
    """NPS and CSAT in the period, and what people wrote."""

    nps: Decimal | None
    promoters: int
    passives: int
    detractors: int
    csat: Decimal | None
    csat_mean: Decimal | None
    csat_answers: int
    comments: tuple[CommentRow, ...]

    @property
    def respondents(self) -> int:
        """Contacts whose latest NPS answer counts."""
        return self.promoters + self.passives + self.detractors

    @property
    def themes(self) -> tuple[tuple[str, int], ...]:
        """How the comments split by sentiment, most frequent first."""
        counts = Counter(c.sentiment for c in self.comments)
        return tuple(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


@dataclass(frozen=True)
class ActionRow:
    """An action item or task."""

    title: str
    owner: str | None
    due_on: date | None
    status: str
    overdue: bool
    source: str


@dataclass(frozen=True)
class ActionItems:
    """Action items of the last review (done, open) and the new ones since."""

    since: date | None
    done: tuple[ActionRow, ...]
    open: tuple[ActionRow, ...]
    new: tuple[ActionRow, ...]


@dataclass(frozen=True)
class RiskRow:
    """A risk or blocker and where it comes from."""

    title: str
    detail: str
    source: str


@dataclass(frozen=True)
class RequestRow:
    """A product request noted for the account."""

    title: str
    body: str
    written_on: date
    author: str | None


@dataclass(frozen=True)
class OptionRow:
    """An open renewal or expansion opportunity."""

    name: str
    kind: str
    amount: Money | None
    close_date: date | None
    category: str | None


@dataclass(frozen=True)
class Commercial:
    """ARR, the next renewal and the open options (internal, or when chosen)."""

    arr: Money
    next_renewal: date | None
    renewal_arr: Money | None
    auto_renew: bool
    notice_deadline: date | None
    renewal_category: str | None
    options: tuple[OptionRow, ...]


@dataclass(frozen=True)
class PlanItem:
    """Something due in the next 90 days: an objective, milestone or task."""

    kind: str
    title: str
    owner: str | None
    due_on: date | None
    status: str


@dataclass(frozen=True)
class ReviewData:
    """The whole business review of one account for one period, ready to render."""

    account: AccountFacts
    period: Period
    as_of: date
    audience: str
    branding: Branding
    arr: Money
    meeting: Meeting | None
    plan: PlanText | None
    objectives: tuple[ObjectiveRow, ...]
    adoption: Adoption
    health: HealthView | None
    support: SupportView
    voice: VoiceView
    actions: ActionItems
    risks: tuple[RiskRow, ...]
    roadmap: tuple[RequestRow, ...]
    commercial: Commercial | None
    next_90_days: tuple[PlanItem, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def internal(self) -> bool:
        """True for the account team's edition."""
        return self.audience == "internal"


# ---- options ---------------------------------------------------------------------------


def last_full_quarter(as_of: date) -> Period:
    """The last quarter that ended before ``as_of`` (2026-08-15 -> 2026Q2)."""
    which = (as_of.month - 1) // 3 + 1
    if which == 1:
        return quarter(as_of.year - 1, 4)
    return quarter(as_of.year, which - 1)


def review_period(text: str | None, as_of: date) -> Period:
    """The review period the user asked for (default: the last full quarter before as-of)."""
    if text is None or not text.strip():
        return last_full_quarter(as_of)
    period = parse_period(text, as_of)
    if period.start > as_of:
        raise ValidationError(
            f"review period {period.label} starts after the as-of date {as_of.isoformat()}; "
            "pick a period that has begun (for example the last full quarter)"
        )
    return period


def check_audience(audience: str) -> str:
    """The audience if it is one csdesk knows; a clear error otherwise."""
    if audience not in AUDIENCES:
        raise ValidationError(f"audience '{audience}' is not one of: {', '.join(AUDIENCES)}")
    return audience


def load_branding(session: Session) -> Branding:
    """Our company name, colour and logo from the settings, checked so a PDF can use them."""
    name = str(get_setting(session, COMPANY_NAME.key) or COMPANY_NAME.default)
    colour = str(get_setting(session, PRIMARY_COLOUR.key) or PRIMARY_COLOUR.default).strip()
    if not _HEX_COLOUR.match(colour):
        raise ValidationError(
            f"setting {PRIMARY_COLOUR.key} is '{colour}', not a colour like #1F4E79; "
            "fix it in Settings > Branding"
        )
    logo_setting = get_setting(session, LOGO_PATH.key)
    logo = Path(str(logo_setting)).expanduser() if logo_setting else None
    if logo is not None and (not logo.is_file() or logo.suffix.lower() not in _IMAGE_SUFFIXES):
        raise ValidationError(
            f"setting {LOGO_PATH.key}: {logo} is not a PNG, JPEG, GIF or SVG file that exists; "
            "choose another logo in Settings > Branding or clear the setting"
        )
    return Branding(company_name=name, primary_colour=colour.upper(), logo_path=logo)


# ---- gathering -------------------------------------------------------------------------


def gather_review(
    session: Session,
    key: str,
    *,
    as_of: date,
    rates: RateTable,
    period: Period | None = None,
    audience: str = "customer",
    commercials: bool | None = None,
    branding: Branding | None = None,
) -> ReviewData:
    """Collect the business review of one account.

    Args:
        session: an open portfolio session (read only).
        key: the account's id, CRM id or name.
        as_of: the day the review is prepared; nothing after it is used.
        rates: the rates table, for ARR across currencies.
        period: the review period (default: the last full quarter before ``as_of``).
        audience: "customer" (shared with the customer) or "internal".
        commercials: show the commercial summary (default: only to an internal audience).
        branding: our company's branding (default: read from the settings).

    Returns:
        The view model the document is rendered from.
    """
    check_audience(audience)
    account = find_account(session, key)
    chosen = period or last_full_quarter(as_of)
    window, notes = effective_period(chosen, as_of)
    internal = audience == "internal"
    show_commercials = internal if commercials is None else commercials

    contracts = session.scalars(select(Contract).where(Contract.account_id == account.id)).all()
    arr = arr_on([contract_terms(c) for c in contracts], window.end, rates)
    plan = plan_view(session, str(account.id), as_of)
    reviews = [r for r in plan.reviews if r.held_on <= as_of]
    latest = reviews[0] if reviews else None
    objectives = _objectives(plan)
    health = account_health(session, str(account.id), window.end)

    data = ReviewData(
        account=_facts(account),
        period=chosen,
        as_of=as_of,
        audience=audience,
        branding=branding or load_branding(session),
        arr=arr,
        meeting=Meeting(latest.kind, latest.held_on, split_attendees(latest.attendees),
                        latest.agenda) if latest else None,
        plan=PlanText(plan.executive_summary, plan.why_they_bought, plan.success_criteria,
                      plan.risks) if plan.plan_id is not None else None,
        objectives=objectives,
        adoption=_adoption(session, account, window, _key_features(session, health, window)),
        health=_health(health, window),
        support=_support(session, account.id, window),
        voice=_voice(session, account.id, window),
        actions=_actions(session, account.id, latest, as_of, internal),
        risks=_risks(session, account.id, objectives, window, internal),
        roadmap=_roadmap(session, account.id, as_of),
        commercial=_commercial(session, account.id, arr, as_of) if show_commercials else None,
        next_90_days=_next_90_days(session, account.id, plan, as_of, internal),
        notes=tuple(notes),
    )
    logger.debug("review data gathered for account %s, period %s", account.id, chosen.label)
    return data


def _facts(account: Account) -> AccountFacts:
    return AccountFacts(
        id=account.id,
        name=account.name,
        owner=account.owner,
        tier=account.tier_override or account.tier,
        segment=account.segment,
        industry=account.industry,
        country=account.country,
        licensed_seats=account.licensed_seats,
        customer_since=account.customer_since,
    )


def split_attendees(entries: Sequence[str]) -> tuple[str, ...]:
    """One name per entry; entries written as "A; B" on one line are split too."""
    return tuple(name.strip() for entry in entries for name in entry.split(";") if name.strip())


def _objectives(plan: PlanView) -> tuple[ObjectiveRow, ...]:
    return tuple(
        ObjectiveRow(
            outcome=outcome.title, title=o.title, kpi=o.kpi, unit=o.unit, baseline=o.baseline,
            target=o.target, current=o.current, status=o.status, owner=o.owner,
            owner_side=o.owner_side, due_on=o.due_on,
        )
        for outcome in plan.outcomes
        for o in outcome.objectives
    )


# ---- adoption ----------------------------------------------------------------------------


def _adoption(
    session: Session, account: Account, window: Period, key_features: tuple[str, ...]
) -> Adoption:
    seats = account.licensed_seats or _contract_seats(session, account.id, window.end)
    rows = session.execute(
        select(UsageDaily.day, UsageDaily.active_users)
        .where(UsageDaily.account_id == account.id, UsageDaily.active_users.is_not(None),
               UsageDaily.day <= window.end,
               UsageDaily.day >= window.end - timedelta(weeks=TREND_WEEKS))
        .order_by(UsageDaily.day)
    )
    days = [(day, int(users)) for day, users in rows if users is not None]
    in_period = [users for day, users in days if window.contains(day)]
    previous = _previous_window(window)
    before = [users for day, users in days if previous.contains(day)]

    used = _feature_uses(session, account.id, window)
    return Adoption(
        licensed_seats=seats,
        usage_days=len(in_period),
        average_active_users=_mean(in_period),
        previous_average_active_users=_mean(before),
        peak_active_users=max(in_period) if in_period else None,
        key_features=len(key_features),
        key_features_used=sum(1 for name in key_features if used.get(name)),
        features=tuple(FeatureRow(name, uses, name in key_features)
                       for name, uses in sorted(used.items(), key=lambda kv: (-kv[1], kv[0]))),
        trend=_weekly_trend(days),
    )


def _contract_seats(session: Session, account_id: int, day: date) -> int | None:
    seats = session.scalar(
        select(func.sum(Contract.seats)).where(
            Contract.account_id == account_id, Contract.start_date <= day,
            Contract.end_date.is_(None) | (Contract.end_date > day),
        )
    )
    return int(seats) if seats else None


def _previous_window(window: Period) -> Period:
    end = window.start - timedelta(days=1)
    return Period(end - (window.end - window.start), end, "previous period", "range")


def _mean(values: Sequence[int]) -> Decimal | None:
    return Decimal(sum(values)) / len(values) if values else None


def _weekly_trend(days: Sequence[tuple[date, int]]) -> tuple[TrendPoint, ...]:
    weeks: dict[date, list[int]] = defaultdict(list)
    for day, users in days:
        weeks[day - timedelta(days=day.weekday())].append(users)
    return tuple(TrendPoint(week, sum(values) / len(values))
                 for week, values in sorted(weeks.items()))


def _feature_uses(session: Session, account_id: int, window: Period) -> dict[str, int]:
    rows = session.execute(
        select(FeatureUsage.feature, func.sum(FeatureUsage.count))
        .where(FeatureUsage.account_id == account_id,
               FeatureUsage.day.between(window.start, window.end))
        .group_by(FeatureUsage.feature)
    )
    return {feature: int(total) for feature, total in rows if total}


def _key_features(session: Session, health: AccountHealth, window: Period) -> tuple[str, ...]:
    """The key features the health score's feature adoption measure uses."""
    try:
        keys = health.result.measure("feature_adoption").raw.get("key_features")
    except KeyError:
        keys = None
    if keys is not None:
        return tuple(str(k) for k in keys)
    # A scorecard without the measure: DOMAIN.md's default, the 10 most used features.
    uses = func.sum(FeatureUsage.count)
    rows = session.execute(
        select(FeatureUsage.feature).where(FeatureUsage.day <= window.end)
        .group_by(FeatureUsage.feature).order_by(uses.desc(), FeatureUsage.feature)
        .limit(KEY_FEATURES)
    ).scalars()
    return tuple(rows)


# ---- health, support, voice --------------------------------------------------------------


def _health(health: AccountHealth, window: Period) -> HealthView | None:
    result = health.result
    since = window.end - timedelta(weeks=TREND_WEEKS)
    history = [p for p in health.history if p.day >= since]
    if not history and all(not m.has_data for m in result.measures):
        return None
    previous = health.previous.score if health.previous else None
    shortfalls = {d.key: d.shortfall for d in result.drivers()}
    return HealthView(
        status=result.status,
        score=result.score,
        band=result.band,
        scored_on=result.day,
        change_30d=None if result.score is None or previous is None else result.score - previous,
        measures=tuple(
            MeasureRow(m.key, MEASURE_LABELS.get(m.key, m.key), m.score if m.has_data else None,
                       m.weight, shortfalls.get(m.key))
            for m in result.measures
        ),
        trend=tuple(TrendPoint(p.day, p.score) for p in history)
        + ((TrendPoint(result.day, result.score),)
           if not history or history[-1].day != result.day else ()),
    )


def _support(session: Session, account_id: int, window: Period) -> SupportView:
    cases = session.scalars(select(SupportCase).where(SupportCase.account_id == account_id)).all()
    opened = [c for c in cases if window.contains(c.opened_at.date())]
    closed = [c for c in cases if c.closed_at and window.contains(c.closed_at.date())]
    open_at_end = [c for c in cases if c.opened_at.date() <= window.end
                   and (c.closed_at is None or c.closed_at.date() > window.end)]
    hours = [Decimal((c.closed_at - c.opened_at).total_seconds()) / 3600
             for c in closed if c.closed_at]
    responses = [Decimal(c.first_response_minutes) for c in opened
                 if c.first_response_minutes is not None]
    priorities = Counter(c.priority for c in opened)
    csat = {m.name: m for m in csat_metrics(_answers(session, account_id), window)}
    return SupportView(
        opened=len(opened),
        closed=len(closed),
        open_at_end=len(open_at_end),
        escalations=sum(1 for c in opened if c.escalated),
        median_resolution_hours=Decimal(median(hours)) if hours else None,
        median_first_response_minutes=Decimal(median(responses)) if responses else None,
        by_priority=tuple((p, priorities[p]) for p in reversed(CASE_PRIORITIES)
                          if priorities[p]),
        support_csat=_decimal(csat["csat_support"].value),
    )


def _answers(session: Session, account_id: int) -> list[SurveyAnswer]:
    return [
        SurveyAnswer(
            id=r.id, account_id=r.account_id, kind=r.kind, score=r.score,
            scale_min=r.scale_min, scale_max=r.scale_max, answered_on=r.answered_on,
            contact_id=r.contact_id, topic=r.topic, case_id=r.case_id,
        )
        for r in session.scalars(
            select(SurveyResponse).where(SurveyResponse.account_id == account_id)
        )
    ]


def _voice(session: Session, account_id: int, window: Period) -> VoiceView:
    answers = _answers(session, account_id)
    nps = nps_metric(answers, window, nps_scale_mappings(session))
    csat = {m.name: m for m in csat_metrics(answers, window)}
    comments = session.scalars(
        select(SurveyResponse)
        .where(SurveyResponse.account_id == account_id,
               SurveyResponse.answered_on.between(window.start, window.end),
               SurveyResponse.comment.is_not(None), SurveyResponse.comment != "")
        .order_by(SurveyResponse.answered_on.desc(), SurveyResponse.id.desc())
    ).all()

    def count(part: str) -> int:
        value = nps.part(part)
        return value if isinstance(value, int) else 0

    answered = csat["csat"].denominator
    return VoiceView(
        nps=_decimal(nps.value),
        promoters=count("promoters"),
        passives=count("passives"),
        detractors=count("detractors"),
        csat=_decimal(csat["csat"].value),
        csat_mean=_decimal(csat["csat_mean"].value),
        csat_answers=answered if isinstance(answered, int) else 0,
        comments=tuple(
            CommentRow(r.answered_on, r.kind, r.score, f"{r.scale_min}-{r.scale_max}",
                       _sentiment(r), (r.comment or "").strip())
            for r in comments
        ),
    )


def _decimal(value: object) -> Decimal | None:
    return value if isinstance(value, Decimal) else None


def _sentiment(answer: SurveyResponse) -> str:
    if answer.kind == "nps" and (answer.scale_min, answer.scale_max) == (0, 10):
        return "praise" if answer.score >= 9 else "neutral" if answer.score >= 7 else "concern"
    position = (answer.score - answer.scale_min) / max(answer.scale_max - answer.scale_min, 1)
    return "praise" if position >= 0.75 else "neutral" if position >= 0.5 else "concern"


# ---- actions, risks, requests ------------------------------------------------------------


def _action_row(task: Task, as_of: date) -> ActionRow:
    overdue = task.status == "open" and task.due_on is not None and task.due_on < as_of
    return ActionRow(task.title, task.owner, task.due_on, task.status, overdue, task.source)


def _actions(
    session: Session, account_id: int, latest: ReviewView | None, as_of: date, internal: bool
) -> ActionItems:
    tasks = session.scalars(
        select(Task).where(Task.account_id == account_id).order_by(Task.due_on, Task.id)
    ).all()
    if not internal:
        tasks = [t for t in tasks if t.source not in INTERNAL_TASK_SOURCES]
    review_id = latest.id if latest else None
    since = latest.held_on if latest else None
    from_review = [t for t in tasks if review_id is not None and t.review_id == review_id]
    new = [t for t in tasks if t.status == "open" and t not in from_review
           and (since is None or (t.raised_on or as_of) > since)]
    return ActionItems(
        since=since,
        done=tuple(_action_row(t, as_of) for t in from_review if t.status == "done"),
        open=tuple(_action_row(t, as_of) for t in from_review if t.status == "open"),
        new=tuple(_action_row(t, as_of) for t in new),
    )


def _risks(
    session: Session, account_id: int, objectives: Sequence[ObjectiveRow], window: Period,
    internal: bool,
) -> tuple[RiskRow, ...]:
    risks = [RiskRow(o.title, f"An objective of '{o.outcome}' is at risk.", "objective")
             for o in objectives if o.status == "at_risk"]
    if not internal:
        return tuple(risks)

    notes = session.scalars(
        select(Note).where(Note.account_id == account_id, Note.category == "risk",
                           Note.written_on <= window.end)
        .order_by(Note.written_on.desc(), Note.id.desc())
    ).all()
    risks += [RiskRow(n.title or "Risk noted", n.body, "note") for n in notes]
    alerts = session.scalars(
        select(Task).where(Task.account_id == account_id, Task.status == "open",
                           Task.source.in_(INTERNAL_TASK_SOURCES))
        .order_by(Task.due_on, Task.id)
    ).all()
    risks += [RiskRow(t.title, t.detail or "", t.source) for t in alerts]
    return tuple(risks)


def _roadmap(session: Session, account_id: int, as_of: date) -> tuple[RequestRow, ...]:
    notes = session.scalars(
        select(Note).where(Note.account_id == account_id, Note.category == "request",
                           Note.written_on <= as_of)
        .order_by(Note.written_on.desc(), Note.id.desc())
    ).all()
    return tuple(RequestRow(n.title or "Product request", n.body, n.written_on, n.author)
                 for n in notes)


# ---- commercial and the next 90 days -----------------------------------------------------


def _commercial(session: Session, account_id: int, arr: Money, as_of: date) -> Commercial:
    book = load_book(session, as_of)
    mine = RenewalBook(
        contracts=[c for c in book.contracts if c.account_id == account_id],
        accounts=book.accounts,
        opportunities=[o for o in book.opportunities if o.account_id == account_id],
    )
    dated = [line for line in mine.lines(as_of, as_of + timedelta(days=RENEWAL_LOOKAHEAD_DAYS))
             if line.renewal_date is not None]
    options = tuple(
        OptionRow(o.name or o.kind.capitalize(), o.kind, o.amount, o.close_date, o.category)
        for o in sorted(mine.opportunities, key=lambda o: (o.close_date or date.max,
                                                           o.opportunity_id))
        if not o.is_closed
    )
    if not dated:
        return Commercial(arr, None, None, False, None, None, options)
    line = min(dated, key=lambda x: (x.renewal_date or date.max, x.contract.contract_id))
    return Commercial(
        arr=arr,
        next_renewal=line.renewal_date,
        renewal_arr=line.renewable,
        auto_renew=line.contract.auto_renew,
        notice_deadline=line.notice_deadline,
        renewal_category=line.category,
        options=options,
    )


def _next_90_days(
    session: Session, account_id: int, plan: PlanView, as_of: date, internal: bool
) -> tuple[PlanItem, ...]:
    horizon = as_of + timedelta(days=PLAN_HORIZON_DAYS)
    items = [PlanItem("Objective", o.title, o.owner, o.due_on, o.status)
             for o in plan.objectives
             if o.status != "done" and o.due_on is not None and o.due_on <= horizon]
    items += [PlanItem("Milestone", m.title, m.owner, m.due_on, "open")
              for m in plan.milestones
              if m.done_on is None and m.due_on is not None and m.due_on <= horizon]
    tasks = session.scalars(
        select(Task).where(Task.account_id == account_id, Task.status == "open",
                           Task.due_on.is_not(None), Task.due_on <= horizon)
    ).all()
    items += [PlanItem("Task", t.title, t.owner, t.due_on, "open") for t in tasks
              if internal or t.source not in INTERNAL_TASK_SOURCES]
    return tuple(sorted(items, key=lambda i: (i.due_on or horizon, i.kind, i.title)))


# ---- which accounts a batch covers -------------------------------------------------------


@dataclass(frozen=True)
class ReviewTarget:
    """An account a batch of business reviews is written for."""

    id: int
    name: str


def review_targets(
    session: Session,
    as_of: date,
    *,
    tier: int | None = None,
    owner: str | None = None,
    renewing_within: int | None = None,
) -> list[ReviewTarget]:
    """The accounts to write reviews for: all, or those of a tier, an owner, or renewing soon.

    Args:
        session: an open portfolio session.
        as_of: the day "renewing within" counts from.
        tier: only accounts of this tier (override included).
        owner: only accounts owned by this CSM (any letter case).
        renewing_within: only accounts whose next renewal date is within this many days.
    """
    stmt = select(Account.id, Account.name).order_by(Account.name, Account.id)
    if tier is not None:
        stmt = stmt.where(func.coalesce(Account.tier_override, Account.tier) == tier)
    if owner:
        stmt = stmt.where(func.lower(Account.owner) == owner.strip().lower())
    targets = [ReviewTarget(i, n) for i, n in session.execute(stmt)]
    if renewing_within is not None:
        if renewing_within < 0:
            raise ValidationError(f"--renewing-within {renewing_within}: give 0 days or more")
        until = as_of + timedelta(days=renewing_within)
        renewing = {account_id for account_id, line in account_next_renewals(session, as_of)
                    .items() if line.renewal_date is not None and line.renewal_date <= until}
        targets = [t for t in targets if t.id in renewing]
    return targets


# ---- the renewal timeline and the portfolio summary --------------------------------------


@dataclass(frozen=True)
class RenewalReportData:
    """The renewal timeline report: months ahead by category, each renewal, and ARR at risk."""

    as_of: date
    months: int
    branding: Branding
    timeline: RenewalTimeline
    renewals: RenewalList

    @property
    def at_risk(self) -> tuple[RenewalRow, ...]:
        """Renewals in the window forecast at risk or churn, or whose account is red."""
        return tuple(r for r in self.renewals.rows
                     if r.line.at_risk_by_category or r.line.at_risk_by_health)


def gather_renewal_report(
    session: Session, as_of: date, rates: RateTable, months: int = 18
) -> RenewalReportData:
    """The renewals of the next ``months`` months (12 to 18 is usual) from the month of as-of."""
    if not 1 <= months <= 36:
        raise ValidationError(f"--months {months}: give between 1 and 36 months")
    timeline = renewal_timeline(session, as_of, rates, months)
    last = timeline.months[-1].month + relativedelta(months=1) - timedelta(days=1)
    renewals = upcoming_renewals(session, as_of, rates, within_days=(last - as_of).days)
    return RenewalReportData(as_of, months, load_branding(session), timeline, renewals)


@dataclass(frozen=True)
class PortfolioSummaryData:
    """The one-page summary of the book: the key metrics, renewals ahead and ARR at risk."""

    as_of: date
    branding: Branding
    metrics: MetricsReport
    forecast: ForecastSummary
    renewals_90_days: RenewalList

    @property
    def book(self) -> MetricGroup:
        """The whole book's metrics."""
        return self.metrics.group(None)


def gather_portfolio_summary(
    session: Session, as_of: date, rates: RateTable, period: str | None = None
) -> PortfolioSummaryData:
    """The book's key metrics for ``period`` (default: trailing 12 months) as of ``as_of``."""
    return PortfolioSummaryData(
        as_of=as_of,
        branding=load_branding(session),
        metrics=portfolio_metrics(session, as_of, period),
        forecast=forecast_summary(session, as_of, rates),
        renewals_90_days=upcoming_renewals(session, as_of, rates, within_days=PLAN_HORIZON_DAYS),
    )
