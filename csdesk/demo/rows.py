"""The rows of a demo book, table by table, with ids handed out in a fixed order."""

from __future__ import annotations

from collections import defaultdict
from typing import Any


class Rows:
    """Plain dictionaries per table name, in the order they were made."""

    def __init__(self) -> None:
        self.tables: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self._last_id: dict[str, int] = defaultdict(int)

    def add(self, table: str, **values: Any) -> int:
        """Add a row to a table with an integer ``id`` key; returns the id it was given."""
        self._last_id[table] += 1
        row_id = self._last_id[table]
        self.tables[table].append({"id": row_id, **values})
        return row_id

    def append(self, table: str, **values: Any) -> None:
        """Add a row to a table keyed by its own columns (usage by account and day)."""
        self.tables[table].append(values)

    def extend(self, table: str, rows: list[dict[str, Any]]) -> None:
        """Add many rows keyed by their own columns."""
        self.tables[table].extend(rows)

    def count(self, table: str) -> int:
        """Rows of one table so far."""
        return len(self.tables.get(table, ()))
