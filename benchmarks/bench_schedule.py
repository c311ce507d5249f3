"""The touchpoint schedule (and the renewal timeline) of a 10,000-account book.

csdesk loads accounts, contracts, activities, reviews held, survey answers and alert tasks
with one query per table, then works out every account's open touchpoints from the plan of
its tier. The baseline, measured in the same run, is the plainest read of the same rows:
``SELECT *`` of accounts, contracts and activities through ``sqlite3``. Goal: the schedule
in under 2 s; the renewal timeline too.

Run: ``python -m benchmarks.bench_schedule [--quick]`` (or ``python -m benchmarks.run_all``).
"""

from __future__ import annotations

import importlib.util
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from csdesk.engagement.compliance import window_ending
from csdesk.models import Account, Activity, BusinessReview, Contract, SurveyResponse, Task
from csdesk.models.changelog import Change, record_changes
from csdesk.services.context import AppContext, load_rates, open_context
from csdesk.services.engagement import compliance_report, touchpoint_schedule

GOAL_SECONDS = 2.0
AS_OF = date(2026, 3, 2)
OWNERS = ("Maya Lindqvist", "Daniel Okafor", "Sofía Marín", "Kenji Watanabe", "Ava Brown",
          "Noah Smith", "Lea Martin", "Omar Haddad")
KINDS_BY_TIER = {
    1: ("check_in", "check_in", "call", "meeting", "exec_meeting", "email", "qbr"),
    2: ("check_in", "call", "email", "meeting", "webinar"),
    3: ("webinar", "digital", "email", "digital"),
}


def generate(accounts: int, seed: int = 2026) -> dict[Any, list[dict[str, Any]]]:
    """A deterministic book: tiers 10/30/60%, one or two contracts, ~20 activities each."""
    rng = random.Random(seed)
    rows: dict[Any, list[dict[str, Any]]] = {table: [] for table in (
        Account, Contract, Activity, BusinessReview, SurveyResponse, Task)}
    for n in range(1, accounts + 1):
        tier = 1 if n % 10 == 0 else (2 if n % 10 < 4 else 3)
        rows[Account].append({"id": n, "name": f"Account {n:05d}", "owner": OWNERS[n % 8],
                              "tier": tier, "strategic": False})
        start = AS_OF - timedelta(days=rng.randint(30, 1100))
        amount = {1: 15_000_000, 2: 5_000_000, 3: 1_000_000}[tier] + rng.randint(0, 99) * 10_000
        rows[Contract].append({"account_id": n, "start_date": start, "amount_minor": amount,
                               "currency": "USD", "amount_period": "year",
                               "end_date": None if n % 7 else start + timedelta(days=730)})
        span = (AS_OF - start).days
        for _ in range(rng.randint(8, 32)):
            rows[Activity].append({
                "account_id": n, "kind": rng.choice(KINDS_BY_TIER[tier]),
                "occurred_on": start + timedelta(days=rng.randint(0, span)),
                "summary": "touch"})
        if tier == 1:
            for quarter in range(0, span, 95):
                rows[BusinessReview].append({"account_id": n, "kind": "QBR",
                                             "held_on": start + timedelta(days=quarter)})
        if n % 3 == 0:
            answered = AS_OF - timedelta(days=rng.randint(1, 300))
            rows[SurveyResponse].append({"account_id": n, "kind": "nps",
                                         "score": rng.randint(0, 10), "scale_min": 0,
                                         "scale_max": 10, "answered_on": answered})
        if n % 11 == 0:
            rows[Task].append({"account_id": n, "title": "No product usage for 7 days",
                               "source": "alert", "source_key": "alert:no_usage_7",
                               "raised_on": AS_OF - timedelta(days=rng.randint(0, 20)),
                               "status": "open"})
    return rows


def build_portfolio(home: Path, accounts: int) -> None:
    """Write the generated book with bulk inserts and their change-log rows."""
    context = open_context(str(home))
    try:
        with context.portfolio.engine.begin() as connection:
            for model, rows in generate(accounts).items():
                if not rows:
                    continue
                connection.execute(insert(model), rows)
                changes = (Change(model.__tablename__, str(row.get("id", i)), "create",
                                  new_value={k: v for k, v in row.items() if k != "id"})
                           for i, row in enumerate(rows, start=1))
                record_changes(connection, changes, "system", "benchmark",
                               "benchmark book")
    finally:
        context.close()


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def read_rows(path: Path) -> int:
    """The baseline: plain SELECT * of accounts, contracts and activities."""
    connection = sqlite3.connect(path)
    try:
        count = 0
        for table in ("account", "contract", "activity"):
            count += len(connection.execute(f"SELECT * FROM {table}").fetchall())
        return count
    finally:
        connection.close()


def _in_session(context: AppContext, work: Callable[..., Any]) -> Callable[[], Any]:
    def call() -> Any:
        with context.read() as session:
            return work(session, load_rates(session))
    return call


def run(quick: bool) -> list[dict[str, Any]]:
    """Time the schedule of a 10,000-account book (500 accounts when ``quick``)."""
    accounts = 500 if quick else 10_000
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder) / "home"
        build_portfolio(home, accounts)
        read_rows(home / "portfolio.db")
        baseline, _ = timed(lambda: read_rows(home / "portfolio.db"))

        context = open_context(str(home))
        try:
            schedule_time, schedule = timed(_in_session(
                context, lambda s, r: touchpoint_schedule(s, AS_OF, r)))
            compliance_time, _ = timed(_in_session(
                context, lambda s, r: compliance_report(s, window_ending(AS_OF, 90), r)))
            timeline_time = _renewal_timeline_time(context)
        finally:
            context.close()

    goal = f"< {GOAL_SECONDS:g} s"
    rows = [
        {"name": f"touchpoint schedule, {accounts:,} accounts ({len(schedule.rows):,} "
                 "touchpoints)", "value": schedule_time, "unit": "s", "baseline": baseline,
         "ratio": schedule_time / baseline, "goal": goal, "met": schedule_time < GOAL_SECONDS},
        {"name": f"engagement compliance, 90 days, {accounts:,} accounts",
         "value": compliance_time, "unit": "s", "baseline": baseline,
         "ratio": compliance_time / baseline, "goal": None, "met": None},
    ]
    if timeline_time is not None:
        rows.append({"name": f"renewal timeline, 18 months, {accounts:,} accounts",
                     "value": timeline_time, "unit": "s", "baseline": baseline,
                     "ratio": timeline_time / baseline, "goal": goal,
                     "met": timeline_time < GOAL_SECONDS})
    return rows


def _renewal_timeline_time(context: AppContext) -> float | None:
    if importlib.util.find_spec("csdesk.services.renewals") is None:
        return None
    from csdesk.services.renewals import renewal_timeline

    seconds, _ = timed(_in_session(context, lambda s, r: renewal_timeline(s, AS_OF, r)))
    return seconds


def main() -> int:
    for row in run(quick="--quick" in sys.argv):
        goal = f"goal {row['goal']}: {'met' if row['met'] else 'NOT met'}" if row["goal"] \
            else "no goal"
        print(f"{row['name']}: {row['value']:.2f} s; baseline (read the rows) "
              f"{row['baseline']:.2f} s; ratio {row['ratio']:.1f}x; {goal}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
