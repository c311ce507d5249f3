"""When each touchpoint is next due, from an account's history and the plan for its tier.

The schedule is derived, never stored: change the tier or the plan and the next call gives
the new dates. A touchpoint is overdue when its due date has passed (due before ``as_of``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from csdesk.engagement.history import AccountHistory, Trigger
from csdesk.engagement.plan import (
    MOMENTS,
    RECURRING,
    STEP,
    TRIGGERED,
    Cadence,
    TouchpointSpec,
)


@dataclass(frozen=True)
class Touchpoint:
    """A touchpoint that is still to do, with its due date.

    ``missed`` counts the due dates that passed without a matching activity since the last
    one (recurring cycles, survey moments), so a touchpoint overdue for three cycles says 3.
    """

    account_id: int
    key: str
    label: str
    pattern: str
    review: bool
    due_on: date
    days_until: int
    last_done: date | None
    missed: int
    detail: str

    @property
    def status(self) -> str:
        if self.days_until < 0:
            return "overdue"
        return "due_today" if self.days_until == 0 else "upcoming"

    @property
    def is_overdue(self) -> bool:
        return self.days_until < 0


def account_schedule(
    history: AccountHistory, specs: tuple[TouchpointSpec, ...], as_of: date
) -> list[Touchpoint]:
    """The open touchpoints of one account as of a day, earliest due first.

    An account without a paid contract started by ``as_of`` has no schedule.
    """
    if history.purchase is None or history.purchase > as_of:
        return []

    touchpoints: list[Touchpoint] = []
    steps = [s for s in specs if s.pattern == STEP]
    # Steps leave the list once stale, so an account long past onboarding has none open.
    last_open = max((s.due_day + s.open_days for s in steps), default=-1)
    if steps and (as_of - history.purchase).days <= last_open:
        touchpoints.extend(_open_steps(history, steps, as_of))
    for spec in specs:
        found: Touchpoint | None = None
        if spec.pattern == RECURRING:
            found = _recurring(history, spec, as_of)
        elif spec.pattern == MOMENTS:
            found = _moments(history, spec, as_of)
        elif spec.pattern == TRIGGERED:
            found = _triggered(history, spec, as_of)
        if found is not None:
            touchpoints.append(found)
    touchpoints.sort(key=lambda t: (t.due_on, t.key))
    return touchpoints


def _touchpoint(
    history: AccountHistory,
    spec: TouchpointSpec,
    due_on: date,
    as_of: date,
    last_done: date | None,
    missed: int,
    detail: str,
) -> Touchpoint:
    return Touchpoint(
        account_id=history.account_id,
        key=spec.key,
        label=spec.label,
        pattern=spec.pattern,
        review=spec.review,
        due_on=due_on,
        days_until=(due_on - as_of).days,
        last_done=last_done,
        missed=missed,
        detail=detail,
    )


def _recurring(history: AccountHistory, spec: TouchpointSpec, as_of: date) -> Touchpoint:
    assert spec.every is not None and history.purchase is not None
    last = history.last_of(spec.kinds, as_of)
    anchor = last or history.purchase
    due = spec.every.after(anchor)
    detail = spec.every.describe() + (" since purchase" if last is None else "")
    return _touchpoint(history, spec, due, as_of, last, missed_cycles(spec.every, anchor, as_of),
                       detail)


def missed_cycles(cadence: Cadence, anchor: date, as_of: date) -> int:
    """How many due dates anchor + k x cadence (k >= 1) fell before ``as_of``."""
    if cadence.months == 0:
        gap = (as_of - anchor).days
        return max(0, (gap - 1) // cadence.days)
    count = 0
    while cadence.after(anchor, count + 1) < as_of:
        count += 1
    return count


def step_completions(
    history: AccountHistory, steps: list[TouchpointSpec], as_of: date
) -> list[date | None]:
    """When each onboarding step was done; steps are done in order of their due day.

    Each matching activity completes the next open step if its kind satisfies that step;
    an activity of another kind does not skip ahead.
    """
    ordered = sorted(steps, key=lambda s: s.due_day)
    done: dict[str, date] = {}
    kinds = frozenset().union(*(s.kinds for s in ordered))
    position = 0
    for day, kind in history.kinded_dates(kinds, as_of):
        if position == len(ordered):
            break
        if kind in ordered[position].kinds:
            done[ordered[position].key] = day
            position += 1
    return [done.get(step.key) for step in steps]


def _open_steps(
    history: AccountHistory, steps: list[TouchpointSpec], as_of: date
) -> list[Touchpoint]:
    assert history.purchase is not None
    open_steps = []
    completions = step_completions(history, steps, as_of)
    last_step_done = max((d for d in completions if d), default=None)
    for spec, done_on in zip(steps, completions, strict=True):
        due = history.purchase + timedelta(days=spec.due_day)
        still_open = as_of <= due + timedelta(days=spec.open_days)
        if done_on is None and still_open:
            detail = f"day {spec.due_day} of onboarding"
            missed = 1 if due < as_of else 0
            open_steps.append(_touchpoint(history, spec, due, as_of, last_step_done, missed,
                                          detail))
    return open_steps


@dataclass(frozen=True)
class MomentState:
    """Where an account stands on a moments touchpoint (such as surveys)."""

    satisfied: dict[int, date]
    current: int
    missed_since_last: int


def moment_date(spec: TouchpointSpec, purchase: date, index: int) -> date | None:
    """The date of the ``index``-th moment (0-based), or None past the last one."""
    offset = spec.moment(index)
    return None if offset < 0 else purchase + timedelta(days=offset)


def moment_state(history: AccountHistory, spec: TouchpointSpec, as_of: date) -> MomentState:
    """Assign matching activities to moments, then find the moment to do next.

    Moment k takes the first matching activity from ``early_days`` before its date up to the
    next moment's date; it is on time when that activity is on or before its date. Once the
    next moment's date arrives, an unsatisfied moment is missed for good.
    """
    assert history.purchase is not None
    moments = _moment_dates(spec, history.purchase, as_of)
    early = timedelta(days=spec.early_days)
    satisfied: dict[int, date] = {}
    index = 0
    for day in history.dates_of(spec.kinds, as_of):
        index = _skip_superseded(moments, index, day)
        if index >= len(moments):
            break
        if moments[index] - early <= day:
            satisfied[index] = day
            index += 1

    index = _skip_superseded(moments, index, as_of)
    last_satisfied = max(satisfied, default=-1)
    missed = sum(1 for k in range(last_satisfied + 1, min(index + 1, len(moments)))
                 if moments[k] < as_of and k not in satisfied)
    return MomentState(satisfied, index, missed)


def _moment_dates(spec: TouchpointSpec, purchase: date, until: date) -> list[date]:
    """The moments on or before ``until``, and the first one after it when there is one."""
    dates: list[date] = []
    while True:
        offset = spec.moment(len(dates))
        if offset < 0:
            return dates
        dates.append(purchase + timedelta(days=offset))
        if dates[-1] > until:
            return dates


def _skip_superseded(moments: list[date], index: int, day: date) -> int:
    """Move past moments whose following moment has arrived by ``day``."""
    while index + 1 < len(moments) and moments[index + 1] <= day:
        index += 1
    return index


def _moments(history: AccountHistory, spec: TouchpointSpec, as_of: date) -> Touchpoint | None:
    assert history.purchase is not None
    state = moment_state(history, spec, as_of)
    due = moment_date(spec, history.purchase, state.current)
    if due is None or state.current in state.satisfied:
        return None
    offset = spec.moment(state.current)
    return _touchpoint(history, spec, due, as_of, history.last_of(spec.kinds, as_of),
                       state.missed_since_last, f"day {offset} after purchase")


def _triggered(history: AccountHistory, spec: TouchpointSpec, as_of: date) -> Touchpoint | None:
    last = history.last_of(spec.kinds, as_of)
    waiting = [t for t in history.triggers
               if t.is_visible(as_of) and (last is None or t.raised_on > last)]
    if not waiting:
        return None
    first: Trigger = min(waiting, key=lambda t: t.raised_on)
    due = first.raised_on + timedelta(days=spec.within_days)
    detail = f"{first.title} (raised {first.raised_on.isoformat()})"
    return _touchpoint(history, spec, due, as_of, last, 1 if due < as_of else 0, detail)
