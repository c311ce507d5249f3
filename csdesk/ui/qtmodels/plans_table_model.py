"""The Plans view's tables: cadences per tier, compliance lines, accounts by journey stage."""

from __future__ import annotations

from typing import Any, NamedTuple

from csdesk.engagement.plan import TouchpointSpec, describe
from csdesk.services.engagement import ComplianceLine
from csdesk.services.journey import StageRow
from csdesk.ui import formatting as fmt
from csdesk.ui.qtmodels.record_table_model import RIGHT, Column, RecordTableModel


class CadenceLine(NamedTuple):
    tier: int | None  # None: a touchpoint every tier gets
    position: int
    spec: TouchpointSpec


class CadencesTableModel(RecordTableModel):
    TIER, TOUCHPOINT, CADENCE, KINDS = range(4)
    COLUMNS = (
        Column("Tier", lambda r: fmt.tier(r.tier) if r.tier else "Every tier",
               lambda r: (r.tier or 0, r.position)),
        Column("Touchpoint", lambda r: r.spec.label, lambda r: r.spec.label.casefold()),
        Column("Cadence", lambda r: describe(r.spec), lambda r: describe(r.spec)),
        Column("Counts when logged",
               lambda r: ", ".join(fmt.label(k) for k in sorted(r.spec.kinds)),
               lambda r: ",".join(sorted(r.spec.kinds))),
    )

    def row_key(self, row: Any) -> object:
        return (row.tier, row.position)


def _rate(line: ComplianceLine) -> str:
    rate = line.count.rate
    return "—" if rate is None else fmt.percent(rate)


class ComplianceTableModel(RecordTableModel):
    GROUP, DUE, ON_TIME, RATE = range(4)
    COLUMNS = (
        Column("Group", lambda r: str(r.label), lambda r: str(r.label).casefold()),
        Column("Due", lambda r: fmt.number(r.count.due), lambda r: r.count.due, align=RIGHT),
        Column("On time", lambda r: fmt.number(r.count.on_time), lambda r: r.count.on_time,
               align=RIGHT),
        Column("Compliance", _rate, lambda r: r.count.rate, align=RIGHT,
               header_tip="Touchpoints done on time / touchpoints due in the window"),
    )

    def row_key(self, row: Any) -> object:
        return str(row.label)


class StagesTableModel(RecordTableModel):
    ACCOUNT, STAGE, SINCE, DAYS, CSM, REASON = range(6)
    COLUMNS = (
        Column("Account", lambda r: r.name, lambda r: r.name.casefold()),
        Column("Stage", lambda r: fmt.label(r.stage), lambda r: r.stage),
        Column("Since", lambda r: fmt.day(r.since), lambda r: r.since),
        Column("Days in stage", lambda r: fmt.number(r.days_in_stage),
               lambda r: r.days_in_stage, align=RIGHT),
        Column("CSM", lambda r: r.owner or "—", lambda r: r.owner),
        Column("Why", lambda r: r.reason, lambda r: r.reason, tooltip=lambda r: r.reason),
    )

    def row_key(self, row: StageRow) -> object:
        return row.account_id
