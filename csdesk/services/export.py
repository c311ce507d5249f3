"""Export every table of the portfolio to CSV or JSON, so the user owns their data."""

from __future__ import annotations

import csv
import json
import logging
import os
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from csdesk.errors import StorageError
from csdesk.files import os_reason, temporary_beside
from csdesk.models import Base
from csdesk.money import Money

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExportResult:
    directory: Path
    files: dict[str, int]


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _rows(session: Session, table: Table) -> tuple[list[str], list[dict[str, Any]]]:
    """Rows with money columns (``*_minor`` beside ``currency``) as exact decimal strings."""
    money_columns = [c.name for c in table.columns if c.name.endswith("_minor")]
    has_currency = "currency" in table.columns
    names: list[str] = []
    for column in table.columns:
        if column.name in money_columns and has_currency:
            names.append(column.name.removesuffix("_minor"))
        else:
            names.append(column.name)

    order = list(table.primary_key.columns)
    rows = []
    for record in session.execute(select(table).order_by(*order)).mappings():
        row: dict[str, Any] = {}
        for column in table.columns:
            value = record[column.name]
            if column.name in money_columns and has_currency:
                currency = record["currency"]
                value = (
                    Money.from_minor(value, currency).decimal_string()
                    if value is not None and currency
                    else None
                )
                row[column.name.removesuffix("_minor")] = value
            else:
                row[column.name] = _plain(value)
        rows.append(row)
    return names, rows


def export_portfolio(
    session: Session, directory: Path, fmt: str = "csv", overwrite: bool = False
) -> ExportResult:
    """Write one file per table into ``directory``; returns the row count of each.

    All or nothing: every table is written to a temporary file first, and the files replace
    those of an earlier export only once all of them are complete. A failure (full disk,
    read-only folder) removes the temporary files and leaves the folder as it was.

    Raises:
        StorageError: ``directory`` already holds files (unless ``overwrite``), or cannot be
            made or written, saying why.
    """
    if fmt not in ("csv", "json"):
        raise ValueError(f"unknown export format {fmt}")
    directory = _export_folder(directory, overwrite)

    counts: dict[str, int] = {}
    staged: list[tuple[Path, Path]] = []
    target = directory
    try:
        for table in Base.metadata.sorted_tables:
            names, rows = _rows(session, table)
            target = directory / f"{table.name}.{fmt}"
            temporary = temporary_beside(target)
            staged.append((temporary, target))
            _write(temporary, names, rows, fmt)
            counts[table.name] = len(rows)
        for temporary, target in staged:
            os.replace(temporary, target)
    except OSError as exc:
        raise StorageError(f"cannot write {target}: {os_reason(exc)}; "
                           "the export was not written") from exc
    finally:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)

    logger.info("exported %d tables to %s as %s", len(counts), directory, fmt)
    return ExportResult(directory, counts)


def _export_folder(directory: Path, overwrite: bool) -> Path:
    if not str(directory).strip():
        raise StorageError("give the folder to export into")
    folder = Path(directory).expanduser()
    if folder.exists() and not folder.is_dir():
        raise StorageError(f"{folder} is a file; give a folder to export into")
    if not overwrite and folder.is_dir() and any(folder.iterdir()):
        raise StorageError(
            f"{folder} is not empty; choose an empty folder, or add --overwrite to replace "
            "the tables in it"
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(f"cannot create {folder}: {os_reason(exc)}") from exc
    return folder


def _write(target: Path, names: list[str], rows: list[dict[str, Any]], fmt: str) -> None:
    if fmt == "csv":
        with target.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=names)
            writer.writeheader()
            writer.writerows(rows)
    else:
        target.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
