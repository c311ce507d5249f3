"""Accounts: the customer companies, matched by their id in the source or by name."""

from __future__ import annotations

from csdesk.importers.kinds.common import (
    KindContext,
    KindOutcome,
    drop_null_required,
    is_negative,
    plan_records,
)
from csdesk.importers.records import RowRecord
from csdesk.services.importing import existing_records

DIRECT = ("name", "owner", "segment", "industry", "country", "licensed_seats",
          "customer_since", "website", "strategic")


def plan(ctx: KindContext) -> KindOutcome:
    """Plan the accounts of the file: create, update, or leave unchanged."""
    columns = ctx.bound(*DIRECT)
    external = ctx.parsed.column("external_id")
    churned = ctx.parsed.column("churned")
    records: list[RowRecord] = []
    for i, line in enumerate(ctx.parsed.lines):
        values = {name: column[i] for name, column in columns}
        if is_negative(values.get("licensed_seats")):
            ctx.problems.add(line, ctx.parsed.where("licensed_seats"),
                             "is negative; seats are a count")
        if churned[i]:
            values["journey_stage"] = "churned"
        records.append(RowRecord(line, drop_null_required("account", values), external[i],
                                 {"churned": churned[i]}))

    outcome = KindOutcome()
    entity_plan = plan_records(ctx, "account", records, ("name",), {}, "account")
    outcome.add_plan("account", entity_plan)
    _churned_with_live_contracts(ctx, entity_plan.matched)
    return outcome


def _churned_with_live_contracts(ctx: KindContext, matched: list) -> None:
    """Accounts the file flags as churned while an open-ended contract still runs."""
    flagged = {m.target: m.record for m in matched
               if m.record.extra.get("churned") and isinstance(m.target, int)}
    if not flagged:
        return
    contracts = existing_records(ctx.session, "contract", ["account_id", "end_date"],
                                 flagged)
    live = {c["account_id"] for c in contracts.values() if c["end_date"] is None}
    for account_id in sorted(live):
        record = flagged[account_id]
        ctx.anomalies.add("churned_with_live_contracts", "accounts flagged churned that keep "
                          "live (open-ended) contracts; their ARR still counts",
                          record.line, f"{record.values.get('name') or account_id}")
