"""Engagement compliance: touchpoints done on time / touchpoints due, over a window.

Every touchpoint of the plan produces occurrences: one per cycle of a recurring touchpoint
(a cycle that passes without a matching activity is missed, and the next cycle runs from its
due date), one per onboarding step, survey moment or alert. An occurrence counts in a window
on the day its outcome became known: the day it was done, when done on time; its due date,
when that date passed without it being done. Tier history is followed, so a recurring
touchpoint runs on the cadence of the tier the account had at the time; the cadences
themselves are read from the plans as they are now.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from datetime import date, timedelta

from csdesk.engagement.history import AccountHistory
from csdesk.engagement.plan import (
    MOMENTS,
    RECURRING,
    STEP,
    TRIGGERED,
    Cadence,
    EngagementPlans,
    TouchpointSpec,
)
from csdesk.engagement.schedule import moment_date, moment_state, step_completions
from csdesk.tiers.assign import TierSpan


@dataclass(frozen=True)
class Occurrence:
    """One time a touchpoint was due: when, when it was done, and when it counts."""

    key: str
    due_on: date
    done_on: date | None
    counted_on: date

    @property
    def on_time(self) -> bool:
        return self.done_on is not None and self.done_on <= self.due_on


@dataclass(frozen=True)
class Window:
    """A period of days, first and last both included."""

    start: date
    end: date

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass
class ComplianceCount:
    due: int = 0
    on_time: int = 0

    def add(self, other: ComplianceCount) -> None:
        self.due += other.due
        self.on_time += other.on_time

    @property
    def rate(self) -> float | None:
        """Share done on time, or None when nothing was due."""
        return self.on_time / self.due if self.due else None


def tier_on(timeline: list[TierSpan], day: date) -> int:
    """The tier an account had on ``day``."""
    tier = timeline[0].tier
    for span in timeline:
        if span.start > day:
            break
        tier = span.tier
    return tier


def account_occurrences(
    history: AccountHistory,
    plans: EngagementPlans,
    timeline: list[TierSpan],
    as_of: date,
) -> list[Occurrence]:
    """Every occurrence of every touchpoint of one account, up to ``as_of``."""
    purchase = history.purchase
    if purchase is None or purchase > as_of:
        return []

    occurrences: list[Occurrence] = []
    steps = [s for s in plans.every_tier if s.pattern == STEP]
    if steps:
        occurrences.extend(_step_occurrences(history, steps, as_of))
    for spec in plans.every_tier:
        if spec.pattern == MOMENTS:
            occurrences.extend(_moment_occurrences(history, spec, as_of))

    for key in _tier_keys(plans, timeline):
        per_tier = {span.tier: plans.spec(span.tier, key) for span in timeline}
        specs = [s for s in per_tier.values() if s is not None]
        if specs[0].pattern == RECURRING:
            segments = [(span.start, _cadence(per_tier[span.tier])) for span in timeline]
            dates = history.dates_of(frozenset().union(*(s.kinds for s in specs)), as_of)
            occurrences.extend(recurring_occurrences(key, purchase, dates, segments, as_of))
        elif specs[0].pattern == TRIGGERED:
            occurrences.extend(_trigger_occurrences(history, key, per_tier, timeline, as_of))
    return occurrences


def _tier_keys(plans: EngagementPlans, timeline: list[TierSpan]) -> list[str]:
    keys: dict[str, None] = {}
    for span in timeline:
        for spec in plans.tiers.get(span.tier, ()):
            keys[spec.key] = None
    return list(keys)


def _cadence(spec: TouchpointSpec | None) -> Cadence | None:
    return spec.every if spec is not None else None


def recurring_occurrences(
    key: str,
    purchase: date,
    dates: list[date],
    segments: list[tuple[date, Cadence | None]],
    as_of: date,
) -> list[Occurrence]:
    """Cycles of a recurring touchpoint whose cadence may change over time.

    ``segments`` gives the cadence from each start date on (None: the touchpoint does not
    apply then). Each matching activity is on time and starts a new cycle; a cycle whose due
    date passes without one is missed and the next cycle runs from that due date. When the
    cadence changes and the open cycle's new due date has already passed, that cycle is
    missed on the day of the change and a new one starts there.
    """
    found: list[Occurrence] = []
    cadence = _cadence_on(segments, purchase)
    anchor = purchase
    changes = [(start, 0, c) for start, c in segments if purchase < start <= as_of]
    events = sorted(changes + [(day, 1, None) for day in dates])

    def settle(before: date) -> None:
        nonlocal anchor
        while cadence is not None:
            due = cadence.after(anchor)
            if due >= before:
                return
            found.append(Occurrence(key, due, None, due))
            anchor = due

    for day, is_activity, new_cadence in events:
        settle(day)
        if is_activity:
            if cadence is not None:
                found.append(Occurrence(key, cadence.after(anchor), day, day))
            anchor = day
            continue
        if new_cadence is not None and new_cadence != cadence:
            due = new_cadence.after(anchor)
            if due < day:
                found.append(Occurrence(key, due, None, day))
                anchor = day
        cadence = new_cadence
    settle(as_of)
    return found


def _cadence_on(segments: list[tuple[date, Cadence | None]], day: date) -> Cadence | None:
    cadence: Cadence | None = segments[0][1] if segments else None
    for start, value in segments:
        if start > day:
            break
        cadence = value
    return cadence


def _outcome(key: str, due: date, done: date | None, as_of: date) -> Occurrence | None:
    """An occurrence once its outcome is known: done on time, or due date passed."""
    if done is not None and done <= due:
        return Occurrence(key, due, done, done)
    if due < as_of:
        return Occurrence(key, due, done, due)
    return None


def _step_occurrences(
    history: AccountHistory, steps: list[TouchpointSpec], as_of: date
) -> list[Occurrence]:
    assert history.purchase is not None
    found: list[Occurrence] = []
    for spec, done in zip(steps, step_completions(history, steps, as_of), strict=True):
        due = history.purchase + timedelta(days=spec.due_day)
        occurrence = _outcome(spec.key, due, done, as_of)
        if occurrence is not None:
            found.append(occurrence)
    return found


def _moment_occurrences(
    history: AccountHistory, spec: TouchpointSpec, as_of: date
) -> list[Occurrence]:
    assert history.purchase is not None
    state = moment_state(history, spec, as_of)
    found: list[Occurrence] = []
    index = 0
    while True:
        due = moment_date(spec, history.purchase, index)
        if due is None or (due >= as_of and index > max(state.satisfied, default=-1)):
            return found
        occurrence = _outcome(spec.key, due, state.satisfied.get(index), as_of)
        if occurrence is not None:
            found.append(occurrence)
        index += 1


def _trigger_occurrences(
    history: AccountHistory,
    key: str,
    per_tier: dict[int, TouchpointSpec | None],
    timeline: list[TierSpan],
    as_of: date,
) -> list[Occurrence]:
    found: list[Occurrence] = []
    for trigger in history.triggers:
        if trigger.raised_on > as_of:
            continue
        spec = per_tier.get(tier_on(timeline, trigger.raised_on))
        if spec is None:
            continue
        due = trigger.raised_on + timedelta(days=spec.within_days)
        dates = history.dates_of(spec.kinds, as_of)
        first = bisect_left(dates, trigger.raised_on)
        done = dates[first] if first < len(dates) else None
        if trigger.closed_on is not None and trigger.closed_on >= trigger.raised_on:
            done = min(done, trigger.closed_on) if done else trigger.closed_on
        if done is not None and done > as_of:
            done = None
        occurrence = _outcome(key, due, done, as_of)
        if occurrence is not None:
            found.append(occurrence)
    return found


def count_in_window(occurrences: list[Occurrence], window: Window) -> dict[str, ComplianceCount]:
    """Due and on-time counts per touchpoint key, for occurrences that count in the window."""
    counts: dict[str, ComplianceCount] = {}
    for occurrence in occurrences:
        if occurrence.counted_on not in window:
            continue
        count = counts.setdefault(occurrence.key, ComplianceCount())
        count.due += 1
        count.on_time += 1 if occurrence.on_time else 0
    return counts


def window_ending(as_of: date, days: int) -> Window:
    """The trailing window of ``days`` days that ends on ``as_of``."""
    return Window(as_of - timedelta(days=days - 1), as_of)

