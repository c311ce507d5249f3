"""Importing files: what the portfolio already holds, and writing one import atomically.

The CSV adapter (:mod:`csdesk.importers`) reads and checks a file, compares it with what
:func:`account_index`, :func:`existing_records` and :func:`usage_rows` return, and hands
over an :class:`ImportPlan`. :func:`apply_plan` writes the plan in one transaction: ORM
records through the unit of work (whose flush hook logs every field), high-volume usage rows
as one ``executemany`` upsert of plain tuples with one change-log entry per account (see
:mod:`csdesk.models.changelog`), and an ``ImportRun`` row describing the import. Anything
that fails rolls the whole import back.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import repeat
from typing import Any

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from csdesk.models import Account, Base, ExternalRef, ImportRun
from csdesk.models.changelog import (
    GroupedChange,
    encode_rows,
    nest_rows,
    place,
    record_grouped_changes,
)
from csdesk.models.dialect import fetch_tuples, insert_rows
from csdesk.services.context import AppContext
from csdesk.services.settings import REPORTING_CURRENCY, get_setting
from csdesk.services.upkeep import mark_data_arrived

logger = logging.getLogger(__name__)

# SQLite allows 32,766 bound parameters; IN lists stay well below that.
CHUNK = 900


@dataclass(frozen=True)
class AccountFacts:
    """What import checks need to know about one account."""

    id: int
    name: str
    customer_since: date | None
    journey_stage: str | None


@dataclass
class AccountIndex:
    """Ways to find an account: by its id in a source, or by its name."""

    by_external: dict[str, int]
    by_name: dict[str, list[int]]
    facts: dict[int, AccountFacts]


def account_index(session: Session, source: str) -> AccountIndex:
    """Every account, keyed by its external id in ``source`` and by its case-folded name."""
    facts: dict[int, AccountFacts] = {}
    by_name: dict[str, list[int]] = defaultdict(list)
    stmt = select(Account.id, Account.name, Account.customer_since, Account.journey_stage)
    for account_id, name, since, stage in session.execute(stmt):
        facts[account_id] = AccountFacts(account_id, name, since, stage)
        by_name[name.strip().casefold()].append(account_id)
    return AccountIndex(external_ids(session, source, "account"), dict(by_name), facts)


def external_ids(session: Session, source: str, entity: str) -> dict[str, int]:
    """External id -> csdesk id for one entity of one source."""
    stmt = select(ExternalRef.external_id, ExternalRef.entity_id).where(
        ExternalRef.source == source, ExternalRef.entity == entity
    )
    return {external: entity_id for external, entity_id in session.execute(stmt)}


def table_of(entity: str) -> Table:
    """The table called ``entity``."""
    return Base.metadata.tables[entity]


def existing_records(session: Session, entity: str, columns: Sequence[str],
                     account_ids: Iterable[int] | None = None) -> dict[int, dict[str, Any]]:
    """Current values of ``columns`` for every record of ``entity`` (optionally only those
    of some accounts), keyed by id."""
    table = table_of(entity)
    selected = [table.c.id, *(table.c[name] for name in columns)]
    names = ["id", *columns]
    records: dict[int, dict[str, Any]] = {}
    if account_ids is None:
        batches: Iterator[list[int] | None] = iter([None])
    else:
        batches = _chunks(sorted(set(account_ids)))
    for batch in batches:
        stmt = select(*selected)
        if batch is not None:
            stmt = stmt.where(table.c.account_id.in_(batch))
        for row in session.execute(stmt):
            values = dict(zip(names, row, strict=True))
            records[values.pop("id")] = values
    return records


def value_columns(entity: str) -> tuple[str, ...]:
    """The columns of a usage table after its key, in table order."""
    return tuple(c.name for c in table_of(entity).columns if not c.primary_key)


def key_columns(entity: str) -> tuple[str, ...]:
    """The key columns of a usage table: account, day (and feature)."""
    return tuple(c.name for c in table_of(entity).primary_key.columns)


def usage_rows(session: Session, entity: str, account_ids: Iterable[int], first: date,
               last: date) -> list[tuple[Any, ...]]:
    """Stored usage rows of some accounts between two days (inclusive), as the driver
    returns them: tuples of :func:`key_columns` then :func:`value_columns`, days as ISO text.
    """
    table = table_of(entity)
    columns = [table.c[name] for name in (*key_columns(entity), *value_columns(entity))]
    connection = session.connection()
    rows: list[tuple[Any, ...]] = []
    for batch in _chunks(sorted(set(account_ids))):
        stmt = select(*columns).where(
            table.c.account_id.in_(batch), table.c.day >= first, table.c.day <= last
        )
        rows.extend(fetch_tuples(connection, stmt))
    return rows


def reporting_currency(session: Session) -> str:
    """The portfolio's reporting currency (what a bare amount is in)."""
    return str(get_setting(session, REPORTING_CURRENCY.key))


def table_counts(session: Session) -> dict[str, int]:
    """Rows in every table, to show that a rejected import left the portfolio untouched."""
    return {
        name: int(session.scalar(select(func.count()).select_from(table)) or 0)
        for name, table in Base.metadata.tables.items()
    }


def _chunks(items: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(items), CHUNK):
        yield items[start:start + CHUNK]


@dataclass(frozen=True)
class Pending:
    """Stands for the id of a record created earlier in the same plan."""

    tag: Any


@dataclass
class PlannedCreate:
    """A record to create, and its id in the source."""

    entity: str
    values: dict[str, Any]
    external_id: str | None = None
    tag: Any = None
    # An external id whose reference points at a record that no longer exists.
    reuse_ref: bool = False


@dataclass
class PlannedUpdate:
    """New values for the changed columns of a stored record."""

    entity: str
    id: int
    values: dict[str, Any]
    external_id: str | None = None


@dataclass
class BulkUpsert:
    """Rows of a usage table to write: new rows, and changed rows with their stored values.

    Each row is a tuple of ``key_columns`` then ``value_columns``, as the driver stores them
    (days as ISO text); ``updated`` pairs each new row with the stored one.
    """

    entity: str
    key_columns: tuple[str, ...]
    value_columns: tuple[str, ...]
    created: list[tuple[Any, ...]] = field(default_factory=list)
    updated: list[tuple[tuple[Any, ...], tuple[Any, ...]]] = field(default_factory=list)


@dataclass
class ImportPlan:
    """Everything one import will write, worked out before anything is written."""

    kind: str
    file_name: str
    sha256: str
    source: str
    rows: int
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    creates: list[PlannedCreate] = field(default_factory=list)
    updates: list[PlannedUpdate] = field(default_factory=list)
    bulk: list[BulkUpsert] = field(default_factory=list)
    report: dict[str, Any] = field(default_factory=dict)


def earliest_day(plan: ImportPlan) -> date | None:
    """The earliest calendar day any written value carries (where health history must restart)."""
    days: list[date] = []
    records: list[PlannedCreate | PlannedUpdate] = [*plan.creates, *plan.updates]
    for record in records:
        for value in record.values.values():
            if isinstance(value, datetime):
                days.append(value.date())
            elif isinstance(value, date):
                days.append(value)
    for bulk in plan.bulk:
        position = bulk.key_columns.index("day")
        rows = [*bulk.created, *(new for new, _old in bulk.updated)]
        if rows:
            days.append(date.fromisoformat(min(row[position] for row in rows)))
    return min(days) if days else None


def apply_plan(app: AppContext, plan: ImportPlan) -> int:
    """Write ``plan`` in one transaction, change log included; returns the ImportRun id.

    Health history is then marked for a rebuild from the earliest day the data touches.
    """
    with app.write(origin="import", context=plan.file_name) as session:
        actor = str(session.info["actor"])
        ids: dict[Any, int] = {}
        _create(session, plan, ids)
        _update(session, plan)
        for bulk in plan.bulk:
            _bulk_upsert(session, bulk, actor, plan.file_name)

        run = ImportRun(
            kind=plan.kind, file_name=plan.file_name, sha256=plan.sha256, rows=plan.rows,
            created=plan.created, updated=plan.updated, unchanged=plan.unchanged,
            report=json.dumps(plan.report, ensure_ascii=False, default=str),
        )
        session.add(run)
        session.flush()
        run_id = run.id

    first = earliest_day(plan)
    if first is not None:
        mark_data_arrived(app, first)
    return run_id


def _models() -> dict[str, type[Any]]:
    return {m.class_.__tablename__: m.class_ for m in Base.registry.mappers}


def _create(session: Session, plan: ImportPlan, ids: dict[Any, int]) -> None:
    models = _models()
    groups: list[list[PlannedCreate]] = []
    for create in plan.creates:
        if groups and groups[-1][0].entity == create.entity:
            groups[-1].append(create)
        else:
            groups.append([create])

    for group in groups:
        model = models[group[0].entity]
        objects = []
        for create in group:
            values = {k: ids[v.tag] if isinstance(v, Pending) else v
                      for k, v in create.values.items()}
            objects.append(model(**values))
        session.add_all(objects)
        session.flush()
        for create, obj in zip(group, objects, strict=True):
            if create.tag is not None:
                ids[create.tag] = obj.id
            if create.external_id is not None:
                _link(session, plan.source, create.entity, obj.id, create.external_id,
                      create.reuse_ref)
        session.flush()


def _link(session: Session, source: str, entity: str, entity_id: int, external_id: str,
          reuse: bool) -> None:
    if reuse:
        ref = session.scalar(select(ExternalRef).where(
            ExternalRef.source == source, ExternalRef.entity == entity,
            ExternalRef.external_id == external_id))
        if ref is not None:
            ref.entity_id = entity_id
            return
    session.add(ExternalRef(source=source, entity=entity, entity_id=entity_id,
                            external_id=external_id))


def _update(session: Session, plan: ImportPlan) -> None:
    models = _models()
    for update in plan.updates:
        obj = session.get(models[update.entity], update.id)
        if obj is None:
            continue
        for name, value in update.values.items():
            setattr(obj, name, value)
        if update.external_id is not None:
            _link(session, plan.source, update.entity, update.id, update.external_id, True)
    session.flush()


def _bulk_upsert(session: Session, bulk: BulkUpsert, actor: str, context: str) -> None:
    """Insert or update usage rows with one statement, and log them per account beside."""
    rows = bulk.created + [new for new, _ in bulk.updated]
    if not rows:
        return
    connection = session.connection()
    insert_rows(connection, table_of(bulk.entity), bulk.key_columns + bulk.value_columns, rows,
                conflict=bulk.key_columns, update=bulk.value_columns)
    record_grouped_changes(connection, grouped_changes(bulk), "import", actor, context)


def grouped_changes(bulk: BulkUpsert) -> list[GroupedChange]:
    """One change per account: the values of its created rows, and of its changed rows the
    old and new values of what changed."""
    width = len(bulk.key_columns)
    everything = value_columns(bulk.entity)
    # A created row holds every column; those the file does not give start out unknown.
    missing = tuple(name for name in everything if name not in bulk.value_columns)
    created = bulk.created
    if missing:
        created = list(map(tuple.__add__, created, repeat((None,) * len(missing))))
    columns = bulk.value_columns + missing
    if not bulk.updated:
        # A first import: only new rows, encoded straight from the tuples.
        return [GroupedChange(bulk.entity, str(account), None, text)
                for account, text in sorted(encode_rows(created, width, columns).items())]

    old: dict[Any, dict[str, Any]] = {}
    new = nest_rows(created, width, columns)
    names = bulk.value_columns
    for row, stored in bulk.updated:
        before, after = {}, {}
        for name, now, then in zip(names, row[width:], stored[width:], strict=True):
            if now != then:
                before[name], after[name] = then, now
        key = row[:width]
        place(old, key, before)
        place(new, key, after)
    return [GroupedChange(bulk.entity, str(account), old.get(account), days)
            for account, days in sorted(new.items())]
