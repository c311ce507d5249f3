"""The health measures of one day: score, weight, the raw inputs behind it, and why."""

from __future__ import annotations

from typing import Any, NamedTuple

from csdesk.health.config import MEASURE_LABELS
from csdesk.ui.qtmodels.record_table_model import RIGHT, Column, RecordTableModel


class MeasureLine(NamedTuple):
    key: str
    score: float | None
    status: str
    weight: float
    shortfall: float | None
    change: float | None
    raw: dict[str, Any]
    explanation: str


def _raw(line: MeasureLine) -> str:
    return ", ".join(f"{k.replace('_', ' ')} {_plain(v)}" for k, v in line.raw.items()) or "—"


def _plain(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value)


def _score(line: MeasureLine) -> str:
    if line.score is None:
        return "stale" if line.status == "stale" else "no data"
    return f"{line.score:.1f}"


def _signed(value: float | None) -> str:
    return "—" if value is None else f"{value:+.2f}"


class MeasuresTableModel(RecordTableModel):
    MEASURE, SCORE, WEIGHT, SHORTFALL, CHANGE, RAW, WHY = range(7)
    COLUMNS = (
        Column("Measure", lambda r: MEASURE_LABELS.get(r.key, r.key), lambda r: r.key),
        Column("Score", _score, lambda r: r.score, align=RIGHT,
               header_tip="0-100; a measure without data is left out, never counted as 0"),
        Column("Weight", lambda r: f"{r.weight:g}", lambda r: r.weight, align=RIGHT),
        Column("Pulls down", lambda r: "—" if r.shortfall is None else f"{r.shortfall:.1f}",
               lambda r: r.shortfall, align=RIGHT,
               header_tip="Normalised weight × (100 − score): what pulls the score down"),
        Column("Change", lambda r: _signed(r.change), lambda r: r.change, align=RIGHT,
               header_tip="This measure's part of the change over 30 days; the parts add up"),
        Column("Raw inputs", _raw, _raw, tooltip=_raw),
        Column("Why", lambda r: r.explanation, lambda r: r.explanation,
               tooltip=lambda r: r.explanation),
    )

    def row_key(self, row: Any) -> object:
        return row.key
