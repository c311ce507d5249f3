"""Amounts, whole numbers and yes/no values as spreadsheets write them.

Amounts become exact :class:`~decimal.Decimal` values, never floats: ``$1,234.50``,
``1.234,50 €``, ``€1 234,50``, ``(1,234.00)`` (negative), ``USD 99``. A lone separator
followed by three digits (``1,234``) is a thousands separator unless the column shows the
comma is its decimal mark.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from babel.numbers import list_currencies

# Symbols that name one currency. "$" and "kr" are shared by several and need a default.
SYMBOLS = {
    "€": "EUR", "£": "GBP", "₹": "INR", "₩": "KRW", "₺": "TRY", "₽": "RUB", "₪": "ILS",
    "₫": "VND", "₱": "PHP", "฿": "THB", "zł": "PLN", "us$": "USD", "a$": "AUD",
    "au$": "AUD", "c$": "CAD", "ca$": "CAD", "nz$": "NZD", "hk$": "HKD", "s$": "SGD",
    "r$": "BRL", "mx$": "MXN", "¥": "JPY", "円": "JPY", "元": "CNY", "fr.": "CHF",
}
DOLLAR_CURRENCIES = {"USD", "CAD", "AUD", "NZD", "HKD", "SGD", "MXN", "TWD", "BSD", "FJD"}
KRONA_CURRENCIES = {"SEK", "NOK", "DKK", "ISK"}

_SPACES = " \u00a0\u202f\u2009'’"
_BODY = re.compile(r"[0-9][0-9.,\u00a0\u202f\u2009 '’]*$")
_MINUS = "-−–"

TRUE_WORDS = frozenset({"true", "t", "yes", "y", "1", "x", "checked", "on", "wahr", "ja",
                        "oui", "sí", "si", "✓", "✔"})
FALSE_WORDS = frozenset({"false", "f", "no", "n", "0", "unchecked", "off", "falsch",
                         "nein", "non"})


class NumberError(ValueError):
    """A value that is not the number expected; the message says why."""


_CURRENCY_CODES: frozenset[str] | None = None


def known_currency(code: str) -> bool:
    """True for an ISO 4217 code that babel knows."""
    global _CURRENCY_CODES
    if _CURRENCY_CODES is None:
        _CURRENCY_CODES = frozenset(list_currencies())
    return code in _CURRENCY_CODES


def decimal_mark_evidence(text: str) -> str | None:
    """``','`` or ``'.'`` when the value shows which is the decimal mark, else None."""
    body = "".join(ch for ch in text if ch.isdigit() or ch in ".,")
    last_comma, last_dot = body.rfind(","), body.rfind(".")
    if last_comma >= 0 and last_dot >= 0:
        return "," if last_comma > last_dot else "."
    for mark in (",", "."):
        position = body.rfind(mark)
        if position >= 0 and body.count(mark) == 1 and len(body) - position - 1 != 3:
            return mark
    return None


def column_decimal_mark(cells: Iterable[str]) -> str | None:
    """The decimal mark most values of a column show, or None when none settles it."""
    votes = {",": 0, ".": 0}
    for cell in cells:
        evidence = decimal_mark_evidence(cell)
        if evidence:
            votes[evidence] += 1
    if not votes[","] and not votes["."]:
        return None
    return "," if votes[","] > votes["."] else "."


def parse_amount(text: str, decimal_mark: str | None = None,
                 default_dollar: str = "USD") -> tuple[Decimal, str | None]:
    """The exact amount and the currency its symbol or code names (None when it has none).

    Raises:
        NumberError: when the value is not an amount of money.
    """
    raw = text
    text = text.strip()
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1].strip()
    if text and text[0] in _MINUS:
        negative, text = not negative, text[1:].strip()
    elif text[:1] == "+":
        text = text[1:].strip()

    start = next((i for i, ch in enumerate(text) if ch.isdigit()), None)
    if start is None:
        raise NumberError(f"'{raw}' is not an amount")
    prefix = text[:start].strip()
    if prefix and prefix[-1] in _MINUS:
        negative, prefix = not negative, prefix[:-1].strip()
    end = max(i for i, ch in enumerate(text) if ch.isdigit()) + 1
    suffix = text[end:].strip()
    if suffix and suffix[-1] in _MINUS:
        negative, suffix = not negative, suffix[:-1].strip()
    if suffix and suffix[0] in _MINUS:
        negative, suffix = not negative, suffix[1:].strip()
    if prefix and suffix:
        raise NumberError(f"'{raw}' is not an amount (it has text on both sides)")

    currency = _currency(prefix or suffix, raw, default_dollar)
    value = _decimal(text[start:end], raw, decimal_mark)
    return (-value if negative else value), currency


def _currency(marker: str, raw: str, default_dollar: str) -> str | None:
    if not marker:
        return None
    lowered = marker.lower().replace(" ", "")
    if lowered in SYMBOLS:
        return SYMBOLS[lowered]
    if lowered == "$":
        return default_dollar if default_dollar in DOLLAR_CURRENCIES else "USD"
    if marker.isalpha() and len(marker) == 3 and known_currency(marker.upper()):
        return marker.upper()
    raise NumberError(f"'{raw}' is not an amount ('{marker}' is not a currency csdesk knows)")


def _decimal(body: str, raw: str, decimal_mark: str | None) -> Decimal:
    if not _BODY.match(body):
        raise NumberError(f"'{raw}' is not an amount")
    for space in _SPACES:
        body = body.replace(space, "")
    mark = _decimal_mark(body, decimal_mark)
    thousands = "," if mark == "." else "."
    whole, _, fraction = body.rpartition(mark) if mark in body else (body, "", "")
    if mark in whole:
        raise NumberError(f"'{raw}' has the decimal mark '{mark}' twice")
    digits = whole.replace(thousands, "") + ("." + fraction if fraction else "")
    if not whole.replace(thousands, "").isdigit() or (fraction and not fraction.isdigit()):
        raise NumberError(f"'{raw}' is not an amount")
    try:
        return Decimal(digits)
    except InvalidOperation:
        raise NumberError(f"'{raw}' is not an amount") from None


def _decimal_mark(body: str, column_mark: str | None) -> str:
    evidence = decimal_mark_evidence(body)
    if evidence:
        return evidence
    if column_mark:
        return column_mark
    # "1,234" or "1.234.567": separators every three digits group thousands.
    return "." if "," in body else ","


def parse_whole(text: str) -> int:
    """A whole number: ``12``, ``1,234``, ``1 234``, or ``4.0`` as spreadsheets write it.

    Raises:
        NumberError: when the value is not a whole number.
    """
    try:
        return int(text)
    except ValueError:
        pass
    try:
        value, currency = parse_amount(text)
    except NumberError:
        raise NumberError(f"'{text.strip()}' is not a whole number") from None
    if currency is not None or value != value.to_integral_value():
        raise NumberError(f"'{text.strip()}' is not a whole number")
    return int(value)


def parse_bool(text: str, true_words: frozenset[str] = TRUE_WORDS,
               false_words: frozenset[str] = FALSE_WORDS) -> bool:
    """Yes or no, in the spellings exports use (``True``, ``yes``, ``1``, ``x``...).

    Raises:
        NumberError: for any other value.
    """
    word = text.strip().lower()
    if word in true_words:
        return True
    if word in false_words:
        return False
    raise NumberError(f"'{text.strip()}' is not yes or no (write true/false, yes/no or 1/0, "
                      "or map the spelling under [booleans] in a mapping file)")
