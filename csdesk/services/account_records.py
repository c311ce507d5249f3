"""One account's records as the account workspace lists them, and the timeline's edits.

Reads return plain dataclasses (usage by day, support cases, survey answers, the timeline of
activities and notes). The edits change an activity, or add or change a note, inside the
caller's unit of work, so each one enters the change log. New activities are logged through
:func:`csdesk.services.engagement.log_activity`, which knows the configured kinds.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from csdesk.errors import NotFoundError, ValidationError
from csdesk.models import Activity, Contact, Note, SupportCase, SurveyResponse, UsageDaily
from csdesk.services.engagement import load_plans

logger = logging.getLogger(__name__)

MAX_SUMMARY = 500


@dataclass(frozen=True)
class UsageDay:
    day: date
    active_users: int | None
    sessions: int | None
    events: int | None


@dataclass(frozen=True)
class CaseRow:
    id: int
    subject: str | None
    priority: str
    opened_at: datetime
    closed_at: datetime | None
    escalated: bool
    first_response_minutes: int | None

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


@dataclass(frozen=True)
class SurveyRow:
    id: int
    kind: str
    topic: str | None
    score: int
    scale_min: int
    scale_max: int
    answered_on: date
    contact: str | None
    comment: str | None


@dataclass(frozen=True)
class TimelineEntry:
    """An activity or a note; ``kind`` is the activity kind, or "note"."""

    entity: str  # "activity" or "note"
    id: int
    day: date
    kind: str
    title: str
    body: str | None
    author: str | None


def usage_days(session: Session, account_id: int, as_of: date, days: int = 180) -> list[UsageDay]:
    """Daily usage of the last ``days`` days up to ``as_of``, oldest first."""
    stmt = (
        select(UsageDaily.day, UsageDaily.active_users, UsageDaily.sessions, UsageDaily.events)
        .where(UsageDaily.account_id == account_id,
               UsageDaily.day > as_of - timedelta(days=days), UsageDaily.day <= as_of)
        .order_by(UsageDaily.day)
    )
    return [UsageDay(*row) for row in session.execute(stmt)]


def support_cases(session: Session, account_id: int) -> list[CaseRow]:
    """The account's support cases, newest first."""
    stmt = (
        select(SupportCase.id, SupportCase.subject, SupportCase.priority, SupportCase.opened_at,
               SupportCase.closed_at, SupportCase.escalated, SupportCase.first_response_minutes)
        .where(SupportCase.account_id == account_id)
        .order_by(SupportCase.opened_at.desc())
    )
    return [CaseRow(*row) for row in session.execute(stmt)]


def survey_answers(session: Session, account_id: int) -> list[SurveyRow]:
    """NPS and CSAT answers, newest first, stored raw with their scale."""
    stmt = (
        select(SurveyResponse, Contact)
        .outerjoin(Contact, Contact.id == SurveyResponse.contact_id)
        .where(SurveyResponse.account_id == account_id)
        .order_by(SurveyResponse.answered_on.desc(), SurveyResponse.id.desc())
    )
    return [
        SurveyRow(r.id, r.kind, r.topic, r.score, r.scale_min, r.scale_max, r.answered_on,
                  c.full_name if c is not None else None, r.comment)
        for r, c in session.execute(stmt).tuples()
    ]


def timeline(session: Session, account_id: int) -> list[TimelineEntry]:
    """Activities and notes together, newest first."""
    activities = session.scalars(select(Activity).where(Activity.account_id == account_id))
    notes = session.scalars(select(Note).where(Note.account_id == account_id))
    entries = [
        TimelineEntry("activity", a.id, a.occurred_on, a.kind, a.summary, a.body, a.author)
        for a in activities
    ] + [
        TimelineEntry("note", n.id, n.written_on, n.category or "note", n.title or "",
                      n.body, n.author)
        for n in notes
    ]
    entries.sort(key=lambda e: (e.day, e.entity, e.id), reverse=True)
    return entries


def _check_entry(kind: str, title: str, day: date | None, as_of: date,
                 kinds: tuple[str, ...]) -> None:
    if kind not in kinds:
        raise ValidationError(
            f"'{kind}' is not an activity kind; use one of {', '.join(kinds)}")
    if not title.strip():
        raise ValidationError("the summary is empty; say in a few words what happened")
    if len(title) > MAX_SUMMARY:
        raise ValidationError(f"the summary is {len(title)} characters; keep it under "
                              f"{MAX_SUMMARY} and put the rest in the details")
    if day is None:
        raise ValidationError("the activity needs a date")
    if day > as_of:
        raise ValidationError(
            f"{day.isoformat()} is in the future; log activities once they happened")


def edit_activity(session: Session, activity_id: int, kind: str, day: date, summary: str,
                  body: str | None, as_of: date) -> None:
    """Correct a logged activity (new activities go through ``engagement.log_activity``)."""
    activity = session.get(Activity, activity_id)
    if activity is None:
        raise NotFoundError(f"activity {activity_id} no longer exists")
    _check_entry(kind, summary, day, as_of, load_plans(session).activity_kinds)
    activity.kind = kind
    activity.occurred_on = day
    activity.summary = summary.strip()
    activity.body = (body or "").strip() or None
    logger.info("activity %s edited", activity_id)


def add_note(session: Session, account_id: int, day: date, title: str, body: str,
             author: str, category: str | None = None) -> int:
    """Write a note about the account; returns its id."""
    if not body.strip():
        raise ValidationError("the note is empty")
    note = Note(account_id=account_id, written_on=day, title=title.strip() or None,
                body=body.strip(), author=author, category=category)
    session.add(note)
    session.flush()
    logger.info("note %s written for account %s", note.id, account_id)
    return note.id


def edit_note(session: Session, note_id: int, title: str, body: str) -> None:
    note = session.get(Note, note_id)
    if note is None:
        raise NotFoundError(f"note {note_id} no longer exists")
    if not body.strip():
        raise ValidationError("the note is empty; write something or leave it as it was")
    note.title = title.strip() or None
    note.body = body.strip()
    logger.info("note %s edited", note_id)
