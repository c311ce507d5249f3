"""Matching file rows with stored records, and working out what to create and change.

A row is matched by its id in the source (an ``ExternalRef``) or, without one, by the kind's
natural key. Fields the file gives are compared with the stored values: equal everywhere is
"unchanged" and writes nothing, so importing the same file twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import count
from typing import Any

from csdesk.importers.anomalies import Anomalies
from csdesk.services.importing import Pending, PlannedCreate, PlannedUpdate

_tags = count(1)


@dataclass
class RowRecord:
    """One file row as the values of a stored record."""

    line: int
    values: dict[str, Any]
    external_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Matched:
    """Where a row ended up: an existing record's id, or a record the plan creates."""

    record: RowRecord
    target: int | Pending
    created: bool
    changed: bool


@dataclass
class EntityPlan:
    """What to write for one table, and how each row was matched."""

    creates: list[PlannedCreate] = field(default_factory=list)
    updates: list[PlannedUpdate] = field(default_factory=list)
    unchanged: int = 0
    matched: list[Matched] = field(default_factory=list)
    # Rows whose natural key matches several stored records, with how many.
    ambiguous: list[tuple[RowRecord, int]] = field(default_factory=list)


def _fold(value: Any) -> Any:
    return value.strip().casefold() if isinstance(value, str) else value


def natural_key(values: dict[str, Any], columns: Sequence[str]) -> tuple[Any, ...]:
    """The natural key of a record's values (text compared without case)."""
    return tuple(_fold(values.get(c)) for c in columns)


def deduplicate(records: list[RowRecord], key_of: Any, anomalies: Anomalies,
                label: str) -> list[RowRecord]:
    """Keep one row per key (the last); tell apart repeated rows and conflicting ones."""
    by_key: dict[Any, RowRecord] = {}
    for record in records:
        key = key_of(record)
        earlier = by_key.get(key)
        if earlier is not None:
            if earlier.values == record.values and earlier.extra == record.extra:
                anomalies.add("repeated_rows", f"{label} rows repeated exactly (kept once)",
                              record.line, f"same as line {earlier.line}")
            else:
                differing = sorted(k for k in set(earlier.values) | set(record.values)
                                   if earlier.values.get(k) != record.values.get(k))
                anomalies.add("duplicate_key", f"the same {label} appears on several rows "
                              "with different values (the last row wins)", record.line,
                              f"{_describe_key(key)} also on line {earlier.line}; differs in "
                              f"{', '.join(differing) or 'details'}")
        by_key[key] = record
    return list(by_key.values())


def _describe_key(key: Any) -> str:
    if isinstance(key, tuple) and key and key[0] == "ext":
        return f"id '{key[1]}'"
    parts = [str(p) for p in (key if isinstance(key, tuple) else (key,)) if p is not None]
    return "key " + " / ".join(parts)


def plan_entity(
    entity: str,
    records: list[RowRecord],
    existing: dict[int, dict[str, Any]],
    refs: dict[str, int],
    key_columns: Sequence[str] | None,
    create_defaults: dict[str, Any],
) -> EntityPlan:
    """Creates and updates for already de-duplicated rows.

    Args:
        entity: the table.
        records: the rows, as column values.
        existing: stored records (id -> values of the columns the rows set).
        refs: external id -> csdesk id for this entity and source.
        key_columns: the natural key, or None to match by external id.
        create_defaults: values for columns a new record needs but the file does not give.
    """
    plan = EntityPlan()
    by_natural: dict[tuple[Any, ...], list[int]] = {}
    if key_columns is not None:
        for record_id, values in existing.items():
            by_natural.setdefault(natural_key(values, key_columns), []).append(record_id)

    for record in records:
        target: int | None = None
        stale_ref = False
        if key_columns is None and record.external_id is not None:
            target = refs.get(record.external_id)
            if target is not None and target not in existing:
                target, stale_ref = None, True
        elif key_columns is not None:
            candidates = by_natural.get(natural_key(record.values, key_columns), [])
            if len(candidates) > 1:
                plan.ambiguous.append((record, len(candidates)))
                continue
            target = candidates[0] if candidates else None

        if target is None:
            tag = ("new", entity, next(_tags))
            values = {**create_defaults, **{k: v for k, v in record.values.items()
                                             if v is not None or k not in create_defaults}}
            plan.creates.append(PlannedCreate(entity, values, record.external_id, tag,
                                              stale_ref))
            plan.matched.append(Matched(record, Pending(tag), True, True))
            continue

        stored = existing[target]
        changes = {k: v for k, v in record.values.items() if stored.get(k) != v}
        link = record.external_id if (record.external_id is not None
                                      and refs.get(record.external_id) != target) else None
        if changes or link:
            plan.updates.append(PlannedUpdate(entity, target, changes, link))
        else:
            plan.unchanged += 1
        plan.matched.append(Matched(record, target, False, bool(changes)))
    return plan
