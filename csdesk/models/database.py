"""Opening a portfolio file: migrate (after a backup), then hand out sessions."""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from csdesk.errors import SchemaTooNewError, StorageError
from csdesk.models import changelog
from csdesk.models.dialect import backup_file, has_table, is_sqlite_file, make_engine

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


class PortfolioSession(Session):
    """Session class with the change-log hooks attached."""


changelog.install_change_capture(PortfolioSession)


@dataclass
class Portfolio:
    """An open portfolio file."""

    path: Path
    engine: Engine
    sessions: sessionmaker[PortfolioSession]

    def close(self) -> None:
        self.engine.dispose()


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revisions() -> set[str]:
    return set(ScriptDirectory.from_config(_alembic_config()).get_heads())


def known_revisions() -> set[str]:
    script = ScriptDirectory.from_config(_alembic_config())
    return {rev.revision for rev in script.walk_revisions()}


def current_revisions(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads())


def open_portfolio(path: Path, backups_dir: Path | None = None) -> Portfolio:
    """Open (creating if needed) the portfolio at ``path`` and bring its schema up to date.

    A file from an older schema is copied to ``backups_dir`` before it is migrated. A file
    written by a newer csdesk is refused and left untouched.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    existed = path.exists() and path.stat().st_size > 0
    if existed and not is_sqlite_file(path):
        raise StorageError(f"{path} is not a csdesk portfolio (not an SQLite database file)")

    engine = make_engine(path)
    try:
        _migrate(engine, path, existed, backups_dir or path.parent / "backups")
    except (OperationalError, DatabaseError, sqlite3.DatabaseError) as exc:
        engine.dispose()
        raise StorageError(f"cannot open the portfolio {path}: {exc.args[0]}") from exc
    except Exception:
        engine.dispose()
        raise

    factory = sessionmaker(bind=engine, class_=PortfolioSession, expire_on_commit=False)
    return Portfolio(path=path, engine=engine, sessions=factory)


def _migrate(engine: Engine, path: Path, existed: bool, backups_dir: Path) -> None:
    current = current_revisions(engine)
    unknown = current - known_revisions()
    if unknown:
        raise SchemaTooNewError(
            f"{path} was written by a newer version of csdesk "
            f"(schema {', '.join(sorted(unknown))}). "
            "Install the newer csdesk to open it; the file was not changed."
        )

    heads = head_revisions()
    if current == heads:
        return

    if existed and (current or has_table(path, "account")):
        label = "-".join(sorted(current)) or "unversioned"
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        target = backups_dir / f"csdesk_{label}_{stamp}.db"
        backup_file(path, target)
        logger.info("portfolio backed up to %s before migrating", target)

    config = _alembic_config()
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "heads")
    logger.info("portfolio schema at %s", ", ".join(sorted(heads)))
