"""Hostile but realistic input on the command line: one clear line, exit 1 or 2, nothing lost.

Each test feeds csdesk something a user could really type or leave behind (a damaged file, a
full disk, a date from a typo, a huge id) and checks what the user would: the exit status, the
one line on stderr that says what and where, and that what was stored before is still there.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from csdesk.errors import StorageError
from csdesk.files import replacing
from csdesk.logging_setup import configure_logging
from csdesk.models import Account, Activity, BusinessReview, Contract
from csdesk.models.database import describe_storage_failure
from csdesk.services.context import AppContext


def _seed(context: AppContext) -> None:
    with context.write() as session:
        borealis = Account(name="Borealis AB", owner="Kim", tier=1, country="SE")
        session.add_all([
            Account(name="Acme & <Co>", owner="Dana", tier=2, country="DE"),
            Account(name="Acme Labs", owner="Dana", tier=3, country="US"),
            borealis,
        ])
        session.flush()
        session.add(Contract(account_id=borealis.id, start_date=date(2025, 1, 1),
                             end_date=date(2026, 12, 31), amount_minor=1_200_000,
                             currency="EUR", amount_period="year"))


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


# ---- ids, account names and dates that are not what they seem ------------------------------

HUGE = "9" * 25


@pytest.mark.parametrize("argv", [
    ("tasks", "close", HUGE),
    ("tasks", "snooze", HUGE, "--until", "2026-04-01"),
    ("plan", "Borealis AB", "outcome", "update", HUGE, "--title", "x"),
    ("plan", "Borealis AB", "objective", "add", "--outcome", HUGE, "--title", "x"),
])
def test_an_id_too_long_to_exist_is_a_usage_error(run_cli, context, argv) -> None:
    _seed(context)
    result = run_cli(*argv)
    assert result.code == 2
    assert f"'{HUGE}' is not an id" in result.err.strip().splitlines()[-1]


@pytest.mark.parametrize(("key", "message"), [
    ("", "say which account: give its csdesk id, CRM id or name"),
    ("   ", "say which account: give its csdesk id, CRM id or name"),
    (HUGE, f"no account matches '{HUGE}'"),
    ("%", "no account matches '%'"),
    ("Acme_Labs", "no account matches 'Acme_Labs'"),
    ("²", "no account matches '²'"),
])
def test_an_account_key_that_names_nothing_says_so(run_cli, context, key: str,
                                                   message: str) -> None:
    _seed(context)
    result = run_cli("log", key, "--kind", "call", "--summary", "hello")
    assert result.code == 1
    assert message in _one_error_line(result.err)
    assert _activities(context) == []


def test_a_percent_sign_in_a_name_is_a_character_not_a_wildcard(run_cli, context) -> None:
    _seed(context)
    with context.write() as session:
        session.add(Account(name="100% Organic Ltd", owner="Kim"))
    result = run_cli("log", "100%", "--kind", "call", "--summary", "hello")
    assert result.code == 0
    assert _activities(context) == ["hello"]


@pytest.mark.parametrize("argv", [
    ("accounts", "--as-of", "{day}"),
    ("metrics", "--as-of", "{day}"),
    ("log", "Borealis AB", "--kind", "call", "--summary", "hello", "--date", "{day}",
     "--as-of", "2026-03-15"),
    ("review", "add", "Borealis AB", "--kind", "QBR", "--date", "{day}"),
])
@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2200-01-01"])
def test_a_date_outside_the_calendar_csdesk_works_with_is_a_usage_error(
        run_cli, context, argv, day: str) -> None:
    _seed(context)
    result = run_cli(*(part.format(day=day) for part in argv))
    assert result.code == 2
    assert result.err.strip().splitlines()[-1].endswith(
        f"{day} is outside the dates csdesk works with (1900-01-01 to 2199-12-31); "
        "check the year")
    assert _activities(context) == []


def test_an_action_item_due_in_year_9999_records_nothing(run_cli, context) -> None:
    _seed(context)
    result = run_cli("review", "add", "Borealis AB", "--kind", "QBR", "--date", "2026-03-01",
                     "--action", "Send the deck;Kim;ours;9999-12-31", "--as-of", "2026-03-15")
    assert result.code == 1
    assert "action item 'Send the deck': 9999-12-31 is outside the dates" in _one_error_line(
        result.err)
    with context.read() as session:
        assert session.query(BusinessReview).count() == 0


@pytest.mark.parametrize("command", [
    ("accounts",), ("today", "--all"), ("renewals",), ("forecast",), ("metrics",), ("churn",),
    ("touchpoints", "--all"), ("tiers",), ("stages",), ("health",), ("tasks",),
])
@pytest.mark.parametrize("day", ["1900-01-01", "2199-12-31"])
def test_the_first_and_last_dates_csdesk_accepts_work_everywhere(run_cli, context, command,
                                                                 day: str) -> None:
    _seed(context)
    result = run_cli(*command, "--as-of", day)
    assert result.code == 0, result.err
    assert "error" not in result.err


# ---- files the user asked for: whole or not at all -----------------------------------------


def _no_space(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


def test_an_export_on_a_full_disk_leaves_the_last_export_as_it_was(run_cli, context,
                                                                   monkeypatch,
                                                                   tmp_path: Path) -> None:
    _seed(context)
    folder = tmp_path / "export"
    assert run_cli("export", str(folder)).code == 0
    before = {path.name: path.read_bytes() for path in folder.iterdir()}
    with context.write() as session:
        session.add(Account(name="Cobalt Oy", owner="Kim"))

    from csdesk.services import export

    calls = {"count": 0}
    real_write = export._write

    def fills_up(target, names, rows, fmt):
        calls["count"] += 1
        if calls["count"] == 3:
            _no_space()
        real_write(target, names, rows, fmt)

    monkeypatch.setattr(export, "_write", fills_up)
    result = run_cli("export", str(folder), "--overwrite")

    assert result.code == 1
    line = _one_error_line(result.err)
    assert "the disk is full; the export was not written" in line
    assert {path.name: path.read_bytes() for path in folder.iterdir()} == before


def test_an_export_into_a_file_says_so(run_cli, context, tmp_path: Path) -> None:
    _seed(context)
    file = tmp_path / "notes.txt"
    file.write_text("mine", encoding="utf-8")
    result = run_cli("export", str(file))
    assert result.code == 1
    assert f"{file} is a file; give a folder to export into" in _one_error_line(result.err)
    assert file.read_text(encoding="utf-8") == "mine"


def test_a_file_that_fails_half_way_leaves_the_old_one_and_no_fragment(tmp_path: Path) -> None:
    target = tmp_path / "review.pdf"
    target.write_bytes(b"the old review")

    with pytest.raises(StorageError, match="cannot write .*review.pdf: the disk is full"):
        with replacing(target) as temporary:
            temporary.write_bytes(b"half a rev")
            _no_space()

    assert target.read_bytes() == b"the old review"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["review.pdf"]


@pytest.mark.parametrize(("name", "message"), [
    ("view.txt", "a snapshot is a PNG; give a file name ending in .png"),
    ("notes.txt/view.png", "cannot create the folder"),
])
def test_a_snapshot_to_a_name_it_cannot_use_fails_before_drawing(run_cli, context,
                                                                 tmp_path: Path, name: str,
                                                                 message: str) -> None:
    _seed(context)
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    result = run_cli("snapshot", "--view", "today", "-o", str(tmp_path / name))
    assert result.code == 1
    assert message in _one_error_line(result.err)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_a_review_into_a_missing_folder_says_which(run_cli, context, tmp_path: Path) -> None:
    _seed(context)
    missing = tmp_path / "no" / "such"
    result = run_cli("report", "qbr", "Borealis AB", "-o", str(missing / "review.pdf"),
                     "--as-of", "2026-03-15")
    assert result.code == 1
    assert f"the folder {missing} does not exist" in _one_error_line(result.err)
    assert not missing.exists()


# ---- numbers too large to be meant --------------------------------------------------------


def test_a_huge_worker_count_starts_no_more_processes_than_reviews(run_cli, context,
                                                                   monkeypatch,
                                                                   tmp_path: Path) -> None:
    _seed(context)
    from concurrent.futures import Future

    from csdesk.reports import batch

    started: list[int] = []

    class InlinePool:
        """Runs each review here, and notes how many processes were asked for."""

        def __init__(self, max_workers, mp_context, initializer, initargs):
            started.append(max_workers)
            initializer(*initargs)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def submit(self, function, *args):
            future: Future = Future()
            future.set_result(function(*args))
            return future

    monkeypatch.setattr(batch, "ProcessPoolExecutor", InlinePool)
    result = run_cli("report", "qbr", "--all", "-o", str(tmp_path / "reviews"),
                     "--workers", "100000", "--as-of", "2026-03-15")

    assert result.code == 0, result.err
    assert started == [3]
    assert len(list((tmp_path / "reviews").glob("*.pdf"))) == 3
    assert batch.worker_count(100000, 5000) == 2 * (os.cpu_count() or 1)


@pytest.mark.parametrize(("argv", "message"), [
    (("rates", "set", "EUR", "1e400"), "'1e400' is not a believable rate"),
    (("rates", "set", "EUR", "0.0000000001"), "'0.0000000001' is not a believable rate"),
    (("rates", "set", "XYZ", "1.1"), "'XYZ' is not an ISO 4217 currency code"),
    (("rates", "reporting", "XYZ"), "'XYZ' is not an ISO 4217 currency code"),
])
def test_a_rate_or_currency_no_one_could_mean_is_refused_and_totals_still_work(
        run_cli, context, argv, message: str) -> None:
    _seed(context)
    assert run_cli("rates", "set", "EUR", "1.08").code == 0

    result = run_cli(*argv)

    assert result.code == 1
    assert message in _one_error_line(result.err)
    rates = run_cli("rates", "--json").json()
    assert rates["reporting_currency"] == "USD"
    assert [(r["currency"], r["rate"]) for r in rates["rates"]] == [("EUR", "1.08")]
    assert run_cli("metrics", "--as-of", "2026-03-15").code == 0


def test_a_survey_scale_of_a_hundred_million_answers_is_refused_at_once(run_cli,
                                                                        context) -> None:
    result = run_cli("survey-scales", "set", "1-100000000", "1=0")
    assert result.code == 1
    assert ("scale 1-100000000 has 100000000 answers; a survey scale has at most 101"
            in _one_error_line(result.err))
    assert run_cli("survey-scales", "--json").json() == {}


def test_an_answer_mapped_twice_two_ways_is_refused(run_cli, context) -> None:
    result = run_cli("survey-scales", "set", "1-5", "1=0", "1=3", "2=3", "3=6", "4=8", "5=10")
    assert result.code == 1
    assert "'1=3': answer 1 is already mapped to 0; map each answer once" in _one_error_line(
        result.err)
    assert run_cli("survey-scales", "--json").json() == {}


# ---- rule and plan files that are not what they claim ---------------------------------------


@pytest.mark.parametrize(("content", "message"), [
    (b"[" * 100_000 + b"]" * 100_000, "nests too deeply to be rules or plans"),
    (b"\x88\xfe\x00binary", "is not UTF-8 text (byte 1 cannot be read)"),
    (b"\xff\xfe{\x00}\x00", "is not UTF-8 text (byte 1 cannot be read)"),
    (b" " * 1_000_001, "is larger than 1 MB"),
])
@pytest.mark.parametrize("command", [("tiers", "rules"), ("stage", "rules"),
                                     ("touchpoints", "plan")])
def test_a_rules_file_that_is_not_json_text_keeps_the_rules(run_cli, context, tmp_path: Path,
                                                            command, content: bytes,
                                                            message: str) -> None:
    before = run_cli(*command).out
    file = tmp_path / "rules.json"
    file.write_bytes(content)

    result = run_cli(*command, "--file", str(file))

    assert result.code == 1
    assert f"{file} {message}" in _one_error_line(result.err)
    assert run_cli(*command).out == before


def test_a_rules_file_saved_with_a_byte_order_mark_is_read(run_cli, context,
                                                           tmp_path: Path) -> None:
    file = tmp_path / "rules.json"
    file.write_bytes('{"rules": [{"tier": 1, "min_arr": "50000"}], "otherwise": 2}'
                     .encode("utf-8-sig"))
    assert run_cli("tiers", "rules", "--file", str(file)).code == 0
    assert '"otherwise": 2' in run_cli("tiers", "rules").out
