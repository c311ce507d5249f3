"""Exact money: a Decimal amount with an ISO 4217 currency.

No float ever touches a money path. Amounts are stored as integer minor units (cents, or
whole yen for JPY) and converted to :class:`Money` at the edges. Sums across currencies go
through a :class:`RateTable` that the user maintains, and the result says it was converted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from functools import lru_cache

from babel.numbers import format_currency, get_currency_precision, list_currencies

from csdesk.errors import ValidationError


def currency_exponent(currency: str) -> int:
    """Number of decimal places in the currency's minor unit (2 for EUR, 0 for JPY)."""
    return int(get_currency_precision(currency))


@lru_cache(maxsize=1)
def _iso_codes() -> frozenset[str]:
    return frozenset(list_currencies())


def normalise_currency(code: str) -> str:
    """Upper-case a currency code and check it is an ISO 4217 code (as babel knows them)."""
    cleaned = (code or "").strip().upper()
    if cleaned not in _iso_codes():
        raise ValidationError(f"'{code}' is not an ISO 4217 currency code (for example EUR)")
    return cleaned


@dataclass(frozen=True, order=True)
class Money:
    """An exact amount in one currency."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            raise TypeError("Money needs a Decimal amount, never a float")

    @classmethod
    def of(cls, amount: str | int | Decimal, currency: str) -> Money:
        try:
            value = Decimal(amount) if not isinstance(amount, Decimal) else amount
        except InvalidOperation as exc:
            raise ValidationError(f"'{amount}' is not an amount of money") from exc
        return cls(value, normalise_currency(currency))

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), normalise_currency(currency))

    @classmethod
    def from_minor(cls, minor: int, currency: str) -> Money:
        exponent = currency_exponent(currency)
        return cls(Decimal(minor).scaleb(-exponent), currency)

    def to_minor(self) -> int:
        """Integer minor units, rounding half to even past the currency's precision."""
        exponent = currency_exponent(self.currency)
        scaled = self.amount.scaleb(exponent).quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
        return int(scaled)

    def rounded(self) -> Money:
        return Money.from_minor(self.to_minor(), self.currency)

    def _check(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValueError(
                f"cannot combine {self.currency} with {other.currency} without a rate table"
            )

    def __add__(self, other: Money) -> Money:
        self._check(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._check(other)
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, factor: int | Decimal) -> Money:
        if isinstance(factor, float):
            raise TypeError("multiply Money by an int or Decimal, never a float")
        return Money(self.amount * factor, self.currency)

    __rmul__ = __mul__

    def __truediv__(self, divisor: int | Decimal) -> Money:
        if isinstance(divisor, float):
            raise TypeError("divide Money by an int or Decimal, never a float")
        return Money(self.amount / Decimal(divisor), self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def is_zero(self) -> bool:
        return self.amount == 0

    def decimal_string(self) -> str:
        """The amount as a plain decimal string at the currency's precision ("1200.50")."""
        exponent = currency_exponent(self.currency)
        quantum = Decimal(1).scaleb(-exponent)
        return str(self.amount.quantize(quantum, rounding=ROUND_HALF_EVEN))

    def to_json(self) -> dict[str, str]:
        return {"amount": self.decimal_string(), "currency": self.currency}

    def format(self, locale: str = "en_US") -> str:
        return str(format_currency(self.amount, self.currency, locale=locale))

    def __str__(self) -> str:
        return f"{self.decimal_string()} {self.currency}"


@dataclass(frozen=True)
class RateTable:
    """User-maintained conversion rates into one reporting currency.

    ``rates[c]`` is how many units of the reporting currency one unit of ``c`` is worth.
    """

    reporting_currency: str
    rates: Mapping[str, Decimal] = field(default_factory=dict)

    def rate(self, currency: str) -> Decimal:
        if currency == self.reporting_currency:
            return Decimal(1)
        try:
            return self.rates[currency]
        except KeyError:
            raise ValidationError(
                f"no exchange rate from {currency} to {self.reporting_currency}: "
                "add one in Settings > Currency rates (or `csdesk rates set`)"
            ) from None

    def convert(self, money: Money) -> Money:
        return Money(money.amount * self.rate(money.currency), self.reporting_currency)

    def total(self, amounts: Iterable[Money]) -> ConvertedTotal:
        """Sum amounts in the reporting currency, remembering which currencies were converted."""
        total = Decimal(0)
        converted: set[str] = set()
        for money in amounts:
            if money.currency != self.reporting_currency:
                converted.add(money.currency)
            total += money.amount * self.rate(money.currency)
        return ConvertedTotal(Money(total, self.reporting_currency), frozenset(converted))


@dataclass(frozen=True)
class ConvertedTotal:
    """A total in the reporting currency and the currencies converted to reach it."""

    money: Money
    converted_from: frozenset[str]

    @property
    def note(self) -> str:
        if not self.converted_from:
            return ""
        codes = ", ".join(sorted(self.converted_from))
        return f"includes {codes} converted at your rates table"
