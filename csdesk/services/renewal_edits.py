"""Setting a renewal's forecast category from the renewals list.

The category lives on the renewal opportunity. A renewal without one gets a new renewal
opportunity for its contract, closing on the renewal date, so the forecast has somewhere to
live; the change log records either edit.
"""

from __future__ import annotations

import logging
from datetime import date

from sqlalchemy.orm import Session

from csdesk.errors import NotFoundError, ValidationError
from csdesk.models import Contract, Opportunity
from csdesk.vocabulary import FORECAST_CATEGORIES, label

logger = logging.getLogger(__name__)


def set_renewal_category(
    session: Session,
    contract_id: int,
    renewal_date: date,
    category: str,
    opportunity_id: int | None = None,
) -> int:
    """Set the forecast category of one renewal; returns the opportunity's id.

    Args:
        session: a session inside a unit of work (the edit enters the change log).
        contract_id: the renewing contract.
        renewal_date: the renewal's date (the new opportunity's close date).
        category: one of the forecast categories (stored spelling).
        opportunity_id: the opportunity that carries the renewal's forecast, if any.

    Raises:
        ValidationError: an unknown category.
        NotFoundError: the contract or the opportunity is gone.
    """
    if category not in FORECAST_CATEGORIES:
        names = ", ".join(label(c) for c in FORECAST_CATEGORIES)
        raise ValidationError(f"'{category}' is not a forecast category; use one of {names}")
    if opportunity_id is not None:
        opportunity = session.get(Opportunity, opportunity_id)
        if opportunity is None:
            raise NotFoundError(f"opportunity {opportunity_id} no longer exists; refresh the list")
        opportunity.forecast_category = category
        logger.info("renewal opportunity %s set to %s", opportunity_id, category)
        return opportunity.id

    contract = session.get(Contract, contract_id)
    if contract is None:
        raise NotFoundError(f"contract {contract_id} no longer exists; refresh the list")
    opportunity = Opportunity(
        account_id=contract.account_id, contract_id=contract.id, kind="renewal",
        name=f"Renewal {renewal_date.isoformat()}", close_date=renewal_date,
        forecast_category=category, is_closed=category in ("closed_won", "closed_lost"),
        is_won=category == "closed_won",
    )
    session.add(opportunity)
    session.flush()
    logger.info("renewal opportunity %s created for contract %s as %s", opportunity.id,
                contract_id, category)
    return opportunity.id
