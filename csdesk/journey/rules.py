"""The settings the journey rules read, from a JSON document the user can edit."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from csdesk.errors import ValidationError

DEFAULT_JOURNEY_RULES: dict[str, Any] = {
    "onboarding_days": 90,
    "advocate_min_nps": 50,
    "advocate_health_band": "green",
    "first_value_seat_share": "0.5",
}

HEALTH_BANDS = ("green", "yellow", "red")


@dataclass(frozen=True)
class JourneyRules:
    """``onboarding_days``: how long onboarding lasts at most; ``advocate_*``: what makes an
    advocate (account NPS at least this, health band this); ``first_value_seat_share``: the
    share of seats active in a week that counts as first value when no milestone is marked.
    """

    onboarding_days: int = 90
    advocate_min_nps: Decimal = Decimal(50)
    advocate_health_band: str = "green"
    first_value_seat_share: Decimal = Decimal("0.5")


def parse_journey_rules(document: Any) -> JourneyRules:
    """Check a journey-rules document.

    Raises:
        ValidationError: naming the field that is wrong.
    """
    if not isinstance(document, dict):
        raise ValidationError("journey rules must be a JSON object")
    unknown = set(document) - set(DEFAULT_JOURNEY_RULES)
    if unknown:
        raise ValidationError(f"journey rules: unknown key(s) {', '.join(sorted(unknown))}")
    merged = {**DEFAULT_JOURNEY_RULES, **document}

    days = merged["onboarding_days"]
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 730:
        raise ValidationError("journey rules: 'onboarding_days' must be a whole number of days "
                              f"from 1 to 730, not {days!r}")
    band = merged["advocate_health_band"]
    if band not in HEALTH_BANDS:
        raise ValidationError("journey rules: 'advocate_health_band' must be green, yellow or "
                              f"red, not {band!r}")
    nps = _decimal(merged["advocate_min_nps"], "advocate_min_nps")
    if not -100 <= nps <= 100:
        raise ValidationError("journey rules: 'advocate_min_nps' must be from -100 to 100")
    share = _decimal(merged["first_value_seat_share"], "first_value_seat_share")
    if not 0 < share <= 1:
        raise ValidationError("journey rules: 'first_value_seat_share' must be above 0 and at "
                              "most 1 (0.5 is half the seats)")
    return JourneyRules(days, nps, band, share)


def _decimal(value: Any, name: str) -> Decimal:
    if isinstance(value, bool):
        raise ValidationError(f"journey rules: '{name}' must be a number")
    try:
        return Decimal(str(value))
    except InvalidOperation:
        message = f"journey rules: '{name}' must be a number, not {value!r}"
        raise ValidationError(message) from None
