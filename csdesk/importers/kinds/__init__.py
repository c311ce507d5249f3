"""One planner per kind of import; each turns a checked file into planned writes."""

from __future__ import annotations

from collections.abc import Callable

from csdesk.importers.kinds import (
    accounts,
    activities,
    cases,
    churn,
    contacts,
    contracts,
    opportunities,
    surveys,
    usage,
)
from csdesk.importers.kinds.common import KindContext, KindOutcome

PLANNERS: dict[str, Callable[[KindContext], KindOutcome]] = {
    "accounts": accounts.plan,
    "contacts": contacts.plan,
    "contracts": contracts.plan,
    "opportunities": opportunities.plan,
    "usage": usage.plan,
    "cases": cases.plan,
    "surveys": surveys.plan,
    "activities": activities.plan,
    "churn": churn.plan,
}
