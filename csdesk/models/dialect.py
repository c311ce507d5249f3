"""Everything that only SQLite needs, in one place.

The rest of csdesk speaks SQLAlchemy and would run on PostgreSQL unchanged; the pragmas,
the upsert statement flavour, the bulk-write fast path and the online backup live here.

Bulk paths (usage imports, the demo book, the change log beside them) write through
:func:`insert_rows`: the statement is compiled once and the rows go to the driver's
``executemany`` as plain tuples, so no per-row dictionaries or type conversions stand between
a 100,000-row file and the database. Values must then be what the driver stores: numbers,
text, None, and dates as ISO text (:func:`stored_value` converts one value of any column).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Select, Table, bindparam, create_engine, event
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.dml import Insert

BUSY_TIMEOUT_MS = 5000


def _set_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


def make_engine(path: Path) -> Engine:
    """An engine on the portfolio file with WAL, foreign keys and a busy timeout."""
    engine = create_engine(f"sqlite:///{path}", future=True)
    event.listen(engine, "connect", _set_pragmas)
    return engine


def upsert(table: Table, key_columns: Sequence[str], update_columns: Sequence[str]) -> Insert:
    """INSERT ... ON CONFLICT (key) DO UPDATE SET the given columns."""
    result: Insert = upsert_on(sqlite.insert(table), key_columns, update_columns)
    return result


def insert_rows(
    connection: Connection,
    table: Table,
    columns: Sequence[str],
    rows: list[tuple[Any, ...]],
    conflict: Sequence[str] | None = None,
    update: Sequence[str] = (),
) -> int:
    """Insert ``rows`` (tuples in the order of ``columns``) with one ``executemany``.

    Args:
        connection: the connection of the writing transaction.
        table: the table to write.
        columns: the columns each tuple gives, in order.
        rows: the values, already as the driver stores them (see :func:`stored_value`).
        conflict: the key columns of an upsert; rows whose key exists update ``update`` (or
            are left alone when ``update`` is empty). None is a plain insert.
        update: the columns an existing row takes from the new one.

    Returns:
        The number of rows given.
    """
    if not rows:
        return 0
    sql = _insert_sql(connection.dialect, table, tuple(columns),
                      None if conflict is None else tuple(conflict), tuple(update))
    connection.exec_driver_sql(sql, rows)
    return len(rows)


@lru_cache(maxsize=64)
def _insert_sql(dialect: Dialect, table: Table, columns: tuple[str, ...],
                conflict: tuple[str, ...] | None, update: tuple[str, ...]) -> str:
    stmt: Insert = sqlite.insert(table).values({name: bindparam(name) for name in columns})
    if conflict is not None:
        stmt = upsert_on(stmt, conflict, update)
    compiled = stmt.compile(dialect=dialect)
    # Positional parameters must follow the tuples' order. A column with a Python-side
    # default that the rows leave out would add a parameter: the caller must give it.
    if list(compiled.positiontup or ()) != list(columns):
        missing = [name for name in compiled.positiontup or () if name not in columns]
        raise ValueError(f"rows for {table.name} must also give {', '.join(missing)}")
    return str(compiled)


def upsert_on(stmt: Any, key_columns: Sequence[str], update_columns: Sequence[str]) -> Any:
    """Add ON CONFLICT (key) DO UPDATE SET the given columns (DO NOTHING without any)."""
    if not update_columns:
        return stmt.on_conflict_do_nothing(index_elements=list(key_columns))
    return stmt.on_conflict_do_update(
        index_elements=list(key_columns),
        set_={name: stmt.excluded[name] for name in update_columns},
    )


def fetch_tuples(connection: Connection, stmt: Select[Any]) -> list[tuple[Any, ...]]:
    """Every row of ``stmt`` as the driver returns it: plain tuples, dates as ISO text.

    For reads of many rows that are only compared with values bound for :func:`insert_rows`;
    skipping the column types' conversions keeps a 100,000-row read cheap.
    """
    result = connection.execute(stmt)
    try:
        return list(result.cursor.fetchall())
    finally:
        result.close()


def stored_value(connection: Connection, table: Table, column: str, value: Any) -> Any:
    """``value`` as the driver stores it in ``table.column`` (a date becomes ISO text)."""
    processor = table.c[column].type.bind_processor(connection.dialect)
    return value if processor is None else processor(value)


def set_foreign_keys(connection: Any, enabled: bool) -> None:
    """Turn foreign keys on or off; must run outside a transaction to take effect."""
    connection.exec_driver_sql(f"PRAGMA foreign_keys={'ON' if enabled else 'OFF'}")


def backup_file(source: Path, target: Path) -> None:
    """Copy a live SQLite file consistently (WAL included) with the online backup API."""
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(source)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def has_table(path: Path, name: str) -> bool:
    con = sqlite3.connect(path)
    try:
        row = con.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (name,)
        ).fetchone()
        return row is not None
    finally:
        con.close()


def is_sqlite_file(path: Path) -> bool:
    """True for an empty file or one that starts with the SQLite header."""
    with path.open("rb") as handle:
        head = handle.read(16)
    return head == b"" or head == b"SQLite format 3\x00"
