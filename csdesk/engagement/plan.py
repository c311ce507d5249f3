"""Engagement plans per tier, read from a JSON document the user can edit.

A plan is a list of touchpoints. Each names the activity kinds that satisfy it and follows
one of four patterns, told apart by the keys it carries:

- ``every_days`` / ``every_months``: recurring, due that long after the last matching
  activity (or after purchase);
- ``due_day``: one step of the onboarding sequence, due that many days after purchase;
- ``at_days`` (+ ``then_every_days``): fixed moments after purchase, such as surveys;
- ``trigger`` + ``within_days``: owed within that many days of an alert task being raised.

"Purchase" is the start of the account's first paid contract.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta

from csdesk.errors import ValidationError
from csdesk.vocabulary import TIERS

RECURRING, STEP, MOMENTS, TRIGGERED = "recurring", "step", "moments", "triggered"

# Kinds that are not logged as activities but come from other records: an answered survey.
DERIVED_KINDS = {"survey_response": "a survey answer received"}

# Business reviews held (BusinessReview rows) count as activities of these kinds.
REVIEW_ACTIVITY_KINDS = {"QBR": "qbr", "EBR": "ebr"}

TRIGGERS = {"alert": "an alert task"}

_CONVERSATIONS = ["check_in", "call", "meeting", "exec_meeting", "qbr", "ebr"]

DEFAULT_ENGAGEMENT_PLANS: dict[str, Any] = {
    "activity_kinds": [
        "check_in", "call", "meeting", "email", "qbr", "ebr", "onboarding", "webinar",
        "digital", "exec_meeting", "survey",
    ],
    "every_tier": [
        {"key": "onboarding_kickoff", "label": "Onboarding kickoff", "due_day": 7,
         "kinds": ["onboarding"]},
        {"key": "onboarding_training", "label": "Onboarding training", "due_day": 30,
         "kinds": ["onboarding", "webinar"]},
        {"key": "first_value_check", "label": "First-value check", "due_day": 60,
         "kinds": ["onboarding", "check_in", "call", "meeting"]},
        {"key": "onboarding_complete", "label": "Onboarding complete", "due_day": 90,
         "kinds": ["onboarding"]},
        {"key": "survey", "label": "Customer survey", "at_days": [90, 180, 270],
         "then_every_days": 180, "kinds": ["survey", "survey_response"]},
    ],
    "tiers": {
        "1": [
            {"key": "check_in", "label": "Check-in", "every_days": 14, "kinds": _CONVERSATIONS},
            {"key": "qbr", "label": "Quarterly business review", "every_days": 90,
             "kinds": ["qbr", "ebr"], "review": True},
            {"key": "ebr", "label": "Executive business review", "every_days": 180,
             "kinds": ["ebr"], "review": True},
        ],
        "2": [
            {"key": "check_in", "label": "Check-in", "every_days": 30, "kinds": _CONVERSATIONS},
            {"key": "business_review", "label": "Business review", "every_days": 180,
             "kinds": ["qbr", "ebr"], "review": True},
        ],
        "3": [
            {"key": "digital_touch", "label": "Digital touch (webinar or newsletter)",
             "every_days": 30, "kinds": ["webinar", "digital", "email"]},
            {"key": "health_outreach", "label": "Health-triggered outreach", "trigger": "alert",
             "within_days": 7, "kinds": ["email", "call", "check_in", "meeting", "digital"]},
        ],
    },
}

_PATTERN_KEYS = {
    RECURRING: {"every_days", "every_months"},
    STEP: {"due_day", "open_days"},
    MOMENTS: {"at_days", "then_every_days", "early_days"},
    TRIGGERED: {"trigger", "within_days"},
}
_COMMON_KEYS = {"key", "label", "kinds", "review"}
_KEY_SHAPE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


@dataclass(frozen=True)
class Cadence:
    """A whole number of days or calendar months (month ends clamp: Jan 31 + 1 month = Feb 28)."""

    days: int = 0
    months: int = 0

    def after(self, day: date, times: int = 1) -> date:
        if not self.months:
            return day + timedelta(days=self.days * times)
        return day + relativedelta(months=self.months * times, days=self.days * times)

    def describe(self) -> str:
        if self.months:
            return f"every {self.months} month{'s' if self.months != 1 else ''}"
        return f"every {self.days} day{'s' if self.days != 1 else ''}"


@dataclass(frozen=True)
class TouchpointSpec:
    """One touchpoint of a plan (see the module docstring for the patterns)."""

    key: str
    label: str
    pattern: str
    kinds: frozenset[str]
    every: Cadence | None = None
    due_day: int = 0
    open_days: int = 30
    at_days: tuple[int, ...] = ()
    then_every_days: int | None = None
    early_days: int = 30
    trigger: str | None = None
    within_days: int = 7
    review: bool = False

    def moment(self, index: int) -> int:
        """Days after purchase of the ``index``-th moment (0-based), or -1 past the last."""
        if index < len(self.at_days):
            return self.at_days[index]
        if self.then_every_days is None:
            return -1
        extra = index - len(self.at_days) + 1
        return self.at_days[-1] + extra * self.then_every_days


@dataclass(frozen=True)
class EngagementPlans:
    activity_kinds: tuple[str, ...]
    every_tier: tuple[TouchpointSpec, ...]
    tiers: dict[int, tuple[TouchpointSpec, ...]]

    def for_tier(self, tier: int) -> tuple[TouchpointSpec, ...]:
        """The touchpoints of a tier: the ones every tier gets, then the tier's own."""
        return self.every_tier + self.tiers.get(tier, ())

    def spec(self, tier: int, key: str) -> TouchpointSpec | None:
        for spec in self.for_tier(tier):
            if spec.key == key:
                return spec
        return None

    def keys(self) -> list[str]:
        seen: dict[str, None] = {}
        for spec in self.every_tier:
            seen[spec.key] = None
        for tier in sorted(self.tiers):
            for spec in self.tiers[tier]:
                seen[spec.key] = None
        return list(seen)

    def kinds_used(self) -> frozenset[str]:
        used: set[str] = set()
        for spec in self.every_tier:
            used |= spec.kinds
        for specs in self.tiers.values():
            for spec in specs:
                used |= spec.kinds
        return frozenset(used)

    def uses_trigger(self) -> bool:
        return any(s.pattern == TRIGGERED for t in TIERS for s in self.for_tier(t))


def parse_engagement_plans(document: Any) -> EngagementPlans:
    """Check an engagement-plans document and turn it into :class:`EngagementPlans`.

    Raises:
        ValidationError: naming the tier, the touchpoint and the field that is wrong.
    """
    if not isinstance(document, dict):
        raise ValidationError("engagement plans must be a JSON object with 'activity_kinds', "
                              "'every_tier' and 'tiers'")
    unknown = set(document) - {"activity_kinds", "every_tier", "tiers"}
    if unknown:
        raise ValidationError(f"engagement plans: unknown key(s) {', '.join(sorted(unknown))}")

    kinds = _activity_kinds(document.get("activity_kinds"))
    known = set(kinds) | set(DERIVED_KINDS)
    every_tier = _specs(document.get("every_tier", []), "every tier", known)

    raw_tiers = document.get("tiers", {})
    if not isinstance(raw_tiers, dict):
        raise ValidationError("engagement plans: 'tiers' must map \"1\", \"2\", \"3\" to lists")
    tiers: dict[int, tuple[TouchpointSpec, ...]] = {}
    for name, raw in raw_tiers.items():
        if str(name) not in ("1", "2", "3"):
            raise ValidationError(f"engagement plans: tier {name!r} is not 1, 2 or 3")
        tiers[int(name)] = _specs(raw, f"tier {name}", known)
        for spec in tiers[int(name)]:
            if spec.pattern in (STEP, MOMENTS):
                raise ValidationError(f"engagement plans, tier {name}, touchpoint "
                                      f"'{spec.key}': onboarding steps (due_day) and moments "
                                      "(at_days) count from purchase; put them in every_tier")

    plans = EngagementPlans(kinds, every_tier, tiers)
    _check_keys(plans)
    return plans


def _activity_kinds(raw: Any) -> tuple[str, ...]:
    if not isinstance(raw, list) or not raw:
        raise ValidationError("engagement plans: 'activity_kinds' must list the kinds of "
                              "activity you log (for example \"call\", \"meeting\")")
    kinds = []
    for kind in raw:
        if not isinstance(kind, str) or not _KEY_SHAPE.match(kind):
            raise ValidationError(f"engagement plans: activity kind {kind!r} must be lower-case "
                                  "letters, digits and underscores")
        if kind in DERIVED_KINDS:
            raise ValidationError(f"engagement plans: '{kind}' is filled in by csdesk "
                                  f"({DERIVED_KINDS[kind]}) and cannot be logged")
        if kind not in kinds:
            kinds.append(kind)
    return tuple(kinds)


def _specs(raw: Any, where: str, known_kinds: set[str]) -> tuple[TouchpointSpec, ...]:
    if not isinstance(raw, list):
        raise ValidationError(f"engagement plans, {where}: must be a list of touchpoints")
    specs = tuple(_spec(item, where, number, known_kinds)
                  for number, item in enumerate(raw, start=1))
    keys = [s.key for s in specs]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise ValidationError(f"engagement plans, {where}: touchpoint '{duplicates[0]}' "
                              "appears twice")
    return specs


def _spec(raw: Any, where: str, number: int, known_kinds: set[str]) -> TouchpointSpec:
    if not isinstance(raw, dict):
        raise ValidationError(f"engagement plans, {where}, touchpoint {number}: must be an "
                              "object with key, label, kinds and a cadence")
    key = raw.get("key")
    if not isinstance(key, str) or not _KEY_SHAPE.match(key):
        raise ValidationError(f"engagement plans, {where}, touchpoint {number}: 'key' must be "
                              "lower-case letters, digits and underscores")
    at = f"engagement plans, {where}, touchpoint '{key}'"

    patterns = [p for p, keys in _PATTERN_KEYS.items() if keys & set(raw)]
    if len(patterns) != 1:
        raise ValidationError(f"{at}: give exactly one cadence: every_days or every_months, "
                              "due_day, at_days, or trigger with within_days")
    pattern = patterns[0]
    unknown = set(raw) - _COMMON_KEYS - _PATTERN_KEYS[pattern]
    if unknown:
        raise ValidationError(f"{at}: unknown or mixed key(s) {', '.join(sorted(unknown))}")

    label = raw.get("label", key.replace("_", " ").capitalize())
    if not isinstance(label, str) or not label.strip():
        raise ValidationError(f"{at}: 'label' must be text")
    review = raw.get("review", False)
    if not isinstance(review, bool):
        raise ValidationError(f"{at}: 'review' must be true or false")

    common: dict[str, Any] = {"key": key, "label": label.strip(), "pattern": pattern,
              "kinds": _kinds(raw.get("kinds"), at, known_kinds), "review": review}
    return TouchpointSpec(**common, **_pattern_fields(pattern, raw, at))


def _pattern_fields(pattern: str, raw: dict[str, Any], at: str) -> dict[str, Any]:
    if pattern == RECURRING:
        if "every_days" in raw and "every_months" in raw:
            raise ValidationError(f"{at}: give every_days or every_months, not both")
        if "every_days" in raw:
            return {"every": Cadence(days=_count(raw["every_days"], at, "every_days"))}
        return {"every": Cadence(months=_count(raw["every_months"], at, "every_months"))}
    if pattern == STEP:
        return {"due_day": _count(raw.get("due_day"), at, "due_day", minimum=0),
                "open_days": _count(raw.get("open_days", 30), at, "open_days", minimum=0)}
    if pattern == MOMENTS:
        return _moment_fields(raw, at)
    trigger = raw.get("trigger")
    if trigger not in TRIGGERS:
        raise ValidationError(f"{at}: 'trigger' must be one of {', '.join(TRIGGERS)}")
    return {"trigger": trigger, "within_days": _count(raw.get("within_days"), at, "within_days")}


def _moment_fields(raw: dict[str, Any], at: str) -> dict[str, Any]:
    days = raw.get("at_days")
    if not isinstance(days, list) or not days:
        raise ValidationError(f"{at}: 'at_days' must list days after purchase, e.g. [90, 180]")
    moments = tuple(_count(d, at, "at_days") for d in days)
    if any(b <= a for a, b in zip(moments, moments[1:], strict=False)):
        raise ValidationError(f"{at}: 'at_days' must go up, e.g. [90, 180, 270]")
    then = raw.get("then_every_days")
    return {
        "at_days": moments,
        "then_every_days": None if then is None else _count(then, at, "then_every_days"),
        "early_days": _count(raw.get("early_days", 30), at, "early_days", minimum=0),
    }


def _kinds(raw: Any, at: str, known: set[str]) -> frozenset[str]:
    if not isinstance(raw, list) or not raw:
        raise ValidationError(f"{at}: 'kinds' must list the activity kinds that satisfy it")
    unknown = [k for k in raw if k not in known]
    if unknown:
        raise ValidationError(f"{at}: activity kind '{unknown[0]}' is not in activity_kinds "
                              f"({', '.join(sorted(known))})")
    return frozenset(raw)


def _count(value: Any, at: str, name: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValidationError(f"{at}: '{name}' must be a whole number of at least {minimum}, "
                              f"not {value!r}")
    return value


def _check_keys(plans: EngagementPlans) -> None:
    shared = {s.key for s in plans.every_tier}
    patterns: dict[str, str] = {}
    for tier, specs in plans.tiers.items():
        for spec in specs:
            if spec.key in shared:
                raise ValidationError(f"engagement plans: '{spec.key}' is in every_tier and in "
                                      f"tier {tier}; keep it in one place")
            if patterns.setdefault(spec.key, spec.pattern) != spec.pattern:
                raise ValidationError(f"engagement plans: '{spec.key}' has a different kind of "
                                      "cadence in different tiers; use another key")


def describe(spec: TouchpointSpec) -> str:
    """The cadence of a touchpoint in words, for listings and help."""
    if spec.pattern == RECURRING and spec.every is not None:
        return spec.every.describe()
    if spec.pattern == STEP:
        return f"by day {spec.due_day} after purchase"
    if spec.pattern == MOMENTS:
        text = "at day " + ", ".join(str(d) for d in spec.at_days)
        if spec.then_every_days:
            text += f", then every {spec.then_every_days} days"
        return text
    return f"within {spec.within_days} days of {TRIGGERS.get(spec.trigger or '', 'a trigger')}"
