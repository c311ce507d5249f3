"""Hostile but realistic input on the command line: one clear line, exit 1 or 2, nothing lost.

Each test feeds csdesk something a user could really type or leave behind (a damaged file, a
full disk, a date from a typo, a huge id) and checks what the user would: the exit status, the
one line on stderr that says what and where, and that what was stored before is still there.
"""

from __future__ import annotations

import errno
import logging
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from csdesk.errors import StorageError
from csdesk.logging_setup import configure_logging
from csdesk.models import Account, Activity
from csdesk.models.database import describe_storage_failure
from csdesk.services.context import AppContext


def _seed(context: AppContext) -> None:
    with context.write() as session:
        session.add_all([
            Account(name="Acme & <Co>", owner="Dana", tier=2, country="DE"),
            Account(name="Acme Labs", owner="Dana", tier=3, country="US"),
            Account(name="Borealis AB", owner="Kim", tier=1, country="SE"),
        ])


def _activities(context: AppContext) -> list[str]:
    with context.read() as session:
        return [a.summary for a in session.query(Activity).order_by(Activity.id)]


def _one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


# ---- one line on stderr, whatever went wrong -------------------------------------------------


def test_an_unexpected_error_is_one_line_with_the_log_file(run_cli, context, monkeypatch,
                                                           home: Path) -> None:
    _seed(context)

    def broken(*args, **kwargs):
        raise KeyError("currency")

    monkeypatch.setattr("csdesk.cli.commands.core.list_accounts", broken)
    result = run_cli("accounts", "--as-of", "2026-03-15")

    assert result.code == 1
    line = _one_error_line(result.err)
    assert line.startswith("csdesk: unexpected error: KeyError")
    assert str(home / "logs" / "csdesk.log") in line
    assert "Traceback" in (home / "logs" / "csdesk.log").read_text(encoding="utf-8")


def test_upkeep_that_cannot_write_is_one_warning_and_the_command_goes_on(
        run_cli, context, monkeypatch) -> None:
    _seed(context)

    def read_only(*args, **kwargs):
        raise StorageError("/somewhere/portfolio.db is read-only; nothing was saved.")

    monkeypatch.setattr("csdesk.services.upkeep.refresh_history", read_only)
    result = run_cli("accounts", "--as-of", "2026-03-15")

    assert result.code == 0 and "Borealis AB" in result.out
    line = _one_error_line(result.err)
    assert line.startswith("WARNING: health history and tasks not brought up to date")
    assert "read-only" in line


def test_a_log_file_on_a_full_disk_goes_quiet(tmp_path: Path, capsys) -> None:
    configure_logging(tmp_path / "logs" / "csdesk.log")
    handler = next(h for h in logging.getLogger("csdesk").handlers
                   if isinstance(h, logging.FileHandler))

    class FullDisk:
        def write(self, text: str) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

        def flush(self) -> None:
            pass

        def close(self) -> None:
            pass

    handler.stream.close()
    handler.stream = FullDisk()  # type: ignore[assignment]
    logging.getLogger("csdesk.test").warning("first")
    logging.getLogger("csdesk.test").warning("second")

    logging.getLogger("csdesk").removeHandler(handler)
    err = capsys.readouterr().err
    assert "Logging error" not in err and "Traceback" not in err
    assert err.splitlines() == ["WARNING: first", "WARNING: second"]


# ---- a damaged or misplaced portfolio file ---------------------------------------------------


def test_a_truncated_portfolio_is_called_damaged_and_left_as_it_is(run_cli, context,
                                                                   home: Path) -> None:
    _seed(context)
    context.close()
    file = home / "portfolio.db"
    with file.open("r+b") as handle:
        handle.truncate(8192)
    before = file.read_bytes()

    result = run_cli("log", "Borealis AB", "--kind", "call", "--summary", "hello")

    assert result.code == 1
    line = _one_error_line(result.err)
    assert f"{file} is damaged" in line and "backups" in line
    assert file.read_bytes() == before


@pytest.mark.parametrize("where", ["folder at the file", "file at the home"])
def test_a_home_that_cannot_hold_a_portfolio_says_why(run_cli, home: Path, where: str) -> None:
    if where == "folder at the file":
        (home / "portfolio.db").mkdir(parents=True)
        expected = f"{home / 'portfolio.db'} is a folder, not a portfolio file"
    else:
        home.parent.mkdir(parents=True, exist_ok=True)
        home.write_text("not a folder", encoding="utf-8")
        expected = f"cannot use {home} as the csdesk home: {home} is a file, not a folder"

    result = run_cli("accounts")

    assert result.code == 1
    assert expected in _one_error_line(result.err)


def test_a_failing_read_is_a_storage_error_in_one_line(context) -> None:
    _seed(context)
    with pytest.raises(StorageError) as caught, context.read() as session:
        session.execute(text("SELECT * FROM no_such_table"))
    message = str(caught.value)
    assert "\n" not in message and "[SQL" not in message
    assert f"could not read {context.portfolio.path}: no such table: no_such_table" == message


@pytest.mark.parametrize(("driver_says", "free_bytes", "expected"), [
    ("database or disk is full", 10**9, "the disk holding {path} is full; nothing was saved"),
    ("disk I/O error", 4096, "the disk holding {path} is full; nothing was saved"),
    ("database is locked", 10**9, "{path} is busy (another csdesk is writing); nothing was saved"),
    ("attempt to write a readonly database", 10**9, "{path} is read-only"),
    ("database disk image is malformed", 10**9, "{path} is damaged (database disk image is"),
])
def test_storage_failures_are_described_in_plain_words(monkeypatch, tmp_path: Path,
                                                       driver_says: str, free_bytes: int,
                                                       expected: str) -> None:
    path = tmp_path / "portfolio.db"
    monkeypatch.setattr("csdesk.models.database.shutil.disk_usage",
                        lambda folder: shutil._ntuple_diskusage(10**10, 10**10, free_bytes))
    error = OperationalError("INSERT INTO activity ...", {}, sqlite3.OperationalError(driver_says))

    message = describe_storage_failure(path, error, saving=True)

    assert message.startswith(expected.format(path=path))
    assert "\n" not in message and "INSERT" not in message
