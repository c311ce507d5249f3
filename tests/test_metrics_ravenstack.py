"""RavenStack cross-check: csdesk's metrics against an independent computation in pandas.

The five RavenStack tables go in through the real command line with the example mappings
in docs/examples. The expected figures are computed here straight from the CSV files with
pandas and numpy, without any csdesk code, following DOMAIN.md's definitions and the
reading of the data's contradictions that docs/importing.md ("Example: the RavenStack data
set") and the mapping files document:

- a subscription's price is its monthly amount (arr_amount is always 12 x mrr_amount), so
  ARR = 12 x mrr_amount; trial subscriptions are no revenue;
- end_date is the last day of service: the first day without it is the day after; an empty
  end_date runs on;
- overlapping subscriptions of an account each count while active, and an account flagged
  churned keeps the ARR of subscriptions still running;
- churn reasons: features -> product_fit, support -> support_experience, unknown -> other
  (budget, competitor, pricing unchanged); every row is its own event; refund_amount_usd is
  not lost ARR, so, as csdesk does for any churn event without a recorded amount, lost ARR
  is what the account's subscriptions lost on the churn date (ARR the day before minus ARR
  that day, never below zero);
- a ticket's satisfaction_score is a support CSAT answer on 1-5, answered on the ticket's
  close date (UTC); an empty score is no answer.

Unlike csdesk, which looks only at the days a contract starts or ends, this computes every
account's ARR on every day and counts customers gained and lost day by day.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from csdesk.cli import main as cli_main

pytestmark = pytest.mark.realdata

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"
TABLES = (
    ("accounts", "ravenstack_accounts"),
    ("contracts", "ravenstack_subscriptions"),
    ("usage", "ravenstack_feature_usage"),
    ("cases", "ravenstack_support_tickets"),
    ("churn", "ravenstack_churn_events"),
)
REASONS = {"features": "product_fit", "support": "support_experience", "unknown": "other",
           "budget": "budget", "competitor": "competitor", "pricing": "pricing"}
AS_OF = date(2024, 12, 31)
PERIODS = {"2024": (date(2024, 1, 1), date(2024, 12, 31)),
           "2024Q3": (date(2024, 7, 1), date(2024, 9, 30))}


# --- csdesk, through the command line -------------------------------------------------------


@pytest.fixture(scope="module")
def _cache() -> dict[str, object]:
    """What the tests of this module share: the imported home and the files read once."""
    return {}


@pytest.fixture
def ravenstack_home(
    ravenstack_dir: Path, _cache: dict[str, object], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """A csdesk home with the five RavenStack tables imported by `csdesk import`."""
    if "home" not in _cache:
        home = tmp_path_factory.mktemp("ravenstack") / "home"
        for kind, stem in TABLES:
            code = cli_main(["--home", str(home), "import", kind,
                             str(ravenstack_dir / f"{stem}.csv"),
                             "--mapping", str(EXAMPLES / f"{stem}.toml")])
            assert code == 0, f"import of {stem} failed"
        _cache["home"] = home
    return Path(str(_cache["home"]))


def csdesk_json(home: Path, capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    capsys.readouterr()
    code = cli_main(["--home", str(home), *argv, "--as-of", AS_OF.isoformat(), "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return json.loads(captured.out)


def ratio(figure: dict) -> Decimal:
    return Decimal(figure["value"])


# --- the same figures from the CSV files --------------------------------------------------


@dataclass
class Files:
    accounts: pd.DataFrame
    subscriptions: pd.DataFrame
    tickets: pd.DataFrame
    churn: pd.DataFrame
    daily_arr: pd.DataFrame  # one row per day, one column per account id: ARR in dollars


@pytest.fixture
def files(ravenstack_dir: Path, _cache: dict[str, object]) -> Files:
    if "files" not in _cache:
        _cache["files"] = read_files(ravenstack_dir)
    cached = _cache["files"]
    assert isinstance(cached, Files)
    return cached


def read_files(folder: Path) -> Files:
    accounts = pd.read_csv(folder / "ravenstack_accounts.csv")
    subscriptions = pd.read_csv(folder / "ravenstack_subscriptions.csv",
                                parse_dates=["start_date", "end_date"])
    tickets = pd.read_csv(folder / "ravenstack_support_tickets.csv",
                          parse_dates=["submitted_at", "closed_at"])
    churn = pd.read_csv(folder / "ravenstack_churn_events.csv", parse_dates=["churn_date"])
    assert (subscriptions.arr_amount == 12 * subscriptions.mrr_amount).all()
    return Files(accounts, subscriptions, tickets, churn,
                 daily_arr_by_account(subscriptions, accounts, date(2023, 12, 31), AS_OF))


def daily_arr_by_account(
    subscriptions: pd.DataFrame, accounts: pd.DataFrame, first: date, last: date
) -> pd.DataFrame:
    days = pd.date_range(first, last, freq="D").values
    starts = subscriptions.start_date.values
    # The first day without the subscription; far in the future while it runs.
    stops = (subscriptions.end_date + pd.Timedelta(days=1)).fillna(pd.Timestamp("2262-01-01"))
    active = (starts[None, :] <= days[:, None]) & (days[:, None] < stops.values[None, :])
    arr = np.where(subscriptions.is_trial, 0, 12 * subscriptions.mrr_amount).astype(np.int64)
    by_subscription = pd.DataFrame(active * arr[None, :], index=pd.DatetimeIndex(days),
                                   columns=subscriptions.account_id.values)
    by_account = by_subscription.T.groupby(level=0).sum().T
    return by_account.reindex(columns=accounts.account_id, fill_value=0)


def expected_retention(files: Files, first: date, last: date) -> dict[str, Decimal | int]:
    daily = files.daily_arr.loc[pd.Timestamp(first):pd.Timestamp(last)]
    at_start, at_end = daily.iloc[0], daily.iloc[-1]
    base = at_start > 0
    start_total = int(at_start[base].sum())

    customer = (daily > 0).astype(int)
    steps = customer.diff().iloc[1:]
    new, lost = int((steps == 1).sum().sum()), int((steps == -1).sum().sum())
    customers_start, customers_end = int(base.sum()), int((at_end > 0).sum())
    return {
        "customers_start": customers_start,
        "customers_end": customers_end,
        "new_customers": new,
        "customers_lost": lost,
        "nrr": Decimal(int(at_end[base].sum())) / Decimal(start_total),
        "grr": Decimal(int(np.minimum(at_end, at_start)[base].sum())) / Decimal(start_total),
        "logo_retention": Decimal(customers_end - new) / Decimal(customers_start),
        "logo_churn": Decimal(lost) / Decimal(customers_start),
    }


def expected_churn(files: Files, first: date, last: date) -> pd.DataFrame:
    """One row per churn event in the period: reason, lost ARR, words, segment, quarter."""
    events = files.churn[(files.churn.churn_date >= pd.Timestamp(first))
                         & (files.churn.churn_date <= pd.Timestamp(last))].copy()
    events["reason"] = events.reason_code.map(REASONS)
    assert events.reason.notna().all()

    def lost(row: pd.Series) -> int:
        before = files.daily_arr.at[row.churn_date - pd.Timedelta(days=1), row.account_id]
        after = files.daily_arr.at[row.churn_date, row.account_id]
        return max(int(before) - int(after), 0)

    events["lost"] = events.apply(lost, axis=1) if len(events) else []
    events = events.merge(files.accounts[["account_id", "account_name", "plan_tier"]],
                          on="account_id")
    events["quarter"] = (events.churn_date.dt.year.astype(str) + "Q"
                         + events.churn_date.dt.quarter.astype(str))
    events["words"] = events.feedback_text.fillna("").str.strip()
    return events


def expected_csat(files: Files, first: date, last: date) -> tuple[int, int, int]:
    """(satisfied, answers, sum of scores) of the support answers in the period."""
    answered = files.tickets.dropna(subset=["satisfaction_score"])
    day = answered.closed_at.dt.normalize()
    mine = answered[(day >= pd.Timestamp(first)) & (day <= pd.Timestamp(last))]
    scores = mine.satisfaction_score.astype(int)
    return int((scores >= 4).sum()), len(scores), int(scores.sum())


# --- the comparisons --------------------------------------------------------------------------


@pytest.mark.parametrize("period", sorted(PERIODS))
def test_revenue_and_logo_retention_match(
    period: str, ravenstack_home: Path, files: Files, capsys: pytest.CaptureFixture[str]
) -> None:
    first, last = PERIODS[period]
    report = csdesk_json(ravenstack_home, capsys, "metrics", "--period", period)
    metrics = report["groups"][0]["metrics"]
    expected = expected_retention(files, first, last)

    assert report["currency"] == "USD"
    for name in ("customers_start", "customers_end", "new_customers", "customers_lost"):
        assert metrics[name]["value"] == expected[name], name
    for name in ("nrr", "grr", "logo_retention", "logo_churn"):
        assert ratio(metrics[name]) == expected[name], name
    assert ratio(metrics["revenue_churn"]) == 1 - expected["grr"]


@pytest.mark.parametrize("period", sorted(PERIODS))
def test_churn_by_reason_matches(
    period: str, ravenstack_home: Path, files: Files, capsys: pytest.CaptureFixture[str]
) -> None:
    first, last = PERIODS[period]
    report = csdesk_json(ravenstack_home, capsys, "churn", "--period", period)
    events = expected_churn(files, first, last)

    assert report["totals"]["churn_events"]["value"] == len(events)
    assert report["totals"]["churn_lost_arr"]["value"] == {
        "amount": f"{int(events.lost.sum())}.00", "currency": "USD"}

    by_reason = events.groupby("reason")
    for line in report["by_reason"]:
        mine = events[events.reason == line["reason"]]
        assert line["churn_events"] == len(mine), line["reason"]
        assert Decimal(line["churn_lost_arr"]["amount"]) == int(mine.lost.sum()), line["reason"]
        said = Counter((f["account"], f["churned_on"], f["text"])
                       for f in line.get("feedback", []))
        words = mine[mine.words != ""]
        assert said == Counter(zip(words.account_name,
                                   words.churn_date.dt.strftime("%Y-%m-%d"),
                                   words.words, strict=True)), line["reason"]
    assert {line["reason"] for line in report["by_reason"] if line["churn_events"]} == set(
        by_reason.groups)

    for dimension, column in (("segment", "plan_tier"), ("quarter", "quarter")):
        sliced = {s["key"]: (s["churn_events"], Decimal(s["churn_lost_arr"]["amount"]))
                  for s in report["by"][dimension]}
        grouped = events.groupby(column).lost.agg(["count", "sum"])
        assert sliced == {key: (int(row["count"]), Decimal(int(row["sum"])))
                          for key, row in grouped.iterrows()}, dimension


@pytest.mark.parametrize("period", sorted(PERIODS))
def test_support_csat_matches(
    period: str, ravenstack_home: Path, files: Files, capsys: pytest.CaptureFixture[str]
) -> None:
    first, last = PERIODS[period]
    metrics = csdesk_json(ravenstack_home, capsys, "metrics", "--period", period)[
        "groups"][0]["metrics"]
    satisfied, answers, total = expected_csat(files, first, last)

    for name in ("csat", "csat_support"):
        assert (metrics[name]["numerator"], metrics[name]["denominator"]) == (satisfied,
                                                                              answers)
        assert ratio(metrics[name]) == Decimal(satisfied) / Decimal(answers)
    assert ratio(metrics["csat_mean"]) == Decimal(total) / Decimal(answers)
    # The data has no relationship surveys and no NPS: said, not shown as 0.
    assert metrics["csat_relationship"]["value"] is None
    assert metrics["nps"]["value"] is None
    assert metrics["nps"]["note"].startswith("no data")


def test_the_independent_computation_is_not_trivial(files: Files) -> None:
    """Guard against a cross-check that would pass on empty data."""
    expected = expected_retention(files, *PERIODS["2024"])
    assert expected["customers_start"] > 100 and expected["customers_lost"] > 0
    assert Decimal(0) < expected["grr"] < Decimal(1) < expected["nrr"]
    events = expected_churn(files, *PERIODS["2024"])
    assert len(events) > 500 and events.lost.sum() > 0
    assert expected_csat(files, *PERIODS["2024"])[1] > 500
