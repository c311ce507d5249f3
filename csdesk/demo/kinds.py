"""The activity kinds and note categories of the demo book (described in the package doc)."""

from __future__ import annotations

ACTIVITY_KINDS = (
    "check_in",
    "call",
    "meeting",
    "email",
    "qbr",
    "ebr",
    "exec_meeting",
    "onboarding",
    "webinar",
    "digital",
)

# Kinds a CSM does in person or one-to-one; webinars and digital touches are one-to-many.
CSM_TOUCH_KINDS = frozenset(ACTIVITY_KINDS) - {"webinar", "digital"}

EXEC_TOUCH_KINDS = frozenset({"ebr", "exec_meeting"})

NOTE_CATEGORIES = ("request", "risk", "meeting", "general")
