"""Split a change in health between two dates per measure, so the parts add up exactly.

The score is a ratio S = N / W with N = sum(w_i * s_i) and W = sum(w_i) over the measures
with data (a measure without data has w_i = 0 on that date). Between dates A and B both the
numerator and the denominator move, for three reasons: a measure's score changes, a measure
gains or loses data, or its weight changes (another scorecard, or an edited one).

The method: change N and W in turn, in both orders, and average the two paths (the Shapley
value of the two-step change)::

    S_B - S_A = (dN - S_A * dW) / W_B     (W first, then N)
              = (dN - S_B * dW) / W_A     (N first, then W)

Both right-hand sides are sums over measures, since dN and dW are. A measure's part is the
average of its two terms::

    part_i = ((dN_i - S_A * dW_i) / W_B + (dN_i - S_B * dW_i) / W_A) / 2

So the parts add up to S_B - S_A exactly; a measure whose weight and score did not change
gets exactly 0; a measure that lost its data is charged with the score it took away. The
arithmetic is in exact fractions; for display the parts are rounded to cents by largest
remainder so that they still add up to the difference of the two rounded scores.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from csdesk.health.config import MEASURES
from csdesk.health.score import HealthResult

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Attribution:
    start: date
    end: date
    start_score: Fraction
    end_score: Fraction
    parts: dict[str, Fraction]

    @property
    def total(self) -> Fraction:
        return self.end_score - self.start_score

    def rounded_total(self) -> Decimal:
        return _cents(self.end_score) - _cents(self.start_score)

    def rounded_parts(self) -> dict[str, Decimal]:
        """Parts in cents that add up to the rounded end score minus the rounded start."""
        return largest_remainder(self.parts, self.rounded_total())


def _weights_and_scores(result: HealthResult) -> dict[str, tuple[Fraction, Fraction]]:
    pairs = {}
    for m in result.measures:
        if m.has_data and m.score is not None:
            pairs[m.key] = (Fraction(m.weight), Fraction(m.score))
        else:
            pairs[m.key] = (Fraction(0), Fraction(0))
    return pairs


def attribute_change(before: HealthResult, after: HealthResult) -> Attribution | None:
    """Each measure's part of ``after.score - before.score``; None unless both are scored."""
    if not (before.is_scored and after.is_scored):
        return None
    a, b = _weights_and_scores(before), _weights_and_scores(after)
    w_a = sum((w for w, _ in a.values()), Fraction(0))
    w_b = sum((w for w, _ in b.values()), Fraction(0))
    s_a = sum((w * s for w, s in a.values()), Fraction(0)) / w_a
    s_b = sum((w * s for w, s in b.values()), Fraction(0)) / w_b

    parts = {}
    for key in MEASURES:
        (wa, sa), (wb, sb) = a.get(key, (0, 0)), b.get(key, (0, 0))
        d_n = Fraction(wb) * sb - Fraction(wa) * sa
        d_w = Fraction(wb) - Fraction(wa)
        parts[key] = ((d_n - s_a * d_w) / w_b + (d_n - s_b * d_w) / w_a) / 2
    return Attribution(before.day, after.day, s_a, s_b, parts)


def _cents(value: Fraction) -> Decimal:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(CENT, rounding=ROUND_HALF_UP)


def largest_remainder(parts: dict[str, Fraction], target: Decimal) -> dict[str, Decimal]:
    """Round each part down to cents, then hand out the missing cents by largest remainder.

    Args:
        parts: exact parts.
        target: what the rounded parts must add up to (within one cent per part of the sum).

    Returns:
        Parts in cents, in the same order, adding up to ``target``.
    """
    cents = {k: (v * 100).__floor__() for k, v in parts.items()}
    remainders = {k: v * 100 - cents[k] for k, v in parts.items()}
    missing = int(target * 100) - sum(cents.values())
    candidates = [k for k in parts if parts[k] != 0] or list(parts)
    by_remainder = sorted(candidates, key=lambda k: remainders[k], reverse=True)
    step = 1 if missing > 0 else -1
    if step < 0:
        by_remainder.reverse()
    i = 0
    while missing != 0 and by_remainder:
        cents[by_remainder[i % len(by_remainder)]] += step
        missing -= step
        i += 1
    return {k: Decimal(c) / 100 for k, c in cents.items()}
