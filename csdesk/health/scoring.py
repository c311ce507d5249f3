"""Scoring tables: piecewise linear interpolation between points, and bands."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

Points = Sequence[tuple[float, float]]


def interpolate(points: Points, x: float) -> float:
    """The score at ``x`` on the line through ``points`` (sorted by x), flat beyond the ends.

    Args:
        points: ``(x, score)`` pairs with strictly increasing x.
        x: the raw input.

    Returns:
        The score, linear between neighbouring points and clamped to the first and last.
    """
    if x <= points[0][0]:
        return float(points[0][1])
    if x >= points[-1][0]:
        return float(points[-1][1])
    xs = [p[0] for p in points]
    i = bisect_right(xs, x)
    (x0, y0), (x1, y1) = points[i - 1], points[i]
    return float(y0 + (y1 - y0) * (x - x0) / (x1 - x0))


def band_of(score: float, green: float, yellow: float) -> str:
    """green >= ``green``, yellow >= ``yellow``, red below; on the unrounded score."""
    if score >= green:
        return "green"
    if score >= yellow:
        return "yellow"
    return "red"
