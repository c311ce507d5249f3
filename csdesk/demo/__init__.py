"""The built-in demo book: a believable B2B SaaS portfolio for trying csdesk out.

``csdesk demo`` fills an empty portfolio with about 150 accounts, two years of daily usage,
contracts, renewals, tickets, surveys, activities and success plans, dated relative to the
as-of date. The same account count, seed and as-of date always give the same book.

Activity kinds the book uses (``Activity.kind``), and what each one is:

- ``check_in``: a scheduled CSM check-in (the tier 1 and tier 2 cadence).
- ``call``: an ad-hoc phone or video call with the customer.
- ``meeting``: a working session with the customer's team.
- ``email``: a one-to-one email from the CSM.
- ``qbr``: a quarterly business review (also a ``BusinessReview`` record of kind QBR).
- ``ebr``: an executive business review (also a ``BusinessReview`` record of kind EBR).
- ``exec_meeting``: a meeting with the customer's executive sponsor.
- ``onboarding``: a step of the onboarding sequence (kickoff, training, go-live).
- ``webinar``: the customer attended one of our webinars (tech touch).
- ``digital``: an automated digital touch (newsletter, in-app guide, health-triggered email).

CSM touchpoints (what the engagement measure counts) are every kind except ``webinar`` and
``digital``; executive-sponsor touches are ``ebr``, ``exec_meeting`` and any activity logged
with an executive-sponsor contact.

Notes use the categories ``request`` (a product request), ``risk``, ``meeting`` and
``general``. Tasks raised by business reviews have ``source`` ``review``.
"""

from csdesk.demo.book import DemoBook, DemoOptions, build_book
from csdesk.demo.kinds import (
    ACTIVITY_KINDS,
    CSM_TOUCH_KINDS,
    EXEC_TOUCH_KINDS,
    NOTE_CATEGORIES,
)
from csdesk.demo.loader import DemoResult, load_demo

__all__ = [
    "ACTIVITY_KINDS",
    "CSM_TOUCH_KINDS",
    "EXEC_TOUCH_KINDS",
    "NOTE_CATEGORIES",
    "DemoBook",
    "DemoOptions",
    "DemoResult",
    "build_book",
    "load_demo",
]
