"""The metrics, churn, rates and survey-scales commands, as a user runs them."""

from __future__ import annotations

from datetime import date

import pytest
from test_metrics_builder import Book

from csdesk.metrics.definitions import DEFINITIONS
from csdesk.services.context import AppContext


@pytest.fixture
def book(context: AppContext) -> Book:
    """A: 12,000 all of 2024. B: 12,000 until 2024-07-01, then gone (budget). C: 10,000 EUR
    from 2024-04-01 (new). Period 2024: NRR 12,000 / 24,000 = 50%."""
    book = Book(context)
    a = book.account("Alpha", tier=1, owner="Ann", country="DE")
    b = book.account("Beta", tier=2, owner="Bob", country="US")
    c = book.account("Gamma", tier=2, owner="Ann", country="FR")
    book.contract(a, date(2023, 1, 1), None, "12000")
    book.contract(b, date(2023, 1, 1), date(2024, 7, 1), "12000")
    book.contract(c, date(2024, 4, 1), None, "10000", "EUR")
    book.churn(b, date(2024, 7, 1), "budget", feedback="Money ran out")
    return book


def test_metrics_text_needs_a_rate_for_a_second_currency(book: Book, run_cli) -> None:
    result = run_cli("metrics", "--period", "2024", "--as-of", "2025-01-31")

    assert result.code == 1
    assert "EUR" in result.err and "csdesk rates set EUR" in result.err
    assert result.err.count("\n") == 1


def test_metrics_text_is_a_readable_table(book: Book, run_cli) -> None:
    assert run_cli("rates", "set", "EUR", "1.10").code == 0

    result = run_cli("metrics", "--period", "2024", "--as-of", "2025-01-31")

    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0].startswith("Metrics for 2024 (2024-01-01 to 2024-12-31)")
    nrr = next(line for line in lines if line.startswith("Net revenue retention (NRR)"))
    assert "50.0%" in nrr and "$12,000.00 / $24,000.00" in nrr
    # ARR at the end: 12,000 + 10,000 EUR at 1.10 = 23,000 USD, and it says so.
    arr = next(line for line in lines if line.startswith("ARR at period end"))
    assert "$23,000.00" in arr
    assert any("EUR converted to USD" in line for line in lines)
    assert any(line.startswith("CSAT") and "no data" in line for line in lines)


def test_metrics_json_carries_every_definition(book: Book, run_cli) -> None:
    run_cli("rates", "set", "EUR", "1.10")

    data = run_cli("metrics", "--period", "2024", "--as-of", "2025-01-31", "--json").json()

    assert data["period"] == {"label": "2024", "kind": "year", "start": "2024-01-01",
                              "end": "2024-12-31"}
    metrics = data["groups"][0]["metrics"]
    for name, figure in metrics.items():
        assert figure["name"] == name
        assert figure["definition"] == DEFINITIONS[name].sentence
    assert metrics["nrr"]["value"] == "0.5"
    assert metrics["nrr"]["numerator"] == {"amount": "12000.00", "currency": "USD"}
    assert metrics["arr"]["value"] == {"amount": "23000.00", "currency": "USD"}
    assert metrics["logo_churn"]["value"] == "0.5"
    assert metrics["new_customers"]["value"] == 1
    assert metrics["nps"]["value"] is None and metrics["nps"]["note"].startswith("no data")


def test_metrics_by_country_and_a_quarter(book: Book, run_cli) -> None:
    run_cli("rates", "set", "EUR", "1.10")

    data = run_cli("metrics", "--period", "2024Q3", "--by", "country", "--as-of",
                   "2025-01-31", "--json").json()

    groups = {g["key"]: g for g in data["groups"]}
    assert list(groups) == [None, "DE", "FR", "US"]
    # US: Beta left on 2024-07-01, the quarter's first day: not a customer at its start.
    assert groups["US"]["metrics"]["nrr"]["value"] is None
    # FR: Gamma, 11,000 USD on 2024-07-01 and on 2024-09-30.
    assert groups["FR"]["metrics"]["nrr"]["value"] == "1"
    text = run_cli("metrics", "--period", "2024Q3", "--by", "country", "--as-of", "2025-01-31")
    assert "Whole book (3)" in text.out and "FR (1)" in text.out


def test_bad_options_give_one_clear_line(book: Book, run_cli) -> None:
    result = run_cli("metrics", "--period", "2024Q5")
    assert result.code == 1 and "'2024Q5' is not a period" in result.err

    result = run_cli("metrics", "--period", "2027", "--as-of", "2026-06-30")
    assert result.code == 1 and "after the as-of date" in result.err

    result = run_cli("metrics", "--by", "colour")
    assert result.code == 2


def test_churn_command_text_and_json(book: Book, run_cli) -> None:
    result = run_cli("churn", "--period", "2024", "--as-of", "2025-01-31")

    assert result.code == 0, result.err
    assert "Churn events: 1" in result.out
    assert "Budget" in result.out and "Money ran out" in result.out
    # Beta's lost ARR was not recorded: it is the 12,000 its contract took away that day.
    assert "$12,000.00" in result.out

    data = run_cli("churn", "--period", "2024", "--as-of", "2025-01-31", "--json").json()
    assert data["totals"]["churn_events"]["value"] == 1
    budget = data["by_reason"][0]
    assert budget["reason"] == "budget" and budget["churn_events"] == 1
    assert budget["churn_lost_arr"] == {"amount": "12000.00", "currency": "USD"}
    assert budget["feedback"][0]["text"] == "Money ran out"
    assert [s["key"] for s in data["by"]["quarter"]] == ["2024Q3"]


def test_rates_table_set_show_and_change_reporting_currency(run_cli) -> None:
    assert "no rates yet" in run_cli("rates").out
    assert run_cli("rates", "set", "eur", "1.08").out.strip() == "1 EUR = 1.08 USD"
    assert run_cli("rates", "set", "GBP", "1.25").code == 0

    shown = run_cli("rates", "--json").json()
    assert shown["reporting_currency"] == "USD"
    assert [(r["currency"], r["rate"]) for r in shown["rates"]] == [("EUR", "1.08"),
                                                                    ("GBP", "1.25")]

    # Restated in EUR: 1 USD = 1 / 1.08 EUR, 1 GBP = 1.25 / 1.08 EUR (to 12 places).
    assert run_cli("rates", "reporting", "EUR").code == 0
    shown = run_cli("rates", "--json").json()
    assert shown["reporting_currency"] == "EUR"
    assert [(r["currency"], r["rate"]) for r in shown["rates"]] == [
        ("GBP", "1.157407407407"), ("USD", "0.925925925926"),
    ]


def test_rates_refuse_bad_input_and_keep_what_was_stored(run_cli) -> None:
    run_cli("rates", "set", "EUR", "1.08")

    for argv, message in (
        (("rates", "set", "EUR", "-1"), "above zero"),
        (("rates", "set", "EUR", "abc"), "is not a rate"),
        (("rates", "set", "EURO", "1.1"), "not an ISO 4217 currency code"),
        (("rates", "set", "USD", "1.1"), "is the reporting currency"),
        (("rates", "reporting", "JPY"), "add a rate for JPY first"),
    ):
        result = run_cli(*argv)
        assert result.code == 1 and message in result.err, (argv, result.err)

    assert run_cli("rates", "--json").json()["rates"][0]["rate"] == "1.08"


def test_survey_scales_command(run_cli) -> None:
    assert "no NPS scale mappings" in run_cli("survey-scales").out

    result = run_cli("survey-scales", "set", "1-5", "1=0", "2=3", "3=6", "4=8", "5=10")
    assert result.code == 0 and "5→10" in result.out
    assert run_cli("survey-scales", "--json").json() == {
        "1-5": {"1": 0, "2": 3, "3": 6, "4": 8, "5": 10}
    }

    result = run_cli("survey-scales", "set", "1-3", "1=0", "3=10")
    assert result.code == 1 and "missing 2" in result.err
    assert run_cli("survey-scales", "remove", "1-5").code == 0
    assert run_cli("survey-scales", "--json").json() == {}
