"""Binding csdesk fields to the columns of one file: from the mapping, else by header."""

from __future__ import annotations

from dataclasses import dataclass, field

from csdesk.importers.fields import KindSpec, header_key
from csdesk.importers.mapping import Mapping
from csdesk.importers.problems import ProblemList
from csdesk.importers.textfile import CsvTable

# Headers only one of the two big CRMs writes; they tell where an export came from.
HUBSPOT_HEADERS = frozenset(header_key(h) for h in (
    "Record ID", "Create Date", "Associated Company", "Company owner", "Country/Region",
    "Deal Stage", "Ticket name", "Last Modified Date", "Deal Name", "Company name",
))
SALESFORCE_HEADERS = frozenset(header_key(h) for h in (
    "Account ID", "Contact ID", "Case Number", "Opportunity ID", "Date/Time Opened",
    "Contact: Full Name", "Account Owner", "Billing Country", "Forecast Category",
    "Opportunity Name", "Case Owner", "Opportunity Owner",
))

# A score column named after the survey tells the kind of survey.
IMPLIED_SURVEY_KIND = {"nps": "nps", "nps score": "nps", "csat": "csat"}


@dataclass(frozen=True)
class Binding:
    """Where a field's values come from: a column (by index) or a constant."""

    field: str
    column: int | None = None
    header: str | None = None
    constant: str | None = None
    how: str = "recognised"

    @property
    def where(self) -> str:
        return self.header if self.header is not None else f"[constants] {self.field}"


@dataclass
class Bindings:
    """Every bound field of a file, the unused columns and the source of the ids."""

    by_field: dict[str, Binding]
    ignored: list[str]
    source: str
    notes: list[str] = field(default_factory=list)

    def __contains__(self, name: str) -> bool:
        return name in self.by_field

    def describe(self) -> dict[str, str]:
        return {name: b.where for name, b in self.by_field.items()}


def bind_columns(table: CsvTable, kind: KindSpec, mapping: Mapping,
                 problems: ProblemList, source: str | None = None) -> Bindings:
    """Bind every field the file can fill; report missing and doubled columns.

    Args:
        table: the file's header and rows.
        kind: what is being imported.
        mapping: the user's mapping (may be empty).
        problems: where to add each problem found.
        source: the ``--source`` option, which wins over the mapping and detection.
    """
    index: dict[str, list[int]] = {}
    for position, header in enumerate(table.headers):
        index.setdefault(header_key(header), []).append(position)
    line = table.header_line
    bound: dict[str, Binding] = {}
    used: set[int] = set()

    def take(field_name: str, key: str, how: str) -> bool:
        positions = index.get(key)
        if not positions:
            return False
        if len(positions) > 1:
            problems.add(line, table.headers[positions[0]],
                         f"{len(positions)} columns have this name; rename one")
        bound[field_name] = Binding(field_name, positions[0], table.headers[positions[0]],
                                    how=how)
        used.add(positions[0])
        return True

    for field_name, header in mapping.columns.items():
        if not take(field_name, header_key(header), "mapping"):
            problems.add(line, header, (
                f"the mapping file {mapping.path} names this column for {field_name}, but the "
                f"file has no such column (its columns: {', '.join(table.headers)})"))
    for field_name, value in mapping.constants.items():
        bound[field_name] = Binding(field_name, constant=value, how="constant")

    for spec in kind.fields.values():
        if spec.name in bound:
            continue
        for alias in (spec.name, *spec.headers):
            positions = index.get(header_key(alias), [])
            if positions and positions[0] not in used:
                take(spec.name, header_key(alias), "recognised")
                break

    _implied_constants(kind, bound)
    _check_required(table, kind, mapping, bound, problems)
    ignored = [h for i, h in enumerate(table.headers) if i not in used and h]
    detected = source or mapping.source or detect_source(table.headers)
    return Bindings(bound, ignored, detected)


def _implied_constants(kind: KindSpec, bound: dict[str, Binding]) -> None:
    score = bound.get("score")
    if kind.name == "surveys" and "kind" not in bound and score and score.header:
        implied = IMPLIED_SURVEY_KIND.get(header_key(score.header))
        if implied:
            bound["kind"] = Binding("kind", constant=implied, how="implied by the column name")


def _check_required(table: CsvTable, kind: KindSpec, mapping: Mapping,
                    bound: dict[str, Binding], problems: ProblemList) -> None:
    line = table.header_line
    columns = ", ".join(f'"{h}"' for h in table.headers)
    for spec in kind.fields.values():
        if spec.required and spec.name not in bound and spec.name not in mapping.defaults:
            expected = spec.headers[0] if spec.headers else spec.name
            others = ", ".join(f'"{h}"' for h in spec.headers[1:4])
            problems.add(line, expected, (
                f"missing: {kind.name} need {spec.label} (field {spec.name}); "
                + (f"other accepted names: {others}; " if others else "")
                + f"the file's columns are {columns}. Rename the column or map it in a "
                "mapping file (--mapping)"))
    for group in kind.one_of:
        if not any(name in bound for name in group):
            labels = " or ".join(kind.fields[name].label for name in group)
            problems.add(line, None, (
                f"no column gives {labels} (fields {', '.join(group)}); the file's columns "
                f"are {columns}. Rename a column or map it in a mapping file (--mapping)"))


def detect_source(headers: list[str]) -> str:
    """'salesforce' or 'hubspot' when the headers are those of a CRM export, else 'csv'."""
    keys = {header_key(h) for h in headers}
    hubspot = len(keys & HUBSPOT_HEADERS)
    salesforce = len(keys & SALESFORCE_HEADERS)
    if not hubspot and not salesforce:
        return "csv"
    return "hubspot" if hubspot > salesforce else "salesforce"
