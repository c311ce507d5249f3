"""Change attribution: parts add up exactly, unchanged measures get nothing, rounding holds."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from csdesk.health.attribution import attribute_change, largest_remainder
from csdesk.health.config import MEASURES, load_config
from csdesk.health.measures import MeasureResult
from csdesk.health.score import combine

A, B = date(2026, 3, 1), date(2026, 3, 31)
DEFAULT = load_config(None).scorecards["default"]


def result(day: date, scores: dict[str, float | None], weights: dict[str, float] | None = None):
    weights = weights or {}
    measures = tuple(
        MeasureResult(key, "scored" if scores.get(key) is not None else "no_data",
                      scores.get(key), weights.get(key, DEFAULT.measure(key).weight), {}, "")
        for key in MEASURES
    )
    total = sum(m.weight for m in measures)
    card = DEFAULT.__class__(DEFAULT.name, DEFAULT.bands, tuple(
        m.__class__(m.key, weights.get(m.key, m.weight), m.enabled, m.points, m.params)
        for m in DEFAULT.measures))
    outcome = combine(1, day, card, measures)
    assert outcome.total_weight == total
    return outcome


def test_score_changes_with_the_same_measures_split_by_normalised_weight() -> None:
    before = result(A, {"license_utilisation": 50, "support": 100, "engagement": 80})
    after = result(B, {"license_utilisation": 80, "support": 100, "engagement": 50})
    parts = attribute_change(before, after).parts
    # Weights 20, 15, 15 of 50: +30 x 0.4 = +12, 0, -30 x 0.3 = -9.
    assert parts["license_utilisation"] == 12
    assert parts["support"] == 0
    assert parts["engagement"] == -9
    assert sum(parts.values()) == Fraction(after.score) - Fraction(before.score)


def test_a_measure_that_loses_its_data_carries_the_whole_change() -> None:
    # Equal weights: five measures average 70; without engagement's 100 four average 62.5.
    weights = {k: 10 for k in MEASURES}
    kept = {"support": 50, "csm_pulse": 50, "sentiment": 100, "license_utilisation": 50}
    before = result(A, {**kept, "engagement": 100}, weights)
    after = result(B, kept, weights)
    parts = attribute_change(before, after).parts
    assert all(parts[k] == 0 for k in kept)
    assert parts["engagement"] == Fraction(-15, 2)


def test_no_attribution_when_either_date_is_not_scored() -> None:
    scored = result(A, {"license_utilisation": 50, "support": 100, "engagement": 80})
    thin = result(B, {"csm_pulse": 50})
    assert thin.status == "insufficient_data"
    assert attribute_change(scored, thin) is None
    assert attribute_change(thin, scored) is None


score = st.one_of(st.none(), st.floats(min_value=0, max_value=100, allow_nan=False))
weight = st.sampled_from([0, 1, 5, 10, 15, 20, 33.3, 50])
side = st.tuples(st.fixed_dictionaries({k: score for k in MEASURES}),
                 st.fixed_dictionaries({k: weight for k in MEASURES}))


@settings(max_examples=300, deadline=None)
@given(side, side)
def test_parts_add_up_exactly_to_the_total_change(first, second) -> None:
    before, after = result(A, *first), result(B, *second)
    attribution = attribute_change(before, after)
    if attribution is None:
        assert not (before.is_scored and after.is_scored)
        return

    # Exact: the parts add up to the change of the exact weighted means.
    assert sum(attribution.parts.values()) == attribution.total
    assert abs(float(attribution.total) - (after.score - before.score)) < 1e-9

    # A measure with the same weight and score on both dates gets exactly nothing.
    for key in MEASURES:
        same_data = before.measure(key).has_data == after.measure(key).has_data
        if same_data and before.measure(key).score == after.measure(key).score and (
                before.measure(key).weight == after.measure(key).weight
                or not before.measure(key).has_data):
            assert attribution.parts[key] == 0

    # Rounded to cents, the parts still add up to the difference of the rounded scores.
    rounded = attribution.rounded_parts()
    assert sum(rounded.values()) == attribution.rounded_total()
    for key in MEASURES:
        assert abs(rounded[key] - Decimal(float(attribution.parts[key]))) < Decimal("0.02")


def test_largest_remainder_rounding_hands_out_the_missing_cent() -> None:
    thirds = {"a": Fraction(1, 3), "b": Fraction(1, 3), "c": Fraction(1, 3)}
    parts = largest_remainder(thirds, Decimal("1.00"))
    assert sum(parts.values()) == Decimal("1.00")
    assert sorted(parts.values()) == [Decimal("0.33"), Decimal("0.33"), Decimal("0.34")]

    negative = {"a": Fraction(-1, 3), "b": Fraction(-2, 3)}
    parts = largest_remainder(negative, Decimal("-1.00"))
    assert parts == {"a": Decimal("-0.33"), "b": Decimal("-0.67")}
