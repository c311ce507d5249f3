"""Business review PDFs: one in a warm process, and a whole book with the worker pool.

A temporary portfolio gets the demo book (200 accounts; quick mode 20) with its health
history. Then:

* one business review (gather the data, lay out, render, PDF bytes) in a warm process,
  median of several runs, against a bare reportlab document built in the same run from the
  same flowables and charts (the same story, charts drawn and converted again, laid out with
  a plain ``SimpleDocTemplate``: no cover, running header and footer, page X of Y, or data
  gathering). Goal: within 2x of it, and under 1 s.
* a review for every account of the book (quick mode: a handful) written by the worker
  pool, against the warm single-review time multiplied by the count (one process, no pool).
  Goal: 200 reviews in under 2 minutes on a 2-core machine.

Run: ``python -m benchmarks.bench_reports [--quick]``.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.platypus import NextPageTemplate, SimpleDocTemplate

from csdesk.demo import DemoOptions, load_demo
from csdesk.reports.batch import ReviewOptions, write_reviews
from csdesk.reports.business_review import build_story, render_business_review
from csdesk.reports.kit import Kit
from csdesk.reports.text import Markup
from csdesk.reports.theme import make_theme
from csdesk.services.context import AppContext, load_rates, open_context
from csdesk.services.health import backfill_history
from csdesk.services.review_data import (
    ReviewData,
    gather_review,
    last_full_quarter,
    review_targets,
)

AS_OF = date(2026, 10, 15)
GOAL_RATIO = 2.0
GOAL_SINGLE = 1.0
GOAL_BOOK = 120.0


def _gather(context: AppContext, key: str) -> ReviewData:
    with context.read() as session:
        return gather_review(session, key, as_of=AS_OF, rates=load_rates(session),
                             audience="internal")


def _full(context: AppContext, key: str) -> float:
    started = time.perf_counter()
    render_business_review(_gather(context, key))
    return time.perf_counter() - started


def _bare(data: ReviewData) -> float:
    started = time.perf_counter()
    kit = Kit(make_theme(data.branding.primary_colour), Markup())
    story = [f for f in build_story(data, kit) if not isinstance(f, NextPageTemplate)]
    SimpleDocTemplate(io.BytesIO(), pagesize=A4, invariant=1).build(story)
    return time.perf_counter() - started


def _richest(context: AppContext) -> str:
    """The account with the most to show: a success plan, usage, and the most objectives."""
    with context.read() as session:
        targets = review_targets(session, AS_OF)
    best, best_size = targets[0].id, -1
    for target in targets[:40]:
        data = _gather(context, str(target.id))
        size = len(data.objectives) + len(data.adoption.trend) + len(data.next_90_days)
        if data.plan is not None and size > best_size:
            best, best_size = target.id, size
    return str(best)


def measure_single(context: AppContext, runs: int) -> tuple[float, float, str]:
    """Median seconds of one review and of the bare baseline, warm."""
    key = _richest(context)
    _full(context, key)  # warm: imports, fonts, caches
    data = _gather(context, key)
    _bare(data)
    full = statistics.median(_full(context, key) for _ in range(runs))
    bare = statistics.median(_bare(data) for _ in range(runs))
    return full, bare, key


def measure_book(context: AppContext, count: int | None) -> tuple[float, int, int]:
    """Seconds to write the book's reviews with the worker pool."""
    with context.read() as session:
        targets = review_targets(session, AS_OF)
    chosen = targets[:count] if count else targets
    options = ReviewOptions(AS_OF, last_full_quarter(AS_OF), "customer")
    with tempfile.TemporaryDirectory(prefix="csdesk-bench-reviews-") as folder:
        started = time.perf_counter()
        outcomes = write_reviews(context.paths.home, chosen, options, Path(folder))
        seconds = time.perf_counter() - started
    return seconds, len(outcomes), sum(1 for o in outcomes if not o.ok)


def run(quick: bool) -> list[dict[str, Any]]:
    """The benchmark rows (quick: 20 accounts and a handful of reviews)."""
    accounts = 20 if quick else 200
    with tempfile.TemporaryDirectory(prefix="csdesk-bench-reports-") as folder:
        context = open_context(folder)
        try:
            started = time.perf_counter()
            load_demo(context, DemoOptions(as_of=AS_OF, accounts=accounts))
            backfill_history(context, AS_OF)
            print(f"demo book of {accounts} accounts in {time.perf_counter() - started:.1f} s",
                  file=sys.stderr)
            single, bare, key = measure_single(context, runs=3 if quick else 7)
            book, written, failed = measure_book(context, 4 if quick else None)
        finally:
            context.close()

    ratio = single / bare
    serial = single * written
    return [
        {"name": f"one business review, warm (account {key})", "value": single, "unit": "s",
         "baseline": bare, "ratio": ratio,
         "goal": f"within {GOAL_RATIO:g}x of bare reportlab with the same flowables and "
                 f"charts, under {GOAL_SINGLE:g} s",
         "met": ratio <= GOAL_RATIO and single < GOAL_SINGLE},
        {"name": f"{written} business reviews, worker pool ({failed} failed)", "value": book,
         "unit": "s", "baseline": serial, "ratio": book / serial,
         "goal": f"200 reviews under {GOAL_BOOK:g} s on 2 cores (baseline: warm single "
                 "review x count, one process)",
         "met": (failed == 0 and book < GOAL_BOOK) if not quick else None},
    ]


def main(argv: list[str] | None = None) -> int:
    """Print the rows."""
    parser = argparse.ArgumentParser(description="Business review PDFs")
    parser.add_argument("--quick", action="store_true", help="20 accounts, a handful of reviews")
    args = parser.parse_args(argv)
    for row in run(args.quick):
        met = "" if row.get("met") is None else ("  met" if row["met"] else "  NOT MET")
        print(f"{row['name']}: {row['value']:.3f} {row['unit']} (baseline "
              f"{row['baseline']:.3f} {row['unit']}, ratio {row['ratio']:.2f}x, goal "
              f"{row['goal']}){met}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
