"""Support cases (tickets), and the satisfaction score each may carry.

A ticket's satisfaction score becomes a CSAT answer of topic "support" linked to the case;
an empty score is no answer (never 0).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from csdesk.importers.fields import header_key
from csdesk.importers.kinds.common import (
    KindContext,
    KindOutcome,
    drop_null_required,
    plan_records,
)
from csdesk.importers.records import EntityPlan, Matched, RowRecord, plan_entity
from csdesk.services.importing import existing_records

DIRECT = ("subject", "priority", "opened_at", "escalated", "first_response_minutes")
NATURAL_KEY = ("account_id", "opened_at", "subject")
CLOSED_STATUSES = frozenset({"closed", "resolved", "done", "solved", "completed", "cancelled",
                             "canceled", "closed won", "closed lost"})
DEFAULT_SCALE = (1, 5)


def plan(ctx: KindContext) -> KindOutcome:
    """Plan the cases of the file and the satisfaction answers they carry."""
    columns = ctx.bound(*DIRECT)
    external = ctx.parsed.column("external_id")
    scores = ctx.parsed.column("satisfaction")
    records: list[RowRecord] = []
    for i, (line, account_id) in enumerate(zip(ctx.parsed.lines, ctx.account_ids,
                                               strict=True)):
        if account_id is None:
            continue  # already reported: the account is unknown
        values: dict[str, Any] = {"account_id": account_id}
        values.update((name, column[i]) for name, column in columns)
        _closing(ctx, i, line, values)
        opened = values.get("opened_at")
        ctx.check_not_before_signup(account_id, opened.date() if opened else None, line,
                                    "cases")
        if values.get("first_response_minutes") is not None \
                and values["first_response_minutes"] < 0:
            ctx.problems.add(line, ctx.parsed.where("first_response_minutes"), "is negative")
        records.append(RowRecord(line, drop_null_required("support_case", values),
                                 external[i], {"satisfaction": scores[i]}))

    outcome = KindOutcome()
    case_plan = plan_records(ctx, "support_case", records, NATURAL_KEY, {}, "case")
    outcome.add_plan("support_case", case_plan)
    if ctx.parsed.has("satisfaction"):
        outcome.add_plan("survey_response", _answers(ctx, case_plan.matched))
    return outcome


def _closing(ctx: KindContext, index: int, line: int, values: dict[str, Any]) -> None:
    """closed_at from the close time, or from a Closed flag or status without one."""
    has_time = ctx.parsed.has("closed_at")
    closed_at: datetime | None = ctx.parsed.column("closed_at")[index]
    flag = ctx.parsed.column("closed")[index]
    status = ctx.parsed.column("status")[index]
    said_closed = flag is True or (status is not None
                                   and header_key(status) in CLOSED_STATUSES)
    opened = values.get("opened_at")

    if closed_at is None and said_closed and opened is not None:
        closed_at = opened
        ctx.anomalies.add("closed_without_time", "cases marked closed without a close time "
                          "(the open time is used)", line, f"opened {opened.isoformat()}")
    if closed_at is not None and opened is not None and closed_at < opened:
        ctx.problems.add(line, ctx.parsed.where("closed_at"), (
            f"the case closes ({closed_at.isoformat()}) before it opens "
            f"({opened.isoformat()})"))
    if has_time or ctx.parsed.has("closed") or ctx.parsed.has("status"):
        values["closed_at"] = closed_at


def _answers(ctx: KindContext, matched: list[Matched]) -> EntityPlan:
    """The satisfaction answers of the cases, matched by case (one support CSAT per case)."""
    low, high = ctx.mapping.options.scale or DEFAULT_SCALE
    where = ctx.parsed.where("satisfaction")
    records: list[RowRecord] = []
    empty = 0
    examples: list[str] = []
    for m in matched:
        score = m.record.extra.get("satisfaction")
        case = m.record.values
        if score is None:
            empty += 1
            if len(examples) < 5:
                examples.append(f"line {m.record.line}")
            continue
        if not low <= score <= high:
            ctx.problems.add(m.record.line, where, f"{score} is outside the scale {low}-{high} "
                             "(set [options] scale = [lowest, highest] if it differs)")
            continue
        answered = case.get("closed_at") or case.get("opened_at")
        records.append(RowRecord(m.record.line, {
            "account_id": case["account_id"], "case_id": m.target, "kind": "csat",
            "topic": "support", "score": score, "scale_min": low, "scale_max": high,
            "answered_on": answered.date() if answered else None,
        }))
    ctx.anomalies.add_many("empty_satisfaction", "cases without a satisfaction score (no "
                           "answer, not 0)", empty, examples)
    return plan_records_by_case(ctx, records)


def plan_records_by_case(ctx: KindContext, records: list[RowRecord]) -> EntityPlan:
    """Answers have no id of their own in a ticket export: the case identifies them."""
    existing = existing_records(ctx.session, "survey_response",
                                ["account_id", "case_id", "kind", "topic", "score",
                                 "scale_min", "scale_max", "answered_on"])
    existing = {k: v for k, v in existing.items() if v["case_id"] is not None}
    return plan_entity("survey_response", records, existing, {},
                       ("case_id", "kind", "topic"), {})
