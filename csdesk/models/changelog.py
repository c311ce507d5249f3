"""The change log: every edit to the portfolio, in the transaction that made it.

Sync will push from this log, so nothing may bypass it. ORM edits are captured by a flush
hook (:func:`install_change_capture`); bulk paths that write with Core statements call
:func:`record_changes` themselves in the same transaction. A session must say who is
writing (``session.info["origin"]`` and ``["actor"]``) or the flush is refused.

Entries are one per field of a record (``op`` ``update``, ``field`` set) or one per record
created or deleted (``create``/``delete``, the values as a JSON object), with one exception:

**Usage observations are logged per account and write.** A usage file or the demo book
writes hundreds of thousands of ``usage_daily`` and ``feature_usage`` rows; one bulk write
logs ONE entry per account instead of one per row, with nothing left out
(:func:`record_grouped_changes`):

- ``entity`` is ``usage_daily`` or ``feature_usage``; ``entity_id`` is the account id;
  ``op`` is ``upsert``; ``field`` is empty.
- ``new_value`` is a JSON object keyed by day (ISO date), and for feature usage then by
  feature, holding every row the write created or changed. A created row has all its
  values (null where unknown); a changed row has the values that changed::

      {"2024-01-01": {"active_users": null, "events": 12, "sessions": null},
       "2024-01-02": {"events": 15}}

      {"2024-01-01": {"export": {"count": 4, "duration_secs": null, "errors": 0}}}

- ``old_value`` has the same shape and holds the previous values of the changed rows only
  (a created row is absent from it, so a day in ``new_value`` but not in ``old_value`` was
  created); it is empty when the write only created rows.
- Rows written with the values they already had are not logged, and a write that changes
  nothing for an account logs nothing for it.
- Deleting usage rows (the demo book's ``--replace``) logs ``op`` ``delete`` per account
  with the removed rows in ``old_value``, in the same shape.

Applying ``new_value`` as a merge (the values it names replace the stored ones, rows it
names are created where missing) reproduces the write.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import groupby, repeat
from operator import itemgetter
from typing import Any, cast

from sqlalchemy import (
    Connection,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    event,
    insert,
    inspect,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from csdesk.models.base import Base, UTCDateTime, utc_now
from csdesk.models.dialect import insert_rows, stored_value
from csdesk.vocabulary import CHANGE_ORIGINS


class ChangeLogEntry(Base):
    """One field of one record changed (or a record created or deleted)."""

    __tablename__ = "change_log"
    __changelog__ = False

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(80))
    client_id: Mapped[str | None] = mapped_column(String(36))
    op: Mapped[str] = mapped_column(String(10))
    field: Mapped[str | None] = mapped_column(String(60))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    origin: Mapped[str] = mapped_column(String(10))
    actor: Mapped[str] = mapped_column(String(200))
    base_version: Mapped[str | None] = mapped_column(String(100))
    context: Mapped[str | None] = mapped_column(String(300))
    pushed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_change_log_entity", "entity", "entity_id"),)


class Tombstone(Base):
    """What remains of a deleted record, so sync can delete it remotely too."""

    __tablename__ = "tombstone"
    __changelog__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(80))
    client_id: Mapped[str | None] = mapped_column(String(36))
    deleted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    origin: Mapped[str] = mapped_column(String(10))
    actor: Mapped[str] = mapped_column(String(200))
    external_refs: Mapped[str] = mapped_column(Text, default="[]")
    change_seq: Mapped[int | None] = mapped_column(ForeignKey("change_log.seq"))


class MissingOriginError(RuntimeError):
    """A write was attempted without saying who made it; see services.unit_of_work."""


def encode_value(value: Any) -> str | None:
    """JSON text for a column value: dates as ISO 8601, Decimals as strings."""
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, default=_json_default, sort_keys=True)


# Usage tables whose bulk writes are logged per account (see the module notes).
GROUPED_ENTITIES = frozenset({"usage_daily", "feature_usage"})

_LOG_TABLE = cast(Table, ChangeLogEntry.__table__)
_LOG_COLUMNS = ("entity", "entity_id", "client_id", "op", "field", "old_value", "new_value",
                "changed_at", "origin", "actor", "base_version", "context")


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot record {type(value).__name__} in the change log")


# One encoder for the grouped usage entries: the C encoder, keys sorted like encode_value.
_GROUP_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, default=_json_default)


@dataclass(frozen=True)
class Change:
    """A change to record from a bulk path (see :func:`record_changes`)."""

    entity: str
    entity_id: str
    op: str
    field: str | None = None
    old_value: Any = None
    new_value: Any = None
    client_id: str | None = None


def record_changes(
    connection: Connection,
    changes: Iterable[Change],
    origin: str,
    actor: str,
    context: str | None = None,
) -> int:
    """Append change-log rows through ``connection`` (call inside the writing transaction)."""
    _check_origin(origin, actor)
    now = _stored_now(connection)
    rows = [
        (c.entity, c.entity_id, c.client_id, c.op, c.field, encode_value(c.old_value),
         encode_value(c.new_value), now, origin, actor, None, context)
        for c in changes
    ]
    return insert_rows(connection, _LOG_TABLE, _LOG_COLUMNS, rows)


def _stored_now(connection: Connection) -> Any:
    return stored_value(connection, _LOG_TABLE, "changed_at", utc_now())


@dataclass(frozen=True)
class GroupedChange:
    """What one bulk write did to the usage rows of one account (see the module notes).

    ``old_value`` and ``new_value`` are nested dicts ``{day: {column: value}}`` (with a
    feature level between day and columns for feature usage), or that JSON already encoded
    by :func:`encode_rows`; empty ones are stored as NULL.
    """

    entity: str
    entity_id: str
    old_value: Mapping[str, Any] | str | None
    new_value: Mapping[str, Any] | str | None
    op: str = "upsert"


def record_grouped_changes(
    connection: Connection,
    changes: Iterable[GroupedChange],
    origin: str,
    actor: str,
    context: str | None = None,
) -> int:
    """Append one change-log row per account of a bulk usage write (in its transaction).

    Returns:
        The number of entries written (accounts whose rows changed).
    """
    _check_origin(origin, actor)
    now = _stored_now(connection)
    rows = [
        (c.entity, c.entity_id, None, c.op, None, _grouped_json(c.old_value),
         _grouped_json(c.new_value), now, origin, actor, None, context)
        for c in changes if c.old_value or c.new_value
    ]
    return insert_rows(connection, _LOG_TABLE, _LOG_COLUMNS, rows)


def _grouped_json(value: Mapping[str, Any] | str | None) -> str | None:
    if not value:
        return None
    return value if isinstance(value, str) else _GROUP_ENCODER.encode(value)


def encode_rows(rows: Sequence[Sequence[Any]], key_width: int,
                columns: Sequence[str]) -> dict[Any, str]:
    """The JSON text of :func:`nest_rows` for each account, exactly as
    :func:`record_grouped_changes` would encode it, built without a dict per row.

    A bulk write of 100,000 rows would otherwise spend more time on these texts than on
    writing the rows: here each column is encoded in one call of the C encoder and each row
    is one string format. Values are scalars (numbers, text, None).
    """
    ordered = sorted(rows, key=itemgetter(*range(key_width)))
    if not ordered:
        return {}
    order = sorted(range(len(columns)), key=lambda at: columns[at])
    found = [_tokens(ordered, at) for at in (*range(1, key_width),
                                             *(key_width + at for at in order))]
    if any(tokens is None for tokens in found):
        # A value whose JSON holds ", " cannot be cut out of a column's text: go the long way.
        encode = _GROUP_ENCODER.encode
        return {account: encode(days)
                for account, days in nest_rows(ordered, key_width, columns).items()}
    tokens = cast(list[list[str]], found)
    key_tokens, value_tokens = tokens[:key_width - 1], tokens[key_width - 1:]

    # '%s: {"active_users": %s, "events": %s, ...}' with the names JSON-encoded (% doubled).
    fields = ", ".join(_GROUP_ENCODER.encode(columns[at]).replace("%", "%%") + ": %s"
                       for at in order)
    leaves = list(map(("%s: {" + fields + "}").__mod__,
                      zip(*key_tokens[-1:], *value_tokens, strict=True)))
    accounts = list(map(itemgetter(0), ordered))
    if key_width == 3:
        # Features of one day go inside that day's object.
        days: list[tuple[Any, str]] = []
        for (account, _), group in groupby(zip(map(itemgetter(0, 1), ordered), key_tokens[0],
                                               leaves, strict=True), itemgetter(0)):
            day_rows = list(group)
            days.append((account, day_rows[0][1] + ": {"
                         + ", ".join(map(itemgetter(2), day_rows)) + "}"))
        accounts, leaves = [a for a, _ in days], [text for _, text in days]
    return {account: "{" + ", ".join(map(itemgetter(1), group)) + "}"
            for account, group in groupby(zip(accounts, leaves, strict=True), itemgetter(0))}


def _tokens(rows: list[Sequence[Any]], at: int) -> list[str] | None:
    """The JSON of each row's value at ``at``, from one encoding of the whole column."""
    parts = _GROUP_ENCODER.encode(list(map(itemgetter(at), rows)))[1:-1].split(", ")
    return parts if len(parts) == len(rows) else None


def nest_rows(rows: Sequence[Sequence[Any]], key_width: int,
              columns: Sequence[str]) -> dict[Any, dict[str, Any]]:
    """Usage rows as ``{account: {day: {column: value}}}`` for :class:`GroupedChange`.

    Args:
        rows: tuples of the key (account, ISO day and, when ``key_width`` is 3, feature)
            followed by the values of ``columns``.
        key_width: 2 for daily usage, 3 for feature usage.
        columns: the names of the values after the key.
    """
    names = tuple(columns)
    nested: dict[Any, dict[str, Any]] = {}
    # Sorted by key, the rows of one account (and of one day) are neighbours: each group is
    # built with C-level maps instead of a Python step per row.
    ordered = sorted(rows, key=itemgetter(*range(key_width)))
    for account, account_rows in groupby(ordered, itemgetter(0)):
        if key_width == 2:
            nested[account] = _leaves(list(account_rows), 1, names)
            continue
        nested[account] = {day: _leaves(list(day_rows), 2, names)
                           for day, day_rows in groupby(account_rows, itemgetter(1))}
    return nested


def _leaves(rows: list[Sequence[Any]], key_at: int, names: tuple[str, ...]) -> dict[Any, Any]:
    """``{row[key_at]: {name: value, ...}}`` for rows whose values follow position key_at."""
    values = map(itemgetter(slice(key_at + 1, None)), rows)
    leaves = map(dict, map(zip, repeat(names), values))
    return dict(zip(map(itemgetter(key_at), rows), leaves, strict=True))


def place(nested: dict[Any, Any], key: Sequence[Any], leaf: Any) -> None:
    """Put ``leaf`` at ``nested[key[0]][key[1]]...[key[-1]]``, making the levels it needs."""
    level = nested
    for part in key[:-1]:
        level = level.setdefault(part, {})
    level[key[-1]] = leaf


def _check_origin(origin: str | None, actor: str | None) -> None:
    if origin not in CHANGE_ORIGINS or not actor:
        raise MissingOriginError(
            "portfolio writes must name their origin and actor (use services.unit_of_work)"
        )


def _entity_id(obj: Any) -> str:
    # The identity key is only assigned after the flush; the primary key is already known.
    key = inspect(obj).mapper.primary_key_from_instance(obj)
    return ":".join(_plain(v) for v in key if v is not None)


def _plain(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def _column_values(obj: Any) -> dict[str, Any]:
    mapper = inspect(obj).mapper
    return {attr.key: getattr(obj, attr.key) for attr in mapper.column_attrs}


def _tracked(obj: Any) -> bool:
    return bool(getattr(type(obj), "__changelog__", False))


def _base_version(session: Session, entity: str, entity_id: str) -> str | None:
    from csdesk.models.portfolio import ExternalRef

    if not entity_id.isdigit():
        return None
    stmt = select(ExternalRef.remote_version).where(
        ExternalRef.entity == entity,
        ExternalRef.entity_id == int(entity_id),
        ExternalRef.remote_version.isnot(None),
    )
    return session.connection().execute(stmt).scalars().first()


def _rows_for_flush(session: Session) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    origin = session.info.get("origin")
    actor = session.info.get("actor")
    context = session.info.get("context")
    now = utc_now()
    rows: list[dict[str, Any]] = []
    tombstones: list[dict[str, Any]] = []

    def row(obj: Any, op: str, field: str | None, old: Any, new: Any) -> dict[str, Any]:
        entity = obj.__tablename__
        entity_id = _entity_id(obj)
        return {
            "entity": entity,
            "entity_id": entity_id,
            "client_id": getattr(obj, "client_id", None),
            "op": op,
            "field": field,
            "old_value": encode_value(old),
            "new_value": encode_value(new),
            "changed_at": now,
            "origin": origin,
            "actor": actor,
            "base_version": _base_version(session, entity, entity_id) if op != "create" else None,
            "context": context,
        }

    touched = [o for o in (*session.new, *session.dirty, *session.deleted) if _tracked(o)]
    if touched:
        _check_origin(origin, actor)

    for obj in session.new:
        if _tracked(obj):
            values = {k: v for k, v in _column_values(obj).items() if v is not None}
            rows.append(row(obj, "create", None, None, values))

    for obj in session.dirty:
        if not _tracked(obj) or not session.is_modified(obj, include_collections=False):
            continue
        state = inspect(obj)
        for attr in state.mapper.column_attrs:
            if attr.key in ("updated_at", "created_at"):
                continue
            history = state.attrs[attr.key].history
            if not history.has_changes():
                continue
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if old != new:
                rows.append(row(obj, "update", attr.key, old, new))

    for obj in session.deleted:
        if _tracked(obj):
            entry = row(obj, "delete", None, _column_values(obj), None)
            rows.append(entry)
            tombstones.append(
                {
                    "entity": entry["entity"],
                    "entity_id": entry["entity_id"],
                    "client_id": entry["client_id"],
                    "deleted_at": now,
                    "origin": origin,
                    "actor": actor,
                    "external_refs": _external_refs_json(session, obj),
                }
            )
    return rows, tombstones


def _external_refs_json(session: Session, obj: Any) -> str:
    from csdesk.models.portfolio import ExternalRef

    entity_id = _entity_id(obj)
    if not entity_id.isdigit():
        return "[]"
    stmt = select(ExternalRef.source, ExternalRef.external_id).where(
        ExternalRef.entity == obj.__tablename__, ExternalRef.entity_id == int(entity_id)
    )
    refs = [{"source": s, "external_id": e} for s, e in session.connection().execute(stmt)]
    return json.dumps(refs, ensure_ascii=False)


def _after_flush(session: Session, flush_context: Any) -> None:
    rows, tombstones = _rows_for_flush(session)
    connection = session.connection()
    if rows:
        connection.execute(insert(ChangeLogEntry), rows)
    if tombstones:
        connection.execute(insert(Tombstone), tombstones)


def _before_flush(session: Session, flush_context: Any, instances: Any) -> None:
    # Refuse early, before any SQL runs, when an edit has no declared origin.
    if any(_tracked(o) for o in (*session.new, *session.dirty, *session.deleted)):
        _check_origin(session.info.get("origin"), session.info.get("actor"))


def install_change_capture(session_class: type[Session]) -> None:
    """Attach the change-log hooks to every session made from ``session_class``."""
    if not event.contains(session_class, "after_flush", _after_flush):
        event.listen(session_class, "before_flush", _before_flush)
        event.listen(session_class, "after_flush", _after_flush)


def origin_of(info: Mapping[str, Any]) -> tuple[str, str]:
    return str(info.get("origin")), str(info.get("actor"))
