"""An account's contracts (with ARR) and its opportunities (with forecast categories)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from csdesk.money import Money
from csdesk.ui import formatting as fmt
from csdesk.ui.qtmodels.record_table_model import RIGHT, Column, RecordTableModel


def _money(data: dict[str, str] | None) -> Money | None:
    return Money(Decimal(data["amount"]), data["currency"]) if data else None


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _renewal_terms(row: dict[str, Any]) -> str:
    if not row["auto_renew"]:
        return "Manual renewal"
    notice = row.get("notice_days")
    return f"Auto-renews, {notice} days' notice" if notice else "Auto-renews"


class ContractsTableModel(RecordTableModel):
    NAME, PLAN, START, END, ARR, STATUS, TERMS = range(7)
    COLUMNS = (
        Column("Contract", lambda r: r["name"] or f"Contract {r['id']}", lambda r: r["name"]),
        Column("Plan", lambda r: r["plan"] or "—", lambda r: r["plan"]),
        Column("Start", lambda r: fmt.day(_day(r["start_date"])), lambda r: r["start_date"]),
        Column("End", lambda r: fmt.day(_day(r["end_date"])) if r["end_date"] else "Open-ended",
               lambda r: r["end_date"], header_tip="The first day without the contract"),
        Column("ARR", lambda r: fmt.money(_money(r["arr"])),
               lambda r: Decimal(r["arr"]["amount"]), align=RIGHT),
        Column("Status", lambda r: "Active" if r["active"] else "Not active",
               lambda r: r["active"]),
        Column("Renewal terms", _renewal_terms, _renewal_terms),
    )

    def row_key(self, row: dict[str, Any]) -> object:
        return row["id"]


class OpportunitiesTableModel(RecordTableModel):
    NAME, KIND, STAGE, CLOSE, AMOUNT, CATEGORY = range(6)
    COLUMNS = (
        Column("Opportunity", lambda r: r["name"] or f"Opportunity {r['id']}",
               lambda r: r["name"]),
        Column("Kind", lambda r: fmt.label(r["kind"]), lambda r: r["kind"]),
        Column("Stage", lambda r: r["stage"] or "—", lambda r: r["stage"]),
        Column("Close date", lambda r: fmt.day(_day(r["close_date"])), lambda r: r["close_date"]),
        Column("Amount", lambda r: fmt.money(_money(r["amount"])),
               lambda r: Decimal(r["amount"]["amount"]) if r["amount"] else None, align=RIGHT),
        Column("Forecast", lambda r: fmt.label(r["forecast_category"]),
               lambda r: r["forecast_category"]),
    )

    def row_key(self, row: dict[str, Any]) -> object:
        return row["id"]
