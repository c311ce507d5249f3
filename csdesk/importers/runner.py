"""Importing one CSV file: read, check everything, then write all of it or nothing."""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from csdesk.errors import CsdeskError
from csdesk.importers.anomalies import Anomalies
from csdesk.importers.columns import bind_columns
from csdesk.importers.convert import convert
from csdesk.importers.fields import KIND_ALIASES, KINDS, KindSpec, kind_spec
from csdesk.importers.kinds import PLANNERS
from csdesk.importers.kinds.common import KindContext, KindOutcome
from csdesk.importers.mapping import Mapping, load_mapping
from csdesk.importers.problems import ProblemList
from csdesk.importers.report import ImportReport
from csdesk.importers.textfile import CsvTable, read_csv
from csdesk.services.context import AppContext
from csdesk.services.importing import (
    ImportPlan,
    account_index,
    apply_plan,
    reporting_currency,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ImportRequest:
    """What the user asked for: the kind, the file and the options."""

    kind: str
    path: Path
    mapping: Path | None = None
    dry_run: bool = False
    date_order: str | None = None
    source: str | None = None


def known_kinds() -> list[str]:
    """Every kind name the import accepts, aliases included."""
    return [*KINDS, *KIND_ALIASES]


def resolve_kind(name: str) -> KindSpec:
    """The kind called ``name``, or an error listing the kinds."""
    try:
        return kind_spec(name.strip().lower())
    except KeyError:
        raise CsdeskError(f"'{name}' is not a kind of import; choose one of "
                          f"{', '.join(KINDS)}") from None


def run_import(app: AppContext, request: ImportRequest) -> ImportReport:
    """Import ``request.path`` into the portfolio (or only check it when ``dry_run``).

    Raises:
        ImportRejected: when the file has problems; it lists every one, and nothing is
            written.
    """
    started = time.perf_counter()
    kind = resolve_kind(request.kind)
    mapping = load_mapping(request.mapping, kind) if request.mapping else Mapping()
    with collector_paused():
        report = _import(app, request, kind, mapping)
    report.seconds = time.perf_counter() - started
    logger.info(
        "%s %s from %s: %d rows, %d created, %d updated, %d unchanged, %d anomalies (%.2f s)",
        "checked" if request.dry_run else "imported", kind.name, request.path.name,
        report.rows, report.total("created"), report.total("updated"),
        report.total("unchanged"), len(report.anomalies), report.seconds,
    )
    return report


@contextmanager
def collector_paused() -> Iterator[None]:
    """Hold off Python's cycle collector while a file is read, checked and written.

    A large file becomes hundreds of thousands of lists and tuples that live until the
    import ends and hold no reference cycles; the collector would scan them again and again
    as they pile up (a quarter of a 100,000-row import) and find nothing to free. Memory is
    still released by reference counting; the collector resumes afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _import(app: AppContext, request: ImportRequest, kind: KindSpec,
            mapping: Mapping) -> ImportReport:
    table = read_csv(request.path)
    problems = ProblemList(table.file)
    bindings = bind_columns(table, kind, mapping, problems, request.source)
    problems.raise_if_any()

    anomalies = Anomalies()
    with app.read() as session:
        currency = reporting_currency(session)
        parsed = convert(table, kind, bindings, mapping, problems, request.date_order,
                         currency)
        context = KindContext(table.file, kind, table, parsed, mapping, bindings.source,
                              problems, anomalies, session,
                              account_index(session, bindings.source), currency)
        outcome = PLANNERS[kind.name](context)
    problems.raise_if_any()

    report = ImportReport(
        kind=kind.name, file=table.file, source=bindings.source, rows=len(table.rows),
        encoding=table.encoding, delimiter=table.delimiter, date_order=parsed.date_order,
        counts=outcome.counts, columns=bindings.describe(), ignored_columns=bindings.ignored,
        notes=table.notes + bindings.notes, anomalies=anomalies.items(),
        dry_run=request.dry_run,
    )
    if not request.dry_run:
        report.import_run_id = apply_plan(app, _plan(request.path, table, kind, bindings.source,
                                                     outcome, report))
    return report


def _plan(path: Path, table: CsvTable, kind: KindSpec, source: str, outcome: KindOutcome,
          report: ImportReport) -> ImportPlan:
    plan = ImportPlan(kind=kind.name, file_name=path.name, sha256=table.sha256, source=source,
                      rows=len(table.rows), created=report.total("created"),
                      updated=report.total("updated"), unchanged=report.total("unchanged"),
                      report=report.to_json())
    for _, entity_plan in outcome.plans:
        plan.creates.extend(entity_plan.creates)
        plan.updates.extend(entity_plan.updates)
    plan.bulk.extend(outcome.bulk)
    return plan
