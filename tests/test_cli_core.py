"""The command line's public interface: version, init, accounts, account, export, exit codes."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from csdesk import __version__
from csdesk.models import Account, Base, Contact, Contract, ExternalRef
from csdesk.money import Money
from csdesk.services.context import AppContext


def _seed(context: AppContext) -> None:
    with context.write() as session:
        acme = Account(name="Acme & <Co>", owner="Dana", tier=2, country="DE", licensed_seats=50)
        kk = Account(name="株式会社テスト", owner="Kim", tier=3, country="JP")
        session.add_all([acme, kk])
        session.flush()
        session.add(ExternalRef(entity="account", entity_id=acme.id, source="salesforce",
                                external_id="001A"))
        session.add(Contact(account_id=acme.id, first_name="Eva", last_name="Lind",
                            roles="champion,executive_sponsor"))
        session.add(Contract(account_id=acme.id, start_date=date(2024, 1, 1),
                             end_date=date(2027, 1, 1), amount_minor=Money.of("4000", "EUR")
                             .to_minor(), currency="EUR", amount_period="month"))
        session.add(Contract(account_id=kk.id, start_date=date(2024, 4, 1),
                             amount_minor=1_200_000, currency="JPY", amount_period="year"))


def test_version(run_cli) -> None:
    result = run_cli("--version")
    assert result.code == 0
    assert result.out.strip() == f"csdesk {__version__}"


def test_python_dash_m_works(home: Path) -> None:
    completed = subprocess.run([sys.executable, "-m", "csdesk", "--version"],
                               capture_output=True, text=True, env=os.environ, check=False)
    assert completed.returncode == 0
    assert completed.stdout.startswith("csdesk ")


def test_init_creates_the_portfolio_in_the_home(run_cli, home: Path) -> None:
    result = run_cli("init")
    assert result.code == 0
    assert (home / "portfolio.db").exists()
    assert str(home / "portfolio.db") in result.out


def test_home_option_wins_over_the_environment(run_cli, tmp_path: Path) -> None:
    other = tmp_path / "elsewhere"
    assert run_cli("--home", str(other), "init").code == 0
    assert (other / "portfolio.db").exists()
    assert run_cli("init", "--home", str(other / "second")).code == 0
    assert (other / "second" / "portfolio.db").exists()


def test_accounts_json_shape(run_cli, context: AppContext) -> None:
    _seed(context)
    result = run_cli("accounts", "--json", "--as-of", "2025-06-30")
    assert result.code == 0
    rows = {row["name"]: row for row in result.json()}
    assert set(rows) == {"Acme & <Co>", "株式会社テスト"}
    acme = rows["Acme & <Co>"]
    assert acme["arr"] == {"amount": "48000.00", "currency": "EUR"}
    assert isinstance(acme["id"], str)
    assert acme["external_ids"] == {"salesforce": "001A"}
    assert rows["株式会社テスト"]["arr"] == {"amount": "1200000", "currency": "JPY"}


def test_accounts_filters(run_cli, context: AppContext) -> None:
    _seed(context)
    assert [r["name"] for r in run_cli("accounts", "--json", "--tier", "3").json()] == [
        "株式会社テスト"
    ]
    assert [r["name"] for r in run_cli("accounts", "--json", "--owner", "dana").json()] == [
        "Acme & <Co>"
    ]
    assert [r["name"] for r in run_cli("accounts", "--json", "--search", "テスト").json()] == [
        "株式会社テスト"
    ]


def test_account_by_name_crm_id_and_id(run_cli, context: AppContext) -> None:
    _seed(context)
    by_crm = run_cli("account", "001A", "--json", "--as-of", "2025-01-01").json()
    assert by_crm["name"] == "Acme & <Co>"
    assert by_crm["contacts"][0]["roles"] == ["champion", "executive_sponsor"]
    assert by_crm["contracts"][0]["arr"] == {"amount": "48000.00", "currency": "EUR"}
    assert run_cli("account", by_crm["id"], "--json").json()["name"] == "Acme & <Co>"
    text = run_cli("account", "acme")
    assert text.code == 0 and "Acme & <Co>" in text.out


def test_unknown_account_is_one_line_on_stderr_and_exit_1(run_cli) -> None:
    result = run_cli("account", "Nobody Ltd")
    assert result.code == 1
    assert result.err.strip().count("\n") == 0
    assert "no account matches 'Nobody Ltd'" in result.err


def test_wrong_usage_exits_2(run_cli) -> None:
    assert run_cli("accounts", "--tier", "7").code == 2
    assert run_cli("no-such-command").code == 2
    assert run_cli("accounts", "--as-of", "31/12/2024").code == 2


def test_export_writes_every_table_as_csv_and_json(run_cli, context: AppContext,
                                                   tmp_path: Path) -> None:
    _seed(context)
    out = tmp_path / "export"
    result = run_cli("export", str(out))
    assert result.code == 0
    tables = {t.name for t in Base.metadata.sorted_tables}
    assert {p.stem for p in out.glob("*.csv")} == tables
    with (out / "contract.csv").open(encoding="utf-8") as handle:
        contracts = list(csv.DictReader(handle))
    assert {c["amount"] for c in contracts} == {"4000.00", "1200000"}
    assert "amount_minor" not in contracts[0]

    refused = run_cli("export", str(out))
    assert refused.code == 1 and "is not empty" in refused.err
    assert run_cli("export", str(out), "--overwrite").code == 0
    assert run_cli("export", str(out / "json"), "--format", "json").code == 0
    accounts = json.loads((out / "json" / "account.json").read_text(encoding="utf-8"))
    assert {a["name"] for a in accounts} == {"Acme & <Co>", "株式会社テスト"}


def test_no_command_without_display_prints_the_day(run_cli, monkeypatch: pytest.MonkeyPatch
                                                   ) -> None:
    for variable in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    result = run_cli()
    assert result.code == 0
    first_line = result.out.splitlines()[0]
    assert first_line.startswith("No display available")
    assert len(result.out.splitlines()) > 1


def test_logs_go_to_the_home_when_a_home_is_given(run_cli, home: Path) -> None:
    run_cli("init")
    assert (home / "logs" / "csdesk.log").exists()
