"""Renewals through the store and the command line, on a hand-built portfolio.

As of 1 April 2026:
- Acme (tier 2, Ann): 120,000 USD a year from 1 July 2025 to 1 July 2026, auto-renewing with
  90 days' notice, so the notice deadline is 2 April and its milestones fall on 2 January
  (T-90), 1 February (T-60) and 3 March (T-30). Its renewal opportunity closes on 15 June for
  125,000 with the Salesforce value "Best Case". Health green.
- Beta (tier 3, Bob): 1,000 USD a month, month to month (evergreen). Health red on 30 March
  (green only on 15 April, after the as-of date).
- Gamma (tier 1, Ann): 60,000 EUR a year since 15 September 2023, open-ended: renews on
  15 September 2026, 167 days ahead; T-180 was 19 March, T-120 is 18 May. Its opportunity has
  no contract and the Salesforce value "Omitted" (at risk). Health red on 30 March.
- Delta (tier 2, Bob): 90,000 USD for three years from 1 March 2024: 30,000 a year, renewing
  on 1 March 2027.
EUR is worth 1.10 USD.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from csdesk.models import (
    Account,
    ChangeLogEntry,
    Contract,
    CurrencyRate,
    HealthSnapshot,
    Opportunity,
    Task,
)
from csdesk.money import Money
from csdesk.services.context import AppContext
from csdesk.services.health import compute_health
from csdesk.services.renewals import (
    FORECAST_MAPPING,
    MILESTONES,
    account_next_renewals,
    load_book,
    renewal_timeline,
)
from csdesk.services.settings import set_setting
from csdesk.services.tasks import close_task

AS_OF = "2026-04-01"


def _snapshot(account_id: int, day: date, band: str) -> HealthSnapshot:
    # Weekly, as the health service keeps history older than 90 days: opening the portfolio
    # thins old daily snapshots, and today's date must not change what these tests see.
    return HealthSnapshot(account_id=account_id, as_of=day, granularity="weekly",
                          status="scored", score=50.0, band=band, scorecard="default",
                          measures="{}")


def _money(amount: str, currency: str) -> int:
    return Money.of(amount, currency).to_minor()


@pytest.fixture
def ids(context: AppContext) -> dict[str, int]:
    with context.write() as session:
        session.add(CurrencyRate(currency="EUR", rate="1.10"))
        acme = Account(name="Acme", owner="Ann", tier=2)
        beta = Account(name="Beta", owner="Bob", tier=3)
        gamma = Account(name="Gamma", owner="Ann", tier=1)
        delta = Account(name="Delta", owner="Bob", tier=2)
        session.add_all([acme, beta, gamma, delta])
        session.flush()
        acme_contract = Contract(
            account_id=acme.id, name="Acme platform", start_date=date(2025, 7, 1),
            end_date=date(2026, 7, 1), amount_minor=_money("120000", "USD"), currency="USD",
            auto_renew=True, notice_days=90,
        )
        beta_contract = Contract(
            account_id=beta.id, name="Beta monthly", start_date=date(2024, 1, 15),
            amount_minor=_money("1000", "USD"), currency="USD", amount_period="month",
            billing_frequency="monthly", auto_renew=True,
        )
        gamma_contract = Contract(
            account_id=gamma.id, name="Gamma annual", start_date=date(2023, 9, 15),
            amount_minor=_money("60000", "EUR"), currency="EUR",
        )
        delta_contract = Contract(
            account_id=delta.id, name="Delta three years", start_date=date(2024, 3, 1),
            end_date=date(2027, 3, 1), amount_minor=_money("90000", "USD"), currency="USD",
            amount_period="term",
        )
        session.add_all([acme_contract, beta_contract, gamma_contract, delta_contract])
        session.flush()
        session.add_all([
            Opportunity(account_id=acme.id, contract_id=acme_contract.id, kind="renewal",
                        name="Acme renewal 2026", close_date=date(2026, 6, 15),
                        amount_minor=_money("125000", "USD"), currency="USD",
                        crm_forecast_value="Best Case"),
            Opportunity(account_id=gamma.id, kind="renewal", name="Gamma renewal",
                        close_date=date(2026, 9, 15), crm_forecast_value="Omitted"),
            _snapshot(acme.id, date(2026, 4, 1), "green"),
            _snapshot(beta.id, date(2026, 4, 1), "red"),
            _snapshot(beta.id, date(2026, 4, 15), "green"),
            _snapshot(gamma.id, date(2026, 4, 1), "red"),
        ])
        return {"acme": acme.id, "beta": beta.id, "gamma": gamma.id, "delta": delta.id,
                "acme_contract": acme_contract.id, "gamma_contract": gamma_contract.id}


def test_renewals_within_180_days(run_cli, ids: dict[str, int]) -> None:
    result = run_cli("renewals", "--within", "180", "--as-of", AS_OF, "--json")
    assert result.code == 0, result.err
    data = result.json()
    rows = data["renewals"]
    assert [r["account"]["name"] for r in rows] == ["Acme", "Gamma"]

    acme, gamma = rows
    assert acme["renewal_date"] == "2026-07-01"
    assert acme["days_left"] == 91
    assert acme["notice_deadline"] == "2026-04-02"
    assert acme["renewable_arr"] == {"amount": "120000.00", "currency": "USD"}
    assert acme["category"] == "best_case"
    assert acme["opportunity"]["close_date"] == "2026-06-15"
    assert acme["close_date_differs"] is True
    assert acme["health_band"] == "green"
    assert [(m["name"], m["date"], m["reached"]) for m in acme["milestones"]] == [
        ("T-90", "2026-01-02", True), ("T-60", "2026-02-01", True), ("T-30", "2026-03-03", True)
    ]

    assert gamma["renewal_date"] == "2026-09-15"
    assert gamma["days_left"] == 167
    assert gamma["notice_deadline"] is None
    assert gamma["renewable_arr"] == {"amount": "60000.00", "currency": "EUR"}
    assert gamma["category"] == "at_risk"
    assert gamma["close_date_differs"] is False
    assert [(m["name"], m["date"], m["reached"]) for m in gamma["milestones"][:2]] == [
        ("T-180", "2026-03-19", True), ("T-120", "2026-05-18", False)
    ]

    assert [e["account"]["name"] for e in data["evergreen"]] == ["Beta"]
    assert data["evergreen"][0]["arr"] == {"amount": "12000.00", "currency": "USD"}
    assert data["evergreen"][0]["health_band"] == "red"


def test_renewals_text_flags_the_close_date_and_filters_by_owner(run_cli,
                                                                  ids: dict[str, int]) -> None:
    result = run_cli("renewals", "--within", "400", "--as-of", AS_OF, "--owner", "bob")
    assert result.code == 0, result.err
    assert "Delta three years" in result.out
    assert "2027-03-01" in result.out
    assert "Acme" not in result.out
    assert "1 evergreen (month-to-month) contracts, ARR $12,000.00" in result.out

    everything = run_cli("renewals", "--within", "180", "--as-of", AS_OF)
    assert "2026-06-15 *" in everything.out
    assert "closes on another day than the contract renews" in everything.out
    assert "T-30 reached" in everything.out
    assert "next T-120 2026-05-18" in everything.out
    assert "includes EUR converted" in everything.out


def test_forecast_by_quarter_and_arr_at_risk(run_cli, ids: dict[str, int]) -> None:
    result = run_cli("forecast", "--as-of", AS_OF, "--horizon", "180", "--json")
    assert result.code == 0, result.err
    data = result.json()
    assert data["currency"] == "USD"
    assert data["converted_from"] == ["EUR"]
    quarters = {q["quarter"]: q for q in data["quarters"]}
    assert list(quarters) == ["2026-Q2", "2026-Q3", "2026-Q4", "2027-Q1"]
    assert quarters["2026-Q2"]["count"] == 0

    # Q3: Acme best case 0.6 x 125,000 = 75,000; Gamma at risk 0.2 x 66,000 = 13,200.
    q3 = quarters["2026-Q3"]
    assert q3["count"] == 2
    assert q3["renewable_arr"]["amount"] == "186000.00"
    assert q3["expected"]["amount"] == "88200.00"
    assert q3["expected_gross_renewal_rate"] == "0.4742"  # 88,200 / 186,000
    # Q1 2027: Delta, unforecast: 0.8 x 30,000.
    q1 = quarters["2027-Q1"]
    assert q1["expected"]["amount"] == "24000.00"
    assert q1["expected_net_renewal_rate"] == "0.8000"

    categories = {c["category"]: c for c in data["by_category"]}
    assert categories["best_case"]["forecast"]["amount"] == "125000.00"
    assert categories["at_risk"]["renewable_arr"]["amount"] == "66000.00"
    assert categories["unforecast"]["count"] == 1

    # Within 180 days: Gamma (at risk and red) 66,000 and Beta (evergreen, red) 12,000.
    risk = data["arr_at_risk"]
    assert risk["by_category"]["amount"] == "66000.00"
    assert risk["by_health"]["amount"] == "78000.00"
    assert risk["overlap"]["amount"] == "66000.00"
    assert risk["total"]["amount"] == "78000.00"


def test_forecast_text_names_both_parts_of_arr_at_risk(run_cli, ids: dict[str, int]) -> None:
    result = run_cli("forecast", "--as-of", AS_OF)
    assert result.code == 0, result.err
    assert "ARR at risk in the next 90 days (to 2026-06-30): $12,000.00" in result.out
    assert "red health:                $12,000.00" in result.out
    assert "at risk or churn forecast: $0.00" in result.out
    assert "not NRR/GRR of the whole base" in result.out
    matrix = result.out.split("Expected by category and quarter")[1]
    best_case = next(line for line in matrix.splitlines() if line.startswith("Best case"))
    assert best_case.split()[2:] == ["$0.00", "$75,000.00", "$0.00", "$0.00"]


def test_milestone_tasks_are_raised_once(run_cli, context: AppContext,
                                         ids: dict[str, int]) -> None:
    first = run_cli("milestones", "run", "--as-of", AS_OF, "--json")
    assert first.code == 0, first.err
    raised = {(r["account"], r["milestone"], r["due_on"]) for r in first.json()["raised"]}
    assert raised == {("Acme", "T-30", "2026-03-03"), ("Gamma", "T-180", "2026-03-19")}

    again = run_cli("milestones", "run", "--as-of", AS_OF, "--json").json()
    assert again["raised"] == [] and again["already_raised"] == 2

    with context.read() as session:
        tasks = session.scalars(select(Task).order_by(Task.id)).all()
        assert [t.source_key for t in tasks] == [
            f"milestone:{ids['acme_contract']}:2026-07-01:T-30",
            f"milestone:{ids['gamma_contract']}:2026-09-15:T-180",
        ]
        assert {t.source for t in tasks} == {"milestone"}
        assert tasks[0].owner == "Ann" and tasks[0].due_on == date(2026, 3, 3)
        assert "notice deadline 2026-04-02" in (tasks[0].detail or "")
        logged = session.scalars(select(ChangeLogEntry).where(
            ChangeLogEntry.entity == "task", ChangeLogEntry.op == "create")).all()
        assert len(logged) == 2 and {e.origin for e in logged} == {"system"}

    # A done task is not raised again either.
    with context.write() as session:
        close_task(session, tasks[0].id, "Ann")
    third = run_cli("milestones", "run", "--as-of", AS_OF).out
    assert "0 milestone tasks raised; 2 milestones already had one" in third

    # Later: Gamma reaches T-120; Acme's notice deadline has passed, so nothing more for it.
    later = run_cli("milestones", "run", "--as-of", "2026-05-18", "--json").json()
    assert [(r["account"], r["milestone"]) for r in later["raised"]] == [("Gamma", "T-120")]


def test_a_custom_schedule_and_crm_mapping_come_from_the_settings(
    run_cli, context: AppContext, ids: dict[str, int]
) -> None:
    with context.write() as session:
        set_setting(session, MILESTONES.key, {"2": [{"days": 100, "title": "Early call"}]})
        set_setting(session, FORECAST_MAPPING.key, {"salesforce": {"Best Case": "commit"}})
    data = run_cli("renewals", "--within", "180", "--as-of", AS_OF, "--json").json()
    acme = data["renewals"][0]
    assert acme["category"] == "commit"
    # 2 April minus 100 days is 23 December 2025.
    assert acme["milestones"] == [
        {"name": "T-100", "title": "Early call", "date": "2025-12-23", "reached": True}
    ]
    # Tier 1 is no longer in the schedule: Gamma has no milestones.
    assert data["renewals"][1]["milestones"] == []
    # "Omitted" is no longer mapped: Gamma is unforecast.
    assert data["renewals"][1]["category"] == "unforecast"


def test_a_broken_setting_is_reported_plainly(run_cli, context: AppContext,
                                              ids: dict[str, int]) -> None:
    with context.write() as session:
        set_setting(session, MILESTONES.key, {"1": [{"days": "soon", "title": "x"}]})
    result = run_cli("renewals", "--as-of", AS_OF)
    assert result.code == 1
    assert "renewal milestones, tier 1: days must be a whole number" in result.err


def test_bad_options_are_usage_errors(run_cli, ids: dict[str, int]) -> None:
    result = run_cli("renewals", "--within", "soon")
    assert result.code == 2
    assert "'soon' is not a whole number of days" in result.err
    assert run_cli("forecast", "--as-of", "2026-02-30").code == 2
    assert run_cli("milestones").code == 2


def test_missing_exchange_rate_is_named(run_cli, context: AppContext,
                                        ids: dict[str, int]) -> None:
    with context.write() as session:
        session.delete(session.get(CurrencyRate, "EUR"))
    listing = run_cli("renewals", "--within", "180", "--as-of", AS_OF)
    assert listing.code == 0
    assert "€60,000.00 + $120,000.00 (add exchange rates for one total)" in listing.out
    forecast = run_cli("forecast", "--as-of", AS_OF)
    assert forecast.code == 1
    assert "no exchange rate from EUR to USD" in forecast.err


def test_timeline_and_next_renewals_for_other_views(context: AppContext,
                                                    ids: dict[str, int]) -> None:
    with context.read() as session:
        timeline = renewal_timeline(session, date(2026, 4, 1), context.rates(), months=12)
        nearest = account_next_renewals(session, date(2026, 4, 1))
    by_month = {m.label: m for m in timeline.months}
    assert len(timeline.months) == 12
    assert by_month["2026-07"].renewable == Money.of("120000", "USD")
    assert by_month["2026-07"].by_category["best_case"] == Money.of("120000", "USD")
    assert by_month["2026-09"].by_health["red"] == Money(Decimal("66000.00"), "USD")
    assert by_month["2027-03"].count == 1
    assert timeline.evergreen_count == 1

    with context.read() as session:
        only_acme = load_book(session, date(2026, 4, 1), [ids["acme"]])
    assert [c.contract_id for c in only_acme.contracts] == [ids["acme_contract"]]
    assert list(only_acme.accounts) == [ids["acme"]]
    assert len(only_acme.opportunities) == 1

    assert nearest[ids["acme"]].renewal_date == date(2026, 7, 1)
    assert nearest[ids["delta"]].renewal_date == date(2027, 3, 1)
    assert ids["beta"] not in nearest


def test_a_stale_snapshot_gives_way_to_health_scored_on_the_day(
    run_cli, context: AppContext, ids: dict[str, int]
) -> None:
    # Beta's only snapshot before the as-of date is now a month old: it no longer counts,
    # and the health service scores Beta on 1 April from what the portfolio holds.
    with context.write() as session:
        session.delete(session.get(HealthSnapshot, (ids["beta"], date(2026, 4, 1))))
        session.add(_snapshot(ids["beta"], date(2026, 3, 1), "red"))
    with context.read() as session:
        expected = compute_health(session, date(2026, 4, 1), None, [ids["beta"]])[ids["beta"]]
    assert expected.band != "red"

    data = run_cli("renewals", "--as-of", AS_OF, "--json").json()
    assert data["evergreen"][0]["health_band"] == expected.band
    risk = run_cli("forecast", "--as-of", AS_OF, "--json").json()["arr_at_risk"]
    assert risk["by_health"]["amount"] == "0.00"
