"""Survey answers: NPS (0-10) and CSAT, stored raw with their scale."""

from __future__ import annotations

from typing import Any

from csdesk.importers.kinds.activities import contact_for, contact_ids_by_email
from csdesk.importers.kinds.common import (
    KindContext,
    KindOutcome,
    drop_null_required,
    plan_records,
)
from csdesk.importers.records import RowRecord
from csdesk.services.importing import external_ids

DEFAULT_SCALES = {"nps": (0, 10), "csat": (1, 5)}
NATURAL_KEY = ("account_id", "contact_id", "kind", "topic", "answered_on")


def plan(ctx: KindContext) -> KindOutcome:
    """Plan the survey answers of the file."""
    external = ctx.parsed.column("external_id")
    columns = {n: ctx.parsed.column(n) for n in ("kind", "topic", "score", "scale_min",
                                                 "scale_max", "answered_on", "comment",
                                                 "contact_email", "case")}
    contacts = contact_ids_by_email(ctx) if ctx.parsed.has("contact_email") else {}
    cases = external_ids(ctx.session, ctx.source, "support_case") \
        if ctx.parsed.has("case") else {}
    records: list[RowRecord] = []
    empty: list[str] = []
    for i, (line, account_id) in enumerate(zip(ctx.parsed.lines, ctx.account_ids,
                                               strict=True)):
        if account_id is None:
            continue  # already reported: the account is unknown
        row = {name: column[i] for name, column in columns.items()}
        if row["score"] is None:
            empty.append(f"line {line}")
            continue
        values = _answer(ctx, line, account_id, row)
        if values is None:
            continue
        if ctx.parsed.has("contact_email"):
            values["contact_id"] = contact_for(ctx, contacts, row["contact_email"], line,
                                               "answers")
        if row["case"] is not None:
            values["case_id"] = cases.get(row["case"])
            if values["case_id"] is None:
                ctx.problems.add(line, ctx.parsed.where("case"), (
                    f"unknown case '{row['case']}' from source '{ctx.source}'; import the "
                    "cases first"))
        ctx.check_not_before_signup(account_id, values["answered_on"], line, "survey answers")
        records.append(RowRecord(line, drop_null_required("survey_response", values),
                                 external[i]))

    ctx.anomalies.add_many("empty_scores", "rows without a score (no answer, not 0; skipped)",
                           len(empty), empty[:5])
    outcome = KindOutcome()
    outcome.add_plan("survey_response", plan_records(ctx, "survey_response", records,
                                                     NATURAL_KEY, {}, "survey answer"))
    return outcome


def _answer(ctx: KindContext, line: int, account_id: int | None,
            row: dict[str, Any]) -> dict[str, Any] | None:
    kind = row["kind"]
    if kind is None:
        return None
    low, high = ctx.mapping.options.scale or DEFAULT_SCALES[kind]
    low = row["scale_min"] if row["scale_min"] is not None else low
    high = row["scale_max"] if row["scale_max"] is not None else high
    if kind == "nps" and (low, high) != DEFAULT_SCALES["nps"]:
        ctx.anomalies.add("nps_other_scale", "NPS answers on another scale than 0-10 (kept "
                          "raw; map the scale before they count in NPS)", line,
                          f"scale {low}-{high}")
    if not low <= row["score"] <= high:
        ctx.problems.add(line, ctx.parsed.where("score"), (
            f"{row['score']} is outside the {kind.upper()} scale {low}-{high} (give the "
            "scale in Scale Min/Scale Max columns or [options] scale)"))
        return None
    topic = None if kind == "nps" else (row["topic"] or "relationship")
    values = {"account_id": account_id, "kind": kind, "topic": topic, "score": row["score"],
              "scale_min": low, "scale_max": high, "answered_on": row["answered_on"]}
    if ctx.parsed.has("comment"):
        values["comment"] = row["comment"]
    return values
