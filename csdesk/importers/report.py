"""What an import did (or would do): counts per table, anomalies, and how the file was read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from csdesk.importers.anomalies import Anomaly
from csdesk.importers.kinds.common import Counts
from csdesk.importers.textfile import DELIMITER_NAMES


@dataclass
class ImportReport:
    """The outcome of one import, for the command line and the window alike."""

    kind: str
    file: str
    source: str
    rows: int
    encoding: str
    delimiter: str
    date_order: str | None
    counts: dict[str, Counts]
    columns: dict[str, str]
    ignored_columns: list[str]
    notes: list[str]
    anomalies: list[Anomaly]
    dry_run: bool
    import_run_id: int | None = None
    seconds: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    def total(self, what: str) -> int:
        return sum(getattr(c, what) for c in self.counts.values())

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "file": self.file,
            "source": self.source,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "created": self.total("created"),
            "updated": self.total("updated"),
            "unchanged": self.total("unchanged"),
            "tables": {name: c.to_json() for name, c in self.counts.items()},
            "encoding": self.encoding,
            "delimiter": DELIMITER_NAMES.get(self.delimiter, self.delimiter),
            "date_order": self.date_order,
            "columns": self.columns,
            "ignored_columns": self.ignored_columns,
            "notes": self.notes,
            "anomalies": [a.to_json() for a in self.anomalies],
            "import_run_id": str(self.import_run_id) if self.import_run_id else None,
        }

    def summary_lines(self) -> list[str]:
        """A short human summary: what happened, then each anomaly with an example."""
        verb = "would be" if self.dry_run else "were"
        head = "checked" if self.dry_run else "imported"
        lines = [f"{head} {self.kind} from {self.file} ({self.rows} rows, source "
                 f"'{self.source}', {self.encoding}, "
                 f"{DELIMITER_NAMES.get(self.delimiter, self.delimiter)}-separated)"]
        for name, c in self.counts.items():
            lines.append(f"  {name}: {c.created} {verb} created, {c.updated} updated, "
                         f"{c.unchanged} unchanged")
        if self.dry_run:
            lines.append("  dry run: nothing was written")
        for note in self.notes:
            lines.append(f"  note: {note}")
        if self.ignored_columns:
            lines.append(f"  columns not used: {', '.join(self.ignored_columns)}")
        if self.anomalies:
            lines.append(f"{len(self.anomalies)} things to look at (not errors):")
        for anomaly in self.anomalies:
            lines.append(f"  - {anomaly.message}: {anomaly.count}")
            for example in anomaly.examples[:3]:
                lines.append(f"      {example}")
        return lines
