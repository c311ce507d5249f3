"""Helpers shared by the command modules: options, the open portfolio, output."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any

from csdesk.dates import within_range
from csdesk.errors import ValidationError
from csdesk.models.database import LARGEST_ID
from csdesk.services.context import AppContext, open_context


def add_json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")


def add_as_of(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--as-of",
        type=parse_date_option,
        default=None,
        metavar="DATE",
        help="compute as of this date (YYYY-MM-DD; default: today)",
    )


def parse_date_option(text: str) -> date:
    """A date option: YYYY-MM-DD, within the dates csdesk works with (a usage error if not)."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a date in the form YYYY-MM-DD (for example 2026-03-31)"
        ) from None
    try:
        return within_range(day)
    except ValidationError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def record_id(text: str) -> int:
    """An id option or argument: a whole number csdesk could have given (a usage error if not)."""
    cleaned = text.strip()
    if not (cleaned.isascii() and cleaned.isdigit()) or int(cleaned) > LARGEST_ID:
        raise argparse.ArgumentTypeError(f"'{text}' is not an id (a whole number such as 42)")
    return int(cleaned)


def as_of(args: argparse.Namespace) -> date:
    """The date the command works as of: ``--as-of`` or today. Only faces call today()."""
    chosen = getattr(args, "as_of", None)
    return chosen or date.today()


@contextmanager
def portfolio(args: argparse.Namespace) -> Iterator[AppContext]:
    # History is never written for days that have not happened yet.
    context = open_context(getattr(args, "home", None), min(as_of(args), date.today()))
    try:
        yield context
    finally:
        context.close()


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=_json_default)
    sys.stdout.write("\n")


def _json_default(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    to_json = getattr(value, "to_json", None)
    if callable(to_json):
        return to_json()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def print_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """A plain aligned text table; wide East Asian characters count double."""
    cells = [[_text(v) for v in row] for row in rows]
    widths = [_width(h) for h in headers]
    for row in cells:
        for i, cell in enumerate(row):
            widths[i] = min(max(widths[i], _width(cell)), 48)
    print("  ".join(_pad(h, w) for h, w in zip(headers, widths, strict=True)).rstrip())
    print("  ".join("-" * w for w in widths))
    for row in cells:
        print("  ".join(_pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip())


def _text(value: Any) -> str:
    if value is None:
        return "-"
    return str(value).replace("\n", " ")


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    if _width(text) > width:
        while _width(text) > width - 1:
            text = text[:-1]
        text += "…"
    return text + " " * (width - _width(text))


def require(condition: bool, message: str) -> None:
    if not condition:
        raise ValidationError(message)
