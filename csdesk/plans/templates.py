"""Templates for a new success plan, one per tier (a JSON setting a team can edit).

A template lists outcomes with their objectives and the plan's milestones. Due dates are
days after the day the plan is started, so one template serves every account.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from csdesk.errors import ValidationError
from csdesk.plans import fields

DEFAULT_TEMPLATES: dict[str, dict[str, Any]] = {
    "tier1": {
        "outcomes": [
            {
                "title": "Adoption across the licensed teams",
                "description": "Every team that bought seats uses the product every week.",
                "objectives": [
                    {"title": "Raise licence utilisation", "kpi": "Weekly active users "
                     "/ licensed seats", "unit": "%", "baseline": "0", "target": "80",
                     "owner_side": "ours", "due_in_days": 90},
                    {"title": "Train every team lead", "kpi": "Team leads trained", "unit": "%",
                     "baseline": "0", "target": "100", "owner_side": "theirs",
                     "due_in_days": 60},
                ],
            },
            {
                "title": "The business result they bought the product for",
                "description": "Agreed with the executive sponsor, measured in their terms.",
                "objectives": [
                    {"title": "Agree the success measure and its baseline with the sponsor",
                     "owner_side": "ours", "due_in_days": 30},
                ],
            },
        ],
        "milestones": [
            {"title": "Kickoff held", "due_in_days": 7},
            {"title": "First value reached", "due_in_days": 60, "first_value": True},
            {"title": "First quarterly business review", "due_in_days": 90},
            {"title": "Executive business review", "due_in_days": 180},
        ],
    },
    "tier2": {
        "outcomes": [
            {
                "title": "Adoption across the licensed teams",
                "objectives": [
                    {"title": "Raise licence utilisation", "kpi": "Weekly active users "
                     "/ licensed seats", "unit": "%", "baseline": "0", "target": "70",
                     "owner_side": "ours", "due_in_days": 90},
                ],
            },
            {
                "title": "The business result they bought the product for",
                "objectives": [
                    {"title": "Agree the success measure with the champion",
                     "owner_side": "ours", "due_in_days": 45},
                ],
            },
        ],
        "milestones": [
            {"title": "Kickoff held", "due_in_days": 7},
            {"title": "First value reached", "due_in_days": 60, "first_value": True},
            {"title": "Business review", "due_in_days": 180},
        ],
    },
    "tier3": {
        "outcomes": [
            {
                "title": "Self-serve adoption",
                "objectives": [
                    {"title": "Complete the onboarding sequence", "kpi": "Onboarding steps "
                     "done", "unit": "%", "baseline": "0", "target": "100",
                     "owner_side": "theirs", "due_in_days": 30},
                ],
            },
        ],
        "milestones": [
            {"title": "Onboarding complete", "due_in_days": 30},
            {"title": "First value reached", "due_in_days": 45, "first_value": True},
        ],
    },
}


@dataclass(frozen=True)
class ObjectiveTemplate:
    """An objective a new plan starts with."""

    title: str
    kpi: str | None = None
    unit: str | None = None
    baseline: str | None = None
    target: str | None = None
    owner_side: str = "ours"
    due_in_days: int | None = None

    def due_on(self, start: date) -> date | None:
        return None if self.due_in_days is None else start + timedelta(days=self.due_in_days)


@dataclass(frozen=True)
class OutcomeTemplate:
    """An outcome a new plan starts with."""

    title: str
    description: str | None
    objectives: tuple[ObjectiveTemplate, ...]


@dataclass(frozen=True)
class MilestoneTemplate:
    """A milestone a new plan starts with."""

    title: str
    due_in_days: int | None = None
    first_value: bool = False

    def due_on(self, start: date) -> date | None:
        return None if self.due_in_days is None else start + timedelta(days=self.due_in_days)


@dataclass(frozen=True)
class PlanTemplate:
    """A named template: outcomes with objectives, and milestones."""

    name: str
    outcomes: tuple[OutcomeTemplate, ...]
    milestones: tuple[MilestoneTemplate, ...]


def template_name_for_tier(tier: int | None) -> str:
    """The default template of a tier (tier 3 when the tier is unknown)."""
    return f"tier{tier if tier in (1, 2, 3) else 3}"


def parse_template(templates: Any, name: str) -> PlanTemplate:
    """The template called ``name`` from the templates document, checked.

    Raises:
        ValidationError: for an unknown name or an entry that cannot be read.
    """
    if not isinstance(templates, Mapping):
        raise ValidationError("plan templates: expected an object of named templates")
    if name not in templates:
        raise ValidationError(f"unknown plan template '{name}': use one of "
                              f"{', '.join(sorted(templates))}")
    document = templates[name]
    where = f"plan template {name}"
    if not isinstance(document, Mapping):
        raise ValidationError(f"{where}: expected an object with outcomes and milestones")
    outcomes = tuple(_outcome(o, where) for o in _list(document, "outcomes", where))
    milestones = tuple(_milestone(m, where) for m in _list(document, "milestones", where))
    if sum(m.first_value for m in milestones) > 1:
        raise ValidationError(f"{where}: only one milestone may be the first-value one")
    return PlanTemplate(name, outcomes, milestones)


def _list(document: Mapping[str, Any], key: str, where: str) -> list[Any]:
    value = document.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
        raise ValidationError(f"{where}: {key} must be a list of objects")
    return value


def _days(entry: Mapping[str, Any], where: str) -> int | None:
    days = entry.get("due_in_days")
    if days is None:
        return None
    if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= 3660:
        raise ValidationError(f"{where}: due_in_days must be a whole number of days, not "
                              f"{days!r}")
    return days


def _outcome(entry: Mapping[str, Any], where: str) -> OutcomeTemplate:
    name = fields.title(entry.get("title"), f"{where}: an outcome")
    inner = f"{where}, outcome '{name}'"
    objectives = tuple(_objective(o, inner) for o in _list(entry, "objectives", inner))
    return OutcomeTemplate(name, fields.optional_text(entry.get("description")), objectives)


def _objective(entry: Mapping[str, Any], where: str) -> ObjectiveTemplate:
    name = fields.title(entry.get("title"), f"{where}: an objective")
    inner = f"{where}, objective '{name}'"
    return ObjectiveTemplate(
        title=name,
        kpi=fields.optional_text(entry.get("kpi")),
        unit=fields.optional_text(entry.get("unit")),
        baseline=fields.decimal_text(entry.get("baseline"), f"{inner}, baseline"),
        target=fields.decimal_text(entry.get("target"), f"{inner}, target"),
        owner_side=fields.owner_side(entry.get("owner_side") or "ours", inner),
        due_in_days=_days(entry, inner),
    )


def _milestone(entry: Mapping[str, Any], where: str) -> MilestoneTemplate:
    name = fields.title(entry.get("title"), f"{where}: a milestone")
    return MilestoneTemplate(name, _days(entry, f"{where}, milestone '{name}'"),
                             bool(entry.get("first_value", False)))
