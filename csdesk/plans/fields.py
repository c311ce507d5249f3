"""Checks for what a user types into a success plan or a business review.

Each check returns the value to store or raises :class:`ValidationError` naming the field and
what would be accepted, so the command line and the window say the same thing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from csdesk.dates import within_range
from csdesk.errors import ValidationError
from csdesk.vocabulary import OBJECTIVE_STATUSES, OWNER_SIDES, REVIEW_KINDS

TITLE_LENGTH = 300
KPI_VALUE_LENGTH = 40


def title(value: str | None, what: str) -> str:
    """A required one-line title."""
    text = (value or "").strip()
    if not text:
        raise ValidationError(f"{what} needs a title")
    if len(text) > TITLE_LENGTH:
        raise ValidationError(f"{what}: the title is {len(text)} characters; keep it to "
                              f"{TITLE_LENGTH}")
    return text


def optional_text(value: str | None) -> str | None:
    """Free text; blank means none."""
    if value is None:
        return None
    text = value.strip()
    return text or None


def decimal_text(value: str | None, what: str) -> str | None:
    """An exact decimal number kept as text ("12.50" stays "12.50"); blank means none."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValidationError(
            f"{what}: '{value}' is not a decimal number (write it like 1250 or 12.5, "
            "with a point and no thousands separator)"
        ) from None
    if not number.is_finite():
        raise ValidationError(f"{what}: '{value}' is not a finite number")
    plain = format(number, "f")
    if len(plain) > KPI_VALUE_LENGTH:
        raise ValidationError(f"{what}: '{value}' is longer than {KPI_VALUE_LENGTH} digits")
    return plain


def choice(value: str, allowed: Sequence[str], what: str, where: str | None = None) -> str:
    """One of a fixed vocabulary (case-insensitive), in its stored spelling."""
    cleaned = (value or "").strip()
    for option in allowed:
        if option.lower() == cleaned.lower():
            return option
    prefix = f"{where}: " if where else ""
    raise ValidationError(f"{prefix}unknown {what} '{value}': use one of {', '.join(allowed)}")


def status(value: str, where: str | None = None) -> str:
    """An objective status (not_started, on_track, at_risk, done)."""
    return choice(value, OBJECTIVE_STATUSES, "status", where)


def owner_side(value: str, where: str | None = None) -> str:
    """Who owns an item: ours or theirs."""
    return choice(value, OWNER_SIDES, "owner side", where)


def review_kind(value: str, where: str | None = None) -> str:
    """QBR or EBR."""
    return choice(value, REVIEW_KINDS, "review kind", where)


def iso_date(value: str, what: str) -> date:
    """A date written YYYY-MM-DD."""
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError(
            f"{what}: '{value}' is not a date in the form YYYY-MM-DD (for example 2026-03-31)"
        ) from None
    return within_range(day, what)


@dataclass(frozen=True)
class ActionItem:
    """An action item agreed in a business review; it becomes a task."""

    text: str
    owner: str | None = None
    owner_side: str = "ours"
    due_on: date | None = None


def action_item(value: str) -> ActionItem:
    """Read ``"text;owner;side;due"``; everything after the text may be left out or blank.

    Raises:
        ValidationError: naming the action item and the part that cannot be read.
    """
    parts = [p.strip() for p in value.split(";")]
    if len(parts) > 4:
        raise ValidationError(
            f"action item '{value}' has {len(parts)} parts; write text;owner;side;due"
        )
    parts += [""] * (4 - len(parts))
    text, owner, side, due = parts
    where = f"action item '{text or value}'"
    return ActionItem(
        text=title(text, where),
        owner=owner or None,
        owner_side=owner_side(side, where) if side else "ours",
        due_on=iso_date(due, where) if due else None,
    )
