"""Outcomes against goals: each objective's KPI from baseline to target, status and owner."""

from __future__ import annotations

from reportlab.platypus import Flowable

from csdesk.reports import narrative
from csdesk.reports import numbers as fmt
from csdesk.reports.kit import Column, Kit
from csdesk.services.review_data import ObjectiveRow, ReviewData
from csdesk.vocabulary import label

COLUMNS = (
    Column("Objective", 2.9),
    Column("KPI (unit)", 2.0),
    Column("Baseline", 1.3, numeric=True),
    Column("Target", 1.1, numeric=True),
    Column("Current", 1.15, numeric=True),
    Column("Status", 1.3),
    Column("Owner", 1.6),
    Column("Due", 1.6),
)


def _kpi(objective: ObjectiveRow) -> str:
    kpi = objective.kpi or "-"
    return f"{kpi} ({objective.unit})" if objective.unit else kpi


def owner_text(owner: str | None, side: str, internal: bool) -> str:
    """An owner with their side: "(us)", and "(you)" to the customer or "(customer)"."""
    if not owner:
        return "-"
    if side == "theirs":
        return f"{owner} ({'customer' if internal else 'you'})"
    return f"{owner} (us)"


def _row(objective: ObjectiveRow, kit: Kit, internal: bool) -> list[object]:
    title = kit.rich(f"{kit.escape(objective.title)}<br/><font size=\"7\" color=\"#5D6D7E\">"
                     f"{kit.escape(objective.outcome)}</font>", "cell")
    return [
        title,
        _kpi(objective),
        objective.baseline or "-",
        objective.target or "-",
        objective.current or "-",
        kit.status(objective.status, label(objective.status)),
        owner_text(objective.owner, objective.owner_side, internal),
        fmt.day(objective.due_on),
    ]


def outcomes_against_goals(data: ReviewData, kit: Kit, number: int) -> list[Flowable]:
    """The objectives table and how the objectives stand."""
    parts: list[Flowable] = [*kit.heading(number, "Outcomes against goals")]
    if not data.objectives:
        parts.append(kit.empty("No objectives are recorded in the success plan yet."))
        return parts
    parts.append(kit.table(COLUMNS, [_row(o, kit, data.internal) for o in data.objectives]))
    kit.add_insight(parts, *narrative.outcomes(data.objectives))
    return parts
