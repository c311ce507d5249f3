"""Deciding an account's tier: the rules, then a manual override that wins over them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from csdesk.money import Money
from csdesk.tiers.rules import TierRule, TierRules


@dataclass(frozen=True)
class TierFacts:
    """What the rules look at, with ARR already in the reporting currency."""

    account_id: int
    arr: Money
    strategic: bool = False
    segment: str | None = None
    override: int | None = None
    override_reason: str | None = None


@dataclass(frozen=True)
class RuleOutcome:
    """The tier the rules give and, in words, which rule gave it."""

    tier: int
    reason: str
    rule_number: int | None


@dataclass(frozen=True)
class TierDecision:
    """The tier an account has: the override when there is one, else the rules' tier."""

    account_id: int
    tier: int
    source: str
    reason: str
    rule: RuleOutcome


def rule_tier(facts: TierFacts, rules: TierRules) -> RuleOutcome:
    """The tier the first matching rule gives, or ``rules.otherwise``."""
    for number, rule in enumerate(rules.rules, start=1):
        if _holds(rule, facts):
            return RuleOutcome(rule.tier, f"{_describe(rule, facts)} (rule {number})", number)
    return RuleOutcome(rules.otherwise, f"ARR {_money(facts.arr)}: no rule matched", None)


def decide_tier(facts: TierFacts, rules: TierRules) -> TierDecision:
    """Apply the rules, then let a manual override win over them."""
    outcome = rule_tier(facts, rules)
    if facts.override is not None:
        reason = f"set by hand: {facts.override_reason or 'no reason given'}"
        return TierDecision(facts.account_id, facts.override, "override", reason, outcome)
    return TierDecision(facts.account_id, outcome.tier, "rule", outcome.reason, outcome)


def _holds(rule: TierRule, facts: TierFacts) -> bool:
    amount = facts.arr.amount
    if rule.strategic is not None and facts.strategic != rule.strategic:
        return False
    if rule.segment is not None and (facts.segment or "").casefold() != rule.segment.casefold():
        return False
    if rule.min_arr is not None and amount < rule.min_arr:
        return False
    return rule.below_arr is None or amount < rule.below_arr


def _describe(rule: TierRule, facts: TierFacts) -> str:
    parts = []
    if rule.strategic is True:
        parts.append("marked strategic")
    elif rule.strategic is False:
        parts.append("not strategic")
    if rule.segment is not None:
        parts.append(f"segment {rule.segment}")
    currency = facts.arr.currency
    if rule.min_arr is not None and rule.below_arr is not None:
        parts.append(f"{_money(Money(rule.min_arr, currency))} <= ARR {_money(facts.arr)} < "
                     f"{_money(Money(rule.below_arr, currency))}")
    elif rule.min_arr is not None:
        parts.append(f"ARR {_money(facts.arr)} >= {_money(Money(rule.min_arr, currency))}")
    elif rule.below_arr is not None:
        parts.append(f"ARR {_money(facts.arr)} < {_money(Money(rule.below_arr, currency))}")
    return ", ".join(parts)


def _money(money: Money) -> str:
    return money.format()


@dataclass(frozen=True)
class TierSpan:
    """The tier an account had from ``start`` (inclusive) until the next span starts."""

    start: date
    tier: int


def tier_timeline(
    changes: list[tuple[date, int | None, int]], current: int
) -> list[TierSpan]:
    """An account's tiers over time from its tier changes (date, old tier, new tier).

    Before the first change the account had the first change's old tier (or its new tier
    when there was none); after the last change it has ``current``, which wins over the
    history when the two disagree (a tier written by an import leaves no change behind).
    """
    if not changes:
        return [TierSpan(date.min, current)]
    ordered = sorted(changes, key=lambda change: change[0])
    first_old = ordered[0][1]
    spans = [TierSpan(date.min, first_old if first_old is not None else ordered[0][2])]
    for changed_on, _old, new in ordered:
        if spans[-1].start == changed_on:
            spans[-1] = TierSpan(changed_on, new)
        else:
            spans.append(TierSpan(changed_on, new))
    spans[-1] = TierSpan(spans[-1].start, current)
    return _merged(spans)


def _merged(spans: list[TierSpan]) -> list[TierSpan]:
    merged: list[TierSpan] = []
    for span in spans:
        if merged and merged[-1].tier == span.tier:
            continue
        merged.append(span)
    return merged
