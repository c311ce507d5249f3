"""Every edit enters the change log in its own transaction; nothing bypasses it."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from csdesk.models import Account, ChangeLogEntry, Contract, ExternalRef, Tombstone
from csdesk.models.changelog import (
    Change,
    GroupedChange,
    MissingOriginError,
    encode_rows,
    nest_rows,
    record_changes,
    record_grouped_changes,
)
from csdesk.services.context import AppContext


def _log(context: AppContext) -> list[ChangeLogEntry]:
    with context.read() as session:
        return list(session.scalars(select(ChangeLogEntry).order_by(ChangeLogEntry.seq)))


def test_create_is_logged_with_client_id_origin_and_actor(context: AppContext) -> None:
    with context.write(origin="user") as session:
        account = Account(name="Acme & Söhne", licensed_seats=40)
        session.add(account)

    entries = _log(context)
    assert len(entries) == 1
    entry = entries[0]
    assert (entry.entity, entry.op, entry.origin) == ("account", "create", "user")
    assert entry.entity_id == str(account.id)
    assert entry.client_id == account.client_id and len(entry.client_id) == 36
    assert entry.actor == context.actor
    assert json.loads(entry.new_value or "{}")["name"] == "Acme & Söhne"
    assert entry.changed_at.tzinfo is not None


def test_update_logs_each_changed_field_with_old_and_new(context: AppContext) -> None:
    with context.write() as session:
        account = Account(name="Old Name", licensed_seats=10)
        session.add(account)
    with context.write(origin="import", context="accounts.csv") as session:
        stored = session.get(Account, account.id)
        assert stored is not None
        stored.name = "New Name"
        stored.licensed_seats = 12
        stored.industry = stored.industry  # no real change: not logged

    updates = [e for e in _log(context) if e.op == "update"]
    fields = {e.field: (json.loads(e.old_value or "null"), json.loads(e.new_value or "null"))
              for e in updates}
    assert fields == {"name": ("Old Name", "New Name"), "licensed_seats": (10, 12)}
    assert {e.origin for e in updates} == {"import"}
    assert {e.context for e in updates} == {"accounts.csv"}


def test_update_carries_the_remote_version_it_was_based_on(context: AppContext) -> None:
    with context.write(origin="sync") as session:
        account = Account(name="Synced")
        session.add(account)
        session.flush()
        session.add(ExternalRef(entity="account", entity_id=account.id, source="salesforce",
                                external_id="001XX000003DHPhYAO",
                                remote_version="2024-06-01T08:15:30Z"))
    with context.write() as session:
        stored = session.get(Account, account.id)
        assert stored is not None
        stored.owner = "Dana"

    update = [e for e in _log(context) if e.op == "update"][0]
    assert update.base_version == "2024-06-01T08:15:30Z"


def test_delete_leaves_a_tombstone(context: AppContext) -> None:
    with context.write() as session:
        account = Account(name="Gone GmbH")
        session.add(account)
        session.flush()
        session.add(ExternalRef(entity="account", entity_id=account.id, source="hubspot",
                                external_id="512"))
    client_id = account.client_id
    with context.write() as session:
        stored = session.get(Account, account.id)
        session.delete(stored)

    deletes = [e for e in _log(context) if e.op == "delete"]
    assert [d.entity for d in deletes] == ["account"]
    assert json.loads(deletes[0].old_value or "{}")["name"] == "Gone GmbH"
    with context.read() as session:
        tombstone = session.scalars(select(Tombstone)).one()
    assert tombstone.client_id == client_id
    assert json.loads(tombstone.external_refs) == [{"source": "hubspot", "external_id": "512"}]


def test_a_write_without_origin_is_refused(context: AppContext) -> None:
    session = context.portfolio.sessions()
    try:
        session.add(Account(name="Sneaky"))
        with pytest.raises(MissingOriginError):
            session.flush()
    finally:
        session.rollback()
        session.close()

    with context.read() as session:
        assert session.scalar(select(func.count()).select_from(Account)) == 0


def test_failure_rolls_back_the_edit_and_its_log(context: AppContext) -> None:
    with pytest.raises(RuntimeError), context.write() as session:
        session.add(Account(name="Half Done"))
        session.flush()
        raise RuntimeError("disk went away")

    with context.read() as session:
        assert session.scalar(select(func.count()).select_from(Account)) == 0
        assert session.scalar(select(func.count()).select_from(ChangeLogEntry)) == 0


def test_bulk_paths_record_changes_in_the_same_transaction(context: AppContext) -> None:
    with context.write(origin="import") as session:
        connection = session.connection()
        record_changes(connection, [Change("usage_daily", "1:2024-01-01", "create",
                                           new_value={"events": 5})], "import", "tester")
    entries = _log(context)
    assert [(e.entity, e.entity_id, e.op) for e in entries] == [
        ("usage_daily", "1:2024-01-01", "create")
    ]

    with pytest.raises(MissingOriginError), context.write() as session:
        record_changes(session.connection(), [Change("x", "1", "create")], "", "")


def test_money_is_stored_in_minor_units(context: AppContext) -> None:
    from datetime import date

    from csdesk.money import Money

    with context.write() as session:
        account = Account(name="Yen KK")
        session.add(account)
        session.flush()
        amount = Money.of("12345678901234567.89", "EUR")
        session.add(Contract(account_id=account.id, start_date=date(2024, 1, 1),
                             amount_minor=amount.to_minor(), currency="EUR"))
    with context.read() as session:
        contract = session.scalars(select(Contract)).one()
    assert contract.amount == Money.of("12345678901234567.89", "EUR")


def test_grouped_usage_changes_are_one_entry_per_account(context: AppContext) -> None:
    daily = [(2, "2024-01-02", None, 3, 12), (1, "2024-01-01", 5, None, 7),
             (2, "2024-01-01", 1, 1, 1)]
    features = [(1, "2024-01-01", "search", 2, None, 0), (1, "2024-01-01", "export", 4, 9, 1)]
    nested = nest_rows(daily, 2, ["active_users", "sessions", "events"])
    assert nested == {
        1: {"2024-01-01": {"active_users": 5, "sessions": None, "events": 7}},
        2: {"2024-01-01": {"active_users": 1, "sessions": 1, "events": 1},
            "2024-01-02": {"active_users": None, "sessions": 3, "events": 12}},
    }
    assert nest_rows(features, 3, ["count", "duration_secs", "errors"]) == {
        1: {"2024-01-01": {"export": {"count": 4, "duration_secs": 9, "errors": 1},
                           "search": {"count": 2, "duration_secs": None, "errors": 0}}}}

    with context.write(origin="import") as session:
        written = record_grouped_changes(session.connection(), [
            GroupedChange("usage_daily", "2", {"2024-01-01": {"events": 0}}, nested[2]),
            GroupedChange("usage_daily", "1", None, None),
        ], "import", "tester", "usage.csv")
    assert written == 1
    [entry] = _log(context)
    assert (entry.entity, entry.entity_id, entry.op, entry.field, entry.context) == (
        "usage_daily", "2", "upsert", None, "usage.csv")
    assert json.loads(entry.old_value) == {"2024-01-01": {"events": 0}}
    assert json.loads(entry.new_value) == nested[2]
    assert entry.changed_at.tzinfo is not None

    with pytest.raises(MissingOriginError), context.write() as session:
        record_grouped_changes(session.connection(),
                               [GroupedChange("usage_daily", "1", None, nested[1])], "", "")


@pytest.mark.parametrize(("key_width", "columns", "rows"), [
    (2, ["active_users", "sessions", "events"],
     [(2, "2024-01-02", None, 3, 12), (1, "2024-01-01", 5, None, 7), (2, "2024-01-01", 1, 1, 1)]),
    (3, ["count", "duration_secs", "errors"],
     [(1, "2024-01-01", "search", 2, None, 0), (1, "2024-01-01", "export", 4, 9, 1),
      (1, "2024-01-02", "Café 50%", 1, 0, 0), (4, "2024-01-01", 'say "hi", then', 3, 0, 0)]),
])
def test_encoded_rows_are_the_json_of_the_nested_rows(key_width: int, columns: list[str],
                                                      rows: list[tuple]) -> None:
    encoded = encode_rows(rows, key_width, columns)
    nested = nest_rows(rows, key_width, columns)
    assert list(encoded) == sorted(nested)
    assert {account: json.loads(text) for account, text in encoded.items()} == nested
    # Byte for byte what the log stores for the same values given as dicts.
    assert encoded == {account: json.dumps(days, ensure_ascii=False, sort_keys=True)
                       for account, days in nested.items()}


def test_pending_changes_are_the_users_own_unpushed_edits(context: AppContext) -> None:
    from csdesk.services.status import pending_change_count

    with context.write(origin="import") as session:
        session.add(Account(name="Imported"))
    with context.write(origin="user") as session:
        session.add(Account(name="Typed by hand"))
    with context.read() as session:
        assert pending_change_count(session) == 1
