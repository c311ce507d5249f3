"""Contacts: people at the customer, matched by their id in the source or by email."""

from __future__ import annotations

from typing import Any

from csdesk.importers.kinds.common import (
    KindContext,
    KindOutcome,
    drop_null_required,
    plan_records,
)
from csdesk.importers.records import RowRecord

DIRECT = ("email", "title", "phone", "roles", "left_company")


def split_name(full: str) -> tuple[str | None, str]:
    """First and last name from a full name: 'Doe, Jane' or 'Jane Q. Doe' (last word last)."""
    if "," in full:
        last, _, first = full.partition(",")
        return first.strip() or None, last.strip()
    parts = full.split()
    if len(parts) == 1:
        return None, parts[0]
    return " ".join(parts[:-1]), parts[-1]


def plan(ctx: KindContext) -> KindOutcome:
    """Plan the contacts of the file: create, update, or leave unchanged."""
    columns = ctx.bound(*DIRECT)
    external = ctx.parsed.column("external_id")
    full, first, last = (ctx.parsed.column(n) for n in ("full_name", "first_name", "last_name"))
    names_bound = any(ctx.parsed.has(n) for n in ("full_name", "first_name", "last_name"))
    records: list[RowRecord] = []
    for i, (line, account_id) in enumerate(zip(ctx.parsed.lines, ctx.account_ids,
                                               strict=True)):
        if account_id is None:
            continue  # already reported: the account is unknown
        values: dict[str, Any] = {"account_id": account_id}
        values.update((name, column[i]) for name, column in columns)
        if names_bound:
            first_name, last_name = first[i], last[i]
            if full[i] and not (first_name or last_name):
                first_name, last_name = split_name(full[i])
            values["first_name"], values["last_name"] = first_name, last_name
        if not (values.get("first_name") or values.get("last_name") or values.get("email")):
            ctx.problems.add(line, None, "the contact has neither a name nor an email")
        if ctx.key_mode == "natural" and not values.get("email"):
            ctx.problems.add(line, ctx.parsed.where("email"), "is empty; without a contact "
                             "id column, contacts are matched by email")
        if values.get("left_company") is None:
            values.pop("left_company", None)
        records.append(RowRecord(line, drop_null_required("contact", values), external[i]))

    outcome = KindOutcome()
    outcome.add_plan("contact", plan_records(ctx, "contact", records, ("email",),
                                             {"roles": ""}, "contact"))
    return outcome
