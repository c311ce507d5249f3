"""Everything that only SQLite needs, in one place.

The rest of csdesk speaks SQLAlchemy and would run on PostgreSQL unchanged; the pragmas,
the upsert statement flavour and the online backup live here.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Table, create_engine, event
from sqlalchemy.dialects import sqlite
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
    stmt = sqlite.insert(table)
    if not update_columns:
        return stmt.on_conflict_do_nothing(index_elements=list(key_columns))
    return stmt.on_conflict_do_update(
        index_elements=list(key_columns),
        set_={name: stmt.excluded[name] for name in update_columns},
    )


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
