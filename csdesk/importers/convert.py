"""Turning the text of bound columns into typed values, column by column.

Working a column at a time keeps a 100,000-row file fast: the common case (an ISO date, a
plain integer) is one C call per cell, and only odd values take the slower path.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, tzinfo
from operator import itemgetter
from typing import Any

from csdesk.importers.columns import Binding, Bindings
from csdesk.importers.countries import country_code
from csdesk.importers.dates import (
    DateError,
    DateSample,
    OrderNeeded,
    decide_order,
    needs_order,
    parse_date,
    parse_datetime,
)
from csdesk.importers.fields import FieldSpec, KindSpec, header_key
from csdesk.importers.mapping import Mapping, zone_of
from csdesk.importers.numbers import (
    NumberError,
    column_decimal_mark,
    known_currency,
    parse_amount,
    parse_bool,
    parse_whole,
)
from csdesk.importers.problems import ProblemList
from csdesk.importers.textfile import CsvTable

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+$")
_ROLE_SPLIT = re.compile(r"[,;|/]")


@dataclass
class Parsed:
    """The typed values of every bound field, one list per field, row for row."""

    lines: list[int]
    values: dict[str, list[Any]]
    bindings: Bindings
    date_order: str | None

    def __len__(self) -> int:
        return len(self.lines)

    def has(self, field_name: str) -> bool:
        return field_name in self.values

    def column(self, field_name: str) -> list[Any]:
        """The field's values, or all None when the file does not give it."""
        return self.values.get(field_name) or [None] * len(self.lines)

    def where(self, field_name: str) -> str:
        binding = self.bindings.by_field.get(field_name)
        return binding.where if binding else field_name


@dataclass(frozen=True)
class ReadContext:
    """What reading a cell depends on beyond the cell itself."""

    mapping: Mapping
    order: str | None
    zone: tzinfo
    default_dollar: str


def convert(table: CsvTable, kind: KindSpec, bindings: Bindings, mapping: Mapping,
            problems: ProblemList, date_order: str | None, default_currency: str) -> Parsed:
    """Typed values for every bound field; each bad cell becomes a problem.

    Args:
        table: the file's rows.
        kind: what is being imported.
        bindings: which column (or constant) feeds each field.
        mapping: value tables, booleans and options.
        problems: where each bad cell is reported.
        date_order: ``--date-order`` (wins over the mapping's option).
        default_currency: what a bare "$" means when nothing else says.
    """
    cells = {name: _cells(table, binding, mapping) for name, binding in bindings.by_field.items()}
    # Columns in the plain form (integers, ISO dates, clean text) convert in one pass each;
    # an ISO date never depends on the day/month order, so those columns need no sampling.
    fast = {name: _fast_column(kind.fields[name], column) for name, column in cells.items()}
    order = _date_order(table, kind, bindings,
                        {name: column for name, column in cells.items() if fast[name] is None},
                        problems, date_order or mapping.options.date_order)
    context = ReadContext(mapping, order, zone_of(mapping.options.timezone) or UTC,
                          default_currency)
    values: dict[str, list[Any]] = {}
    for name, binding in bindings.by_field.items():
        converted = fast[name]
        if converted is None:
            converted = _convert_column(kind.fields[name], binding, cells[name], table.lines,
                                        context, problems)
        values[name] = converted
    return Parsed(table.lines, values, bindings, order)


def _cells(table: CsvTable, binding: Binding, mapping: Mapping) -> list[str]:
    if binding.column is None:
        return [binding.constant or ""] * len(table.rows)
    column = list(map(itemgetter(binding.column), table.rows))
    default = mapping.defaults.get(binding.field)
    # A default currency yields to a currency symbol in the amount (see KindContext.money).
    if default is not None and binding.field != "currency":
        column = [cell if cell.strip() else default for cell in column]
    if binding.field in mapping.values:
        column = [mapping.translate(binding.field, cell) for cell in column]
    return column


def _date_order(table: CsvTable, kind: KindSpec, bindings: Bindings,
                cells: dict[str, list[str]], problems: ProblemList,
                forced: str | None) -> str | None:
    """One day/month order for the whole file, from the values that settle it."""
    samples: list[DateSample] = []
    for name, column in cells.items():
        if kind.fields[name].type not in ("date", "datetime"):
            continue
        where = bindings.by_field[name].where
        for cell, line in zip(column, table.lines, strict=True):
            # ISO dates (the common case) never depend on the order; skip them quickly.
            if cell[4:5] != "-" and needs_order(cell):
                samples.append(DateSample(line, where, cell.strip()))
    decision = decide_order(samples, forced)
    if decision.message:
        problems.add(decision.line, decision.column, decision.message)
    return decision.order


def _convert_column(spec: FieldSpec, binding: Binding, cells: list[str], lines: list[int],
                    context: ReadContext, problems: ProblemList) -> list[Any]:
    """Every cell through the full parser; each bad one becomes a problem."""
    parse = _parser(spec, cells, context)
    where = binding.where
    # An empty score is an unanswered survey, not an error (reported as an anomaly).
    required = spec.required and spec.type != "score"
    out: list[Any] = []
    append = out.append
    for cell, line in zip(cells, lines, strict=True):
        if not cell or cell.isspace():
            if required:
                problems.add(line, where, f"is empty; {spec.label} is required")
            append(None)
            continue
        try:
            append(parse(cell))
        except OrderNeeded:
            # One message for the whole file says the order is missing; no need to repeat it.
            append(None)
        except (DateError, NumberError, ValueError) as exc:
            problems.add(line, where, str(exc))
            append(None)
    return out


def _fast_column(spec: FieldSpec, cells: list[str]) -> list[Any] | None:
    """The whole column in one pass when every cell is in the plain form (an integer, an
    ISO date, clean text); None sends it cell by cell through the full parser."""
    try:
        if spec.type in ("int", "score"):
            if "" in cells and not spec.required:
                # Empty cells are unknown counts (None); exports leave many.
                return [int(cell) if cell else None for cell in cells]
            return list(map(int, cells))
        if spec.type == "date":
            return list(map(date.fromisoformat, cells))
    except ValueError:
        return None
    if spec.type == "text" and not _CONTROL.search("\n".join(cells)):
        values: list[str | None] = list(map(str.strip, cells))
        if "" in values:
            if spec.required:
                return None
            values = [value or None for value in values]
        return values
    return None


def _parser(spec: FieldSpec, cells: list[str], context: ReadContext) -> Callable[[str], Any]:
    mapping = context.mapping
    kind = spec.type
    if kind == "int" or kind == "score":
        return _whole
    if kind == "date":
        return lambda cell: parse_date(cell, context.order)
    if kind == "datetime":
        return lambda cell: parse_datetime(cell, context.order, context.zone)
    if kind == "bool":
        return lambda cell: parse_bool(cell, mapping.true_words, mapping.false_words)
    if kind == "amount":
        mark = mapping.options.decimal_mark or column_decimal_mark(c for c in cells if c)
        return lambda cell: parse_amount(cell, mark, context.default_dollar)
    if kind == "currency":
        return _currency
    if kind == "country":
        return _country
    if kind == "choice":
        return lambda cell: _choice(spec, cell)
    if kind == "roles":
        return lambda cell: _roles(spec, cell)
    if kind == "email":
        return _email
    return _text


def _whole(cell: str) -> int:
    try:
        return int(cell)
    except ValueError:
        return parse_whole(cell)


def _text(cell: str) -> str | None:
    text = cell.strip()
    bad = _CONTROL.search(text)
    if bad:
        raise ValueError(f"contains the control character U+{ord(bad.group()):04X}; "
                         "remove it from the file")
    return text or None


def _email(cell: str) -> str | None:
    text = _text(cell)
    if text is None:
        return None
    if text.lower().startswith("mailto:"):
        text = text[7:]
    if not _EMAIL.match(text):
        raise ValueError(f"'{text}' is not an email address")
    return text


def _currency(cell: str) -> str:
    code = cell.strip().upper()
    if len(code) != 3 or not code.isalpha() or not known_currency(code):
        raise ValueError(f"'{cell.strip()}' is not an ISO 4217 currency code (e.g. EUR, USD)")
    return code


def _country(cell: str) -> str:
    code = country_code(cell)
    if code is None:
        raise ValueError(f"'{cell.strip()}' is not a country csdesk knows; use its ISO code "
                         "(e.g. DE) or English name, or map it under [values.country]")
    return code


def _choice(spec: FieldSpec, cell: str) -> str:
    value = spec.choices.get(header_key(cell))
    if value is None:
        allowed = ", ".join(sorted(set(spec.choices.values())))
        raise ValueError(f"'{cell.strip()}' is not a known {spec.label.removeprefix('the ')}; "
                         f"allowed: {allowed} (or map it under [values.{spec.name}] in a "
                         "mapping file)")
    return value


def _roles(spec: FieldSpec, cell: str) -> str:
    roles = {_choice(spec, part) for part in _ROLE_SPLIT.split(cell) if part.strip()}
    return ",".join(sorted(roles))

