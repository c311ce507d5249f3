"""The churn import's `churned_with_live_contracts` anomaly must not depend on row order.

Found on the RavenStack data: 320 accounts have a churn event (not a reactivation) on or
after the start of a subscription that is still running, while the import reports 303. The
import looks only at the first churn row of each account in the file; an account whose
earlier churn predates the live subscription but whose later churn follows it is missed,
or found, depending on which row comes first.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ACCOUNTS = "Account ID,Account Name\nA1,Acme\n"
CONTRACTS = "Contract ID,Account ID,Start Date,Amount\nS1,A1,2024-03-01,1200\n"
EARLY = "E1,A1,2024-01-15,budget\n"  # before the open-ended contract started
LATE = "E2,A1,2024-06-01,pricing\n"  # while it runs: the contradiction to report


def churn_anomalies(run_cli, folder: Path, rows: str) -> dict[str, int]:
    files = {"accounts": ACCOUNTS, "contracts": CONTRACTS,
             "churn": "Churn ID,Account ID,Churn Date,Reason\n" + rows}
    reports = {}
    for kind, text in files.items():
        path = folder / f"{kind}.csv"
        path.write_text(text, encoding="utf-8")
        result = run_cli("import", kind, str(path), "--json")
        assert result.code == 0, result.err
        reports[kind] = result.json()
    return {a["code"]: a["count"] for a in reports["churn"]["anomalies"]}


def test_a_churn_after_the_live_contract_started_is_reported_when_it_comes_last(
    run_cli, tmp_path: Path
) -> None:
    assert churn_anomalies(run_cli, tmp_path, LATE + EARLY) == {
        "churned_with_live_contracts": 1}


@pytest.mark.xfail(strict=True, reason="the churn import checks only each account's first "
                   "churn row in the file (csdesk/importers/kinds/churn.py, _still_live)")
def test_a_churn_after_the_live_contract_started_is_reported_when_it_comes_first(
    run_cli, tmp_path: Path
) -> None:
    assert churn_anomalies(run_cli, tmp_path, EARLY + LATE) == {
        "churned_with_live_contracts": 1}
