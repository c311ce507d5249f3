"""The sections of the business review document, in DOMAIN.md's order."""

from __future__ import annotations

from collections.abc import Callable

from reportlab.platypus import Flowable

from csdesk.reports.kit import Kit
from csdesk.reports.sections.actions import action_items, risks_and_blockers, roadmap_alignment
from csdesk.reports.sections.adoption import adoption_and_usage
from csdesk.reports.sections.commercial import commercial_summary, next_90_days
from csdesk.reports.sections.health import health
from csdesk.reports.sections.outcomes import outcomes_against_goals
from csdesk.reports.sections.summary import executive_summary, why_they_bought
from csdesk.reports.sections.support import support
from csdesk.reports.sections.voice import voice_of_customer
from csdesk.services.review_data import ReviewData

# A section gets the data, the document's kit and its number; it returns nothing when it
# does not belong in this edition (the commercial summary for a customer, say).
Section = Callable[[ReviewData, Kit, int], list[Flowable]]

SECTIONS: tuple[Section, ...] = (
    executive_summary,
    why_they_bought,
    outcomes_against_goals,
    adoption_and_usage,
    health,
    support,
    voice_of_customer,
    action_items,
    risks_and_blockers,
    roadmap_alignment,
    commercial_summary,
    next_90_days,
)
