"""Hostile but realistic input on the command line: one clear line, exit 1 or 2, nothing lost.

Each test feeds csdesk something a user could really type or leave behind (a damaged file, a
full disk, a date from a typo, a huge id) and checks what the user would: the exit status, the
one line on stderr that says what and where, and that what was stored before is still there.
"""

from __future__ import annotations

import errno
import logging
from pathlib import Path

from csdesk.errors import StorageError
from csdesk.logging_setup import configure_logging
from csdesk.models import Account, Activity
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
    assert line.startswith("WARNING: health history and tasks were not brought up to date")
    assert "read-only" in line


def test_a_log_file_on_a_full_disk_goes_quiet(tmp_path: Path, capsys) -> None:
    configure_logging(tmp_path / "logs" / "csdesk.log")
    handler = next(h for h in logging.getLogger("csdesk").handlers
                   if isinstance(h, logging.FileHandler))

    class FullDisk:
        def write(self, text: str) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

        def flush(self) -> None:
            raise OSError(errno.ENOSPC, "No space left on device")

        def close(self) -> None:
            pass

    handler.stream.close()
    handler.stream = FullDisk()  # type: ignore[assignment]
    logging.getLogger("csdesk.test").warning("first")
    logging.getLogger("csdesk.test").warning("second")

    err = capsys.readouterr().err
    assert "Logging error" not in err and "Traceback" not in err
    assert err.splitlines() == ["WARNING: first", "WARNING: second"]
