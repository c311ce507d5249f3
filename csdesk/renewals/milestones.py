"""Renewal milestones: the steps a CSM takes before a renewal, counted back from its anchor.

The anchor is the notice deadline when the contract auto-renews with a notice period (after
it the renewal can no longer be stopped or renegotiated), otherwise the renewal date. Each
tier has its own steps; the schedule is a JSON setting so a team can change it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from csdesk.errors import ValidationError


@dataclass(frozen=True)
class MilestoneSpec:
    """One step: ``days`` before the anchor, and what to do then."""

    days: int
    title: str

    @property
    def name(self) -> str:
        return f"T-{self.days}"


MilestoneSchedule = Mapping[int, tuple[MilestoneSpec, ...]]

DEFAULT_SCHEDULE_DOCUMENT: dict[str, list[dict[str, Any]]] = {
    "1": [
        {"days": 180, "title": "Readiness"},
        {"days": 120, "title": "Value summary to the sponsor"},
        {"days": 90, "title": "Health and stakeholder review"},
        {"days": 60, "title": "Value case and expansion check"},
        {"days": 30, "title": "Proposal and paperwork"},
    ],
    "2": [
        {"days": 90, "title": "Health and stakeholder review"},
        {"days": 60, "title": "Value case and expansion check"},
        {"days": 30, "title": "Proposal and paperwork"},
    ],
    "3": [
        {"days": 60, "title": "Value case and expansion check"},
        {"days": 30, "title": "Proposal and paperwork"},
    ],
}

# Accounts without a tier yet get the lightest schedule rather than none.
UNTIERED = 3


def parse_schedule(
    document: Any, where: str = "renewal milestones"
) -> dict[int, tuple[MilestoneSpec, ...]]:
    """Read a schedule document ``{"1": [{"days": 180, "title": "..."}], ...}``.

    Raises:
        ValidationError: naming the tier and entry that cannot be read.
    """
    if not isinstance(document, Mapping):
        raise ValidationError(f"{where}: expected an object of tiers 1, 2 and 3")
    schedule: dict[int, tuple[MilestoneSpec, ...]] = {}
    for key, entries in document.items():
        if str(key) not in ("1", "2", "3"):
            raise ValidationError(f"{where}: '{key}' is not a tier (use 1, 2 or 3)")
        if not isinstance(entries, list):
            raise ValidationError(f"{where}: tier {key} needs a list of milestones")
        specs = [_parse_spec(entry, f"{where}, tier {key}") for entry in entries]
        days = [s.days for s in specs]
        if len(set(days)) != len(days):
            raise ValidationError(f"{where}, tier {key}: two milestones on the same day")
        schedule[int(key)] = tuple(sorted(specs, key=lambda s: -s.days))
    return schedule


def _parse_spec(entry: Any, where: str) -> MilestoneSpec:
    if not isinstance(entry, Mapping):
        raise ValidationError(f"{where}: each milestone is an object with days and title")
    days = entry.get("days")
    title = entry.get("title")
    if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= 730:
        raise ValidationError(f"{where}: days must be a whole number from 0 to 730, not {days!r}")
    if not isinstance(title, str) or not title.strip():
        raise ValidationError(f"{where}: the T-{days} milestone needs a title")
    return MilestoneSpec(days, title.strip())


DEFAULT_SCHEDULE = parse_schedule(DEFAULT_SCHEDULE_DOCUMENT)


def specs_for_tier(schedule: MilestoneSchedule, tier: int | None) -> tuple[MilestoneSpec, ...]:
    """The milestones of a tier (accounts without a tier get the tier-3 steps)."""
    return schedule.get(tier if tier in (1, 2, 3) else UNTIERED, ())


@dataclass(frozen=True)
class MilestoneDate:
    """A milestone of one renewal, placed on the calendar."""

    spec: MilestoneSpec
    on: date

    def reached(self, as_of: date) -> bool:
        return self.on <= as_of

    def to_json(self, as_of: date) -> dict[str, Any]:
        return {
            "name": self.spec.name,
            "title": self.spec.title,
            "date": self.on.isoformat(),
            "reached": self.reached(as_of),
        }


def milestone_dates(anchor: date, specs: tuple[MilestoneSpec, ...]) -> list[MilestoneDate]:
    """The milestones of a renewal whose anchor is ``anchor``, earliest first."""
    return [MilestoneDate(s, anchor - timedelta(days=s.days)) for s in specs]


def milestones_to_raise(
    dates: list[MilestoneDate], anchor: date, as_of: date
) -> list[MilestoneDate]:
    """The milestones that should have a task on ``as_of``.

    Only while the anchor is still ahead (or today): once the notice deadline or the renewal
    has passed, preparing for it is moot. When several milestones were reached since the last
    run (for example on the first run after an import), only the latest one is raised: the
    earlier steps are overtaken by it, and a pile of stale tasks helps nobody.
    """
    if anchor < as_of:
        return []
    reached = [d for d in dates if d.reached(as_of)]
    return reached[-1:]


def milestone_source_key(contract_id: int, renewal_date: date, spec: MilestoneSpec) -> str:
    """The task reason for one milestone of one renewal (stable across runs)."""
    return f"milestone:{contract_id}:{renewal_date.isoformat()}:{spec.name}"
