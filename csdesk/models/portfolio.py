"""The portfolio: accounts and everything a CSM knows about them.

Calendar dates are ``Date`` columns; instants are :class:`UTCDateTime`. Money is integer
minor units plus an ISO currency code (``*_minor`` + ``currency``), never a float.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from csdesk.models.base import Base, ClientIdMixin, TimestampMixin, UTCDateTime, utc_now
from csdesk.money import Money


class Account(ClientIdMixin, TimestampMixin, Base):
    __tablename__ = "account"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    owner: Mapped[str | None] = mapped_column(String(200), index=True)
    segment: Mapped[str | None] = mapped_column(String(100))
    tier: Mapped[int | None] = mapped_column(Integer)
    tier_override: Mapped[int | None] = mapped_column(Integer)
    tier_override_reason: Mapped[str | None] = mapped_column(Text)
    strategic: Mapped[bool] = mapped_column(Boolean, default=False)
    journey_stage: Mapped[str | None] = mapped_column(String(20))
    stage_override: Mapped[str | None] = mapped_column(String(20))
    stage_override_reason: Mapped[str | None] = mapped_column(Text)
    industry: Mapped[str | None] = mapped_column(String(100))
    country: Mapped[str | None] = mapped_column(String(2))
    licensed_seats: Mapped[int | None] = mapped_column(Integer)
    customer_since: Mapped[date | None] = mapped_column(Date)
    onboarding_kickoff: Mapped[date | None] = mapped_column(Date)
    website: Mapped[str | None] = mapped_column(String(300))

    contacts: Mapped[list[Contact]] = relationship(back_populates="account")
    contracts: Mapped[list[Contract]] = relationship(back_populates="account")

    __table_args__ = (
        CheckConstraint("tier IS NULL OR tier IN (1, 2, 3)", name="tier_valid"),
        CheckConstraint("tier_override IS NULL OR tier_override IN (1, 2, 3)", name="override"),
        CheckConstraint("licensed_seats IS NULL OR licensed_seats >= 0", name="seats"),
        Index("ix_account_name", "name"),
    )


class ExternalRef(Base):
    """The id a record has in an outside system (a CRM, or a CSV source), per source."""

    __tablename__ = "external_ref"

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(60))
    external_id: Mapped[str] = mapped_column(String(200))
    remote_version: Mapped[str | None] = mapped_column(String(100))

    __table_args__ = (
        UniqueConstraint("source", "entity", "external_id"),
        Index("ix_external_ref_entity", "entity", "entity_id"),
    )


class Contact(ClientIdMixin, TimestampMixin, Base):
    __tablename__ = "contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    first_name: Mapped[str | None] = mapped_column(String(120))
    last_name: Mapped[str | None] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    title: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(60))
    # Comma-separated, sorted subset of vocabulary.CONTACT_ROLES.
    roles: Mapped[str] = mapped_column(String(200), default="")
    left_company: Mapped[bool] = mapped_column(Boolean, default=False)
    left_on: Mapped[date | None] = mapped_column(Date)

    account: Mapped[Account] = relationship(back_populates="contacts")

    __table_args__ = (Index("ix_contact_account", "account_id"),)

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p) or (self.email or "")

    @property
    def role_set(self) -> frozenset[str]:
        return frozenset(r for r in self.roles.split(",") if r)


class Contract(ClientIdMixin, TimestampMixin, Base):
    """A subscription. ``end_date`` is the first day without it (None: open-ended)."""

    __tablename__ = "contract"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    name: Mapped[str | None] = mapped_column(String(200))
    plan: Mapped[str | None] = mapped_column(String(100))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    term_months: Mapped[int | None] = mapped_column(Integer)
    billing_frequency: Mapped[str] = mapped_column(String(20), default="annual")
    amount_minor: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    amount_period: Mapped[str] = mapped_column(String(10), default="year")
    recurring: Mapped[bool] = mapped_column(Boolean, default=True)
    is_trial: Mapped[bool] = mapped_column(Boolean, default=False)
    auto_renew: Mapped[bool] = mapped_column(Boolean, default=False)
    notice_days: Mapped[int | None] = mapped_column(Integer)
    seats: Mapped[int | None] = mapped_column(Integer)

    account: Mapped[Account] = relationship(back_populates="contracts")

    __table_args__ = (
        CheckConstraint("amount_period IN ('month','quarter','year','term')", name="period"),
        CheckConstraint("end_date IS NULL OR end_date > start_date", name="dates"),
        CheckConstraint(
            "amount_period != 'term' OR term_months IS NOT NULL OR end_date IS NOT NULL",
            name="term_length",
        ),
        Index("ix_contract_account", "account_id"),
    )

    @property
    def amount(self) -> Money:
        return Money.from_minor(self.amount_minor, self.currency)


class Opportunity(ClientIdMixin, TimestampMixin, Base):
    __tablename__ = "opportunity"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contract.id", ondelete="SET NULL"))
    name: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    stage: Mapped[str | None] = mapped_column(String(100))
    close_date: Mapped[date | None] = mapped_column(Date)
    amount_minor: Mapped[int | None] = mapped_column(Integer)
    currency: Mapped[str | None] = mapped_column(String(3))
    # csdesk's category, and the CRM's own value it was mapped from.
    forecast_category: Mapped[str | None] = mapped_column(String(20))
    crm_forecast_value: Mapped[str | None] = mapped_column(String(100))
    is_closed: Mapped[bool] = mapped_column(Boolean, default=False)
    is_won: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (
        CheckConstraint("kind IN ('renewal','expansion','new')", name="kind"),
        Index("ix_opportunity_account", "account_id"),
    )

    @property
    def amount(self) -> Money | None:
        if self.amount_minor is None or self.currency is None:
            return None
        return Money.from_minor(self.amount_minor, self.currency)


class SupportCase(ClientIdMixin, TimestampMixin, Base):
    __tablename__ = "support_case"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    subject: Mapped[str | None] = mapped_column(String(300))
    priority: Mapped[str] = mapped_column(String(10), default="normal")
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    escalated: Mapped[bool] = mapped_column(Boolean, default=False)
    first_response_minutes: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (
        CheckConstraint("priority IN ('low','normal','high','urgent')", name="priority"),
        Index("ix_support_case_account", "account_id"),
    )


class UsageDaily(Base):
    """Account-level product usage for one day. A missing figure is unknown, not zero."""

    __tablename__ = "usage_daily"

    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    active_users: Mapped[int | None] = mapped_column(Integer)
    sessions: Mapped[int | None] = mapped_column(Integer)
    events: Mapped[int | None] = mapped_column(Integer)


class FeatureUsage(Base):
    """How often an account used one feature on one day."""

    __tablename__ = "feature_usage"

    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    feature: Mapped[str] = mapped_column(String(120), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    duration_secs: Mapped[int | None] = mapped_column(Integer)
    errors: Mapped[int | None] = mapped_column(Integer)


class SurveyResponse(ClientIdMixin, TimestampMixin, Base):
    """One answer: NPS (0-10) or CSAT, stored raw with its scale."""

    __tablename__ = "survey_response"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id", ondelete="SET NULL"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("support_case.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(10))
    topic: Mapped[str | None] = mapped_column(String(20))
    score: Mapped[int] = mapped_column(Integer)
    scale_min: Mapped[int] = mapped_column(Integer)
    scale_max: Mapped[int] = mapped_column(Integer)
    answered_on: Mapped[date] = mapped_column(Date)
    comment: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        CheckConstraint("kind IN ('nps','csat')", name="kind"),
        CheckConstraint("score >= scale_min AND score <= scale_max", name="in_scale"),
        Index("ix_survey_response_account", "account_id", "answered_on"),
    )


class Activity(ClientIdMixin, TimestampMixin, Base):
    """Something that happened with the customer: a call, a meeting, a review, an email."""

    __tablename__ = "activity"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(40))
    occurred_on: Mapped[date] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(String(500))
    body: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (Index("ix_activity_account", "account_id", "occurred_on"),)


class Note(ClientIdMixin, TimestampMixin, Base):
    """Free text about an account; ``category`` 'request' marks product requests."""

    __tablename__ = "note"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    title: Mapped[str | None] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(40))
    written_on: Mapped[date] = mapped_column(Date)
    author: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (Index("ix_note_account", "account_id"),)


class CsmPulse(ClientIdMixin, TimestampMixin, Base):
    """The CSM's own 1-5 read of an account; valid for 30 days."""

    __tablename__ = "csm_pulse"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    score: Mapped[int] = mapped_column(Integer)
    recorded_on: Mapped[date] = mapped_column(Date)
    author: Mapped[str | None] = mapped_column(String(200))
    comment: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        CheckConstraint("score BETWEEN 1 AND 5", name="score"),
        Index("ix_csm_pulse_account", "account_id", "recorded_on"),
    )


class Task(ClientIdMixin, TimestampMixin, Base):
    """Work for the CSM: from an alert, a renewal milestone, a review action item, or by hand.

    ``source_key`` identifies what raised the task (for example ``alert:usage_drop``), so a
    repeat of the same reason updates the open task instead of adding another.
    """

    __tablename__ = "task"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(300))
    detail: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(20), default="manual")
    source_key: Mapped[str | None] = mapped_column(String(200))
    severity: Mapped[str | None] = mapped_column(String(20))
    owner: Mapped[str | None] = mapped_column(String(200))
    owner_side: Mapped[str | None] = mapped_column(String(10))
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="open")
    snoozed_until: Mapped[date | None] = mapped_column(Date)
    raised_on: Mapped[date | None] = mapped_column(Date)
    last_seen_on: Mapped[date | None] = mapped_column(Date)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by: Mapped[str | None] = mapped_column(String(200))
    review_id: Mapped[int | None] = mapped_column(
        ForeignKey("business_review.id", ondelete="SET NULL")
    )

    __table_args__ = (
        CheckConstraint("status IN ('open','done')", name="status"),
        # One open task per account and reason; PostgreSQL gets the same partial index.
        Index(
            "uq_task_open_reason",
            "account_id",
            "source_key",
            unique=True,
            sqlite_where=(status == "open") & (source_key.isnot(None)),
            postgresql_where=(status == "open") & (source_key.isnot(None)),
        ),
        Index("ix_task_account", "account_id", "status"),
    )


class SuccessPlan(ClientIdMixin, TimestampMixin, Base):
    __tablename__ = "success_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), unique=True
    )
    why_they_bought: Mapped[str | None] = mapped_column(Text)
    success_criteria: Mapped[str | None] = mapped_column(Text)
    executive_summary: Mapped[str | None] = mapped_column(Text)
    risks: Mapped[str | None] = mapped_column(Text)

    outcomes: Mapped[list[Outcome]] = relationship(
        back_populates="plan", order_by="Outcome.position"
    )
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="plan", order_by="Milestone.due_on"
    )


class Outcome(ClientIdMixin, TimestampMixin, Base):
    """A business result the customer bought the product for."""

    __tablename__ = "outcome"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("success_plan.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)

    plan: Mapped[SuccessPlan] = relationship(back_populates="outcomes")
    objectives: Mapped[list[Objective]] = relationship(
        back_populates="outcome", order_by="Objective.id"
    )


class Objective(ClientIdMixin, TimestampMixin, Base):
    """A measurable step towards an outcome. KPI values are exact decimal strings."""

    __tablename__ = "objective"

    id: Mapped[int] = mapped_column(primary_key=True)
    outcome_id: Mapped[int] = mapped_column(ForeignKey("outcome.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(300))
    kpi: Mapped[str | None] = mapped_column(String(200))
    unit: Mapped[str | None] = mapped_column(String(40))
    baseline: Mapped[str | None] = mapped_column(String(40))
    target: Mapped[str | None] = mapped_column(String(40))
    current: Mapped[str | None] = mapped_column(String(40))
    owner: Mapped[str | None] = mapped_column(String(200))
    owner_side: Mapped[str] = mapped_column(String(10), default="ours")
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="not_started")

    outcome: Mapped[Outcome] = relationship(back_populates="objectives")

    __table_args__ = (
        CheckConstraint(
            "status IN ('not_started','on_track','at_risk','done')", name="status"
        ),
        CheckConstraint("owner_side IN ('ours','theirs')", name="side"),
    )


class Milestone(ClientIdMixin, TimestampMixin, Base):
    __tablename__ = "milestone"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("success_plan.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(300))
    due_on: Mapped[date | None] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)
    is_first_value: Mapped[bool] = mapped_column(Boolean, default=False)
    owner: Mapped[str | None] = mapped_column(String(200))
    owner_side: Mapped[str] = mapped_column(String(10), default="ours")

    plan: Mapped[SuccessPlan] = relationship(back_populates="milestones")


class BusinessReview(ClientIdMixin, TimestampMixin, Base):
    """A QBR or EBR held (or planned) with the customer; action items are tasks."""

    __tablename__ = "business_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(3))
    held_on: Mapped[date] = mapped_column(Date)
    attendees: Mapped[str | None] = mapped_column(Text)
    agenda: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        CheckConstraint("kind IN ('QBR','EBR')", name="kind"),
        Index("ix_business_review_account", "account_id", "held_on"),
    )


class ChurnEvent(ClientIdMixin, TimestampMixin, Base):
    __tablename__ = "churn_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    churned_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(30))
    lost_arr_minor: Mapped[int | None] = mapped_column(Integer)
    currency: Mapped[str | None] = mapped_column(String(3))
    feedback: Mapped[str | None] = mapped_column(Text)
    is_reactivation: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (
        CheckConstraint(
            "reason IN ('budget','product_fit','poor_adoption','champion_left',"
            "'acquired_or_merged','competitor','support_experience','pricing',"
            "'business_closed','other')",
            name="reason",
        ),
        Index("ix_churn_event_account", "account_id", "churned_on"),
    )


class TierChange(Base):
    """History of an account's tier: by rule or by a manual override with a reason."""

    __tablename__ = "tier_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    changed_on: Mapped[date] = mapped_column(Date)
    old_tier: Mapped[int | None] = mapped_column(Integer)
    new_tier: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_tier_change_account", "account_id", "changed_on"),)


class StageChange(Base):
    """Entry into a journey stage, so time in stage is known."""

    __tablename__ = "stage_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    entered_on: Mapped[date] = mapped_column(Date)
    stage: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_stage_change_account", "account_id", "entered_on"),)


class HealthSnapshot(Base):
    """An account's health on one day, with each measure's score and raw inputs (JSON).

    Derived from the portfolio and rebuilt on demand, so it is not in the change log.
    """

    __tablename__ = "health_snapshot"
    __changelog__ = False

    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), primary_key=True
    )
    as_of: Mapped[date] = mapped_column(Date, primary_key=True)
    granularity: Mapped[str] = mapped_column(String(6), default="daily")
    status: Mapped[str] = mapped_column(String(20))
    score: Mapped[float | None] = mapped_column()
    band: Mapped[str | None] = mapped_column(String(10))
    scorecard: Mapped[str] = mapped_column(String(100))
    measures: Mapped[str] = mapped_column(Text)


class Setting(Base):
    """A portfolio-level preference or configuration document, as JSON text."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class CurrencyRate(Base):
    """Units of the reporting currency one unit of ``currency`` is worth (exact decimal)."""

    __tablename__ = "currency_rate"

    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    rate: Mapped[str] = mapped_column(String(40))
    updated_on: Mapped[date | None] = mapped_column(Date)


class ImportRun(Base):
    """One CSV import: what came in and what the report said."""

    __tablename__ = "import_run"
    __changelog__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    file_name: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    rows: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    report: Mapped[str] = mapped_column(Text, default="{}")
