"""An account's full dated records, answering "what were the facts on day D" for any D.

History back-fills and alert look-backs evaluate one account on many days. Loading its
records once and indexing them (sorted days, running sums) makes each day a few binary
searches, instead of a round of queries per day.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from datetime import date
from itertools import accumulate

from csdesk.health.facts import (
    AccountFacts,
    AccountProfile,
    CaseRecord,
    PortfolioFacts,
    PulseRecord,
    SurveyRecord,
    UsageFacts,
    baseline_start,
    key_feature_start,
    recent_start,
    support_start,
    year_start,
)

UsageRow = tuple[date, int | None, int | None, int | None]  # day, active users, sessions, events


class UsageSeries:
    """Daily usage with running sums, so any window's total is two binary searches."""

    def __init__(self, rows: Iterable[UsageRow]) -> None:
        ordered = sorted(rows, key=lambda r: r[0])
        self.days = [r[0].toordinal() for r in ordered]
        self.users = [0, *accumulate((r[1] or 0) for r in ordered)]
        self.events = [0, *accumulate((r[3] or 0) for r in ordered)]
        self.users_first = next((r[0] for r in ordered if r[1] is not None), None)
        self.events_first = next((r[0] for r in ordered if r[3] is not None), None)
        self.used_days = [r[0].toordinal() for r in ordered if (r[1] or 0) > 0 or (r[2] or 0) > 0
                          or (r[3] or 0) > 0]

    def _sum(self, running: list[int], first: date, last: date) -> int:
        lo = bisect_left(self.days, first.toordinal())
        hi = bisect_right(self.days, last.toordinal())
        return running[hi] - running[lo] if hi > lo else 0

    def facts(self, day: date) -> UsageFacts:
        recent, base = recent_start(day), baseline_start(day)
        base_end = date.fromordinal(recent.toordinal() - 1)
        last_used = bisect_right(self.used_days, day.toordinal())
        return UsageFacts(
            users_first_day=self.users_first if self.users_first and self.users_first <= day
            else None,
            users_recent=self._sum(self.users, recent, day),
            users_baseline=self._sum(self.users, base, base_end),
            events_first_day=self.events_first if self.events_first and self.events_first <= day
            else None,
            events_recent=self._sum(self.events, recent, day),
            events_baseline=self._sum(self.events, base, base_end),
            last_used_day=date.fromordinal(self.used_days[last_used - 1]) if last_used else None,
        )

    @property
    def first_day(self) -> date | None:
        return date.fromordinal(self.days[0]) if self.days else None


class AccountSeries:
    """One account's records, indexed by day."""

    def __init__(
        self,
        profile: AccountProfile,
        usage: Iterable[UsageRow] = (),
        features: Iterable[tuple[date, str, int]] = (),
        cases: Iterable[CaseRecord] = (),
        surveys: Iterable[SurveyRecord] = (),
        touches: Iterable[tuple[date, bool]] = (),
        pulses: Iterable[tuple[date, int, int]] = (),
    ) -> None:
        self.profile = profile
        self.usage = UsageSeries(usage)

        rows = sorted((day.toordinal(), feature, count) for day, feature, count in features)
        self.feature_first = rows[0][0] if rows else None
        self.feature_used_days = [d for d, _, count in rows if count > 0]
        self.feature_used_names = [f for _, f, count in rows if count > 0]

        self.cases = sorted(cases, key=lambda c: c.opened_on)
        self.case_days = [c.opened_on.toordinal() for c in self.cases]
        self.surveys = sorted(surveys, key=lambda s: (s.answered_on, s.id))
        self.survey_days = [s.answered_on.toordinal() for s in self.surveys]
        ordered_touches = sorted(touches)
        self.touch_days = [d.toordinal() for d, _ in ordered_touches]
        self.sponsor_days = [d.toordinal() for d, sponsor in ordered_touches if sponsor]
        ordered_pulses = sorted(pulses)  # (day, id, score): the latest entry of a day wins
        self.pulse_days = [d.toordinal() for d, _, _ in ordered_pulses]
        self.pulses = [PulseRecord(d, score) for d, _, score in ordered_pulses]

    def first_day(self) -> date | None:
        """The earliest dated input: where this account's history can start."""
        candidates = [
            self.usage.first_day,
            date.fromordinal(self.feature_first) if self.feature_first else None,
            self.cases[0].opened_on if self.cases else None,
            self.surveys[0].answered_on if self.surveys else None,
            date.fromordinal(self.touch_days[0]) if self.touch_days else None,
            date.fromordinal(self.pulse_days[0]) if self.pulse_days else None,
            *(c.start for c in self.profile.contracts),
            self.profile.customer_since,
        ]
        known = [d for d in candidates if d is not None]
        return min(known) if known else None

    def _features_used(self, day: date) -> frozenset[str] | None:
        if self.feature_first is None or self.feature_first > day.toordinal():
            return None
        lo = bisect_left(self.feature_used_days, recent_start(day).toordinal())
        hi = bisect_right(self.feature_used_days, day.toordinal())
        return frozenset(self.feature_used_names[lo:hi])

    def _cases(self, day: date) -> tuple[CaseRecord, ...]:
        """Tickets opened in the 90 days up to ``day`` or still open on it."""
        opened = self.cases[:bisect_right(self.case_days, day.toordinal())]
        start = support_start(day)
        return tuple([c for c in opened if c.opened_on >= start or c.closed_on is None
                      or c.closed_on > day])

    @staticmethod
    def _latest(days: list[int], day: date) -> date | None:
        i = bisect_right(days, day.toordinal())
        return date.fromordinal(days[i - 1]) if i else None

    def facts(self, day: date) -> AccountFacts:
        """The account's facts on ``day``, from records dated on or before it."""
        lo = bisect_left(self.survey_days, year_start(day).toordinal())
        hi = bisect_right(self.survey_days, day.toordinal())
        pulse_at = bisect_right(self.pulse_days, day.toordinal())
        return AccountFacts(
            day=day,
            usage=self.usage.facts(day),
            features_used=self._features_used(day),
            cases=self._cases(day),
            surveys=tuple(self.surveys[lo:hi]),
            last_touch=self._latest(self.touch_days, day),
            last_sponsor_touch=self._latest(self.sponsor_days, day),
            pulse=self.pulses[pulse_at - 1] if pulse_at else None,
        )


class PortfolioTimeline:
    """Portfolio-wide facts on any day: key features and which data sources exist."""

    def __init__(
        self,
        feature_totals: Iterable[tuple[date, str, int]],
        first_support: date | None,
        first_activity: date | None,
        first_usage: date | None,
        configured_keys: Sequence[str] | None,
        key_count: int,
    ) -> None:
        self.feature_totals = sorted(feature_totals)
        self.first_support = first_support
        self.first_activity = first_activity
        self.first_usage = first_usage
        self.configured_keys = tuple(configured_keys) if configured_keys else None
        self.key_count = key_count

    def facts_on(self, days: Iterable[date]) -> dict[date, PortfolioFacts]:
        """Facts for each day, with one sweep of the key-feature window over the totals."""
        totals: dict[str, int] = {}
        added = removed = 0
        rows = self.feature_totals
        result = {}
        for day in sorted(set(days)):
            while added < len(rows) and rows[added][0] <= day:
                _, feature, count = rows[added]
                totals[feature] = totals.get(feature, 0) + count
                added += 1
            start = key_feature_start(day)
            while removed < added and rows[removed][0] < start:
                _, feature, count = rows[removed]
                totals[feature] -= count
                removed += 1
            result[day] = self._facts(day, totals)
        return result

    def _facts(self, day: date, totals: dict[str, int]) -> PortfolioFacts:
        if self.configured_keys is not None:
            keys = self.configured_keys
        else:
            keys = tuple(most_used(totals, self.key_count))
        return PortfolioFacts(
            day=day,
            key_features=keys,
            key_features_configured=self.configured_keys is not None,
            has_support_data=self.first_support is not None and self.first_support <= day,
            has_activities=self.first_activity is not None and self.first_activity <= day,
            has_usage=self.first_usage is not None and self.first_usage <= day,
        )


def most_used(totals: dict[str, int], count: int) -> list[str]:
    """The ``count`` features with the highest totals (ties by name); unused ones never."""
    used = [(total, name) for name, total in totals.items() if total > 0]
    return [name for _, name in heapq.nsmallest(count, used, key=lambda p: (-p[0], p[1]))]
