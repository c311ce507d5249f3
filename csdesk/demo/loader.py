"""Write a demo book into the portfolio in one transaction, change log included.

Every row goes in with a Core bulk insert followed by one ``create`` entry per row in the
change log (:func:`csdesk.models.changelog.record_changes`), inside a unit of work with
origin ``system``. Usage rows (``usage_daily``, ``feature_usage``) are logged as the change
log's module notes describe: one ``upsert`` entry per account holding all its rows. With
``replace`` the portfolio's tables are emptied first, in the same transaction, and each
removed record gets a ``delete`` entry (usage: one per account).
"""

from __future__ import annotations

import json
import logging
import random
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Table, delete, func, insert, select

from csdesk.demo.book import DemoBook, DemoOptions, build_book
from csdesk.errors import ValidationError
from csdesk.models import Account, Base, CurrencyRate, ExternalRef, Tombstone
from csdesk.models.base import utc_now
from csdesk.models.changelog import (
    GROUPED_ENTITIES,
    Change,
    GroupedChange,
    encode_rows,
    record_changes,
    record_grouped_changes,
)
from csdesk.models.dialect import fetch_tuples, upsert
from csdesk.services.context import AppContext
from csdesk.services.settings import set_setting
from csdesk.services.unit_of_work import unit_of_work

logger = logging.getLogger(__name__)

ORIGIN = "system"
ACTOR = "csdesk demo"

# Tables that hold preferences or history rather than the book: --replace keeps them.
KEPT_TABLES = frozenset({"setting", "currency_rate", "import_run", "change_log", "tombstone"})


@dataclass(frozen=True)
class DemoResult:
    """What was written: rows per table, accounts removed first, and how long it took."""

    options: DemoOptions
    counts: dict[str, int]
    removed_accounts: int
    seconds: float
    me: str
    reporting_currency: str

    def to_json(self) -> dict[str, Any]:
        """The summary as JSON for ``csdesk demo --json``."""
        return {
            "as_of": self.options.as_of.isoformat(),
            "seed": self.options.seed,
            "accounts": self.counts.get("account", 0),
            "rows": self.counts,
            "removed_accounts": self.removed_accounts,
            "seconds": round(self.seconds, 2),
            "me": self.me,
            "reporting_currency": self.reporting_currency,
        }


def load_demo(context: AppContext, options: DemoOptions, replace: bool = False) -> DemoResult:
    """Build the demo book and write it into the open portfolio.

    Args:
        context: the open portfolio.
        options: how many accounts, the seed and the as-of date.
        replace: empty the portfolio's tables first instead of refusing when it has accounts.

    Returns:
        What was written (rows per table), how many accounts were removed, and the time taken.

    Raises:
        ValidationError: the portfolio already has accounts and ``replace`` is False, or the
            options are out of range. Nothing is changed in either case.
    """
    started = time.perf_counter()
    options.validate()
    with context.read() as session:
        _refuse_if_occupied(context, session.connection(), replace)

    book = build_book(options)
    with unit_of_work(context.portfolio, ORIGIN, ACTOR, context="demo book") as session:
        connection = session.connection()
        # Checked again inside the transaction: another window may have imported meanwhile.
        _refuse_if_occupied(context, connection, replace)
        removed = clear_portfolio(connection) if replace else 0
        counts = {name: write_table(connection, name, rows, options.seed)
                  for name, rows in _in_dependency_order(book)}
        _write_rates(connection, book, options.as_of)
        for key, value in book.settings.items():
            set_setting(session, key, value)

    seconds = time.perf_counter() - started
    result = DemoResult(options, counts, removed, seconds, book.settings["me"],
                        book.settings["reporting_currency"])
    logger.info(
        "demo book loaded: %d accounts, %d rows, seed %d, as of %s, in %.1f s",
        counts.get("account", 0), sum(counts.values()), options.seed,
        options.as_of.isoformat(), seconds,
    )
    return result


def _refuse_if_occupied(context: AppContext, connection: Connection, replace: bool) -> None:
    existing = int(connection.scalar(select(func.count()).select_from(Account)) or 0)
    if existing and not replace:
        raise ValidationError(
            f"the portfolio {context.portfolio.path} already has {plural(existing, 'account')}, "
            "so the demo book was not loaded. Use `csdesk demo --replace` to delete them and "
            "load the demo instead, or `csdesk --home <empty folder> demo` to keep them."
        )


def plural(count: int, noun: str) -> str:
    """``1 account``, ``2 accounts``."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _in_dependency_order(book: DemoBook) -> Iterable[tuple[str, list[dict[str, Any]]]]:
    for table in Base.metadata.sorted_tables:
        if table.name in book.tables:
            yield table.name, book.tables[table.name]


def write_table(
    connection: Connection, name: str, rows: list[dict[str, Any]], seed: int
) -> int:
    """Insert the rows of one table and log one ``create`` change per row."""
    table = Base.metadata.tables[name]
    columns = [c.name for c in table.columns]
    client_ids = random.Random(f"{seed}:client-ids:{name}")
    now = utc_now()
    full_rows = []
    for row in rows:
        full = {column: row.get(column) for column in columns}
        if "client_id" in full:
            full["client_id"] = str(uuid.UUID(int=client_ids.getrandbits(128), version=4))
        for stamp in ("created_at", "updated_at"):
            if stamp in full:
                full[stamp] = now
        full_rows.append(full)
    if not full_rows:
        return 0

    connection.execute(insert(table), full_rows)
    if name in GROUPED_ENTITIES:
        _log_usage(connection, table, full_rows)
    elif _is_logged(name):
        key = [c.name for c in table.primary_key.columns]
        record_changes(connection, (_created(name, key, row) for row in full_rows),
                       ORIGIN, ACTOR, context="demo book")
    return len(full_rows)


def _log_usage(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """One ``upsert`` entry per account with all of its new usage rows."""
    key = [c.name for c in table.primary_key.columns]
    values = [c.name for c in table.columns if not c.primary_key]
    days = {row["day"] for row in rows}
    iso = {day: day.isoformat() for day in days}
    day_at = key.index("day")
    tuples = []
    for row in map(itemgetter(*key, *values), rows):
        tuples.append((*row[:day_at], iso[row[day_at]], *row[day_at + 1:]))
    record_grouped_changes(connection, _per_account(table.name, tuples, len(key), values,
                                                    "upsert"),
                           ORIGIN, ACTOR, context="demo book")


def _per_account(entity: str, rows: list[tuple[Any, ...]], key_width: int, values: list[str],
                 op: str) -> list[GroupedChange]:
    texts = sorted(encode_rows(rows, key_width, values).items())
    if op == "delete":
        return [GroupedChange(entity, str(a), days, None, op) for a, days in texts]
    return [GroupedChange(entity, str(a), None, days, op) for a, days in texts]


def _is_logged(name: str) -> bool:
    """Whether the table's edits enter the change log (derived tables say they do not)."""
    for mapper in Base.registry.mappers:
        if mapper.local_table is Base.metadata.tables[name]:
            return bool(getattr(mapper.class_, "__changelog__", True))
    return False


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _entity_id(key: list[str], row: dict[str, Any]) -> str:
    # The same spelling as the ORM change capture: primary-key values joined by ':'.
    return ":".join(str(_plain(row[k])) for k in key)


def _created(name: str, key: list[str], row: dict[str, Any]) -> Change:
    # The change log encodes dates and decimals itself; None values are left out as the ORM
    # change capture does.
    values = {k: v for k, v in row.items() if v is not None}
    return Change(entity=name, entity_id=_entity_id(key, row), op="create",
                  new_value=values, client_id=row.get("client_id"))


def clear_portfolio(connection: Connection) -> int:
    """Delete every record of the book's tables, logging a ``delete`` change for each.

    Records that carry a client id also leave a tombstone, as ORM deletes do, so sync can
    tell what went. Returns the number of accounts removed.
    """
    removed_accounts = int(connection.scalar(select(func.count()).select_from(Account)) or 0)
    refs = _external_refs(connection)
    for table in reversed(Base.metadata.sorted_tables):
        if table.name in KEPT_TABLES:
            continue
        if table.name in GROUPED_ENTITIES:
            _log_usage_deletes(connection, table)
        elif _is_logged(table.name):
            _log_deletes(connection, table, refs)
        connection.execute(delete(table))
    return removed_accounts


def _log_usage_deletes(connection: Connection, table: Table) -> None:
    """One ``delete`` entry per account with all of its usage rows."""
    key = [c.name for c in table.primary_key.columns]
    values = [c.name for c in table.columns if not c.primary_key]
    # As the driver returns them: days already ISO text, as the grouped entries spell them.
    rows = fetch_tuples(connection, select(*(table.c[n] for n in (*key, *values))))
    record_grouped_changes(connection, _per_account(table.name, rows, len(key), values,
                                                    "delete"),
                           ORIGIN, ACTOR, context="demo book --replace")


def _external_refs(connection: Connection) -> dict[tuple[str, str], list[dict[str, str]]]:
    grouped: dict[tuple[str, str], list[dict[str, str]]] = {}
    stmt = select(ExternalRef.entity, ExternalRef.entity_id, ExternalRef.source,
                  ExternalRef.external_id)
    for entity, entity_id, source, external_id in connection.execute(stmt):
        grouped.setdefault((entity, str(entity_id)), []).append(
            {"source": source, "external_id": external_id})
    return grouped


def _log_deletes(
    connection: Connection, table: Table, refs: dict[tuple[str, str], list[dict[str, str]]]
) -> None:
    key = [c.name for c in table.primary_key.columns]
    changes: list[Change] = []
    tombstones: list[dict[str, Any]] = []
    now = utc_now()
    for row in connection.execute(select(table)).mappings():
        entity_id = _entity_id(key, dict(row))
        client_id = row.get("client_id")
        old = {k: v for k, v in row.items() if v is not None}
        changes.append(Change(entity=table.name, entity_id=entity_id, op="delete",
                              old_value=old, client_id=client_id))
        if client_id is not None:
            tombstones.append({
                "entity": table.name, "entity_id": entity_id, "client_id": client_id,
                "deleted_at": now, "origin": ORIGIN, "actor": ACTOR,
                "external_refs": json.dumps(refs.get((table.name, entity_id), []),
                                            ensure_ascii=False),
            })
    record_changes(connection, changes, ORIGIN, ACTOR, context="demo book --replace")
    if tombstones:
        connection.execute(insert(Tombstone), tombstones)


def _write_rates(connection: Connection, book: DemoBook, as_of: date) -> None:
    """Upsert the rates into the reporting currency, logging each as created or updated."""
    table = Base.metadata.tables[CurrencyRate.__tablename__]
    known: dict[str, str] = {
        code: rate for code, rate in connection.execute(select(table.c.currency, table.c.rate))
    }
    rows: list[dict[str, Any]] = [
        {"currency": code, "rate": str(rate), "updated_on": as_of}
        for code, rate in sorted(book.rates.items())
    ]
    connection.execute(upsert(table, ["currency"], ["rate", "updated_on"]), rows)
    changes = []
    for row in rows:
        code = str(row["currency"])
        if code in known:
            changes.append(Change(entity="currency_rate", entity_id=code, op="update",
                                  field="rate", old_value=known[code], new_value=row["rate"]))
        else:
            changes.append(Change(entity="currency_rate", entity_id=code, op="create",
                                  new_value={k: _plain(v) for k, v in row.items()}))
    record_changes(connection, changes, ORIGIN, ACTOR, context="demo book")
