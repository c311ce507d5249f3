"""Bad files: each gets a precise ``FILE:LINE: column NAME: ...`` message and exit 1, and the
portfolio is exactly as it was (same rows in every table, no new change-log entry)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from sqlalchemy import func, select

from csdesk.models import Account, Base, ChangeLogEntry, ExternalRef
from csdesk.services.context import AppContext
from csdesk.services.importing import table_counts

# Caches rebuilt on demand (health snapshots) may be refreshed whenever a portfolio opens;
# they are not portfolio data, so they are left out of the comparison.
DERIVED = {m.class_.__tablename__ for m in Base.registry.mappers
           if not m.class_.__changelog__} - {"import_run", "change_log", "tombstone"}


def _state(context: AppContext) -> tuple[dict[str, int], int | None]:
    with context.read() as session:
        counts = {k: v for k, v in table_counts(session).items() if k not in DERIVED}
        return counts, session.scalar(select(func.max(ChangeLogEntry.seq)))


@pytest.fixture
def seeded(context: AppContext) -> AppContext:
    """Two accounts known to the 'crm' source, so references can resolve."""
    with context.write() as session:
        for external, name in (("A1", "Acme"), ("B2", "Bolt")):
            account = Account(name=name)
            session.add(account)
            session.flush()
            session.add(ExternalRef(source="crm", entity="account", entity_id=account.id,
                                    external_id=external))
    return context


def _write(tmp_path: Path, text: str, name: str = "data.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _rejected(run_cli, seeded: AppContext, kind: str, path: Path, *args: str) -> list[str]:
    """Run an import that must fail; check nothing changed; return the problem lines."""
    before = _state(seeded)
    result = run_cli("import", kind, str(path), *args)
    assert result.code == 1, result.out + result.err
    assert result.out == ""
    assert _state(seeded) == before
    lines = result.err.strip().splitlines()
    assert f"csdesk: error: {path}: " in result.err and "nothing was imported" in lines[-1]
    return [line for line in lines if line.startswith(str(path))]


def test_unterminated_quote_points_at_the_line_and_column(run_cli, seeded, tmp_path) -> None:
    path = _write(tmp_path, 'Account ID,Name,Email\nA1,"Ann Lee",ann@acme.test\n'
                            'A1,"Bob Ray,bob@acme.test\nB2,Cy,cy@bolt.test\n')
    lines = _rejected(run_cli, seeded, "contacts", path, "--source", "crm")
    assert lines == [f"{path}:3: column Name: a quoted value starts here and its closing "
                     "quote (\") is missing, so the rest of the file would be read as one "
                     "value"]


def test_missing_required_column_names_what_is_expected(run_cli, seeded, tmp_path) -> None:
    path = _write(tmp_path, "Account ID,Amount,End Date\nA1,100,2027-01-01\n")
    lines = _rejected(run_cli, seeded, "contracts", path, "--source", "crm")
    assert len(lines) == 1
    assert lines[0].startswith(f"{path}:1: column Start Date: missing: contracts need the "
                               "start date (field start_date)")
    assert '"Account ID", "Amount", "End Date"' in lines[0]


def test_every_bad_cell_is_reported_at_once(run_cli, seeded, tmp_path) -> None:
    # Line 3 spans two physical lines (a quoted newline); the errors after it must still
    # carry the right physical line numbers.
    path = _write(tmp_path, (
        "Account ID,Contract Name,Start Date,Amount,Currency\n"
        "A1,Basic,2026-01-31,100.00,EUR\n"
        'A1,"Two\nlines",2026-02-30,1000,EUR\n'
        "B2,Gold,2026-03-01,twelve,EUR\n"
        "ZZ,Gold,2026-03-01,5,EUR\n"
        "B2,Gold,2026-03-01,5,XX1\n"
    ))
    lines = _rejected(run_cli, seeded, "contracts", path, "--source", "crm")
    assert lines == [
        f"{path}:3: column Start Date: '2026-02-30' is not a date: that month has no day 30",
        f"{path}:5: column Amount: 'twelve' is not an amount",
        f"{path}:6: column Account ID: unknown account 'ZZ': no account has this id from "
        "source 'crm'; import the accounts first (csdesk import accounts FILE --source ...) "
        "or give the right --source",
        f"{path}:7: column Currency: 'XX1' is not an ISO 4217 currency code (e.g. EUR, USD)",
    ]


def test_unknown_account_name_is_reported(run_cli, seeded, tmp_path) -> None:
    path = _write(tmp_path, "Account Name,Subject,Date/Time Opened\nNope Inc,Help,2026-01-02\n")
    lines = _rejected(run_cli, seeded, "cases", path)
    assert lines == [f"{path}:2: column Account Name: unknown account 'Nope Inc': no account "
                     "has this name; import the accounts first or correct the name"]


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\n\n  \r\n"])
def test_empty_file(run_cli, seeded, tmp_path, content: bytes) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    lines = _rejected(run_cli, seeded, "accounts", path)
    assert lines == [f"{path}:1: the file is empty; expected a header line and rows"]


def test_header_without_rows(run_cli, seeded, tmp_path) -> None:
    path = _write(tmp_path, "Account Name,Industry\n")
    lines = _rejected(run_cli, seeded, "accounts", path)
    assert lines == [f"{path}:2: the file has a header line but no rows"]


def test_png_image(run_cli, seeded, tmp_path) -> None:
    path = tmp_path / "logo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(64)))
    lines = _rejected(run_cli, seeded, "accounts", path)
    assert lines == [f"{path}: this is a PNG image, not a CSV text file"]


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_random_bytes(run_cli, seeded, tmp_path, seed: int) -> None:
    path = tmp_path / "noise.csv"
    path.write_bytes(random.Random(seed).randbytes(4096))
    lines = _rejected(run_cli, seeded, "usage", path)
    assert len(lines) == 1
    assert "is not a text file" in lines[0] or "is not text in UTF-8" in lines[0]


def test_excel_workbook_is_named(run_cli, seeded, tmp_path) -> None:
    path = tmp_path / "book.csv"
    path.write_bytes(b"PK\x03\x04" + bytes(100))
    lines = _rejected(run_cli, seeded, "accounts", path)
    assert "an Excel workbook (.xlsx); save it as CSV first" in lines[0]


def test_rows_wider_than_the_header(run_cli, seeded, tmp_path) -> None:
    path = _write(tmp_path, "Account Name,Industry\nAcme,Retail\nBolt,Retail,1,000\n")
    lines = _rejected(run_cli, seeded, "accounts", path)
    assert lines == [f"{path}:3: this line has 4 values but the header has 2 columns (an "
                     "unquoted delimiter inside a value?)"]


def test_rejected_import_leaves_the_export_identical(run_cli, seeded, tmp_path) -> None:
    before_dir, after_dir = tmp_path / "before", tmp_path / "after"
    assert run_cli("export", str(before_dir), "--format", "json").code == 0
    path = _write(tmp_path, "Account Name,Customer Since\nNew One,2026-01-01\nOther,soon\n")
    lines = _rejected(run_cli, seeded, "accounts", path)
    assert lines == [f"{path}:3: column Customer Since: 'soon' is not a date (write it as "
                     "2026-01-31, 31/01/2026 or Jan 31, 2026)"]
    assert run_cli("export", str(after_dir), "--format", "json").code == 0
    for before in sorted(before_dir.iterdir()):
        assert (after_dir / before.name).read_bytes() == before.read_bytes(), before.name


def test_json_lists_the_problems(run_cli, seeded, tmp_path) -> None:
    path = _write(tmp_path, "Account Name,Licensed Seats\nAcme,many\n")
    result = run_cli("import", "accounts", str(path), "--json")
    assert result.code == 1
    data = result.json()
    assert data["ok"] is False
    assert data["problems"] == [{"file": str(path), "line": 2, "column": "Licensed Seats",
                                 "message": "'many' is not a whole number"}]


def test_odd_unicode_and_markup_in_names_import_fine(run_cli, context, tmp_path) -> None:
    names = ["<b>Bold</b> & Sons", "שלום בע\"מ", "株式会社テスト", "Ünïcödé ‮evil‬ GmbH",
             "Emoji 🚀 Ltd", "Tab\tInside"]
    text = "Account ID,Account Name,Industry\n" + "".join(
        f'X{i},"{n.replace(chr(34), chr(34) * 2)}",Software\n' for i, n in enumerate(names))
    path = _write(tmp_path, text)
    result = run_cli("import", "accounts", str(path), "--source", "crm", "--json")
    assert result.code == 0, result.err
    assert result.json()["created"] == len(names)
    with context.read() as session:
        stored = sorted(session.scalars(select(Account.name)))
    assert stored == sorted(names)
    listing = run_cli("accounts", "--json").json()
    assert sorted(a["name"] for a in listing) == sorted(names)


def test_control_characters_in_a_value_are_refused(run_cli, seeded, tmp_path) -> None:
    path = _write(tmp_path, "Account Name,Industry\nAcme\x07,Retail\n")
    lines = _rejected(run_cli, seeded, "accounts", path)
    assert lines == [f"{path}:2: column Account Name: contains the control character U+0007; "
                     "remove it from the file"]


def test_a_name_shared_by_two_stored_accounts_is_not_guessed(run_cli, seeded, tmp_path) -> None:
    with seeded.write() as session:
        session.add(Account(name="acme"))
    path = _write(tmp_path, "Account Name,Industry\nAcme,Retail\n")
    lines = _rejected(run_cli, seeded, "accounts", path)
    assert lines == [f"{path}:2: 2 stored accounts have the same name as this row, so it is "
                     "not clear which to update; add an id column (external_id)"]
