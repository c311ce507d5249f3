"""Turning values into the text the window shows, in the user's locale (via babel)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import cache

from babel.core import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal, format_percent
from PySide6.QtCore import QLocale

from csdesk.money import Money
from csdesk.vocabulary import TIER_LABELS
from csdesk.vocabulary import label as vocabulary_label

DASH = "—"


@cache
def ui_locale() -> str:
    """The locale name babel formats with: the system's, or en_US where it has none ("C")."""
    name = QLocale.system().name()
    try:
        Locale.parse(name)
    except (ValueError, UnknownLocaleError):
        return "en_US"
    return name if name not in ("C", "") else "en_US"


def money(value: Money | None, whole: bool = True) -> str:
    """An amount with its currency; whole units by default (tables and key figures)."""
    if value is None:
        return DASH
    pattern = "¤#,##0" if whole else None
    return str(
        format_currency(
            value.amount, value.currency, format=pattern, locale=ui_locale(),
            currency_digits=not whole,
        )
    )


def amount(value: Decimal | None, currency: str) -> str:
    return money(Money(value, currency)) if value is not None else DASH


def number(value: int | float | Decimal | None, digits: int = 0) -> str:
    if value is None:
        return DASH
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return str(format_decimal(value, format=pattern, locale=ui_locale()))


def percent(value: float | Decimal | None, digits: int = 0) -> str:
    if value is None:
        return DASH
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
    return str(format_percent(value, format=pattern, locale=ui_locale()))


def day(value: date | None) -> str:
    if value is None:
        return DASH
    return str(format_date(value, format="medium", locale=ui_locale()))


def instant(value: datetime | None) -> str:
    """An aware UTC instant shown in the local time zone."""
    if value is None:
        return DASH
    return str(format_datetime(value.astimezone(), format="medium", locale=ui_locale()))


def tier(value: int | None) -> str:
    if value is None:
        return DASH
    return f"{value} · {TIER_LABELS.get(value, '')}".rstrip(" ·")


def label(value: str | None) -> str:
    return vocabulary_label(value) if value else DASH


def days_left(value: int | None) -> str:
    if value is None:
        return DASH
    if value == 0:
        return "today"
    if value < 0:
        return f"{-value} days ago"
    return f"in {value} days"
