"""A success plan's objectives (grouped by outcome) and its milestones."""

from __future__ import annotations

from typing import Any, NamedTuple

from csdesk.plans.view import MilestoneView, ObjectiveView
from csdesk.ui import formatting as fmt
from csdesk.ui.qtmodels.record_table_model import CENTRE, RIGHT, Column, RecordTableModel


class ObjectiveLine(NamedTuple):
    id: int
    outcome: str
    objective: ObjectiveView


def _progress(line: ObjectiveLine) -> str:
    ratio = line.objective.progress
    return fmt.percent(ratio) if ratio is not None else "—"


def _value(text: str | None, unit: str | None) -> str:
    if text is None:
        return "—"
    return f"{text} {unit}".strip() if unit else text


class ObjectivesTableModel(RecordTableModel):
    OUTCOME, OBJECTIVE, KPI, BASELINE, TARGET, CURRENT, PROGRESS, STATUS, OWNER, DUE = range(10)
    COLUMNS = (
        Column("Outcome", lambda r: r.outcome, lambda r: r.outcome.casefold()),
        Column("Objective", lambda r: r.objective.title, lambda r: r.objective.title.casefold()),
        Column("KPI", lambda r: r.objective.kpi or "—", lambda r: r.objective.kpi),
        Column("Baseline", lambda r: _value(r.objective.baseline, r.objective.unit),
               lambda r: r.objective.baseline, align=RIGHT),
        Column("Target", lambda r: _value(r.objective.target, r.objective.unit),
               lambda r: r.objective.target, align=RIGHT),
        Column("Current", lambda r: _value(r.objective.current, r.objective.unit),
               lambda r: r.objective.current, align=RIGHT),
        Column("Progress", _progress, lambda r: r.objective.progress, align=RIGHT,
               header_tip="(current - baseline) / (target - baseline)"),
        Column("Status", lambda r: fmt.label(r.objective.status)
               + (" · overdue" if r.objective.overdue else ""), lambda r: r.objective.status),
        Column("Owner", lambda r: f"{r.objective.owner or '—'} ({r.objective.owner_side})",
               lambda r: r.objective.owner),
        Column("Due", lambda r: fmt.day(r.objective.due_on), lambda r: r.objective.due_on),
    )


def _milestone_state(m: MilestoneView) -> str:
    if m.done_on:
        return f"Done {fmt.day(m.done_on)}"
    return "Overdue" if m.overdue else "Open"


class MilestonesTableModel(RecordTableModel):
    TITLE, DUE, STATE, FIRST_VALUE, OWNER = range(5)
    COLUMNS = (
        Column("Milestone", lambda r: r.title, lambda r: r.title.casefold()),
        Column("Due", lambda r: fmt.day(r.due_on), lambda r: r.due_on),
        Column("State", _milestone_state, lambda r: (r.done_on is not None, r.overdue)),
        Column("First value", lambda r: "★" if r.is_first_value else "",
               lambda r: r.is_first_value, align=CENTRE,
               header_tip="The milestone that marks the customer's first value"),
        Column("Owner", lambda r: f"{r.owner or '—'} ({r.owner_side})", lambda r: r.owner),
    )

    def row_key(self, row: Any) -> object:
        return row.id
