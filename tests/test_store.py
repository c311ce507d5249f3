"""The portfolio file: pragmas, foreign keys, time zones, schema drift and migrations."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from csdesk.errors import SchemaTooNewError, StorageError
from csdesk.models import Account, Base, Contact, SupportCase
from csdesk.models import database as database_module
from csdesk.models.database import open_portfolio
from csdesk.services.context import AppContext


def test_pragmas_are_wal_and_foreign_keys(context: AppContext) -> None:
    with context.portfolio.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_foreign_keys_are_enforced(context: AppContext) -> None:
    with pytest.raises(IntegrityError), context.write() as session:
        session.add(Contact(account_id=999, first_name="Nobody"))

    with context.read() as session:
        assert session.scalars(select(Contact)).all() == []


def test_instants_come_back_in_utc(context: AppContext) -> None:
    berlin = timezone(timedelta(hours=2))
    with context.write() as session:
        account = Account(name="Zeit AG")
        session.add(account)
        session.flush()
        session.add(SupportCase(account_id=account.id,
                                opened_at=datetime(2024, 3, 31, 3, 30, tzinfo=berlin)))

    with context.read() as session:
        case = session.scalars(select(SupportCase)).one()
    assert case.opened_at == datetime(2024, 3, 31, 1, 30, tzinfo=UTC)
    assert case.opened_at.tzinfo is not None


def test_naive_instants_are_refused(context: AppContext) -> None:
    with pytest.raises(Exception, match="time zone"), context.write() as session:
        account = Account(name="Naive Ltd")
        session.add(account)
        session.flush()
        session.add(SupportCase(account_id=account.id, opened_at=datetime(2024, 1, 1, 9, 0)))
        session.flush()


def test_migrated_schema_matches_the_models(context: AppContext) -> None:
    with context.portfolio.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_file_from_a_newer_csdesk_is_refused_and_untouched(home: Path) -> None:
    path = home / "portfolio.db"
    open_portfolio(path).close()
    with sqlite3.connect(path) as con:
        con.execute("UPDATE alembic_version SET version_num = '9999_future'")
    before = path.read_bytes()

    with pytest.raises(SchemaTooNewError, match="newer version of csdesk"):
        open_portfolio(path)
    assert path.read_bytes() == before


def test_a_file_that_is_not_a_portfolio_is_refused(home: Path) -> None:
    home.mkdir(parents=True)
    path = home / "portfolio.db"
    path.write_text("name,arr\nAcme,100\n", encoding="utf-8")

    with pytest.raises(StorageError, match="not a csdesk portfolio"):
        open_portfolio(path)
    assert path.read_text(encoding="utf-8") == "name,arr\nAcme,100\n"


FUTURE_REVISION = '''
"""test: widen account.name"""
from alembic import op
import sqlalchemy as sa

revision = "0999_test"
down_revision = {down!r}
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("account") as batch_op:
        batch_op.add_column(sa.Column("nickname", sa.String(50), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("account") as batch_op:
        batch_op.drop_column("nickname")
'''


def test_upgrade_backs_up_first_and_keeps_child_rows(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = home / "portfolio.db"
    portfolio = open_portfolio(path)
    ctx = AppContext(paths=None, portfolio=portfolio, _actor="tester")  # type: ignore[arg-type]
    with ctx.write() as session:
        account = Account(name="Parent Co")
        session.add(account)
        session.flush()
        session.add_all([Contact(account_id=account.id, first_name=n) for n in ("Ann", "Bo")])
    portfolio.close()

    # A copy of the migrations with one more revision that recreates the parent table.
    migrations = tmp_path / "migrations"
    shutil.copytree(database_module.MIGRATIONS_DIR, migrations)
    heads = sorted(database_module.head_revisions())
    down = heads[0] if len(heads) == 1 else tuple(heads)
    (migrations / "versions" / "0999_test.py").write_text(FUTURE_REVISION.format(down=down))
    monkeypatch.setattr(database_module, "MIGRATIONS_DIR", migrations)

    upgraded = open_portfolio(path, home / "backups")
    try:
        with upgraded.engine.connect() as connection:
            columns = [row[1] for row in connection.execute(text("PRAGMA table_info(account)"))]
            contacts = connection.execute(text("SELECT count(*) FROM contact")).scalar()
    finally:
        upgraded.close()

    assert "nickname" in columns
    assert contacts == 2, "recreating the parent table must not cascade-delete its children"
    backups = list((home / "backups").glob("csdesk_*.db"))
    assert len(backups) == 1
    with sqlite3.connect(backups[0]) as con:
        assert con.execute("SELECT name FROM account").fetchall() == [("Parent Co",)]
        backup_columns = [row[1] for row in con.execute("PRAGMA table_info(account)")]
    assert "nickname" not in backup_columns


def test_calendar_dates_stay_dates(context: AppContext) -> None:
    with context.write() as session:
        session.add(Account(name="Dates Inc", customer_since=date(2024, 2, 29)))
    with context.read() as session:
        account = session.scalars(select(Account)).one()
    assert account.customer_since == date(2024, 2, 29)
    assert type(account.customer_since) is date
