"""Checks on what users type into plans and reviews, templates, and objective progress."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from csdesk.errors import ValidationError
from csdesk.plans import fields
from csdesk.plans.templates import DEFAULT_TEMPLATES, parse_template, template_name_for_tier
from csdesk.plans.view import progress


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("12.50", "12.50"), (" 7 ", "7"), ("-3.2", "-3.2"), ("1e3", "1000"), ("", None),
     (None, None), ("0.000001", "0.000001")],
)
def test_kpi_values_stay_exact_decimal_text(typed: str | None, stored: str | None) -> None:
    assert fields.decimal_text(typed, "target") == stored


@pytest.mark.parametrize("typed", ["1,5", "12 %", "NaN", "Infinity", "abc"])
def test_values_that_are_not_decimals_are_refused(typed: str) -> None:
    with pytest.raises(ValidationError, match="target: '"):
        fields.decimal_text(typed, "target")


def test_vocabularies_accept_any_letter_case() -> None:
    assert fields.status("On_Track") == "on_track"
    assert fields.owner_side("THEIRS") == "theirs"
    assert fields.review_kind("ebr") == "EBR"
    with pytest.raises(ValidationError, match="objective 4: unknown status 'late'"):
        fields.status("late", "objective 4")


def test_action_items_read_text_owner_side_and_due() -> None:
    assert fields.action_item("Send deck;Ann;ours;2026-05-01") == fields.ActionItem(
        "Send deck", "Ann", "ours", date(2026, 5, 1))
    assert fields.action_item("Call back") == fields.ActionItem("Call back")
    assert fields.action_item("Pick admins;;theirs") == fields.ActionItem(
        "Pick admins", None, "theirs", None)
    with pytest.raises(ValidationError, match="has 5 parts"):
        fields.action_item("a;b;ours;2026-01-01;extra")


@pytest.mark.parametrize(
    ("baseline", "target", "current", "expected"),
    [
        ("0", "80", "40", Decimal("0.5")),
        ("30", "10", "18", Decimal("0.6")),      # a fall is progress when the target is lower
        ("10", "20", "25", Decimal("1.5")),      # beyond the target
        ("5", "5", "5", None),
        ("0", "80", None, None),
        ("0", "3", "1", Decimal("0.3333")),
    ],
)
def test_objective_progress(baseline: str, target: str, current: str | None,
                            expected: Decimal | None) -> None:
    assert progress(baseline, target, current) == expected


def test_every_default_template_parses_with_one_first_value_milestone() -> None:
    for tier in (1, 2, 3):
        template = parse_template(DEFAULT_TEMPLATES, template_name_for_tier(tier))
        assert template.outcomes and all(o.objectives for o in template.outcomes)
        assert sum(m.first_value for m in template.milestones) == 1
    assert template_name_for_tier(None) == "tier3"


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"t": {"outcomes": [{"title": ""}]}}, "plan template t: an outcome needs a title"),
        ({"t": {"outcomes": [{"title": "O", "objectives": [{"title": "K",
                                                              "target": "ten"}]}]}},
         "plan template t, outcome 'O', objective 'K', target: 'ten'"),
        ({"t": {"milestones": [{"title": "A", "first_value": True},
                               {"title": "B", "first_value": True}]}},
         "only one milestone may be the first-value one"),
        ({"t": {"milestones": [{"title": "A", "due_in_days": "soon"}]}},
         "due_in_days must be a whole number"),
        ({"t": {"outcomes": "none"}}, "outcomes must be a list"),
    ],
)
def test_a_broken_template_names_the_entry(document: dict, message: str) -> None:
    with pytest.raises(ValidationError, match=message.replace("(", r"\(")):
        parse_template(document, "t")
