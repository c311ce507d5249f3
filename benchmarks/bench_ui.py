"""The window at scale: 100,000 accounts in the portfolio view, and a PDF export beside it.

Figures, each with a baseline measured in the same run:

- first paint: from showing the portfolio to the end of the first paint of real rows (the
  first screenful, in the table's default order; the table can be scrolled, selected and
  opened from then on), against a plain select of the account columns;
- every row loaded: until all accounts are in the table (the rest arrive in one insert),
  and the longest stall of the GUI thread while they stream in, from the first paint to the
  last row (a 10 ms heartbeat timer), against the same timer with nothing running;
- sort: by ARR, and the slowest of every column, against Python's ``sorted()`` on one key;
- filter: the slowest keystroke of typing and deleting a search, against the substring test
  alone;
- export: the longest GUI stall while business reviews render in worker processes.

The clock waits in Qt's event loop, never in a Python polling loop, so the worker threads
compete with the GUI thread only as they would in the application.

Usage: ``python -m benchmarks.bench_ui [--quick]``
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from sqlalchemy import insert, select  # noqa: E402

from csdesk.models import Account, Activity, Contract, HealthSnapshot  # noqa: E402
from csdesk.models.changelog import Change, record_changes  # noqa: E402
from csdesk.services.context import AppContext, open_context  # noqa: E402

AS_OF = date(2026, 6, 30)
OWNERS = ("Ana Ito", "Ben Okoro", "Chloé Martin", "Dev Patel", "Eva Novak", "Femi Adeyemi",
          "Greta Lind", "Hiro Sato")
WORDS = ("Acme", "Northwind", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Stark",
         "Wayne", "Tyrell", "Cyberdyne", "Soylent", "Wonka", "Gringotts", "株式会社", "Müller")
STAGES = ("onboard", "adopt", "value", "renew", "expand", "advocate")
ACTIVITIES_PER_ACCOUNT = 2
# Typing a search, then deleting it again: the widening keystrokes cost the most.
KEYSTROKES = ("a", "ac", "acm", "acme", "acme ", "acme 1", "acme ", "acme", "acm", "ac", "a", "")
HEARTBEAT_MS = 10
STALL_GOAL_S = 0.1
FULL_LOAD_GOAL_S = 3.0


def build_portfolio(context: AppContext, accounts: int, seed: int = 7) -> None:
    """Accounts with one contract, two health snapshots and two activities each, set-based."""
    rng = random.Random(seed)
    account_rows: list[dict[str, Any]] = []
    contract_rows: list[dict[str, Any]] = []
    snapshot_rows: list[dict[str, Any]] = []
    activity_rows: list[dict[str, Any]] = []
    for number in range(1, accounts + 1):
        account_rows.append({
            "id": number, "client_id": f"bench-a-{number}",
            "name": f"{rng.choice(WORDS)} {rng.choice(WORDS)} {number}",
            "owner": rng.choice(OWNERS), "tier": rng.choice((1, 2, 3)),
            "journey_stage": rng.choice(STAGES), "strategic": False,
        })
        start = AS_OF - timedelta(days=rng.randint(30, 900))
        contract_rows.append({
            "id": number, "client_id": f"bench-c-{number}", "account_id": number,
            "start_date": start, "end_date": None, "amount_minor": rng.randint(1, 300) * 100_000,
            "currency": "USD", "amount_period": "year", "billing_frequency": "annual",
            "recurring": True, "is_trial": False, "auto_renew": False,
        })
        for day in (AS_OF - timedelta(days=30), AS_OF):
            score = rng.uniform(10, 95)
            band = "green" if score >= 70 else "yellow" if score >= 40 else "red"
            snapshot_rows.append({"account_id": number, "as_of": day, "granularity": "daily",
                                  "status": "scored", "score": score, "band": band,
                                  "scorecard": "default", "measures": "[]"})
        for _ in range(ACTIVITIES_PER_ACCOUNT):
            key = len(activity_rows) + 1
            activity_rows.append({
                "id": key, "client_id": f"bench-t-{key}", "account_id": number,
                "kind": "call", "summary": "Check-in",
                "occurred_on": AS_OF - timedelta(days=rng.randint(-10, 200)),
            })

    with context.portfolio.engine.begin() as connection:
        connection.execute(insert(Account), account_rows)
        connection.execute(insert(Contract), contract_rows)
        connection.execute(insert(HealthSnapshot), snapshot_rows)
        connection.execute(insert(Activity), activity_rows)
        record_changes(connection, [
            Change(entity, str(r["id"]), "create", client_id=r["client_id"])
            for entity, rows in (("account", account_rows), ("contract", contract_rows),
                                 ("activity", activity_rows))
            for r in rows
        ], origin="import", actor="benchmark")


def _baseline_rows(context: AppContext) -> float:
    """The same account columns read with a plain select and no derived figures."""
    started = time.perf_counter()
    with context.read() as session:
        rows = session.execute(select(Account.id, Account.name, Account.owner, Account.tier))
        list(rows)
    return time.perf_counter() - started


class _Heartbeat:
    """A timer on the GUI thread every 10 ms; a late tick means the thread was stalled."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.ticks: list[float] = []
        self.timer = QTimer()
        self.timer.setInterval(HEARTBEAT_MS)
        self.timer.timeout.connect(lambda: self.ticks.append(time.perf_counter()))

    def start(self) -> None:
        self.ticks.clear()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def longest_stall(self, since: float = 0.0) -> float:
        """The longest gap between ticks beyond the timer's own interval, in seconds."""
        ticks = [t for t in self.ticks if t >= since]
        gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
        return max(0.0, max(gaps, default=0.0) - HEARTBEAT_MS / 1000)


def _run_until(done: Callable[[], bool], timeout: float = 600.0) -> None:
    """Run Qt's event loop (waiting in Qt, not in Python) until ``done()`` holds."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    deadline = time.monotonic() + timeout
    check = QTimer()
    check.setInterval(HEARTBEAT_MS)
    check.timeout.connect(lambda: loop.quit() if done() or time.monotonic() > deadline
                          else None)
    check.start()
    if not done():
        loop.exec()
    check.stop()
    if not done():
        raise TimeoutError("the window did not finish in time")


class _FirstPaintWatch:
    """Notes when the first paint of the table showing real rows has finished."""

    def __init__(self, viewport: Any, model: Any) -> None:
        from PySide6.QtCore import QEvent, QObject, QTimer

        self.at: float | None = None
        watch = self

        def painted() -> None:
            if watch.at is None:
                watch.at = time.perf_counter()

        class Filter(QObject):
            def eventFilter(self, obj: Any, event: Any) -> bool:  # noqa: N802 - Qt override
                if event.type() == QEvent.Type.Paint and model.rowCount() and watch.at is None:
                    # Runs once this paint is over: the rows are on screen then.
                    QTimer.singleShot(0, painted)
                return False

        self.filter = Filter()
        viewport.installEventFilter(self.filter)


def _timed(action: Callable[[], None], view: Any) -> float:
    """Seconds for ``action`` and the repaint that shows its result."""
    started = time.perf_counter()
    action()
    view.table.viewport().repaint()
    return time.perf_counter() - started


def idle_stall(seconds: float) -> float:
    """The longest late tick of the heartbeat with nothing running: the stall baseline."""
    from csdesk.ui.app import application

    application()
    idle = _Heartbeat()
    idle.start()
    quiet_until = time.perf_counter() + seconds
    _run_until(lambda: time.perf_counter() >= quiet_until)
    idle.stop()
    return idle.longest_stall()


def measure_portfolio(context: AppContext, accounts: int, idle_gap: float
                      ) -> list[dict[str, Any]]:
    from PySide6.QtCore import Qt

    from csdesk.services.portfolio_rows import PortfolioRow
    from csdesk.ui.app import application
    from csdesk.ui.qtmodels.portfolio_table_model import PortfolioFilter, PortfolioTableModel
    from csdesk.ui.views.portfolio_view import PortfolioView
    from csdesk.ui.workspace import Workspace

    app = application()
    view = PortfolioView(Workspace(context, AS_OF))
    view.resize(1400, 900)
    watch = _FirstPaintWatch(view.table.viewport(), view.model)
    loaded: list[float] = []
    view.loaded.connect(lambda: loaded.append(time.perf_counter()))
    heartbeat = _Heartbeat()

    # Showing the view starts its background load.
    heartbeat.start()
    started = time.perf_counter()
    view.show()
    _run_until(lambda: bool(loaded) and watch.at is not None)
    heartbeat.stop()
    assert view.model.total_count() == accounts and watch.at is not None
    first_paint, every_row = watch.at - started, loaded[0] - started
    baseline_read = _baseline_rows(context)

    rows = list(view.model.rows())
    key = PortfolioTableModel.COLUMNS[PortfolioTableModel.ARR].sort_value
    started = time.perf_counter()
    sorted(rows, key=lambda r: (key(r) is None, key(r) or 0), reverse=True)
    baseline_sort = time.perf_counter() - started

    by_arr = _timed(lambda: view.table.sortByColumn(PortfolioTableModel.ARR,
                                                    Qt.SortOrder.DescendingOrder), view)
    by_column = {}
    for number, column in enumerate(PortfolioTableModel.COLUMNS):
        by_column[column.header] = _timed(partial(view.table.sortByColumn, number,
                                                  Qt.SortOrder.AscendingOrder), view)
    slowest_column = max(by_column, key=by_column.__getitem__)
    view.table.sortByColumn(PortfolioTableModel.NAME, Qt.SortOrder.AscendingOrder)

    keystrokes, baselines = [], []
    names = [PortfolioRow._make(r).name for r in rows]
    for text in KEYSTROKES:
        keystrokes.append(_timed(partial(view.set_filter, PortfolioFilter(text=text)), view))
        started = time.perf_counter()
        needle = text.casefold()
        [name for name in names if needle in name.casefold()]
        baselines.append(time.perf_counter() - started)

    view.close()
    view.deleteLater()
    app.processEvents()
    per_key, per_key_base = max(keystrokes), statistics.median(baselines)
    stall = heartbeat.longest_stall(since=watch.at)
    return [
        {"name": f"portfolio first paint (first screenful), {accounts:,} accounts",
         "value": first_paint, "unit": "s", "baseline": baseline_read,
         "ratio": first_paint / baseline_read,
         "goal": "< 1 s (baseline: select of the account columns alone)",
         "met": first_paint < 1.0},
        {"name": f"every row in the table, {accounts:,} accounts", "value": every_row,
         "unit": "s", "baseline": baseline_read, "ratio": every_row / baseline_read,
         "goal": f"< {FULL_LOAD_GOAL_S:.0f} s, usable meanwhile (baseline: the same select)",
         "met": every_row < FULL_LOAD_GOAL_S},
        {"name": "longest GUI stall from first paint to every row", "value": stall * 1000,
         "unit": "ms", "baseline": idle_gap * 1000,
         "ratio": stall / idle_gap if idle_gap > 0 else None,
         "goal": "no stall > 100 ms (baseline: the same timer with nothing running)",
         "met": stall < STALL_GOAL_S},
        {"name": f"sort by ARR, {accounts:,} rows", "value": by_arr, "unit": "s",
         "baseline": baseline_sort, "ratio": by_arr / baseline_sort,
         "goal": "< 0.5 s (baseline: Python sorted() on the same key)", "met": by_arr < 0.5},
        {"name": f"sort, slowest column ({slowest_column})", "value": by_column[slowest_column],
         "unit": "s", "baseline": baseline_sort,
         "ratio": by_column[slowest_column] / baseline_sort,
         "goal": "< 0.5 s (baseline: Python sorted() on the ARR key)",
         "met": by_column[slowest_column] < 0.5},
        {"name": f"filter, slowest of {len(KEYSTROKES)} keystrokes (typing and deleting)",
         "value": per_key * 1000, "unit": "ms", "baseline": per_key_base * 1000,
         "ratio": per_key / per_key_base,
         "goal": "< 100 ms (baseline: the substring test alone)", "met": per_key < 0.1},
    ]


def measure_export_stall(home: Path, reviews: int, idle_gap: float) -> list[dict[str, Any]]:
    """The longest GUI stall while ``reviews`` business reviews of ``home`` render."""
    from csdesk.metrics.periods import quarter
    from csdesk.reports.batch import ReviewOptions, write_reviews
    from csdesk.services.review_data import review_targets
    from csdesk.ui.app import application
    from csdesk.ui.background import run_in_background

    application()
    context = open_context(str(home))
    try:
        with context.read() as session:
            targets = review_targets(session, AS_OF)[:reviews]
    finally:
        context.close()
    options = ReviewOptions(as_of=AS_OF, period=quarter(2026, 1))
    finished: list[Any] = []
    with tempfile.TemporaryDirectory(prefix="csdesk-bench-ui-export-") as folder:
        heartbeat = _Heartbeat()
        heartbeat.start()
        started = time.perf_counter()
        run_in_background(lambda: write_reviews(home, targets, options, Path(folder)),
                          finished.append, finished.append)
        _run_until(lambda: bool(finished))
        duration = time.perf_counter() - started
        heartbeat.stop()
    stall = heartbeat.longest_stall()
    written = sum(1 for o in finished[0] if getattr(o, "ok", False)) if finished else 0
    return [{"name": f"longest GUI stall while {reviews} reviews render "
                     f"({written} written in {duration:.1f} s)",
             "value": stall * 1000, "unit": "ms", "baseline": idle_gap * 1000,
             "ratio": stall / idle_gap if idle_gap > 0 else None,
             "goal": "no stall > 100 ms (baseline: the same timer with nothing running)",
             "met": stall < STALL_GOAL_S}]


def _demo_book(home: Path) -> Path:
    from csdesk.cli import main as cli_main

    with contextlib.redirect_stdout(io.StringIO()):
        cli_main(["--home", str(home), "demo", "--accounts", "20", "--as-of", AS_OF.isoformat()])
    return home


def run(quick: bool) -> list[dict[str, Any]]:
    """Quick: 5,000 accounts and one review of that book; full: 100,000 and six demo reviews."""
    from csdesk.ui.background import wait_for_pools

    accounts = 5_000 if quick else 100_000
    idle_gap = idle_stall(0.5 if quick else 3.0)
    with tempfile.TemporaryDirectory(prefix="csdesk-bench-ui-") as folder:
        context = open_context(folder)
        try:
            started = time.perf_counter()
            build_portfolio(context, accounts)
            print(f"built {accounts:,} accounts in {time.perf_counter() - started:.1f} s",
                  file=sys.stderr)
            rows = measure_portfolio(context, accounts, idle_gap)
        finally:
            wait_for_pools()
            context.close()
        if quick:  # the same book: no demo book to build
            return rows + measure_export_stall(Path(folder), 1, idle_gap)
        return rows + measure_export_stall(_demo_book(Path(folder) / "demo"), 6, idle_gap)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The window at scale")
    parser.add_argument("--quick", action="store_true", help="5,000 accounts, one review")
    args = parser.parse_args(argv)
    for row in run(args.quick):
        ratio = f"{row['ratio']:.1f}x" if row.get("ratio") is not None else "-"
        print(f"{row['name']}: {row['value']:.3g} {row['unit']} (baseline "
              f"{row['baseline']:.3g} {row['unit']}, {ratio}; goal {row['goal']}; "
              f"{'met' if row['met'] else 'NOT met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
