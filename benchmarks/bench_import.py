"""Importing a 100,000-row daily usage file, against the plainest way to load it.

csdesk reads and checks every cell, resolves each account through its external id, compares
with what is stored, upserts, and logs the new rows in the change log (one entry per account
holding its days as JSON), all in one transaction. The baseline, measured in the same run on
the same machine, reads the same file with ``csv.reader`` and inserts it with
``sqlite3.executemany`` into the same table of a fresh portfolio. Goal: csdesk within 3x of
the baseline.

Each figure is the best of a few runs (one in quick mode), for csdesk and the baseline alike,
as wall-clock time and as CPU time; CPU time varies less when other processes share the
machine. The second import of the same file must change nothing.

Run: ``python -m benchmarks.bench_import`` (or ``python -m benchmarks.run_all``).
"""

from __future__ import annotations

import csv
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from csdesk.importers import ImportRequest, run_import
from csdesk.services.context import open_context

GOAL_RATIO = 3.0
ACCOUNTS = 100
REPEATS = 3


def write_files(folder: Path, rows: int) -> tuple[Path, Path]:
    """A deterministic accounts file and a usage file of ``rows`` account-days."""
    accounts = folder / "accounts.csv"
    with accounts.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Account ID", "Account Name", "Licensed Seats"])
        for n in range(ACCOUNTS):
            writer.writerow([f"A{n:04d}", f"Account {n}", 20 + n % 50])

    rng = random.Random(2026)
    days = -(-rows // ACCOUNTS)
    first = date(2023, 1, 1)
    usage = folder / "usage.csv"
    with usage.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Account ID", "Date", "Active Users", "Sessions", "Events"])
        written = 0
        for n in range(ACCOUNTS):
            for offset in range(days):
                if written == rows:
                    break
                users = rng.randint(0, 60)
                writer.writerow([f"A{n:04d}", (first + timedelta(days=offset)).isoformat(),
                                 users, users * rng.randint(1, 4), rng.randint(0, 5000)])
                written += 1
    return accounts, usage


def _portfolio(home: Path, accounts: Path) -> Any:
    context = open_context(str(home))
    run_import(context, ImportRequest("accounts", accounts, source="bench"))
    return context


@dataclass(frozen=True)
class Timing:
    """Wall-clock and CPU seconds of one piece of work."""

    wall: float
    cpu: float


def _timed(work: Callable[[], Any]) -> Timing:
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return Timing(time.perf_counter() - wall, time.process_time() - cpu)


def _best(timings: list[Timing]) -> Timing:
    return Timing(min(t.wall for t in timings), min(t.cpu for t in timings))


def time_csdesk(home: Path, accounts: Path, usage: Path) -> tuple[Timing, Timing]:
    """The first import of the file, and importing the same file again."""
    context = _portfolio(home, accounts)
    try:
        request = ImportRequest("usage", usage, source="bench")
        reports = []
        first = _timed(lambda: reports.append(run_import(context, request)))
        again = _timed(lambda: reports.append(run_import(context, request)))
        assert reports[0].total("created") == reports[1].total("unchanged") > 0
        assert reports[1].total("created") == reports[1].total("updated") == 0
        return first, again
    finally:
        context.close()


def time_baseline(home: Path, accounts: Path, usage: Path) -> Timing:
    """csv.reader + sqlite3.executemany into usage_daily of a fresh portfolio."""
    _portfolio(home, accounts).close()
    connection = sqlite3.connect(home / "portfolio.db")
    try:
        ids = dict(connection.execute(
            "SELECT external_id, entity_id FROM external_ref WHERE entity = 'account'"))

        def load() -> None:
            with usage.open(newline="", encoding="utf-8") as handle:
                reader = csv.reader(handle)
                next(reader)
                rows = [(ids[r[0]], r[1], r[2], r[3], r[4]) for r in reader]
            connection.executemany(
                "INSERT INTO usage_daily (account_id, day, active_users, sessions, events) "
                "VALUES (?, ?, ?, ?, ?)", rows)
            connection.commit()

        return _timed(load)
    finally:
        connection.close()


def run(quick: bool) -> list[dict[str, Any]]:
    """Time the import of a generated usage file (5,000 rows, one run, when ``quick``)."""
    rows = 5_000 if quick else 100_000
    repeats = 1 if quick else REPEATS
    baselines: list[Timing] = []
    firsts: list[Timing] = []
    agains: list[Timing] = []
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        accounts, usage = write_files(base, rows)
        # Alternated, so a burst of load on the machine hits both sides alike.
        for n in range(repeats):
            baselines.append(time_baseline(base / f"baseline-{n}", accounts, usage))
            first, again = time_csdesk(base / f"csdesk-{n}", accounts, usage)
            firsts.append(first)
            agains.append(again)
    baseline, first, again = _best(baselines), _best(firsts), _best(agains)

    goal = f"within {GOAL_RATIO:g}x of csv.reader + sqlite3.executemany"

    def row(name: str, value: float, base: float) -> dict[str, Any]:
        return {"name": name, "value": value, "unit": "s", "baseline": base,
                "ratio": value / base, "goal": goal, "met": value / base <= GOAL_RATIO}

    return [
        row(f"import usage, {rows:,} new rows (wall)", first.wall, baseline.wall),
        row(f"import usage, {rows:,} new rows (CPU)", first.cpu, baseline.cpu),
        row(f"import the same {rows:,} rows again, no change (wall)", again.wall,
            baseline.wall),
        row(f"import the same {rows:,} rows again, no change (CPU)", again.cpu,
            baseline.cpu),
    ]


def main() -> int:
    """Print the figures of a full run (or a quick one with --quick)."""
    for row in run(quick="--quick" in sys.argv):
        print(f"{row['name']}: {row['value']:.2f} s; baseline {row['baseline']:.2f} s; "
              f"ratio {row['ratio']:.1f}x; goal {row['goal']}: "
              f"{'met' if row['met'] else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
