"""Many business reviews at once, in worker processes.

Rendering holds the interpreter, so a book of reviews is spread over processes. Each worker
opens its own portfolio session; a review that fails is reported and the others go on.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import re
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from csdesk.errors import CsdeskError
from csdesk.metrics.periods import Period
from csdesk.reports.business_review import write_business_review
from csdesk.services.context import AppContext, load_rates, open_context
from csdesk.services.review_data import ReviewTarget, gather_review

logger = logging.getLogger(__name__)

_SLUG = re.compile(r"[^\w]+")


@dataclass(frozen=True)
class ReviewOptions:
    """What every review of a batch shares."""

    as_of: date
    period: Period
    audience: str = "customer"
    commercials: bool | None = None


@dataclass(frozen=True)
class ReviewOutcome:
    """How one account's review went: the file written, or the error that stopped it."""

    account_id: int
    name: str
    path: Path | None
    error: str | None = None
    detail: str | None = None

    @property
    def ok(self) -> bool:
        """True when the review was written."""
        return self.error is None


def file_name(target: ReviewTarget, period: Period, audience: str) -> str:
    """A file name that sorts by account and keeps the name readable in any script."""
    slug = _SLUG.sub("-", target.name.lower()).strip("-_")[:60].strip("-_") or "account"
    suffix = "" if audience == "customer" else f"-{audience}"
    return f"{target.id}-{slug}-{period.label.replace('.', '')}{suffix}.pdf"


def write_review(context: AppContext, target: ReviewTarget, options: ReviewOptions,
                 folder: Path) -> Path:
    """Gather and write one account's review into ``folder``."""
    with context.read() as session:
        data = gather_review(
            session, str(target.id), as_of=options.as_of, rates=load_rates(session),
            period=options.period, audience=options.audience, commercials=options.commercials,
        )
    return write_business_review(data, folder / file_name(target, options.period,
                                                           options.audience))


# ---- the worker side ---------------------------------------------------------------------

_worker_context: AppContext | None = None


def _start_worker(home: str) -> None:
    global _worker_context
    # The parent has already run the open hooks (health history); workers only read.
    _worker_context = open_context(home)


def _run_one(target: ReviewTarget, options: ReviewOptions, folder: Path) -> ReviewOutcome:
    if _worker_context is None:
        raise RuntimeError("worker started without a portfolio")
    try:
        path = write_review(_worker_context, target, options, folder)
        return ReviewOutcome(target.id, target.name, path)
    except CsdeskError as exc:
        return ReviewOutcome(target.id, target.name, None, str(exc))
    except Exception as exc:  # one bad account must not stop the batch
        return ReviewOutcome(target.id, target.name, None, f"{type(exc).__name__}: {exc}",
                             traceback.format_exc())


def default_workers(jobs: int) -> int:
    """One worker per core, but no more workers than reviews."""
    return max(1, min(jobs, os.cpu_count() or 1))


def worker_count(asked: int | None, jobs: int) -> int:
    """How many processes to start: as asked, but never more than the reviews or twice the cores.

    Each worker is a whole interpreter with the PDF stack loaded, so asking for thousands
    would exhaust memory long before it made anything faster.
    """
    if not asked:
        return default_workers(jobs)
    return max(1, min(asked, jobs, 2 * (os.cpu_count() or 1)))


def write_reviews(
    home: Path,
    targets: Sequence[ReviewTarget],
    options: ReviewOptions,
    folder: Path,
    workers: int | None = None,
    on_done: Callable[[ReviewOutcome], None] | None = None,
) -> list[ReviewOutcome]:
    """Write a review per target into ``folder`` with a pool of worker processes.

    Args:
        home: the csdesk home whose portfolio each worker opens.
        targets: the accounts, in the order results are returned.
        options: period, audience and as-of date shared by all reviews.
        folder: where the files go (created when missing).
        workers: how many processes (default: one per core; never more than the reviews or
            twice the cores).
        on_done: called in this process as each review finishes (for a progress bar).

    Returns:
        One outcome per target, in the targets' order.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CsdeskError(f"cannot create the folder {folder}: {exc.strerror or exc}") from exc
    if not targets:
        return []

    count = worker_count(workers, len(targets))
    outcomes: dict[int, ReviewOutcome] = {}
    # spawn: a fresh interpreter per worker, the same on every platform, and no copy of the
    # parent's open database connection.
    with ProcessPoolExecutor(max_workers=count, mp_context=multiprocessing.get_context("spawn"),
                             initializer=_start_worker, initargs=(str(home),)) as pool:
        futures = {pool.submit(_run_one, t, options, folder): i for i, t in enumerate(targets)}
        for future in as_completed(futures):
            index = futures[future]
            target = targets[index]
            try:
                outcome = future.result()
            except Exception as exc:  # the worker process itself died
                outcome = ReviewOutcome(target.id, target.name, None,
                                        f"worker stopped: {type(exc).__name__}: {exc}")
            outcomes[index] = outcome
            if outcome.detail:
                # The face reports the failure; the traceback from the worker is for the file.
                logger.debug("review of account %s failed:\n%s", target.id, outcome.detail)
            if on_done is not None:
                on_done(outcome)
    results = [outcomes[i] for i in range(len(targets))]
    failed = sum(1 for r in results if not r.ok)
    logger.info("business reviews written: %d of %d to %s (%d failed)",
                len(results) - failed, len(results), folder, failed)
    return results
