"""Alembic environment: runs on the connection csdesk hands over when it opens a file."""

from __future__ import annotations

from alembic import context

from csdesk.models import Base
from csdesk.models.dialect import set_foreign_keys

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("csdesk migrations run through csdesk.models.database.open_portfolio")

    # Batch mode recreates tables; with foreign keys on, SQLite would cascade-delete child
    # rows of a recreated parent. The pragma only takes effect outside a transaction.
    if connection.in_transaction():
        connection.commit()
    set_foreign_keys(connection, False)
    try:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()
    finally:
        set_foreign_keys(connection, True)


run_migrations_online()
