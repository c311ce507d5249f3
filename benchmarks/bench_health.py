"""Health at scale: today's scores for every account, and a full history back-fill.

A temporary portfolio gets N accounts (10,000; quick mode 200) with two years of daily
account-level usage, monthly feature usage and activities, support tickets, survey answers
and CSM pulses, written with ``sqlite3.executemany``. Then:

* today's health for every account, against one SQL statement that aggregates the same
  inputs per account in the same run (goal: within 3x);
* the history back-fill (Mondays for older history, every day of the last 90), with its
  time and snapshots per second.

Run: ``python -m benchmarks.bench_health [--quick]``.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text

from csdesk.health.facts import baseline_start, recent_start, support_start, year_start
from csdesk.services.context import AppContext, open_context
from csdesk.services.health import backfill_history, compute_health

AS_OF = date(2026, 6, 30)
DAYS = 730
GOAL_RATIO = 3.0

BASELINE_SQL = """
SELECT a.id, a.tier, a.licensed_seats,
  (SELECT count(*) FROM contract k WHERE k.account_id = a.id AND k.start_date <= :day),
  (SELECT count(*) FROM contact p WHERE p.account_id = a.id),
  (SELECT avg(u.active_users) FROM usage_daily u
    WHERE u.account_id = a.id AND u.day >= :base AND u.day <= :day),
  (SELECT min(u.day) FROM usage_daily u WHERE u.account_id = a.id AND u.day <= :day),
  (SELECT sum(f.count) FROM feature_usage f WHERE f.account_id = a.id AND f.day <= :day),
  (SELECT count(DISTINCT f.feature) FROM feature_usage f
    WHERE f.account_id = a.id AND f.day >= :recent AND f.day <= :day),
  (SELECT count(*) FROM support_case c
    WHERE c.account_id = a.id AND (c.closed_at IS NULL OR c.opened_at >= :support)),
  (SELECT avg(s.score) FROM survey_response s
    WHERE s.account_id = a.id AND s.answered_on >= :survey AND s.answered_on <= :day),
  (SELECT max(t.occurred_on) FROM activity t
    WHERE t.account_id = a.id AND t.occurred_on <= :day),
  (SELECT max(p.recorded_on) FROM csm_pulse p
    WHERE p.account_id = a.id AND p.recorded_on <= :day)
FROM account a
"""


def _stamp() -> str:
    return datetime(2026, 1, 1).strftime("%Y-%m-%d %H:%M:%S.%f")


def _records(rnd: random.Random, accounts: int) -> Iterator[tuple[str, str, list[tuple]]]:
    """(table, insert statement, rows) batches for the whole portfolio."""
    first = AS_OF - timedelta(days=DAYS - 1)
    now = _stamp()

    def ids() -> tuple[str, str, str]:
        return str(uuid.UUID(int=rnd.getrandbits(128))), now, now

    yield ("account", "INSERT INTO account (id, name, tier, licensed_seats, strategic, "
           "client_id, created_at, updated_at) VALUES (?,?,?,?,0,?,?,?)",
           [(a, f"Account {a:05d}", rnd.choice((1, 2, 3)), rnd.randint(5, 200), *ids())
            for a in range(1, accounts + 1)])
    yield ("contract", "INSERT INTO contract (account_id, start_date, end_date, amount_minor, "
           "currency, amount_period, billing_frequency, recurring, is_trial, auto_renew, "
           "client_id, created_at, updated_at) VALUES (?,?,?,?,'EUR','year','annual',1,0,0,"
           "?,?,?)",
           [(a, first.isoformat(), (AS_OF + timedelta(days=rnd.randint(10, 400))).isoformat(),
             rnd.randint(1, 300) * 100_000, *ids()) for a in range(1, accounts + 1)])
    yield ("contact", "INSERT INTO contact (id, account_id, first_name, roles, left_company, "
           "client_id, created_at, updated_at) VALUES (?,?,?,?,0,?,?,?)",
           [(a, a, "Sponsor", "executive_sponsor", *ids()) for a in range(1, accounts + 1)])

    for a in range(1, accounts + 1):
        level = rnd.randint(2, 150)
        fade = rnd.random() < 0.2
        usage = []
        for n in range(DAYS):
            users = max(0, int(level * (1 - n / DAYS if fade else 1) + rnd.randint(-2, 2)))
            usage.append((a, (first + timedelta(days=n)).isoformat(), users, users * 2,
                          users * 9))
        yield ("usage_daily", "INSERT INTO usage_daily (account_id, day, active_users, "
               "sessions, events) VALUES (?,?,?,?,?)", usage)

    features, activities, cases, surveys, pulses = [], [], [], [], []
    for a in range(1, accounts + 1):
        for month in range(24):
            day = first + timedelta(days=30 * month + rnd.randint(0, 29))
            for feature in rnd.sample(range(1, 41), 3):
                features.append((a, day.isoformat(), f"feature_{feature}", rnd.randint(1, 90)))
            activities.append((a, a if month % 4 == 0 else None, "call", day.isoformat(),
                               "check-in", *ids()))
        for _ in range(4):
            opened = AS_OF - timedelta(days=rnd.randint(0, DAYS - 1))
            closed = opened + timedelta(days=rnd.randint(1, 30))
            cases.append((a, rnd.choice(("low", "normal", "high", "urgent")),
                          f"{opened.isoformat()} 09:00:00.000000",
                          None if closed > AS_OF else f"{closed.isoformat()} 17:00:00.000000",
                          int(rnd.random() < 0.1), *ids()))
        for _ in range(2):
            surveys.append((a, a, "nps", rnd.randint(0, 10), 0, 10,
                            (AS_OF - timedelta(days=rnd.randint(0, DAYS - 1))).isoformat(),
                            *ids()))
        for quarter in range(8):
            pulses.append((a, rnd.randint(1, 5),
                           (first + timedelta(days=91 * quarter + 20)).isoformat(), *ids()))
    yield ("feature_usage", "INSERT OR IGNORE INTO feature_usage (account_id, day, feature, "
           "count) VALUES (?,?,?,?)", features)
    yield ("activity", "INSERT INTO activity (account_id, contact_id, kind, occurred_on, "
           "summary, client_id, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?)", activities)
    yield ("support_case", "INSERT INTO support_case (account_id, priority, opened_at, "
           "closed_at, escalated, client_id, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?)",
           cases)
    yield ("survey_response", "INSERT INTO survey_response (account_id, contact_id, kind, "
           "score, scale_min, scale_max, answered_on, client_id, created_at, updated_at) "
           "VALUES (?,?,?,?,?,?,?,?,?,?)", surveys)
    yield ("csm_pulse", "INSERT INTO csm_pulse (account_id, score, recorded_on, client_id, "
           "created_at, updated_at) VALUES (?,?,?,?,?,?)", pulses)


def generate(path: Path, accounts: int, seed: int = 7) -> int:
    """Fill the (already created) portfolio at ``path``; returns the usage rows written."""
    connection = sqlite3.connect(path)
    written = 0
    try:
        connection.execute("PRAGMA synchronous=OFF")
        for table, statement, rows in _records(random.Random(seed), accounts):
            connection.executemany(statement, rows)
            if table == "usage_daily":
                written += len(rows)
        connection.commit()
    finally:
        connection.close()
    return written


def _best(runs: int, action: Callable[[], Any]) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - started)
    return best


def measure(context: AppContext, runs: int) -> tuple[float, float, int]:
    """Seconds for today's health of every account and for the baseline SQL."""
    params = {"day": AS_OF, "base": baseline_start(AS_OF), "recent": recent_start(AS_OF),
              "support": support_start(AS_OF), "survey": year_start(AS_OF)}
    scored = 0
    with context.read() as session:
        def health() -> None:
            nonlocal scored
            scored = sum(r.is_scored for r in compute_health(session, AS_OF).values())

        def baseline() -> None:
            session.execute(text(BASELINE_SQL), params).all()

        baseline()  # warm the page cache for both
        return _best(runs, health), _best(runs, baseline), scored


def run(quick: bool) -> list[dict[str, Any]]:
    accounts = 200 if quick else 10_000
    with tempfile.TemporaryDirectory(prefix="csdesk-bench-health-") as folder:
        context = open_context(folder)
        try:
            started = time.perf_counter()
            usage_rows = generate(context.portfolio.path, accounts)
            generated = time.perf_counter() - started
            print(f"generated {accounts} accounts, {usage_rows} usage rows in {generated:.1f} s",
                  file=sys.stderr)

            health, baseline, scored = measure(context, runs=2 if quick else 3)
            report = backfill_history(context, AS_OF)
        finally:
            context.close()

    ratio = health / baseline
    return [
        {"name": f"health today, {accounts} accounts ({scored} scored)", "value": health,
         "unit": "s", "baseline": baseline, "ratio": ratio,
         "goal": f"within {GOAL_RATIO:g}x of one SQL aggregation of the same inputs",
         "met": ratio <= GOAL_RATIO},
        {"name": f"history back-fill, {report.snapshots} snapshots", "value": report.seconds,
         "unit": "s", "baseline": None, "ratio": None, "goal": None},
        {"name": "history back-fill rate", "value": report.snapshots / report.seconds,
         "unit": "snapshots/s", "baseline": None, "ratio": None, "goal": None},
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Health scores at scale")
    parser.add_argument("--quick", action="store_true", help="200 accounts instead of 10,000")
    args = parser.parse_args(argv)
    for row in run(args.quick):
        baseline = f"{row['baseline']:.3f} {row['unit']}" if row["baseline"] else "-"
        ratio = f"{row['ratio']:.2f}x" if row["ratio"] else "-"
        met = "" if row.get("met") is None else ("  met" if row["met"] else "  NOT MET")
        print(f"{row['name']}: {row['value']:,.3f} {row['unit']} (baseline {baseline}, "
              f"ratio {ratio}, goal {row['goal'] or '-'}){met}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
