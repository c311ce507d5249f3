"""Churn events: when an account left, why (a fixed taxonomy) and the free-text feedback."""

from __future__ import annotations

from typing import Any

from csdesk.importers.kinds.common import (
    KindContext,
    KindOutcome,
    drop_null_required,
    is_negative,
    money_minor,
    plan_records,
)
from csdesk.importers.records import RowRecord
from csdesk.services.importing import existing_records

DIRECT = ("churned_on", "reason", "feedback", "is_reactivation")


def plan(ctx: KindContext) -> KindOutcome:
    """Plan the churn events of the file and report accounts that keep live contracts."""
    columns = ctx.bound(*DIRECT)
    external = ctx.parsed.column("external_id")
    records: list[RowRecord] = []
    for i, (line, account_id) in enumerate(zip(ctx.parsed.lines, ctx.account_ids,
                                               strict=True)):
        if account_id is None:
            continue  # already reported: the account is unknown
        values: dict[str, Any] = {"account_id": account_id}
        values.update((name, column[i]) for name, column in columns)
        if ctx.parsed.has("lost_arr"):
            values["lost_arr_minor"], values["currency"] = money_minor(ctx.money(i, "lost_arr"))
            if is_negative(values["lost_arr_minor"]):
                ctx.problems.add(line, ctx.parsed.where("lost_arr"), "is negative")
        ctx.check_not_before_signup(account_id, values.get("churned_on"), line,
                                    "churn events")
        records.append(RowRecord(line, drop_null_required("churn_event", values), external[i]))

    outcome = KindOutcome()
    entity_plan = plan_records(ctx, "churn_event", records, ("account_id", "churned_on"), {},
                               "churn event")
    outcome.add_plan("churn_event", entity_plan)
    _still_live(ctx, [m.record for m in entity_plan.matched])
    return outcome


def _still_live(ctx: KindContext, records: list[RowRecord]) -> None:
    """Accounts that churned (not a reactivation) while a contract with no end runs on."""
    churned: dict[int, RowRecord] = {}
    for record in records:
        v = record.values
        if not v.get("is_reactivation") and v.get("account_id") is not None:
            churned.setdefault(v["account_id"], record)
    if not churned:
        return
    contracts = existing_records(ctx.session, "contract", ["account_id", "start_date",
                                                           "end_date"], churned)
    for contract in contracts.values():
        found = churned.get(contract["account_id"])
        if found is None or contract["end_date"] is not None:
            continue
        churned_on = found.values.get("churned_on")
        if churned_on is not None and contract["start_date"] <= churned_on:
            ctx.anomalies.add("churned_with_live_contracts", "accounts with a churn event that "
                              "keep a live (open-ended) contract started before it",
                              found.line, ctx.account_label(contract["account_id"]))
            churned.pop(contract["account_id"])
