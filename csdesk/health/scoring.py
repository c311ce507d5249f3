"""Scoring tables: piecewise linear interpolation between points, and bands."""

from __future__ import annotations

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
    # Scorecards have a handful of points: a plain walk beats building an index to bisect.
    x0, y0 = points[0]
    if x <= x0:
        return float(y0)
    for x1, y1 in points:
        if x <= x1:
            return float(y0 + (y1 - y0) * (x - x0) / (x1 - x0))
        x0, y0 = x1, y1
    return float(y0)


def band_of(score: float, green: float, yellow: float) -> str:
    """green >= ``green``, yellow >= ``yellow``, red below; on the unrounded score."""
    if score >= green:
        return "green"
    if score >= yellow:
        return "yellow"
    return "red"
