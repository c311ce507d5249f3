"""Product usage: account-level days (active users, sessions, events) and feature use.

Usage files are large, so rows stay plain tuples from the parsed columns to the driver's
``executemany`` (see :func:`csdesk.services.importing.apply_plan`), days as ISO text, and the
checks of the common case run as C-level passes over whole columns. The key is natural:
account and day, plus the feature for feature use. Rows for several subscriptions of one
account on the same day add up. Feature files also set each touched day's ``events`` to the
sum of its feature counts; active users stay unknown (NULL) unless a file gives them.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from datetime import date
from functools import partial
from itertools import compress, filterfalse, repeat
from operator import is_, is_not, itemgetter, lt
from typing import Any, cast

from csdesk.importers.kinds.common import Counts, KindContext, KindOutcome
from csdesk.services.importing import (
    BulkUpsert,
    existing_records,
    external_ids,
    key_columns,
    usage_rows,
    value_columns,
)

DAILY_VALUES = ("active_users", "sessions", "events")
FEATURE_VALUES = ("count", "duration_secs", "errors")


def plan(ctx: KindContext) -> KindOutcome:
    """Plan the usage rows of the file as bulk upserts on their natural keys."""
    accounts, owners, spans = _owners(ctx)
    feature_mode = ctx.parsed.has("feature")
    fields = [f for f in (FEATURE_VALUES if feature_mode else DAILY_VALUES) if ctx.parsed.has(f)]
    if feature_mode and "count" not in fields:
        ctx.problems.add(ctx.table.header_line, None, "feature usage needs a count column "
                         "(field count, e.g. 'Usage Count')")
    _check_values(ctx, fields, feature_mode)
    days = _iso_days(ctx.parsed.column("day"))
    rows = _aggregate(ctx, accounts, owners, days, feature_mode, fields)
    _check_dates(ctx, accounts, spans)

    outcome = KindOutcome()
    if not rows:
        return outcome
    entity = "feature_usage" if feature_mode else "usage_daily"
    touched = cast(set[int], set(accounts) - {None})
    dated = list(filter(None, days))
    first, last = date.fromisoformat(min(dated)), date.fromisoformat(max(dated))
    stored = usage_rows(ctx.session, entity, touched, first, last)
    bulk, counts = diff_rows(entity, fields, rows, stored)
    outcome.bulk.append(bulk)
    outcome.counts[entity] = counts

    daily_stored = usage_rows(ctx.session, "usage_daily", touched, first, last) \
        if feature_mode else stored
    if feature_mode and ctx.mapping.options.events_from_features:
        events = _events_per_day(rows, stored, fields.index("count"))
        daily, daily_counts = diff_rows("usage_daily", ["events"], events, daily_stored)
        outcome.bulk.append(daily)
        outcome.counts["usage_daily"] = daily_counts
    _without_active_users(ctx, rows, daily_stored, feature_mode, fields)
    return outcome


def _iso_days(days: list[date | None]) -> list[str | None]:
    """Each row's day as ISO text (as stored), converting each distinct day once."""
    texts: dict[date | None, str | None] = {day: day.isoformat() if day else None
                                            for day in set(days)}
    return list(map(texts.__getitem__, days))


def _owners(ctx: KindContext) -> tuple[list[int | None], list[Any], list[Any]]:
    """Each row's account id, the raw key it was found by, and its contract's dates."""
    if ctx.parsed.has("account") or ctx.parsed.has("account_name"):
        raw = ctx.parsed.column("account") if ctx.parsed.has("account") \
            else ctx.parsed.column("account_name")
        return ctx.account_ids, raw, [None] * len(ctx)

    keys = ctx.parsed.column("subscription")
    refs = external_ids(ctx.session, ctx.source, "contract")
    contracts = existing_records(ctx.session, "contract", ["account_id", "start_date",
                                                           "end_date"])
    where = ctx.parsed.where("subscription")
    accounts: list[int | None] = []
    spans: list[Any] = []
    for line, key in zip(ctx.parsed.lines, keys, strict=True):
        contract = contracts.get(refs.get(key, -1)) if key is not None else None
        if contract is None:
            message = "is empty; every row needs its subscription" if key is None else (
                f"unknown subscription '{key}': no contract has this id from source "
                f"'{ctx.source}'; import the contracts first (csdesk import contracts ...)")
            ctx.problems.add(line, where, message)
            accounts.append(None)
            spans.append(None)
        else:
            accounts.append(contract["account_id"])
            spans.append((contract["start_date"], contract["end_date"], key))
    return accounts, keys, spans


def _check_values(ctx: KindContext, fields: list[str], feature_mode: bool) -> None:
    """Counts are never negative; a feature row without its count says nothing."""
    for name in fields:
        values = ctx.parsed.values[name]
        needed = feature_mode and name == "count"
        # The usual column is all present and nothing is negative: one C-level pass says so.
        if (not needed or None not in values) \
                and min(filter(_present, values), default=0) >= 0:
            continue
        where = ctx.parsed.where(name)
        for line, value in zip(ctx.parsed.lines, values, strict=True):
            if value is None:
                if needed:
                    ctx.problems.add(line, where, "is empty; a feature row needs its count")
            elif value < 0:
                ctx.problems.add(line, where, f"{value} is negative; usage counts start at 0")


_present = partial(is_not, None)
_absent = partial(is_, None)

Rows = dict[tuple[Any, ...], tuple[Any, ...]]


def _aggregate(ctx: KindContext, accounts: list[int | None], owners: list[Any],
               days: list[str | None], feature_mode: bool, fields: list[str]) -> Rows:
    """One row of values per key (days as ISO text): repeated file keys are reported (the
    last row wins), and rows of several subscriptions of one account add up."""
    features = ctx.parsed.column("feature") if feature_mode else [None] * len(ctx)
    values = list(zip(*(ctx.parsed.values[f] for f in fields), strict=True))

    # The usual file has one row per key and no gaps: build it without a Python loop. Keys
    # unique by account are unique by the file's own owner too (an owner has one account).
    if None not in accounts and None not in days and (not feature_mode or None not in features):
        keys = zip(accounts, days, features, strict=True) if feature_mode \
            else zip(accounts, days, strict=True)
        rows = dict(zip(keys, values, strict=True))
        if len(rows) == len(values):
            return rows

    file_keys = zip(owners, days, features, strict=True)
    seen: dict[tuple[Any, ...], tuple[int, tuple[Any, ...], int]] = {}
    for line, account_id, file_key, row in zip(ctx.parsed.lines, accounts, file_keys, values,
                                               strict=True):
        if account_id is None or file_key[1] is None or (feature_mode and file_key[2] is None):
            continue
        earlier = seen.get(file_key)
        if earlier is not None:
            _duplicate(ctx, line, earlier, row, file_key)
        seen[file_key] = (line, row, account_id)

    rows = {}
    combined: list[tuple[Any, ...]] = []
    for (_, day, feature), (_, row, account_id) in seen.items():
        key = (account_id, day, feature) if feature_mode else (account_id, day)
        current = rows.get(key)
        if current is None:
            rows[key] = row
            continue
        combined.append(key)
        rows[key] = tuple(a if b is None else b + (a or 0)
                          for a, b in zip(current, row, strict=True))
    ctx.anomalies.add_many("usage_combined", "usage rows of several subscriptions of one "
                           "account on the same day, added together", len(set(combined)),
                           [f"{ctx.account_label(k[0])} on {k[1]}"
                            + (f" ({k[2]})" if feature_mode else "") for k in combined[:5]])
    return rows


def _duplicate(ctx: KindContext, line: int, earlier: tuple[int, tuple[Any, ...], int],
               values: tuple[Any, ...], key: tuple[Any, ...]) -> None:
    owner, day, feature = key
    what = f"{owner} on {day}" + (f" ({feature})" if feature else "")
    if earlier[1] == values:
        ctx.anomalies.add("repeated_rows", "usage rows repeated exactly (kept once)", line,
                          f"{what}, same as line {earlier[0]}")
    else:
        ctx.anomalies.add("duplicate_key", "the same usage day appears on several rows with "
                          "different values (the last row wins)", line,
                          f"{what}, also on line {earlier[0]}")


def diff_rows(entity: str, fields: list[str], rows: Rows,
              stored: list[tuple[Any, ...]]) -> tuple[BulkUpsert, Counts]:
    """New rows, changed rows (with their stored values) and unchanged ones.

    Args:
        entity: the usage table.
        fields: the value columns the rows give, in the order of their values.
        rows: key (days as ISO text) -> values.
        stored: the table's stored rows that the keys could match, as :func:`usage_rows`
            returns them.
    """
    keys = key_columns(entity)
    bulk = BulkUpsert(entity, keys, tuple(fields))
    counts = Counts()
    written = list(map(tuple.__add__, rows.keys(), rows.values()))
    if not stored:
        bulk.created = written
        counts.created = len(written)
        return bulk, counts

    # The stored rows cut down to the same columns: a row found among them is unchanged.
    positions = [*range(len(keys)), *(len(keys) + value_columns(entity).index(f)
                                      for f in fields)]
    same = list(map(itemgetter(*positions), stored))
    candidates = list(filterfalse(set(same).__contains__, written))
    counts.unchanged = len(written) - len(candidates)
    if candidates:
        key_of = itemgetter(slice(0, len(keys)))
        by_key = dict(zip(map(key_of, same), same, strict=True))
        olds = list(map(by_key.get, map(key_of, candidates)))
        bulk.created = list(compress(candidates, map(_absent, olds)))
        bulk.updated = list(zip(compress(candidates, map(_present, olds)),
                                filter(None, olds), strict=True))
    counts.created, counts.updated = len(bulk.created), len(bulk.updated)
    return bulk, counts


def _events_per_day(rows: Rows, stored: list[tuple[Any, ...]], count_at: int) -> Rows:
    """Each touched day's events: the sum of all its feature counts after this import."""
    merged = dict(zip(map(itemgetter(0, 1, 2), stored),
                      map(itemgetter(3 + value_columns("feature_usage").index("count")),
                          stored), strict=True))
    merged.update(zip(rows.keys(), map(itemgetter(count_at), rows.values()), strict=True))
    touched = set(map(itemgetter(0, 1), rows.keys()))
    events: dict[tuple[Any, ...], int] = {}
    for (account_id, day, _), count in merged.items():
        if (account_id, day) in touched and count is not None:
            events[(account_id, day)] = events.get((account_id, day), 0) + count
    return {key: (total,) for key, total in events.items()}


def _check_dates(ctx: KindContext, accounts: list[int | None], spans: list[Any]) -> None:
    """Usage before the account became a customer, or outside its subscription."""
    since = {a: f.customer_since for a, f in ctx.accounts.facts.items() if f.customer_since}
    days = ctx.parsed.column("day")
    # Rows of accounts (not subscriptions), all dated on or after signup: one C-level pass.
    if None not in accounts and None not in days and not any(spans):
        signup = cast(Callable[[int | None, date], date], since.get)
        before = cast(Callable[[date | None, date], bool], lt)
        if not any(map(before, days, map(signup, accounts, repeat(date.min)))):
            return
    for line, account_id, day, span in zip(ctx.parsed.lines, accounts, days, spans,
                                           strict=True):
        if account_id is None or day is None:
            continue
        first = since.get(account_id)
        if first is not None and day < first:
            ctx.check_not_before_signup(account_id, day, line, "usage rows")
        if span is not None and (day < span[0] or (span[1] is not None and day >= span[1])):
            ends = span[1].isoformat() if span[1] else "open"
            ctx.anomalies.add("outside_subscription", "usage dated outside its subscription "
                              "(kept; it counts for the account)", line,
                              f"{day.isoformat()} for {span[2]} ({span[0].isoformat()} to "
                              f"{ends})")


def _without_active_users(ctx: KindContext, rows: Rows, daily: list[tuple[Any, ...]],
                          feature_mode: bool, fields: list[str]) -> None:
    """Days that will have no active-user count once this import is written."""
    if not feature_mode and "active_users" in fields:
        at = fields.index("active_users")
        missing = list(compress(rows.keys(), map(_absent, map(itemgetter(at), rows.values()))))
    else:
        # Stored daily rows are the key, then the values (see usage_rows).
        users_at = 2 + value_columns("usage_daily").index("active_users")
        known = dict(zip(map(itemgetter(0, 1), daily), map(itemgetter(users_at), daily),
                         strict=True))
        days = set(map(itemgetter(0, 1), rows.keys())) if feature_mode else rows.keys()
        missing = [key for key in days if known.get(key) is None]
    ctx.anomalies.add_many("no_active_users", "days of usage without an active-user count "
                           "(licence utilisation has no data for them, never 0)",
                           len(missing), [f"{ctx.account_label(a)} on {d}"
                                          for a, d in heapq.nsmallest(5, missing)])
