"""The sections of the business review document, in DOMAIN.md's order."""

from __future__ import annotations

from collections.abc import Callable

from reportlab.platypus import Flowable

from csdesk.reports.kit import Kit
from csdesk.reports.sections import (
    actions,
    adoption,
    commercial,
    health,
    outcomes,
    summary,
    support,
    voice,
)
from csdesk.services.review_data import ReviewData

# A section gets the data, the document's kit and its number; it returns nothing when it
# does not belong in this edition (the commercial summary for a customer, say).
Section = Callable[[ReviewData, Kit, int], list[Flowable]]

SECTIONS: tuple[Section, ...] = (
    summary.executive_summary,
    summary.why_they_bought,
    outcomes.outcomes_against_goals,
    adoption.adoption_and_usage,
    health.health,
    support.support,
    voice.voice_of_customer,
    actions.action_items,
    actions.risks_and_blockers,
    actions.roadmap_alignment,
    commercial.commercial_summary,
    commercial.next_90_days,
)
