"""Contracts (subscriptions): the quoted amount and its period, kept apart from invoicing."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from csdesk.importers.kinds.common import (
    KindContext,
    KindOutcome,
    drop_null_required,
    is_negative,
    money_minor,
    plan_records,
)
from csdesk.importers.records import Matched, RowRecord
from csdesk.services.importing import existing_records

DIRECT = ("name", "plan", "start_date", "term_months", "amount_period", "billing_frequency",
          "recurring", "is_trial", "auto_renew", "notice_days", "seats")
NATURAL_KEY = ("account_id", "start_date", "name", "plan")
CREATE_DEFAULTS = {"amount_period": "year", "billing_frequency": "annual", "recurring": True,
                   "is_trial": False, "auto_renew": False}


def plan(ctx: KindContext) -> KindOutcome:
    """Plan the contracts of the file and report overlaps and churned accounts."""
    columns = ctx.bound(*DIRECT)
    external = ctx.parsed.column("external_id")
    ends = ctx.parsed.column("end_date")
    inclusive = ctx.mapping.options.end_date_inclusive
    records: list[RowRecord] = []
    for i, (line, account_id) in enumerate(zip(ctx.parsed.lines, ctx.account_ids,
                                               strict=True)):
        if account_id is None:
            continue  # already reported: the account is unknown
        values: dict[str, Any] = {"account_id": account_id}
        values.update((name, column[i]) for name, column in columns)
        if ctx.parsed.has("end_date"):
            end = ends[i]
            # csdesk's end date is the first day without the contract.
            values["end_date"] = end + timedelta(days=1) if end and inclusive else end
        money = ctx.money(i)
        if money is not None:
            values["amount_minor"], values["currency"] = money_minor(money)
        _check(ctx, i, line, values)
        ctx.check_not_before_signup(account_id, values.get("start_date"), line, "contracts")
        records.append(RowRecord(line, drop_null_required("contract", values), external[i]))

    outcome = KindOutcome()
    entity_plan = plan_records(ctx, "contract", records, NATURAL_KEY, CREATE_DEFAULTS,
                               "contract")
    outcome.add_plan("contract", entity_plan)
    _overlaps_and_churn(ctx, entity_plan.matched)
    return outcome


def _check(ctx: KindContext, index: int, line: int, values: dict[str, Any]) -> None:
    start, end = values.get("start_date"), values.get("end_date")
    if start and end and end <= start:
        how = " (read as the last day, as the mapping says)" \
            if ctx.mapping.options.end_date_inclusive else ""
        ctx.problems.add(line, ctx.parsed.where("end_date"), (
            f"the contract ends ({ctx.parsed.column('end_date')[index]}){how} before it "
            f"starts ({start.isoformat()}); csdesk's end date is the first day without the "
            "contract (set end_date_inclusive = true in [options] if the file gives the "
            "last day)"))
    if values.get("amount_period") == "term" and not (values.get("term_months") or end):
        ctx.problems.add(line, ctx.parsed.where("amount_period"),
                         "a price for the whole term needs an end date or a term in months")
    if is_negative(values.get("amount_minor")):
        ctx.problems.add(line, ctx.parsed.where("amount"), "is negative; a contract's amount "
                         "is what the customer pays")
    for name in ("seats", "term_months", "notice_days"):
        if is_negative(values.get(name)):
            ctx.problems.add(line, ctx.parsed.where(name), "is negative")


def _overlaps_and_churn(ctx: KindContext, matched: list[Matched]) -> None:
    """Overlapping contracts of one account, and churned accounts with live contracts."""
    touched = {m.record.values["account_id"] for m in matched
               if m.record.values.get("account_id") is not None}
    stored = existing_records(ctx.session, "contract", ["account_id", "start_date", "end_date"],
                              touched)
    spans: dict[Any, dict[Any, tuple[date, date | None, int | None]]] = defaultdict(dict)
    for contract_id, values in stored.items():
        spans[values["account_id"]][contract_id] = (values["start_date"], values["end_date"],
                                                    None)
    for m in matched:
        v = m.record.values
        old = stored.get(m.target) if isinstance(m.target, int) else None
        start = v.get("start_date", old["start_date"] if old else None)
        end = v["end_date"] if "end_date" in v else (old["end_date"] if old else None)
        if start is not None:
            spans[v["account_id"]][m.target] = (start, end, m.record.line)

    for account_id, contracts in spans.items():
        overlapping = _overlapping(list(contracts.values()))
        if overlapping:
            line = min((s[2] for s in contracts.values() if s[2]), default=None)
            ctx.anomalies.add("overlapping_contracts", "accounts with overlapping contracts "
                              "(each counts in ARR while active)", line,
                              f"{ctx.account_label(account_id)}: {overlapping} of "
                              f"{len(contracts)} contracts overlap another")
        facts = ctx.accounts.facts.get(account_id)
        if facts and facts.journey_stage == "churned" and any(
                end is None for _, end, _ in contracts.values()):
            line = min((s[2] for s in contracts.values() if s[2]), default=None)
            ctx.anomalies.add("churned_with_live_contracts", "accounts flagged churned that "
                              "keep live (open-ended) contracts; their ARR still counts",
                              line, facts.name)


def _overlapping(spans: list[tuple[date, date | None, int | None]]) -> int:
    """How many contracts overlap at least one other (end None = still running)."""
    far = date.max

    def overlap(a: tuple[date, date | None, Any], b: tuple[date, date | None, Any]) -> bool:
        return a[0] < (b[1] or far) and b[0] < (a[1] or far)

    return sum(1 for i, a in enumerate(spans)
               if any(overlap(a, b) for j, b in enumerate(spans) if i != j))
