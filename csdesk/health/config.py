"""The scorecard: measures, weights, scoring points and bands, with DOMAIN.md's defaults.

The configuration is one JSON document (stored as a portfolio setting)::

    {"scorecards": {"default": {...}, "tier:1": {...}, "segment:Enterprise": {...}},
     "inputs": {...}}

``default`` is complete; the others are partial overrides applied on top of it. An account
uses the scorecard of its segment when one exists, else the one of its tier, else the
default: one override applies, never a blend of two. ``inputs`` says how raw data is read
(key features, check-in cadences, how survey scales map, which activities count).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from csdesk.errors import ValidationError

MEASURES = (
    "license_utilisation",
    "usage_trend",
    "feature_adoption",
    "support",
    "sentiment",
    "engagement",
    "csm_pulse",
)

MEASURE_LABELS = {
    "license_utilisation": "License utilisation",
    "usage_trend": "Usage trend",
    "feature_adoption": "Feature adoption",
    "support": "Support",
    "sentiment": "Sentiment",
    "engagement": "Engagement",
    "csm_pulse": "CSM pulse",
}

# Measures scored through a table of points; support and sentiment are formulas.
POINT_MEASURES = ("license_utilisation", "usage_trend", "feature_adoption", "engagement",
                  "csm_pulse")

ALIASES = {
    "license": "license_utilisation",
    "licence": "license_utilisation",
    "utilisation": "license_utilisation",
    "utilization": "license_utilisation",
    "license_utilization": "license_utilisation",
    "licence_utilisation": "license_utilisation",
    "usage": "usage_trend",
    "trend": "usage_trend",
    "adoption": "feature_adoption",
    "features": "feature_adoption",
    "tickets": "support",
    "nps": "sentiment",
    "touchpoints": "engagement",
    "pulse": "csm_pulse",
}

DEFAULT_DOCUMENT: dict[str, Any] = {
    "scorecards": {
        "default": {
            "bands": {"green": 70, "yellow": 40},
            "measures": {
                "license_utilisation": {"weight": 20, "enabled": True,
                                        "points": [[0.2, 0], [0.8, 100]]},
                "usage_trend": {"weight": 15, "enabled": True,
                                "points": [[-0.5, 0], [-0.25, 40], [0, 100]]},
                "feature_adoption": {"weight": 10, "enabled": True,
                                     "points": [[0, 0], [0.6, 100]]},
                "support": {"weight": 15, "enabled": True,
                            "params": {"urgent_open": 25, "high_open": 10, "escalation": 15,
                                       "low_csat": 20, "csat_threshold": 60}},
                "sentiment": {"weight": 15, "enabled": True},
                # x is days since the last touchpoint divided by the tier's cadence.
                "engagement": {"weight": 15, "enabled": True,
                               "points": [[1, 100], [3, 0]],
                               "params": {"sponsor_penalty": 20, "sponsor_days": 90}},
                "csm_pulse": {"weight": 10, "enabled": True,
                              "points": [[1, 0], [2, 25], [3, 50], [4, 75], [5, 100]],
                              "params": {"valid_days": 30}},
            },
        },
    },
    "inputs": {
        # None: the key_feature_count most used features across the portfolio over the
        # 90 days up to the day scored, by total uses (ties by name).
        "key_features": None,
        "key_feature_count": 10,
        # Days between check-ins per tier; "none" is for accounts without a tier.
        "cadence_days": {"1": 14, "2": 30, "3": 90, "none": 90},
        # NPS answers on another scale than 0-10 count only through an explicit mapping:
        # here, or the portfolio's survey scales (`csdesk survey-scales`), shared with metrics.
        "nps_scales": {
            "0-10": {"promoter_min": 9, "detractor_max": 6},
        },
        # CSAT: the lowest satisfied answer on each known scale (thumbs up/down is 1-2).
        "csat_scales": {"1-5": 4, "1-3": 3, "1-10": 9, "1-2": 2},
        # None: every activity is a CSM touchpoint; else only these kinds.
        "touchpoint_kinds": None,
    },
}

PARAM_DEFAULTS = {
    key: dict(spec.get("params", {}))
    for key, spec in DEFAULT_DOCUMENT["scorecards"]["default"]["measures"].items()
}


@dataclass(frozen=True)
class Bands:
    green: float
    yellow: float


@dataclass(frozen=True)
class MeasureConfig:
    key: str
    weight: float
    enabled: bool
    points: tuple[tuple[float, float], ...]
    params: Mapping[str, float]
    bands: Bands | None = None

    @property
    def label(self) -> str:
        return MEASURE_LABELS[self.key]


@dataclass(frozen=True)
class Scorecard:
    name: str
    bands: Bands
    measures: tuple[MeasureConfig, ...]

    def measure(self, key: str) -> MeasureConfig:
        for measure in self.measures:
            if measure.key == key:
                return measure
        raise KeyError(key)

    @cached_property
    def total_weight(self) -> float:
        """Weight of the measures switched on: the denominator of "half the weight"."""
        return sum(m.weight for m in self.measures if m.enabled)


@dataclass(frozen=True)
class NpsScale:
    promoter_min: int
    detractor_max: int


@dataclass(frozen=True)
class InputOptions:
    key_features: tuple[str, ...] | None
    key_feature_count: int
    cadence_days: Mapping[str, int]
    nps_scales: Mapping[str, NpsScale]
    csat_scales: Mapping[str, int]
    touchpoint_kinds: frozenset[str] | None

    def cadence_for(self, tier: int | None) -> int:
        return self.cadence_days[str(tier) if tier in (1, 2, 3) else "none"]


@dataclass(frozen=True)
class HealthConfig:
    document: dict[str, Any]
    scorecards: Mapping[str, Scorecard]
    options: InputOptions

    def scorecard_for(self, tier: int | None, segment: str | None) -> Scorecard:
        """The segment's scorecard, else the tier's, else the default."""
        if segment:
            wanted = f"segment:{segment}".casefold()
            for name, card in self.scorecards.items():
                if name.casefold() == wanted:
                    return card
        if tier is not None and f"tier:{tier}" in self.scorecards:
            return self.scorecards[f"tier:{tier}"]
        return self.scorecards["default"]


def load_config(stored: Mapping[str, Any] | None) -> HealthConfig:
    """The configuration from the stored document (None: the defaults), validated.

    Raises:
        ValidationError: the document breaks a rule; the message names the place.
    """
    document = merged_document(stored)
    default = _scorecard("default", document["scorecards"]["default"])
    cards = {"default": default}
    for name, override in document["scorecards"].items():
        if name == "default":
            continue
        check_scorecard_name(name)
        full = deep_merge(document["scorecards"]["default"], override)
        cards[name] = _scorecard(name, full)
    return HealthConfig(document, cards, _options(document["inputs"]))


def merged_document(stored: Mapping[str, Any] | None) -> dict[str, Any]:
    """The defaults with the stored document laid over them."""
    document = copy.deepcopy(DEFAULT_DOCUMENT)
    if not stored:
        return document
    if not isinstance(stored, Mapping):
        raise ValidationError("the health configuration must be a JSON object")
    return deep_merge(document, stored)


def deep_merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """``over`` laid on ``base``: nested objects merge, anything else replaces."""
    result = copy.deepcopy(dict(base))
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(result.get(key), Mapping):
            result[key] = deep_merge(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result


def check_scorecard_name(name: str) -> None:
    """Accept ``default``, ``tier:1``..``tier:3`` or ``segment:<name>``."""
    if name == "default" or name in ("tier:1", "tier:2", "tier:3"):
        return
    if name.startswith("segment:") and name.removeprefix("segment:").strip():
        return
    raise ValidationError(
        f"unknown scorecard '{name}': use default, tier:1, tier:2, tier:3 or segment:<name>"
    )


def resolve_measure(text: str) -> str:
    """The measure key for what a user typed: its key, a known alias or a unique prefix."""
    wanted = text.strip().lower().replace("-", "_").replace(" ", "_")
    if wanted in MEASURES:
        return wanted
    if wanted in ALIASES:
        return ALIASES[wanted]
    matches = [m for m in MEASURES if m.startswith(wanted)] if wanted else []
    if len(matches) == 1:
        return matches[0]
    raise ValidationError(f"unknown measure '{text}': choose one of {', '.join(MEASURES)}")


def _number(value: Any, where: str, low: float | None = None, high: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValidationError(f"{where} must be a number, not {value!r}")
    if low is not None and value < low:
        raise ValidationError(f"{where} must be at least {low:g}, not {value:g}")
    if high is not None and value > high:
        raise ValidationError(f"{where} must be at most {high:g}, not {value:g}")
    return float(value)


def _bands(spec: Any, where: str) -> Bands:
    if not isinstance(spec, Mapping) or set(spec) - {"green", "yellow"}:
        raise ValidationError(f"{where} must give green and yellow thresholds only")
    green = _number(spec.get("green"), f"{where} green", 0, 100)
    yellow = _number(spec.get("yellow"), f"{where} yellow", 0, 100)
    if yellow >= green:
        raise ValidationError(
            f"{where}: the yellow threshold ({yellow:g}) must be below green ({green:g})"
        )
    return Bands(green, yellow)


def _points(spec: Any, where: str) -> tuple[tuple[float, float], ...]:
    if not isinstance(spec, list) or len(spec) < 2:
        raise ValidationError(f"{where} needs at least two points")
    points = []
    for point in spec:
        if not isinstance(point, list | tuple) or len(point) != 2:
            raise ValidationError(f"{where}: each point is a pair [input, score], not {point!r}")
        points.append((_number(point[0], f"{where} input"),
                       _number(point[1], f"{where} score", 0, 100)))
    for (x0, _), (x1, _) in zip(points, points[1:], strict=False):
        if x1 <= x0:
            raise ValidationError(f"{where}: inputs must increase ({x0:g} then {x1:g})")
    return tuple(points)


def _measure(key: str, spec: Any, where: str) -> MeasureConfig:
    if not isinstance(spec, Mapping):
        raise ValidationError(f"{where} must be an object")
    unknown = set(spec) - {"weight", "enabled", "points", "params", "bands"}
    if unknown:
        raise ValidationError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    enabled = spec.get("enabled", True)
    if not isinstance(enabled, bool):
        raise ValidationError(f"{where} enabled must be true or false")
    points: tuple[tuple[float, float], ...] = ()
    if key in POINT_MEASURES:
        points = _points(spec.get("points"), f"{where} points")
    elif "points" in spec and spec["points"] is not None:
        raise ValidationError(f"{where}: {MEASURE_LABELS[key]} is a formula and takes no points")
    params = dict(PARAM_DEFAULTS[key])
    given = spec.get("params") or {}
    if not isinstance(given, Mapping):
        raise ValidationError(f"{where} params must be an object")
    for name, value in given.items():
        if name not in params:
            known = ", ".join(params) or "none"
            raise ValidationError(f"{where}: unknown parameter '{name}' (known: {known})")
        params[name] = _number(value, f"{where} {name}", 0)
    bands = _bands(spec["bands"], f"{where} bands") if spec.get("bands") is not None else None
    weight = _number(spec.get("weight"), f"{where} weight", 0, 1000)
    return MeasureConfig(key, weight, enabled, points, params, bands)


def _scorecard(name: str, spec: Mapping[str, Any]) -> Scorecard:
    where = f"scorecard {name}"
    if not isinstance(spec, Mapping):
        raise ValidationError(f"{where} must be an object")
    given = spec.get("measures") or {}
    unknown = set(given) - set(MEASURES)
    if unknown:
        raise ValidationError(f"{where}: unknown measure(s) {', '.join(sorted(unknown))}")
    measures = tuple(_measure(k, given.get(k), f"{where} {k}") for k in MEASURES)
    if not any(m.enabled and m.weight > 0 for m in measures):
        raise ValidationError(f"{where}: at least one measure must be on with a weight above 0")
    return Scorecard(name, _bands(spec.get("bands"), f"{where} bands"), measures)


def parse_scale(text: str) -> tuple[int, int]:
    """``"1-10"`` -> (1, 10)."""
    low, sep, high = text.partition("-")
    if not sep or not low.strip().isdigit() or not high.strip().isdigit():
        raise ValidationError(f"'{text}' is not a scale like 1-10")
    if int(low) >= int(high):
        raise ValidationError(f"scale {text}: the lowest answer must be below the highest")
    return int(low), int(high)


def _options(spec: Mapping[str, Any]) -> InputOptions:
    keys = spec.get("key_features")
    if keys is not None and (not isinstance(keys, list) or not all(
            isinstance(k, str) and k for k in keys) or not keys):
        raise ValidationError("key_features must be a list of feature names, or null")
    count = int(_number(spec.get("key_feature_count"), "key_feature_count", 1, 1000))

    cadence_spec = spec.get("cadence_days") or {}
    cadence = {}
    for tier in ("1", "2", "3", "none"):
        cadence[tier] = int(_number(cadence_spec.get(tier), f"check-in cadence of tier {tier}",
                                    1, 3650))

    nps = {}
    for scale, mapping in (spec.get("nps_scales") or {}).items():
        low, high = parse_scale(scale)
        if not isinstance(mapping, Mapping):
            raise ValidationError(f"NPS scale {scale} needs promoter_min and detractor_max")
        promoter = int(_number(mapping.get("promoter_min"), f"NPS {scale} promoter_min", low,
                               high))
        detractor = int(_number(mapping.get("detractor_max"), f"NPS {scale} detractor_max", low,
                                high))
        if detractor >= promoter:
            raise ValidationError(f"NPS scale {scale}: detractor_max must be below promoter_min")
        nps[scale] = NpsScale(promoter, detractor)

    csat = {}
    for scale, satisfied in (spec.get("csat_scales") or {}).items():
        low, high = parse_scale(scale)
        csat[scale] = int(_number(satisfied, f"CSAT {scale} satisfied_min", low, high))

    kinds = spec.get("touchpoint_kinds")
    if kinds is not None and (not isinstance(kinds, list) or not all(
            isinstance(k, str) for k in kinds)):
        raise ValidationError("touchpoint_kinds must be a list of activity kinds, or null")
    return InputOptions(
        key_features=tuple(keys) if keys else None,
        key_feature_count=count,
        cadence_days=cadence,
        nps_scales=nps,
        csat_scales=csat,
        touchpoint_kinds=frozenset(kinds) if kinds is not None else None,
    )
