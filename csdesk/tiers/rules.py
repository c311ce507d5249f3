"""Tier rules: an ordered list of conditions read from a JSON document the user can edit.

The first rule whose conditions all hold gives the tier; when none holds, ``otherwise`` does.
Amounts are in the portfolio's reporting currency. The default rules follow DOMAIN.md: tier 1
for ARR of 100,000 or more or a strategic account, tier 2 from 25,000, tier 3 below.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from csdesk.errors import ValidationError
from csdesk.vocabulary import TIERS

DEFAULT_TIER_RULES: dict[str, Any] = {
    "rules": [
        {"tier": 1, "strategic": True},
        {"tier": 1, "min_arr": "100000"},
        {"tier": 2, "min_arr": "25000"},
    ],
    "otherwise": 3,
}

RULE_KEYS = {"tier", "min_arr", "below_arr", "strategic", "segment"}


@dataclass(frozen=True)
class TierRule:
    """One rule: every condition that is set must hold for the rule to apply."""

    tier: int
    min_arr: Decimal | None = None
    below_arr: Decimal | None = None
    strategic: bool | None = None
    segment: str | None = None


@dataclass(frozen=True)
class TierRules:
    rules: tuple[TierRule, ...]
    otherwise: int


def parse_tier_rules(document: Any) -> TierRules:
    """Check a tier-rules document and turn it into :class:`TierRules`.

    Raises:
        ValidationError: naming the rule and the field that is wrong.
    """
    if not isinstance(document, dict):
        raise ValidationError("tier rules must be a JSON object with 'rules' and 'otherwise'")
    unknown = set(document) - {"rules", "otherwise"}
    if unknown:
        raise ValidationError(f"tier rules: unknown key(s) {', '.join(sorted(unknown))}")

    raw_rules = document.get("rules", [])
    if not isinstance(raw_rules, list):
        raise ValidationError("tier rules: 'rules' must be a list")
    rules = tuple(_parse_rule(raw, number) for number, raw in enumerate(raw_rules, start=1))
    otherwise = _tier(document.get("otherwise", 3), "tier rules: 'otherwise'")
    return TierRules(rules, otherwise)


def _parse_rule(raw: Any, number: int) -> TierRule:
    where = f"tier rule {number}"
    if not isinstance(raw, dict):
        raise ValidationError(f"{where} must be a JSON object such as {{\"tier\": 2, ...}}")
    unknown = set(raw) - RULE_KEYS
    if unknown:
        allowed = ", ".join(sorted(RULE_KEYS))
        raise ValidationError(f"{where}: unknown key(s) {', '.join(sorted(unknown))} "
                              f"(allowed: {allowed})")
    if "tier" not in raw:
        raise ValidationError(f"{where}: says no 'tier'")

    strategic = raw.get("strategic")
    if strategic is not None and not isinstance(strategic, bool):
        raise ValidationError(f"{where}: 'strategic' must be true or false")
    segment = raw.get("segment")
    if segment is not None and (not isinstance(segment, str) or not segment.strip()):
        raise ValidationError(f"{where}: 'segment' must be a segment name")

    rule = TierRule(
        tier=_tier(raw["tier"], f"{where}: 'tier'"),
        min_arr=_amount(raw.get("min_arr"), f"{where}: 'min_arr'"),
        below_arr=_amount(raw.get("below_arr"), f"{where}: 'below_arr'"),
        strategic=strategic,
        segment=segment.strip() if segment else None,
    )
    if rule.min_arr is None and rule.below_arr is None and rule.strategic is None \
            and rule.segment is None:
        raise ValidationError(f"{where}: has no condition (give min_arr, below_arr, strategic "
                              "or segment; use 'otherwise' for the fallback tier)")
    return rule


def _tier(value: Any, where: str) -> int:
    if isinstance(value, bool) or value not in TIERS:
        raise ValidationError(f"{where} must be 1, 2 or 3, not {value!r}")
    return int(value)


def _amount(value: Any, where: str) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValidationError(f"{where} must be an amount such as \"25000\"")
    try:
        # str() first: a float read from JSON keeps the digits the user typed.
        amount = Decimal(str(value))
    except InvalidOperation:
        message = f"{where} must be an amount such as \"25000\", not {value!r}"
        raise ValidationError(message) from None
    if not amount.is_finite() or amount < 0:
        raise ValidationError(f"{where} must be zero or more, not {value!r}")
    return amount
