"""Edits to the health configuration document; each returns a new, validated document."""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

from csdesk.errors import ValidationError
from csdesk.health.config import (
    DEFAULT_DOCUMENT,
    PARAM_DEFAULTS,
    POINT_MEASURES,
    check_scorecard_name,
    load_config,
    merged_document,
    parse_scale,
)


def _card(document: dict[str, Any], scorecard: str) -> dict[str, Any]:
    check_scorecard_name(scorecard)
    return document["scorecards"].setdefault(scorecard, {})


def edit_scorecard(
    stored: Mapping[str, Any] | None,
    scorecard: str = "default",
    measure: str | None = None,
    *,
    weight: float | None = None,
    enabled: bool | None = None,
    points: Sequence[tuple[float, float]] | None = None,
    bands: Mapping[str, float] | None = None,
    params: Mapping[str, float] | None = None,
) -> dict[str, Any]:
    """Change one scorecard (``default``, ``tier:N`` or ``segment:NAME``).

    Args:
        stored: the current document (None: the defaults).
        scorecard: which scorecard; an override is created when it does not exist yet.
        measure: the measure edited (needed for weight, on/off, points and params; with
            bands it sets that measure's own thresholds, without it the scorecard's).
        weight, enabled, points, bands, params: the new values; None leaves one alone.

    Returns:
        The whole new document, validated.

    Raises:
        ValidationError: the edit is incomplete or breaks a rule.
    """
    document = merged_document(stored)
    card = _card(document, scorecard)
    if measure is None and (weight is not None or enabled is not None or points or params):
        raise ValidationError("say which measure to change (--measure NAME)")
    if bands:
        target = card.setdefault("measures", {}).setdefault(measure, {}) if measure else card
        current = dict(_effective_bands(document, scorecard, measure))
        current.update(bands)
        target["bands"] = current
    if measure is not None:
        spec = card.setdefault("measures", {}).setdefault(measure, {})
        if weight is not None:
            spec["weight"] = weight
        if enabled is not None:
            spec["enabled"] = enabled
        if points is not None:
            if measure not in POINT_MEASURES:
                raise ValidationError(f"{measure} is scored by a formula and takes no points")
            spec["points"] = [list(p) for p in points]
        if params:
            unknown = set(params) - set(PARAM_DEFAULTS[measure])
            if unknown:
                known = ", ".join(PARAM_DEFAULTS[measure]) or "none"
                raise ValidationError(
                    f"{measure} has no parameter {', '.join(sorted(unknown))} (known: {known})"
                )
            spec.setdefault("params", {}).update(params)
    load_config(document)
    return document


def _effective_bands(document: dict[str, Any], scorecard: str, measure: str | None) -> dict:
    config = load_config(document)
    card = config.scorecards.get(scorecard, config.scorecards["default"])
    if measure is not None:
        own = card.measure(measure).bands
        if own is not None:
            return {"green": own.green, "yellow": own.yellow}
    return {"green": card.bands.green, "yellow": card.bands.yellow}


def reset_scorecard(stored: Mapping[str, Any] | None, scorecard: str) -> dict[str, Any]:
    """Remove an override, or put the default scorecard back to DOMAIN.md's values."""
    document = merged_document(stored)
    check_scorecard_name(scorecard)
    if scorecard == "default":
        document["scorecards"]["default"] = copy.deepcopy(
            DEFAULT_DOCUMENT["scorecards"]["default"])
    elif document["scorecards"].pop(scorecard, None) is None:
        raise ValidationError(f"there is no scorecard {scorecard} to reset")
    load_config(document)
    return document


def edit_inputs(
    stored: Mapping[str, Any] | None,
    *,
    key_features: Sequence[str] | None = None,
    automatic_key_features: bool = False,
    cadence: Mapping[str, int] | None = None,
    nps_scale: tuple[str, int, int] | None = None,
    csat_scale: tuple[str, int] | None = None,
    touchpoint_kinds: Sequence[str] | None = None,
    all_touchpoints: bool = False,
) -> dict[str, Any]:
    """Change how raw data is read: key features, cadences, survey scale mappings.

    Args:
        stored: the current document.
        key_features: a fixed list of key features.
        automatic_key_features: go back to the most used features across the portfolio.
        cadence: check-in days per tier ("1", "2", "3", "none").
        nps_scale: ``(scale, promoter_min, detractor_max)``, e.g. ("1-10", 9, 6).
        csat_scale: ``(scale, satisfied_min)``, e.g. ("0-10", 9).
        touchpoint_kinds: only activities of these kinds count as CSM touchpoints.
        all_touchpoints: every activity counts again.

    Returns:
        The whole new document, validated.
    """
    document = merged_document(stored)
    inputs = document["inputs"]
    if automatic_key_features:
        inputs["key_features"] = None
    elif key_features is not None:
        inputs["key_features"] = list(key_features)
    for tier, days in (cadence or {}).items():
        if tier not in ("1", "2", "3", "none"):
            raise ValidationError(f"cadence tier must be 1, 2, 3 or none, not '{tier}'")
        inputs["cadence_days"][tier] = days
    if nps_scale is not None:
        scale, promoter, detractor = nps_scale
        parse_scale(scale)
        inputs["nps_scales"][scale] = {"promoter_min": promoter, "detractor_max": detractor}
    if csat_scale is not None:
        scale, satisfied = csat_scale
        parse_scale(scale)
        inputs["csat_scales"][scale] = satisfied
    if all_touchpoints:
        inputs["touchpoint_kinds"] = None
    elif touchpoint_kinds is not None:
        inputs["touchpoint_kinds"] = list(touchpoint_kinds)
    load_config(document)
    return document
