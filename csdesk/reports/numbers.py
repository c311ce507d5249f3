"""How documents write figures: money, shares, scores, counts and dates, one way each."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

from babel.dates import format_date
from babel.numbers import format_currency

from csdesk.money import Money

LOCALE = "en_US"
NO_DATA = "no data"


def money(value: Money | None, cents: bool = False) -> str:
    """An amount with its currency: "€120,000" (whole units unless ``cents``)."""
    if value is None:
        return NO_DATA
    if cents:
        return str(format_currency(value.amount, value.currency, locale=LOCALE))
    return str(format_currency(value.amount.quantize(Decimal(1), rounding=ROUND_HALF_EVEN),
                               value.currency, format="¤#,##0", currency_digits=False,
                               locale=LOCALE))


def share(value: Decimal | float | None, places: int = 0) -> str:
    """A ratio as a percentage: 0.756 -> "76%"."""
    if value is None:
        return NO_DATA
    scaled = (Decimal(str(value)) * 100).quantize(Decimal(1).scaleb(-places), ROUND_HALF_EVEN)
    return f"{scaled}%"


def number(value: Decimal | float | int | None, places: int = 0) -> str:
    """A plain figure with thousands separators: 1234.5 -> "1,235" (or "1,234.5")."""
    if value is None:
        return NO_DATA
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_EVEN)
    return f"{rounded:,.{places}f}"


def signed(value: Decimal | float | int | None, places: int = 0) -> str:
    """A change or an NPS with its sign: "+12", "-3", "0"."""
    if value is None:
        return NO_DATA
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_EVEN)
    if rounded == 0:
        return f"{abs(rounded):.{places}f}"
    return f"{rounded:+.{places}f}"


def day(value: date | None) -> str:
    """A date the same way everywhere in a document: "12 Mar 2026"."""
    if value is None:
        return "-"
    return str(format_date(value, "d MMM y", locale=LOCALE))


def hours(value: Decimal | None) -> str:
    """A duration in hours, shown in days past two days: "18 h", "3.5 days"."""
    if value is None:
        return NO_DATA
    if value >= 48:
        return f"{number(value / 24, 1)} days"
    return f"{number(value, 0 if value >= 10 else 1)} h"


def count(n: int, noun: str, plural: str | None = None) -> str:
    """A count with its noun in the right number: "1 ticket", "3 tickets"."""
    return f"{n:,} {noun if n == 1 else (plural or noun + 's')}"
