"""Opening a portfolio file: migrate (after a backup), then hand out sessions."""

from __future__ import annotations

import errno
import logging
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlalchemy.exc import DatabaseError, OperationalError, StatementError
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


# The largest id the portfolio can hold (SQLite stores whole numbers in 64 bits); a longer
# number can name no record.
LARGEST_ID = 2**63 - 1

# Below this much free space a "disk I/O error" from SQLite means the disk is full.
_NEARLY_FULL_BYTES = 1_000_000


def describe_storage_failure(path: Path, exc: BaseException, saving: bool = False) -> str:
    """Plain words for a failure to read or write the portfolio file at ``path``.

    Args:
        path: the portfolio file.
        exc: what the driver or the operating system raised.
        saving: whether a write failed (the message then says nothing was saved).

    Returns:
        One line saying what is wrong with the file, where, and what to do.
    """
    detail = _first_line(exc)
    lowered = detail.lower()
    outcome = "; nothing was saved" if saving else ""
    if _disk_full(path, exc, lowered):
        return f"the disk holding {path} is full{outcome}. Free some space and try again."
    if "locked" in lowered or "busy" in lowered:
        return f"{path} is busy (another csdesk is writing){outcome}. Retry in a moment."
    if "readonly" in lowered or "read-only" in lowered or isinstance(exc, PermissionError):
        return (f"{path} is read-only (the file or its folder){outcome}; csdesk writes the file "
                "and a journal beside it, so copy the home folder somewhere writable to work on it")
    if any(sign in lowered for sign in ("malformed", "not a database", "decode", "corrupt")):
        return (f"{path} is damaged ({detail}){outcome}; restore a copy from "
                f"{path.parent / 'backups'} or from your last `csdesk export`")
    if "unable to open" in lowered:
        return f"cannot open {path}: its folder is missing or cannot be written"
    return f"could not {'write to' if saving else 'read'} {path}: {detail}{outcome}"


def _first_line(exc: BaseException, limit: int = 80) -> str:
    """The driver's own words, first line only and cut short (it may quote stored text)."""
    if isinstance(exc, StatementError) and exc.orig is not None:
        exc = exc.orig
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    lines = str(exc).strip().splitlines()
    line = lines[0] if lines else type(exc).__name__
    return line if len(line) <= limit else line[:limit - 1] + "…"


def _disk_full(path: Path, exc: BaseException, lowered: str) -> bool:
    if isinstance(exc, StatementError) and exc.orig is not None:
        exc = exc.orig
    if "full" in lowered or getattr(exc, "errno", None) == errno.ENOSPC:
        return True
    if "disk i/o error" not in lowered:
        return False
    try:
        return shutil.disk_usage(path.parent).free < _NEARLY_FULL_BYTES
    except OSError:
        return False


def _prepare_home(path: Path) -> bool:
    """Create the home folder if needed; return whether a non-empty portfolio file is there."""
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError) as exc:
        raise StorageError(f"cannot use {folder} as the csdesk home: {exc.filename or folder} "
                           "is a file, not a folder; choose another --home") from exc
    except OSError as exc:
        raise StorageError(f"cannot create the csdesk home {folder}: "
                           f"{exc.strerror or exc}; choose another --home") from exc
    try:
        if path.is_dir():
            raise StorageError(f"{path} is a folder, not a portfolio file; move it away or "
                               "choose another --home")
        if not path.exists() or path.stat().st_size == 0:
            return False
        if not is_sqlite_file(path):
            raise StorageError(f"{path} is not a csdesk portfolio (not an SQLite database file)")
        return True
    except PermissionError as exc:
        raise StorageError(f"no permission to read {path}; check the owner and permissions of "
                           "the file and its folder") from exc
    except OSError as exc:
        raise StorageError(f"cannot read {path}: {exc.strerror or exc}") from exc


def open_portfolio(path: Path, backups_dir: Path | None = None) -> Portfolio:
    """Open (creating if needed) the portfolio at ``path`` and bring its schema up to date.

    A file from an older schema is copied to ``backups_dir`` before it is migrated. A file
    written by a newer csdesk is refused and left untouched.

    Raises:
        StorageError: the home or the file cannot be used, saying why and what to do.
        SchemaTooNewError: the file was written by a newer csdesk.
    """
    existed = _prepare_home(path)

    engine = make_engine(path)
    try:
        _migrate(engine, path, existed, backups_dir or path.parent / "backups")
    except (OperationalError, DatabaseError, sqlite3.DatabaseError, OSError) as exc:
        engine.dispose()
        raise StorageError(f"cannot open the portfolio: "
                           f"{describe_storage_failure(path, exc)}") from exc
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
