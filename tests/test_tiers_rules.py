"""Tier rules as DOMAIN.md states them, overrides, rule documents and tier timelines."""

from __future__ import annotations

from datetime import date

import pytest

from csdesk.errors import ValidationError
from csdesk.money import Money
from csdesk.tiers.assign import TierFacts, TierSpan, decide_tier, rule_tier, tier_timeline
from csdesk.tiers.rules import DEFAULT_TIER_RULES, parse_tier_rules

RULES = parse_tier_rules(DEFAULT_TIER_RULES)


def facts(arr: str, strategic: bool = False, **extra: object) -> TierFacts:
    return TierFacts(account_id=1, arr=Money.of(arr, "USD"), strategic=strategic, **extra)


@pytest.mark.parametrize(
    ("arr", "tier"),
    [
        ("100000.00", 1),
        ("250000", 1),
        ("99999.99", 2),
        ("25000.00", 2),
        ("24999.99", 3),
        ("0", 3),
    ],
)
def test_default_rules_put_arr_on_the_right_side_of_each_threshold(arr: str, tier: int) -> None:
    assert rule_tier(facts(arr), RULES).tier == tier


def test_a_strategic_account_is_tier_one_whatever_its_arr() -> None:
    outcome = rule_tier(facts("5000", strategic=True), RULES)

    assert outcome.tier == 1
    assert outcome.reason == "marked strategic (rule 1)"


def test_the_reason_names_the_rule_and_the_figures() -> None:
    assert rule_tier(facts("30000"), RULES).reason == "ARR $30,000.00 >= $25,000.00 (rule 3)"
    assert rule_tier(facts("10000"), RULES).reason == "ARR $10,000.00: no rule matched"


def test_a_manual_override_wins_over_the_rules_and_keeps_the_rule_verdict() -> None:
    decision = decide_tier(facts("150000", override=3, override_reason="self-serve by choice"),
                           RULES)

    assert decision.tier == 3
    assert decision.source == "override"
    assert decision.reason == "set by hand: self-serve by choice"
    assert decision.rule.tier == 1


def test_edited_rules_use_segments_and_upper_bounds() -> None:
    rules = parse_tier_rules({
        "rules": [
            {"tier": 1, "segment": "Enterprise"},
            {"tier": 2, "min_arr": "10000", "below_arr": "50000"},
        ],
        "otherwise": 3,
    })

    assert rule_tier(facts("500", segment="enterprise"), rules).tier == 1
    assert rule_tier(facts("10000"), rules).tier == 2
    assert rule_tier(facts("50000"), rules).tier == 3
    assert rule_tier(facts("9999.99"), rules).tier == 3


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "must be a JSON object"),
        ({"rules": [{"tier": 4, "min_arr": "1"}]}, "tier rule 1: 'tier' must be 1, 2 or 3"),
        ({"rules": [{"tier": 1, "min_arr": "lots"}]}, "tier rule 1: 'min_arr' must be an amount"),
        ({"rules": [{"tier": 1, "min_arr": "-5"}]}, "must be zero or more"),
        ({"rules": [{"tier": 2}]}, "tier rule 1: has no condition"),
        ({"rules": [{"tier": 2, "arr": "5"}]}, "unknown key(s) arr"),
        ({"rules": [], "otherwise": 0}, "'otherwise' must be 1, 2 or 3"),
        ({"rules": [{"tier": 1, "strategic": "yes"}]}, "'strategic' must be true or false"),
    ],
)
def test_bad_rule_documents_say_what_is_wrong(document: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_tier_rules(document)


def test_tier_timeline_from_changes() -> None:
    changes = [
        (date(2024, 1, 10), None, 2),
        (date(2024, 5, 1), 2, 1),
        (date(2024, 9, 1), 1, 2),
    ]

    assert tier_timeline(changes, current=2) == [
        TierSpan(date.min, 2),
        TierSpan(date(2024, 5, 1), 1),
        TierSpan(date(2024, 9, 1), 2),
    ]


def test_tier_timeline_trusts_the_current_tier_and_same_day_changes_keep_the_last() -> None:
    changes = [(date(2024, 3, 1), 3, 2), (date(2024, 3, 1), 2, 1)]

    assert tier_timeline(changes, current=1) == [TierSpan(date.min, 3),
                                                 TierSpan(date(2024, 3, 1), 1)]
    assert tier_timeline([], current=3) == [TierSpan(date.min, 3)]
    assert tier_timeline([(date(2024, 3, 1), 3, 2)], current=1) == [
        TierSpan(date.min, 3), TierSpan(date(2024, 3, 1), 1)]
