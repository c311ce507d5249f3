"""Mapping files: which CSV column feeds which csdesk field, and how values translate.

A mapping file is TOML (or JSON with the same shape); docs/importing.md describes it::

    kind = "contracts"
    source = "ravenstack"

    [columns]            # csdesk field = "CSV header"
    external_id = "subscription_id"

    [constants]          # the same value on every row
    currency = "USD"

    [values.reason]      # CSV value = csdesk value
    features = "product_fit"

    [booleans]
    true = ["Ja"]
    false = ["Nein"]

    [options]
    end_date_inclusive = true
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from csdesk.errors import CsdeskError
from csdesk.importers.dates import DATE_ORDERS
from csdesk.importers.fields import KindSpec, header_key, kind_spec
from csdesk.importers.numbers import FALSE_WORDS, TRUE_WORDS, known_currency
from csdesk.importers.problems import ProblemList

SECTIONS = ("kind", "source", "key", "columns", "constants", "defaults", "values", "booleans",
            "options")
KEYS = ("external_id", "natural")


@dataclass(frozen=True)
class Options:
    """Settings that change how values are read."""

    date_order: str | None = None
    timezone: str = "UTC"
    decimal_mark: str | None = None
    end_date_inclusive: bool = False
    scale: tuple[int, int] | None = None
    events_from_features: bool = True


OPTION_TYPES: dict[str, type | tuple[type, ...]] = {
    "date_order": str, "timezone": str, "decimal_mark": str, "end_date_inclusive": bool,
    "scale": list, "events_from_features": bool,
}


@dataclass
class Mapping:
    """A parsed mapping file (or the empty mapping when none is given)."""

    path: str | None = None
    kind: str | None = None
    source: str | None = None
    key: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    true_words: frozenset[str] = TRUE_WORDS
    false_words: frozenset[str] = FALSE_WORDS
    options: Options = field(default_factory=Options)

    def translate(self, field_name: str, text: str) -> str:
        """The value a mapping's value table gives for ``text`` (unchanged if none)."""
        table = self.values.get(field_name)
        if not table:
            return text
        return table.get(header_key(text), text)


def load_mapping(path: Path, kind: KindSpec) -> Mapping:
    """Read and check a mapping file for ``kind``; every mistake is reported at once.

    Raises:
        ImportRejected: listing each problem in the mapping file.
    """
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CsdeskError(f"{name}: no such mapping file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CsdeskError(f"cannot read the mapping file {name}: {exc}") from exc

    problems = ProblemList(name)
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        problems.add(None, None, f"not valid {'JSON' if path.suffix == '.json' else 'TOML'}: "
                     f"{exc}")
        problems.raise_if_any()
    if not isinstance(data, dict):
        problems.add(None, None, "a mapping file holds a table of sections")
        problems.raise_if_any()

    mapping = _build(data, name, kind, problems)
    problems.raise_if_any()
    return mapping


def _build(data: dict[str, Any], name: str, kind: KindSpec, problems: ProblemList) -> Mapping:
    for section in data:
        if section not in SECTIONS:
            problems.add(None, None, f"unknown section '{section}' (known: "
                         f"{', '.join(SECTIONS)})")

    mapping = Mapping(path=name)
    declared = data.get("kind")
    if declared is not None:
        try:
            mapping.kind = kind_spec(str(declared)).name
        except KeyError:
            mapping.kind = str(declared)
        if mapping.kind != kind.name:
            problems.add(None, None, f"this mapping is for '{declared}' but the import is "
                         f"for '{kind.name}'")
    if data.get("source") is not None:
        mapping.source = _text(data["source"])
    if data.get("key") is not None:
        mapping.key = _text(data["key"])
        if mapping.key not in KEYS:
            problems.add(None, None, f"key = '{mapping.key}' is not one of {', '.join(KEYS)}")

    mapping.columns = _field_table(data, "columns", kind, problems)
    mapping.constants = _field_table(data, "constants", kind, problems)
    mapping.defaults = _field_table(data, "defaults", kind, problems)
    for field_name in set(mapping.columns) & set(mapping.constants):
        problems.add(None, None, f"'{field_name}' has both a column and a constant; keep one")
    for section in ("constants", "defaults"):
        code = getattr(mapping, section).get("currency", "USD").strip().upper()
        if len(code) != 3 or not known_currency(code):
            problems.add(None, None, f"[{section}] currency: '{code}' is not an ISO 4217 "
                         "currency code (e.g. EUR)")
    mapping.values = _values(data.get("values", {}), kind, problems)
    _booleans(data.get("booleans", {}), mapping, problems)
    mapping.options = _options(data.get("options", {}), problems)
    return mapping


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _field_table(data: dict[str, Any], section: str, kind: KindSpec,
                 problems: ProblemList) -> dict[str, str]:
    table = data.get(section, {})
    if not isinstance(table, dict):
        problems.add(None, None, f"[{section}] must be a table of field = value")
        return {}
    result: dict[str, str] = {}
    for field_name, value in table.items():
        if field_name not in kind.fields:
            problems.add(None, None, f"[{section}] {field_name}: {kind.name} have no field "
                         f"'{field_name}' (fields: {', '.join(kind.fields)})")
        elif isinstance(value, dict | list):
            problems.add(None, None, f"[{section}] {field_name}: expected one value")
        else:
            result[field_name] = _text(value)
    return result


def _values(table: Any, kind: KindSpec, problems: ProblemList) -> dict[str, dict[str, str]]:
    if not isinstance(table, dict):
        problems.add(None, None, "[values] must hold one table per field, e.g. "
                     "[values.reason]")
        return {}
    result: dict[str, dict[str, str]] = {}
    for field_name, pairs in table.items():
        if field_name not in kind.fields:
            problems.add(None, None, f"[values.{field_name}]: {kind.name} have no field "
                         f"'{field_name}'")
        elif not isinstance(pairs, dict):
            problems.add(None, None, f"[values.{field_name}] must map CSV values to csdesk "
                         "values")
        else:
            result[field_name] = {header_key(_text(k)): _text(v) for k, v in pairs.items()}
    return result


def _booleans(table: Any, mapping: Mapping, problems: ProblemList) -> None:
    if not isinstance(table, dict) or set(table) - {"true", "false"}:
        problems.add(None, None, "[booleans] holds two lists: true = [...] and false = [...]")
        return
    for word, target in (("true", "true_words"), ("false", "false_words")):
        spellings = table.get(word, [])
        if not isinstance(spellings, list):
            problems.add(None, None, f"[booleans] {word} must be a list of spellings")
            continue
        extra = frozenset(_text(s).strip().lower() for s in spellings)
        setattr(mapping, target, getattr(mapping, target) | extra)
    clash = mapping.true_words & mapping.false_words
    if clash:
        problems.add(None, None, f"[booleans] {', '.join(sorted(clash))} is both true and false")


def _options(table: Any, problems: ProblemList) -> Options:
    if not isinstance(table, dict):
        problems.add(None, None, "[options] must be a table")
        return Options()
    values: dict[str, Any] = {}
    for key, value in table.items():
        expected = OPTION_TYPES.get(key)
        if expected is None:
            problems.add(None, None, f"[options] unknown option '{key}' (known: "
                         f"{', '.join(OPTION_TYPES)})")
        elif not isinstance(value, expected):
            problems.add(None, None, f"[options] {key} has the wrong type")
        else:
            values[key] = value

    if values.get("date_order") not in (None, *DATE_ORDERS):
        problems.add(None, None, f"[options] date_order must be one of {', '.join(DATE_ORDERS)}")
    if values.get("decimal_mark") not in (None, ",", "."):
        problems.add(None, None, "[options] decimal_mark must be \",\" or \".\"")
    if "timezone" in values and zone_of(values["timezone"]) is None:
        problems.add(None, None, f"[options] timezone '{values['timezone']}' is not a time "
                     "zone name such as 'Europe/Berlin' or 'UTC'")
    if "scale" in values:
        scale = values["scale"]
        if (len(scale) != 2 or not all(isinstance(v, int) for v in scale)
                or scale[0] >= scale[1]):
            problems.add(None, None, "[options] scale must be [lowest, highest], e.g. [1, 5]")
            del values["scale"]
        else:
            values["scale"] = (scale[0], scale[1])
    return Options(**values)


def zone_of(name: str) -> ZoneInfo | None:
    """The time zone called ``name``, or None when it does not exist."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
