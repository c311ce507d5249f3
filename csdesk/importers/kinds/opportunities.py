"""Opportunities (deals): renewals, expansions and new business, with the forecast."""

from __future__ import annotations

from typing import Any

from csdesk.importers.fields import header_key
from csdesk.importers.kinds.common import (
    KindContext,
    KindOutcome,
    drop_null_required,
    money_minor,
    plan_records,
)
from csdesk.importers.records import RowRecord

DIRECT = ("name", "kind", "stage", "close_date", "forecast_category")


def closed_state(stage: str | None, category: str | None) -> tuple[bool, bool] | None:
    """(closed, won) from the CRM stage ('Closed Won', 'closedlost') or the category."""
    key = header_key(stage or "").replace(" ", "")
    if "closedwon" in key or key == "won":
        return True, True
    if "closedlost" in key or key == "lost":
        return True, False
    if category in ("closed_won", "closed_lost"):
        return True, category == "closed_won"
    if stage is None and category is None:
        return None
    return False, False


def plan(ctx: KindContext) -> KindOutcome:
    """Plan the opportunities of the file, with their forecast and closed state."""
    columns = ctx.bound(*DIRECT)
    external = ctx.parsed.column("external_id")
    forecast = ctx.parsed.bindings.by_field.get("forecast_category")
    records: list[RowRecord] = []
    for i, (line, account_id) in enumerate(zip(ctx.parsed.lines, ctx.account_ids,
                                               strict=True)):
        if account_id is None:
            continue  # already reported: the account is unknown
        values: dict[str, Any] = {"account_id": account_id}
        values.update((name, column[i]) for name, column in columns)
        if forecast is not None:
            # Keep the CRM's own spelling beside csdesk's category.
            raw = ctx.table.rows[i][forecast.column] if forecast.column is not None \
                else forecast.constant
            values["crm_forecast_value"] = (raw or "").strip() or None
        if ctx.parsed.has("amount"):
            values["amount_minor"], values["currency"] = money_minor(ctx.money(i))
        state = closed_state(values.get("stage"), values.get("forecast_category"))
        if state is not None:
            values["is_closed"], values["is_won"] = state
        if values.get("forecast_category") == "closed":
            values["forecast_category"] = "closed_won" if state and state[1] else "closed_lost"
        elif values.get("forecast_category") == "omitted":
            values["forecast_category"] = None
        records.append(RowRecord(line, drop_null_required("opportunity", values), external[i]))

    outcome = KindOutcome()
    outcome.add_plan("opportunity", plan_records(
        ctx, "opportunity", records, ("account_id", "name"), {"kind": "renewal"},
        "opportunity"))
    return outcome
