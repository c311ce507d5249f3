"""Tiers on a real portfolio: apply, override, clear, history, rules edits and the commands."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from csdesk.models import Account, ChangeLogEntry, Contract, CurrencyRate, TierChange
from csdesk.services.context import AppContext


def build(context: AppContext) -> dict[str, int]:
    """Acme 120k USD, Beta 5k USD but strategic, Gamma 30k EUR (= 33k USD), Delta none."""
    with context.write(origin="user") as s:
        s.add(CurrencyRate(currency="EUR", rate="1.10"))
        accounts = {
            "Acme": Account(name="Acme", owner="Dana"),
            "Beta": Account(name="Beta", owner="Lee", strategic=True),
            "Gamma": Account(name="Gamma", owner="Dana"),
            "Delta": Account(name="Delta", owner="Lee"),
        }
        s.add_all(accounts.values())
        s.flush()
        for name, minor, currency in (("Acme", 12_000_000, "USD"), ("Beta", 500_000, "USD"),
                                      ("Gamma", 3_000_000, "EUR")):
            s.add(Contract(account_id=accounts[name].id, start_date=date(2024, 1, 1),
                           amount_minor=minor, currency=currency))
        return {name: a.id for name, a in accounts.items()}


def changes(context: AppContext, account_id: int) -> list[tuple[Any, ...]]:
    with context.read() as s:
        rows = s.scalars(select(TierChange).where(TierChange.account_id == account_id)
                         .order_by(TierChange.id))
        return [(c.changed_on, c.old_tier, c.new_tier, c.source, c.reason) for c in rows]


def test_tiers_lists_rule_tiers_with_arr_in_the_reporting_currency(context, run_cli) -> None:
    build(context)

    result = run_cli("tiers", "--json", "--as-of", "2024-06-01")

    assert result.code == 0, result.err
    by_name = {row["account"]["name"]: row for row in result.json()}
    assert by_name["Acme"]["tier"] == 1
    assert by_name["Beta"]["tier"] == 1
    assert by_name["Beta"]["reason"] == "marked strategic (rule 1)"
    assert by_name["Gamma"]["tier"] == 2
    assert by_name["Gamma"]["arr"] == {"amount": "33000.00", "currency": "USD"}
    assert by_name["Delta"]["tier"] == 3
    assert all(row["pending"] for row in by_name.values())
    assert all(row["source"] == "rule" and row["override"] is None for row in by_name.values())


def test_apply_records_first_tiers_then_only_changes(context, run_cli) -> None:
    ids = build(context)

    first = run_cli("tiers", "apply", "--as-of", "2024-06-01", "--json")
    again = run_cli("tiers", "apply", "--as-of", "2024-06-02", "--json")

    assert first.code == 0, first.err
    assert len(first.json()["changes"]) == 4
    assert again.json() == {"as_of": "2024-06-02", "unchanged": 4, "changes": []}
    assert changes(context, ids["Gamma"]) == [
        (date(2024, 6, 1), None, 2, "rule", "ARR $33,000.00 >= $25,000.00 (rule 3)")]
    with context.read() as s:
        assert s.get(Account, ids["Gamma"]).tier == 2


def test_apply_follows_the_rates_table_and_records_the_move(context, run_cli) -> None:
    ids = build(context)
    run_cli("tiers", "apply", "--as-of", "2024-06-01")
    with context.write(origin="user") as s:
        s.get(CurrencyRate, "EUR").rate = "0.80"

    result = run_cli("tiers", "apply", "--as-of", "2024-07-01")

    assert result.code == 0, result.err
    assert "Gamma: tier 2 -> tier 3" in result.out
    assert changes(context, ids["Gamma"])[-1][:4] == (date(2024, 7, 1), 2, 3, "rule")


def test_override_wins_over_rules_and_is_kept_by_apply(context, run_cli) -> None:
    ids = build(context)
    run_cli("tiers", "apply", "--as-of", "2024-06-01")

    result = run_cli("tier", "set", "Gamma", "1", "--reason", "board sponsor",
                     "--as-of", "2024-07-01")
    run_cli("tiers", "apply", "--as-of", "2024-08-01")
    listing = {r["account"]["name"]: r for r in
               run_cli("tiers", "--json", "--as-of", "2024-08-01").json()}

    assert result.code == 0, result.err
    assert listing["Gamma"]["tier"] == 1
    assert listing["Gamma"]["source"] == "override"
    assert listing["Gamma"]["override"] == {"tier": 1, "reason": "board sponsor"}
    assert listing["Gamma"]["rule_tier"] == 2
    assert listing["Gamma"]["pending"] is False
    assert changes(context, ids["Gamma"])[-1] == (date(2024, 7, 1), 2, 1, "override",
                                                  "board sponsor")
    with context.read() as s:
        logged = s.scalars(select(ChangeLogEntry).where(
            ChangeLogEntry.entity == "account", ChangeLogEntry.field == "tier_override")).all()
    assert [json.loads(e.new_value) for e in logged] == [1]


def test_clear_lets_the_rules_decide_again(context, run_cli) -> None:
    ids = build(context)
    run_cli("tiers", "apply", "--as-of", "2024-06-01")
    run_cli("tier", "set", "Acme", "3", "--reason", "pilot only", "--as-of", "2024-07-01")

    result = run_cli("tier", "clear", "Acme", "--as-of", "2024-08-01")
    history = run_cli("tiers", "history", "Acme", "--json").json()

    assert result.code == 0, result.err
    assert [(c["old_tier"], c["new_tier"], c["source"]) for c in history["changes"]] == [
        (None, 1, "rule"), (1, 3, "override"), (3, 1, "rule")]
    assert history["changes"][-1]["reason"].startswith("override cleared; ARR $120,000.00")
    with context.read() as s:
        account = s.get(Account, ids["Acme"])
        assert (account.tier_override, account.tier_override_reason, account.tier) == (
            None, None, 1)


def test_tier_commands_refuse_bad_input_and_change_nothing(context, run_cli) -> None:
    ids = build(context)

    no_reason = run_cli("tier", "set", "Acme", "2")
    blank_reason = run_cli("tier", "set", "Acme", "2", "--reason", "  ")
    bad_tier = run_cli("tier", "set", "Acme", "5", "--reason", "x")
    unknown = run_cli("tier", "set", "Nobody", "2", "--reason", "x")
    nothing_to_clear = run_cli("tier", "clear", "Acme")

    assert no_reason.code == 2 and "--reason" in no_reason.err
    assert blank_reason.code == 1 and "say why" in blank_reason.err
    assert bad_tier.code == 2
    assert unknown.code == 1 and "no account matches 'Nobody'" in unknown.err
    assert nothing_to_clear.code == 1 and "Acme has no tier set by hand" in nothing_to_clear.err
    with context.read() as s:
        assert s.get(Account, ids["Acme"]).tier_override is None
        assert s.scalars(select(TierChange)).all() == []


def test_a_missing_rate_names_the_account_and_what_to_do(context, run_cli) -> None:
    build(context)
    with context.write(origin="user") as s:
        s.delete(s.get(CurrencyRate, "EUR"))

    result = run_cli("tiers", "--as-of", "2024-06-01")

    assert result.code == 1
    assert "Gamma: no exchange rate from EUR to USD" in result.err


def test_rules_file_replaces_rules_and_a_bad_file_keeps_the_old_ones(
    context, run_cli, tmp_path: Path
) -> None:
    build(context)
    good = tmp_path / "rules.json"
    good.write_text(json.dumps({"rules": [{"tier": 1, "min_arr": "30000"}], "otherwise": 2}))
    bad = tmp_path / "bad.json"
    bad.write_text('{"rules": [{"tier": 1, "min_arr": "30000"}], "otherwise": 7}')
    broken = tmp_path / "broken.json"
    broken.write_text('{"rules": [')

    replaced = run_cli("tiers", "rules", "--file", str(good))
    refused = run_cli("tiers", "rules", "--file", str(bad))
    unreadable = run_cli("tiers", "rules", "--file", str(broken))
    listing = {r["account"]["name"]: r["tier"]
               for r in run_cli("tiers", "--json", "--as-of", "2024-06-01").json()}

    assert replaced.code == 0, replaced.err
    assert refused.code == 1 and "'otherwise' must be 1, 2 or 3" in refused.err
    assert unreadable.code == 1 and "is not valid JSON: line 1" in unreadable.err
    assert listing == {"Acme": 1, "Beta": 2, "Gamma": 1, "Delta": 2}
    assert json.loads(run_cli("tiers", "rules").out)["otherwise"] == 2


def test_me_shows_sets_and_unsets_the_name(context, run_cli) -> None:
    build(context)

    unset = run_cli("me")
    set_known = run_cli("me", "Dana")
    shown = run_cli("me")
    set_unknown = run_cli("me", "Robin")
    cleared = run_cli("me", "--unset")

    assert "`me` is not set" in unset.out
    assert set_known.out.strip() == "you are Dana"
    assert shown.out.strip() == "Dana"
    assert "no account is owned by Robin yet (owners in the book: Dana, Lee)" in set_unknown.out
    assert "unset" in cleared.out
    assert "`me` is not set" in run_cli("me").out
