"""What an account's engagement schedule is computed from: purchase date, activities, alerts."""

from __future__ import annotations

import heapq
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from itertools import repeat


@dataclass(frozen=True)
class Trigger:
    """An alert task that asks for outreach: raised on a day, maybe closed or snoozed since."""

    raised_on: date
    title: str
    closed_on: date | None = None
    snoozed_until: date | None = None

    def is_open(self, as_of: date) -> bool:
        return self.raised_on <= as_of and (self.closed_on is None or self.closed_on > as_of)

    def is_visible(self, as_of: date) -> bool:
        return self.is_open(as_of) and (self.snoozed_until is None or self.snoozed_until <= as_of)


@dataclass(frozen=True)
class AccountHistory:
    """One account's engagement facts.

    ``events`` maps an activity kind to the sorted dates it happened on (logged activities,
    business reviews held, survey answers); ``purchase`` is the start of the first paid
    contract, or None for an account that never paid.
    """

    account_id: int
    purchase: date | None
    events: Mapping[str, list[date]] = field(default_factory=dict)
    triggers: tuple[Trigger, ...] = ()

    def last_of(self, kinds: Iterable[str], on_or_before: date) -> date | None:
        """The latest matching event on or before a day, not counting those before purchase."""
        latest: date | None = None
        for kind in kinds:
            dates = self.events.get(kind)
            if not dates:
                continue
            index = bisect_right(dates, on_or_before)
            if index and (latest is None or dates[index - 1] > latest):
                latest = dates[index - 1]
        if latest is None or self.purchase is None or latest < self.purchase:
            return None
        return latest

    def dates_of(self, kinds: Iterable[str], until: date) -> list[date]:
        """Every matching event from purchase to ``until`` (both included), in order."""
        return [day for day, _kind in self.kinded_dates(kinds, until)]

    def kinded_dates(self, kinds: Iterable[str], until: date) -> list[tuple[date, str]]:
        """Matching events as (date, kind), from purchase to ``until``, in date then kind order."""
        if self.purchase is None:
            return []
        runs: list[Iterator[tuple[date, str]]] = []
        for kind in sorted(k for k in kinds if self.events.get(k)):
            dates = self.events[kind]
            start = bisect_left(dates, self.purchase)
            stop = bisect_right(dates, until)
            runs.append(zip(dates[start:stop], repeat(kind), strict=False))
        if len(runs) < 2:
            return list(runs[0]) if runs else []
        return list(heapq.merge(*runs))
