"""Exact money and ARR annualisation (DOMAIN.md, "Revenue and retention")."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from csdesk.errors import ValidationError
from csdesk.money import Money, RateTable
from csdesk.revenue import ContractTerms, arr_on, contract_arr


def terms(amount: str, period: str, currency: str = "USD", **kw: object) -> ContractTerms:
    return ContractTerms(start=kw.pop("start", date(2024, 1, 1)),  # type: ignore[arg-type]
                         end=kw.pop("end", None),  # type: ignore[arg-type]
                         amount=Money.of(amount, currency), amount_period=period,
                         **kw)  # type: ignore[arg-type]


def test_minor_units_follow_the_currency() -> None:
    assert Money.of("1200.50", "EUR").to_minor() == 120050
    assert Money.of("1234", "JPY").to_minor() == 1234
    assert Money.from_minor(120050, "EUR").decimal_string() == "1200.50"
    assert Money.from_minor(1234, "JPY").decimal_string() == "1234"


def test_floats_never_enter_money() -> None:
    with pytest.raises(TypeError):
        Money(0.1, "USD")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money.of("1", "USD") * 1.5  # type: ignore[operator]


def test_currencies_do_not_mix_without_rates() -> None:
    with pytest.raises(ValueError, match="rate table"):
        Money.of("1", "USD") + Money.of("1", "EUR")


def test_bad_currency_code_is_explained() -> None:
    with pytest.raises(ValidationError, match="ISO 4217"):
        Money.of("1", "dollars")


def test_rate_table_totals_say_what_was_converted() -> None:
    rates = RateTable("USD", {"EUR": Decimal("1.10"), "JPY": Decimal("0.0067")})
    total = rates.total([Money.of("100", "USD"), Money.of("100", "EUR"), Money.of("1000", "JPY")])
    assert total.money == Money.of("100", "USD") + Money.of("110", "USD") + Money.of("6.7", "USD")
    assert total.note == "includes EUR, JPY converted at your rates table"
    with pytest.raises(ValidationError, match="no exchange rate from GBP to USD"):
        rates.convert(Money.of("5", "GBP"))


def test_arr_annualises_by_quoted_period() -> None:
    assert contract_arr(terms("1000", "month")) == Money.of("12000", "USD")
    assert contract_arr(terms("2500", "quarter")) == Money.of("10000", "USD")
    assert contract_arr(terms("30000", "year")) == Money.of("30000", "USD")
    three_years = terms("90000", "term", start=date(2024, 1, 1), end=date(2027, 1, 1))
    assert contract_arr(three_years) == Money.of("30000", "USD")
    eighteen = terms("45000", "term", term_months=18)
    assert contract_arr(eighteen) == Money.of("30000", "USD")


def test_trials_and_one_off_fees_are_not_recurring() -> None:
    assert contract_arr(terms("500", "month", is_trial=True)).is_zero()
    assert contract_arr(terms("9000", "year", recurring=False)).is_zero()


def test_end_date_is_the_first_day_without_the_contract() -> None:
    contract = terms("1200", "year", start=date(2024, 1, 1), end=date(2025, 1, 1))
    rates = RateTable("USD")
    assert arr_on([contract], date(2024, 12, 31), rates) == Money.of("1200", "USD")
    assert arr_on([contract], date(2025, 1, 1), rates).is_zero()
    assert arr_on([contract], date(2023, 12, 31), rates).is_zero()


@given(st.integers(min_value=-10**15, max_value=10**15), st.sampled_from(["USD", "JPY", "BHD"]))
def test_minor_units_round_trip_exactly(minor: int, currency: str) -> None:
    assert Money.from_minor(minor, currency).to_minor() == minor
