"""Declarative base, shared column types and mixins for the portfolio store."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, MetaData, String, TypeDecorator
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Stable constraint names, so Alembic batch migrations can find them on SQLite.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base of every ORM table.

    ``__changelog__`` says whether edits to a table enter the change log. Derived tables
    (health snapshots, caches) and the log itself set it to False.
    """

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    __changelog__: bool = True


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_client_id() -> str:
    return str(uuid.uuid4())


class UTCDateTime(TypeDecorator[datetime]):
    """An instant stored as naive UTC and returned as an aware UTC datetime.

    SQLite drops time zones silently; this type converts aware values to UTC on the way in,
    refuses naive ones (their zone is unknown) and marks values as UTC on the way out.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("instants must carry a time zone; csdesk stores them in UTC")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


class ClientIdMixin:
    """A stable id that a record keeps from creation, for sync to recognise it later."""

    client_id: Mapped[str] = mapped_column(String(36), unique=True, default=new_client_id)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now, onupdate=utc_now)
