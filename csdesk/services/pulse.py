"""The CSM pulse: the CSM's own 1-5 reading of an account, valid for 30 days."""

from __future__ import annotations

import logging
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from csdesk.errors import ValidationError
from csdesk.models import CsmPulse
from csdesk.services.accounts import find_account

logger = logging.getLogger(__name__)


def record_pulse(session: Session, account_key: str, score: int, day: date, as_of: date,
                 author: str, comment: str | None = None) -> CsmPulse:
    """Store a pulse for an account (inside a unit of work, so it enters the change log).

    Raises:
        ValidationError: the score is not 1-5 or the day is after ``as_of``.
        NotFoundError: no account matches ``account_key``.
    """
    if not 1 <= score <= 5:
        raise ValidationError(f"a pulse is a whole number from 1 to 5, not {score}")
    if day > as_of:
        raise ValidationError(f"a pulse cannot be dated after {as_of.isoformat()}")
    account = find_account(session, account_key)
    pulse = CsmPulse(account_id=account.id, score=score, recorded_on=day, author=author,
                     comment=(comment or "").strip() or None)
    session.add(pulse)
    session.flush()
    logger.info("pulse %d recorded for account %s on %s", score, account.id, day.isoformat())
    return pulse


def latest_pulses(session: Session, account_key: str, limit: int = 5) -> list[CsmPulse]:
    account = find_account(session, account_key)
    stmt = (select(CsmPulse).where(CsmPulse.account_id == account.id)
            .order_by(CsmPulse.recorded_on.desc(), CsmPulse.id.desc()).limit(limit))
    return list(session.scalars(stmt))
