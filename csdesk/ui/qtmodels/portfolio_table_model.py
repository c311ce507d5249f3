"""The portfolio table: one row per account, with the filters the toolbar offers."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import Qt

from csdesk.services.portfolio_rows import PortfolioRow
from csdesk.ui import formatting as fmt
from csdesk.ui.qtmodels.record_table_model import (
    CENTRE,
    RIGHT,
    Column,
    RecordFilterProxyModel,
    RecordTableModel,
)

TREND_ARROWS = {"up": "▲", "down": "▼", "flat": "▶"}
TREND_WORDS = {"up": "rising", "down": "falling", "flat": "flat"}
NOT_SCORED = "none"


def _health_text(row: PortfolioRow) -> str:
    if row.health_score is None:
        return "—"
    return f"{row.health_score:.0f}"


def _health_tip(row: PortfolioRow) -> str:
    if row.health_score is None:
        if row.health_status == "insufficient_data":
            return "Insufficient data: measures with data carry less than half the weight"
        return "Not scored yet"
    return f"Health {row.health_score:.1f} ({row.band})"


def _trend_tip(row: PortfolioRow) -> str:
    if row.trend is None:
        return "No health snapshot 30 days earlier to compare with"
    return (
        f"Health {TREND_WORDS[row.trend]}: {row.trend_points:+.1f} points in 30 days "
        "(under 5 points counts as flat)"
    )


def _arr_tip(row: PortfolioRow) -> str | None:
    return row.arr_problem


class PortfolioTableModel(RecordTableModel):
    NAME, HEALTH, TREND, ARR, RENEWAL, DAYS_LEFT, TIER, STAGE, OWNER, LAST_TOUCH = range(10)
    BAND_ROLE = Qt.ItemDataRole.UserRole + 10

    COLUMNS = (
        Column("Account", lambda r: r.name, lambda r: r.name.casefold()),
        Column("Health", _health_text, lambda r: r.health_score, _health_tip, CENTRE,
               "Health score 0-100: green from 70, yellow from 40, red below 40"),
        Column("Trend", lambda r: TREND_ARROWS.get(r.trend or "", ""),
               lambda r: r.trend_points, _trend_tip, CENTRE,
               "Change against the snapshot 30 days earlier"),
        Column("ARR", lambda r: fmt.money(r.arr), lambda r: r.arr_reporting, _arr_tip, RIGHT,
               "Annual recurring revenue on the as-of date"),
        Column("Renewal", lambda r: fmt.day(r.renewal_date), lambda r: r.renewal_date,
               header_tip="Next dated renewal of any contract"),
        Column("Days left", lambda r: fmt.number(r.days_left), lambda r: r.days_left,
               align=RIGHT, header_tip="Days from the as-of date to the next renewal"),
        Column("Tier", lambda r: fmt.tier(r.tier), lambda r: r.tier),
        Column("Stage", lambda r: fmt.label(r.stage), lambda r: r.stage),
        Column("CSM", lambda r: r.owner or "—", lambda r: (r.owner or "").casefold() or None),
        Column("Last touch", lambda r: fmt.day(r.last_touch), lambda r: r.last_touch,
               header_tip="Most recent logged activity"),
    )

    def extra_data(self, row: Any, column: int, role: int) -> Any:
        if role == self.BAND_ROLE and column == self.HEALTH:
            return row.band or NOT_SCORED
        return None


@dataclass(frozen=True)
class PortfolioFilter:
    """The toolbar's choices; empty fields do not filter."""

    text: str = ""
    tier: int | None = None
    owner: str | None = None
    stage: str | None = None
    band: str | None = None  # "green", "yellow", "red" or "none" (not scored)
    renewal_within_days: int | None = None

    def is_empty(self) -> bool:
        return self == PortfolioFilter()

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PortfolioFilter:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def predicate(self, as_of: date) -> Any:
        """A fast test of one row; None when nothing is filtered."""
        if self.is_empty():
            return None
        needle = self.text.strip().casefold()
        owner = self.owner.casefold() if self.owner else None
        within = self.renewal_within_days

        def keep(row: PortfolioRow) -> bool:
            if needle and needle not in row.name.casefold() and (
                not row.owner or needle not in row.owner.casefold()
            ):
                return False
            if self.tier is not None and row.tier != self.tier:
                return False
            if owner is not None and (row.owner or "").casefold() != owner:
                return False
            if self.stage is not None and row.stage != self.stage:
                return False
            if self.band is not None and (row.band or NOT_SCORED) != self.band:
                return False
            if within is not None and (row.days_left is None or not 0 <= row.days_left <= within):
                return False
            return True

        return keep


class PortfolioFilterProxyModel(RecordFilterProxyModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.current_filter = PortfolioFilter()

    def apply_filter(self, choice: PortfolioFilter, as_of: date) -> None:
        self.current_filter = choice
        self.set_predicate(choice.predicate(as_of))
