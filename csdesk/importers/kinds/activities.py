"""Activities: calls, meetings, emails and reviews with the customer."""

from __future__ import annotations

import re
from typing import Any

from csdesk.importers.kinds.common import (
    KindContext,
    KindOutcome,
    drop_null_required,
    plan_records,
)
from csdesk.importers.records import RowRecord
from csdesk.services.importing import existing_records

DIRECT = ("occurred_on", "summary", "body", "author")
NATURAL_KEY = ("account_id", "kind", "occurred_on", "summary")


def activity_kind(text: str) -> str:
    """The stored spelling of an activity type: 'Business Review' -> 'business_review'."""
    return re.sub(r"[\W_]+", "_", text.casefold()).strip("_")[:40]


def contact_ids_by_email(ctx: KindContext) -> dict[str, int]:
    """Stored contacts by case-folded email."""
    contacts = existing_records(ctx.session, "contact", ["email"])
    return {v["email"].strip().casefold(): cid for cid, v in sorted(contacts.items())
            if v["email"]}


def contact_for(ctx: KindContext, contacts: dict[str, int], email: str | None, line: int,
                what: str) -> int | None:
    """The contact with ``email``; an unknown email is reported, not an error."""
    if email is None:
        return None
    found = contacts.get(email.casefold())
    if found is None:
        ctx.anomalies.add("unknown_contact", f"{what} from an email that is not a known "
                          "contact (kept without a contact)", line, email)
    return found


def plan(ctx: KindContext) -> KindOutcome:
    """Plan the activities of the file."""
    columns = ctx.bound(*DIRECT)
    external = ctx.parsed.column("external_id")
    kinds = ctx.parsed.column("kind")
    emails = ctx.parsed.column("contact_email")
    contacts = contact_ids_by_email(ctx) if ctx.parsed.has("contact_email") else {}
    records: list[RowRecord] = []
    for i, (line, account_id) in enumerate(zip(ctx.parsed.lines, ctx.account_ids,
                                               strict=True)):
        if account_id is None:
            continue  # already reported: the account is unknown
        values: dict[str, Any] = {"account_id": account_id}
        values.update((name, column[i]) for name, column in columns)
        if kinds[i] is not None:
            values["kind"] = activity_kind(kinds[i])
        if ctx.parsed.has("contact_email"):
            values["contact_id"] = contact_for(ctx, contacts, emails[i], line, "activities")
        ctx.check_not_before_signup(account_id, values.get("occurred_on"), line, "activities")
        records.append(RowRecord(line, drop_null_required("activity", values), external[i]))

    outcome = KindOutcome()
    outcome.add_plan("activity", plan_records(ctx, "activity", records, NATURAL_KEY, {},
                                              "activity"))
    return outcome
