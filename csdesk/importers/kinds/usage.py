"""Product usage: account-level days (active users, sessions, events) and feature use.

Usage files are large, so rows stay in plain tuples and are written with Core upserts (see
:func:`csdesk.services.importing.apply_plan`). The key is natural: account and day, plus the
feature for feature use. Rows for several subscriptions of one account on the same day add
up. Feature files also set each touched day's ``events`` to the sum of its feature counts;
active users stay unknown (NULL) unless a file gives them.
"""

from __future__ import annotations

import heapq
from typing import Any

from csdesk.importers.kinds.common import Counts, KindContext, KindOutcome
from csdesk.services.importing import BulkUpsert, existing_records, external_ids, usage_rows

DAILY_VALUES = ("active_users", "sessions", "events")
_UNKNOWN = {"active_users": None}
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
    rows = _aggregate(ctx, accounts, owners, feature_mode, fields)
    _check_dates(ctx, accounts, spans)

    outcome = KindOutcome()
    if not rows:
        return outcome
    entity = "feature_usage" if feature_mode else "usage_daily"
    key_columns = ("account_id", "day", "feature") if feature_mode else ("account_id", "day")
    touched = {k[0] for k in rows}
    first, last = min(k[1] for k in rows), max(k[1] for k in rows)
    stored = usage_rows(ctx.session, entity, touched, first, last)
    bulk, counts = diff_rows(entity, key_columns, fields, rows, stored)
    outcome.bulk.append(bulk)
    outcome.counts[entity] = counts

    daily_stored = usage_rows(ctx.session, "usage_daily", touched, first, last) \
        if feature_mode else stored
    if feature_mode and ctx.mapping.options.events_from_features:
        events = _events_per_day(rows, stored, fields.index("count"))
        daily, daily_counts = diff_rows("usage_daily", ("account_id", "day"), ["events"],
                                        events, daily_stored)
        outcome.bulk.append(daily)
        outcome.counts["usage_daily"] = daily_counts
    _without_active_users(ctx, rows, daily_stored, feature_mode, fields)
    return outcome


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
        where = ctx.parsed.where(name)
        needed = feature_mode and name == "count"
        for line, value in zip(ctx.parsed.lines, ctx.parsed.values[name], strict=True):
            if value is None:
                if needed:
                    ctx.problems.add(line, where, "is empty; a feature row needs its count")
            elif value < 0:
                ctx.problems.add(line, where, f"{value} is negative; usage counts start at 0")


Rows = dict[tuple[Any, ...], tuple[Any, ...]]


def _aggregate(ctx: KindContext, accounts: list[int | None], owners: list[Any],
               feature_mode: bool, fields: list[str]) -> Rows:
    """One row of values per key: repeated file keys are reported (the last row wins), and
    rows of several subscriptions of one account add up."""
    days = ctx.parsed.column("day")
    features = ctx.parsed.column("feature") if feature_mode else [None] * len(ctx)
    values = list(zip(*(ctx.parsed.values[f] for f in fields), strict=True))

    # The usual file has one row per key and no gaps: build it without a Python loop.
    file_keys = list(zip(owners, days, features, strict=True))
    if None not in accounts and None not in days and None not in features[:1] * feature_mode \
            and len(set(file_keys)) == len(file_keys):
        keys = list(zip(accounts, days, features, strict=True)) if feature_mode \
            else list(zip(accounts, days, strict=True))
        rows = dict(zip(keys, values, strict=True))
        if len(rows) == len(keys):
            return rows

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
                           [f"{ctx.account_label(k[0])} on {k[1].isoformat()}"
                            + (f" ({k[2]})" if feature_mode else "") for k in combined[:5]])
    return rows


def _duplicate(ctx: KindContext, line: int, earlier: tuple[int, tuple[Any, ...], int],
               values: tuple[Any, ...], key: tuple[Any, ...]) -> None:
    owner, day, feature = key
    what = f"{owner} on {day.isoformat()}" + (f" ({feature})" if feature else "")
    if earlier[1] == values:
        ctx.anomalies.add("repeated_rows", "usage rows repeated exactly (kept once)", line,
                          f"{what}, same as line {earlier[0]}")
    else:
        ctx.anomalies.add("duplicate_key", "the same usage day appears on several rows with "
                          "different values (the last row wins)", line,
                          f"{what}, also on line {earlier[0]}")


def diff_rows(entity: str, key_columns: tuple[str, ...], fields: list[str], rows: Rows,
              stored: dict[tuple[Any, ...], dict[str, Any]]) -> tuple[BulkUpsert, Counts]:
    """New rows, changed rows (with the old values of what changed) and unchanged ones."""
    bulk = BulkUpsert(entity, key_columns, tuple(fields))
    counts = Counts()
    names = key_columns + tuple(fields)
    if not stored:
        bulk.created = [dict(zip(names, key + values, strict=True))
                        for key, values in rows.items()]
        counts.created = len(bulk.created)
        return bulk, counts
    for key, values in rows.items():
        old = stored.get(key)
        if old is None:
            bulk.created.append(dict(zip(names, key + values, strict=True)))
            continue
        changed = {name: old[name] for name, value in zip(fields, values, strict=True)
                   if old[name] != value}
        if changed:
            bulk.updated.append((dict(zip(names, key + values, strict=True)), changed))
        else:
            counts.unchanged += 1
    counts.created, counts.updated = len(bulk.created), len(bulk.updated)
    return bulk, counts


def _events_per_day(rows: Rows, stored: dict[tuple[Any, ...], dict[str, Any]],
                    count_at: int) -> Rows:
    """Each touched day's events: the sum of all its feature counts after this import."""
    merged = {key: values["count"] for key, values in stored.items()}
    merged.update((key, values[count_at]) for key, values in rows.items())
    touched = {(k[0], k[1]) for k in rows}
    events: dict[tuple[Any, ...], int] = {}
    for (account_id, day, _), count in merged.items():
        if (account_id, day) in touched and count is not None:
            events[(account_id, day)] = events.get((account_id, day), 0) + count
    return {key: (total,) for key, total in events.items()}


def _check_dates(ctx: KindContext, accounts: list[int | None], spans: list[Any]) -> None:
    """Usage before the account became a customer, or outside its subscription."""
    since = {a: f.customer_since for a, f in ctx.accounts.facts.items() if f.customer_since}
    days = ctx.parsed.column("day")
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


def _without_active_users(ctx: KindContext, rows: Rows,
                          daily: dict[tuple[Any, ...], dict[str, Any]], feature_mode: bool,
                          fields: list[str]) -> None:
    """Days that will have no active-user count once this import is written."""
    if not feature_mode and "active_users" in fields:
        at = fields.index("active_users")
        missing = [key for key, values in rows.items() if values[at] is None]
    else:
        days = {(k[0], k[1]) for k in rows} if feature_mode else rows.keys()
        missing = [key for key in days if (daily.get(key) or _UNKNOWN)["active_users"] is None]
    ctx.anomalies.add_many("no_active_users", "days of usage without an active-user count "
                           "(licence utilisation has no data for them, never 0)",
                           len(missing), [f"{ctx.account_label(a)} on {d.isoformat()}"
                                          for a, d in heapq.nsmallest(5, missing)])
