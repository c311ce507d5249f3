"""Usage imports: account-level days and feature use, upserted in bulk on natural keys, with
every created or changed row in the change log (one entry per account and import)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from csdesk.models import Account, ChangeLogEntry, Contract, ExternalRef, FeatureUsage, UsageDaily
from csdesk.services.context import AppContext


@pytest.fixture
def book(context: AppContext) -> AppContext:
    """Two accounts with ids from 'product', and a subscription S1 of the first."""
    with context.write() as session:
        acme = Account(name="Acme", customer_since=date(2026, 1, 2))
        bolt = Account(name="Bolt")
        session.add_all([acme, bolt])
        session.flush()
        contract = Contract(account_id=acme.id, start_date=date(2026, 1, 1),
                            end_date=date(2026, 1, 3), amount_minor=100, currency="EUR")
        session.add(contract)
        session.flush()
        session.add_all([
            ExternalRef(source="product", entity="account", entity_id=acme.id,
                        external_id="acme"),
            ExternalRef(source="product", entity="account", entity_id=bolt.id,
                        external_id="bolt"),
            ExternalRef(source="product", entity="contract", entity_id=contract.id,
                        external_id="S1"),
        ])
    return context


def _import(run_cli, path: Path, *args: str) -> dict:
    result = run_cli("import", "usage", str(path), "--source", "product", "--json", *args)
    assert result.code == 0, result.err
    return result.json()


def _daily(context: AppContext) -> list[tuple]:
    with context.read() as session:
        return session.execute(select(Account.name, UsageDaily.day, UsageDaily.active_users,
                                      UsageDaily.sessions, UsageDaily.events)
                               .join(Account).order_by(Account.name, UsageDaily.day)).all()


def _log(context: AppContext, after: int = 0) -> list[ChangeLogEntry]:
    """The usage entries of the change log after ``after`` (opening the portfolio may log
    upkeep of its own)."""
    with context.read() as session:
        return list(session.scalars(select(ChangeLogEntry).where(
            ChangeLogEntry.seq > after,
            ChangeLogEntry.entity.in_(("usage_daily", "feature_usage")))
            .order_by(ChangeLogEntry.seq)))


def _last_seq(context: AppContext) -> int:
    with context.read() as session:
        return int(session.scalar(select(func.max(ChangeLogEntry.seq))) or 0)


def _values(entry: ChangeLogEntry) -> tuple[dict | None, dict | None]:
    return (json.loads(entry.old_value) if entry.old_value else None,
            json.loads(entry.new_value) if entry.new_value else None)


def _ids(context: AppContext) -> dict[str, str]:
    with context.read() as session:
        return {name: str(account_id)
                for name, account_id in session.execute(select(Account.name, Account.id))}


def test_daily_usage_upserts_and_logs_each_account(run_cli, book, tmp_path) -> None:
    path = tmp_path / "daily.csv"
    path.write_text("Account ID,date,active_users,sessions\n"
                    "acme,2026-01-01,5,7\nacme,2026-01-02,,3\nbolt,2026-01-01,2,2\n")
    start = _last_seq(book)
    ids = _ids(book)

    report = _import(run_cli, path)
    assert report["tables"] == {"usage_daily": {"created": 3, "updated": 0, "unchanged": 0}}
    assert [a["code"] for a in report["anomalies"]] == ["before_customer_since",
                                                        "no_active_users"]
    assert report["anomalies"][1]["count"] == 1
    assert _daily(book) == [("Acme", date(2026, 1, 1), 5, 7, None),
                            ("Acme", date(2026, 1, 2), None, 3, None),
                            ("Bolt", date(2026, 1, 1), 2, 2, None)]
    # One entry per account: every created day with all its values (unknown ones null).
    created = _log(book, start)
    assert [(e.entity, e.entity_id, e.op, e.field, e.origin, e.context) for e in created] == [
        ("usage_daily", ids["Acme"], "upsert", None, "import", "daily.csv"),
        ("usage_daily", ids["Bolt"], "upsert", None, "import", "daily.csv")]
    assert _values(created[0]) == (None, {
        "2026-01-01": {"active_users": 5, "sessions": 7, "events": None},
        "2026-01-02": {"active_users": None, "sessions": 3, "events": None}})
    assert _values(created[1]) == (None, {
        "2026-01-01": {"active_users": 2, "sessions": 2, "events": None}})

    assert _import(run_cli, path)["tables"]["usage_daily"]["unchanged"] == 3
    assert len(_log(book, start)) == 2

    path.write_text(path.read_text().replace("acme,2026-01-01,5,7", "acme,2026-01-01,6,7"))
    report = _import(run_cli, path)
    assert report["tables"]["usage_daily"] == {"created": 0, "updated": 1, "unchanged": 2}
    update = _log(book, start)[2:]
    assert [(e.entity_id, e.op) for e in update] == [(ids["Acme"], "upsert")]
    assert _values(update[0]) == ({"2026-01-01": {"active_users": 5}},
                                  {"2026-01-01": {"active_users": 6}})


def test_grouped_entry_holds_changed_and_created_days_only(run_cli, book, tmp_path) -> None:
    path = tmp_path / "daily.csv"
    path.write_text("Account ID,date,active_users,sessions,events\n"
                    "acme,2026-01-01,5,7,100\nacme,2026-01-02,4,3,50\n"
                    "acme,2026-01-03,4,3,50\nbolt,2026-01-01,2,2,9\n")
    _import(run_cli, path)
    start = _last_seq(book)
    ids = _ids(book)

    # Acme: 01-01 keeps its values, 01-02 changes two of three, 01-03 is not in the file,
    # 01-04 is new. Bolt's only day is unchanged, so Bolt gets no entry.
    path.write_text("Account ID,date,active_users,sessions,events\n"
                    "acme,2026-01-01,5,7,100\nacme,2026-01-02,4,8,60\n"
                    "acme,2026-01-04,,1,2\nbolt,2026-01-01,2,2,9\n")
    report = _import(run_cli, path)

    assert report["tables"]["usage_daily"] == {"created": 1, "updated": 1, "unchanged": 2}
    entries = _log(book, start)
    assert [(e.entity, e.entity_id, e.op) for e in entries] == [
        ("usage_daily", ids["Acme"], "upsert")]
    old, new = _values(entries[0])
    assert old == {"2026-01-02": {"sessions": 3, "events": 50}}
    assert new == {"2026-01-02": {"sessions": 8, "events": 60},
                   "2026-01-04": {"active_users": None, "sessions": 1, "events": 2}}
    # Days in the JSON are in calendar order.
    assert list(json.loads(entries[0].new_value)) == ["2026-01-02", "2026-01-04"]


def test_feature_usage_through_subscriptions(run_cli, book, tmp_path) -> None:
    path = tmp_path / "features.csv"
    path.write_text("Subscription ID,Usage Date,Feature Name,Usage Count,Error Count\n"
                    "S1,2026-01-01,export,4,0\n"
                    "S1,2026-01-01,search,10,1\n"
                    "S1,2026-01-02,export,1,0\n"
                    "S1,2026-01-05,export,2,0\n"
                    "S1,2026-01-02,export,3,0\n")
    report = _import(run_cli, path)
    assert report["tables"] == {
        "feature_usage": {"created": 4, "updated": 0, "unchanged": 0},
        "usage_daily": {"created": 3, "updated": 0, "unchanged": 0},
    }
    codes = {a["code"]: a for a in report["anomalies"]}
    assert codes["duplicate_key"]["examples"] == [
        "line 6: S1 on 2026-01-02 (export), also on line 4"]
    assert codes["outside_subscription"]["examples"] == [
        "line 5: 2026-01-05 for S1 (2026-01-01 to 2026-01-03)"]
    assert codes["before_customer_since"]["count"] == 2
    assert codes["no_active_users"]["count"] == 3
    # Each day's events are the sum of its feature counts; active users stay unknown.
    assert _daily(book) == [("Acme", date(2026, 1, 1), None, None, 14),
                            ("Acme", date(2026, 1, 2), None, None, 3),
                            ("Acme", date(2026, 1, 5), None, None, 2)]
    with book.read() as session:
        assert session.scalar(select(func.sum(FeatureUsage.errors))) == 1

    more = tmp_path / "more.csv"
    more.write_text("Subscription ID,Usage Date,Feature Name,Usage Count\n"
                    "S1,2026-01-01,reports,6\n")
    report = _import(run_cli, more)
    assert report["tables"] == {
        "feature_usage": {"created": 1, "updated": 0, "unchanged": 0},
        "usage_daily": {"created": 0, "updated": 1, "unchanged": 0},
    }
    assert _daily(book)[0] == ("Acme", date(2026, 1, 1), None, None, 20)


def test_feature_usage_is_logged_by_day_then_feature(run_cli, book, tmp_path) -> None:
    path = tmp_path / "features.csv"
    path.write_text("Subscription ID,Usage Date,Feature Name,Usage Count,Error Count\n"
                    "S1,2026-01-01,export,4,0\nS1,2026-01-01,search,10,1\n"
                    "S1,2026-01-02,export,1,0\n")
    start = _last_seq(book)
    acme = _ids(book)["Acme"]
    _import(run_cli, path)

    features, daily = _log(book, start)
    assert (features.entity, features.entity_id, features.op) == ("feature_usage", acme,
                                                                  "upsert")
    assert _values(features) == (None, {
        "2026-01-01": {"export": {"count": 4, "duration_secs": None, "errors": 0},
                       "search": {"count": 10, "duration_secs": None, "errors": 1}},
        "2026-01-02": {"export": {"count": 1, "duration_secs": None, "errors": 0}}})
    assert (daily.entity, daily.entity_id) == ("usage_daily", acme)
    assert _values(daily) == (None, {
        "2026-01-01": {"active_users": None, "sessions": None, "events": 14},
        "2026-01-02": {"active_users": None, "sessions": None, "events": 1}})

    path.write_text("Subscription ID,Usage Date,Feature Name,Usage Count,Error Count\n"
                    "S1,2026-01-01,export,4,0\nS1,2026-01-01,search,12,1\n")
    _import(run_cli, path)
    features, daily = _log(book, start)[2:]
    assert _values(features) == ({"2026-01-01": {"search": {"count": 10}}},
                                 {"2026-01-01": {"search": {"count": 12}}})
    assert _values(daily) == ({"2026-01-01": {"events": 14}}, {"2026-01-01": {"events": 16}})


def test_unknown_subscription_and_negative_counts(run_cli, book, tmp_path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("Subscription ID,Usage Date,Feature Name,Usage Count\n"
                    "S9,2026-01-01,export,4\nS1,2026-01-01,export,-1\nS1,2026-01-01,x,\n")
    result = run_cli("import", "usage", str(path), "--source", "product")
    assert result.code == 1
    problems = [line for line in result.err.splitlines() if line.startswith(str(path))]
    assert problems == [
        f"{path}:2: column Subscription ID: unknown subscription 'S9': no contract has this id "
        "from source 'product'; import the contracts first (csdesk import contracts ...)",
        f"{path}:3: column Usage Count: -1 is negative; usage counts start at 0",
        f"{path}:4: column Usage Count: is empty; a feature row needs its count",
    ]
    with book.read() as session:
        assert session.scalar(select(func.count()).select_from(FeatureUsage)) == 0


def test_a_failure_while_logging_leaves_no_usage_rows(run_cli, book, tmp_path,
                                                      monkeypatch) -> None:
    path = tmp_path / "daily.csv"
    path.write_text("Account ID,date,active_users\nacme,2026-01-01,5\nbolt,2026-01-01,2\n")
    start = _last_seq(book)

    def disk_full(*args, **kwargs):
        raise OSError("disk full")

    # The rows are already upserted when the change log is written: both must go together.
    with monkeypatch.context() as patched:
        patched.setattr("csdesk.services.importing.record_grouped_changes", disk_full)
        result = run_cli("import", "usage", str(path), "--source", "product")
    assert result.code != 0
    assert _daily(book) == []
    assert _log(book, start) == []

    assert _import(run_cli, path)["tables"]["usage_daily"]["created"] == 2
    assert len(_daily(book)) == 2


def test_an_import_marks_health_history_for_a_rebuild_from_its_earliest_day(
    context, tmp_path
) -> None:
    from csdesk.importers.runner import ImportRequest, run_import
    from csdesk.services.settings import get_setting
    from csdesk.services.upkeep import HISTORY_DIRTY_SINCE

    accounts = tmp_path / "accounts.csv"
    accounts.write_text("Account ID,Account Name\nA1,Acme\n", encoding="utf-8")
    usage = tmp_path / "usage.csv"
    usage.write_text("account_id,day,events\nA1,2024-03-05,4\nA1,2024-02-10,2\n",
                     encoding="utf-8")
    run_import(context, ImportRequest(kind="accounts", path=accounts))
    with context.read() as session:
        assert get_setting(session, HISTORY_DIRTY_SINCE.key) is None  # no dated values yet

    run_import(context, ImportRequest(kind="usage", path=usage, source="salesforce"))
    with context.read() as session:
        assert get_setting(session, HISTORY_DIRTY_SINCE.key) == "2024-02-10"
