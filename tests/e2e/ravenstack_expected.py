"""What csdesk should show for the RavenStack data, worked out with pandas from the CSV files.

Nothing here uses csdesk code. It follows DOMAIN.md's definitions and the reading of the
data that docs/importing.md ("Example: the RavenStack data set") and the mapping files in
docs/examples document; tests/test_metrics_ravenstack.py does the same for the revenue,
churn and CSAT figures, and its helpers are used for those. This module adds:

- the anomalies an import should report, counted straight from the files;
- the health score of the RavenStack segment scorecards (usage trend 15, feature adoption 10,
  support 15; every other measure switched off), measure by measure;
- each account's ARR and tier on one day;
- renewal dates: a subscription with an end date renews on the day after it (the end date
  is the last day of service), an open-ended one invoiced annually on each anniversary of
  its start, and an open-ended monthly one (quoted and invoiced per month) is evergreen.

The usage reading: a subscription-day-feature key given twice keeps its last row; the
subscriptions of one account add up; a day's usage is the sum of its feature counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from dateutil.relativedelta import relativedelta

USAGE_KEY = ["subscription_id", "usage_date", "feature_name"]

# The RavenStack scorecard: DOMAIN.md's default weights and points of the three measures
# the data supports.
WEIGHTS = {"usage_trend": 15.0, "feature_adoption": 10.0, "support": 15.0}
TREND_POINTS = ((-0.5, 0.0), (-0.25, 40.0), (0.0, 100.0))
ADOPTION_POINTS = ((0.0, 0.0), (0.6, 100.0))
KEY_FEATURE_COUNT = 10
TIER_1_ARR, TIER_2_ARR = 100_000, 25_000


@dataclass
class Tables:
    """The five files, read once; usage already resolved to accounts."""

    accounts: pd.DataFrame
    subscriptions: pd.DataFrame
    usage_rows: pd.DataFrame  # every row of the usage file, with its account
    features: pd.DataFrame  # account_id, day, feature, count (one row per key)
    daily: pd.DataFrame  # account_id, day, events
    tickets: pd.DataFrame


def read_tables(folder: Path) -> Tables:
    accounts = pd.read_csv(folder / "ravenstack_accounts.csv", parse_dates=["signup_date"])
    subscriptions = pd.read_csv(folder / "ravenstack_subscriptions.csv",
                                parse_dates=["start_date", "end_date"])
    usage = pd.read_csv(folder / "ravenstack_feature_usage.csv", parse_dates=["usage_date"])
    tickets = pd.read_csv(folder / "ravenstack_support_tickets.csv",
                          parse_dates=["submitted_at", "closed_at"])
    tickets["opened"] = tickets.submitted_at.dt.normalize()
    tickets["closed"] = tickets.closed_at.dt.normalize()

    usage_rows = usage.merge(subscriptions[["subscription_id", "account_id", "start_date",
                                            "end_date"]], on="subscription_id", how="left")
    last = usage_rows.drop_duplicates(USAGE_KEY, keep="last")
    features = (last.groupby(["account_id", "usage_date", "feature_name"], as_index=False)
                .usage_count.sum()
                .rename(columns={"usage_date": "day", "feature_name": "feature",
                                 "usage_count": "count"}))
    daily = (features.groupby(["account_id", "day"], as_index=False)["count"].sum()
             .rename(columns={"count": "events"}))
    return Tables(accounts, subscriptions, usage_rows, features, daily, tickets)


# --- what the imports should report ---------------------------------------------------------


def expected_anomalies(t: Tables) -> dict[tuple[str, str], int]:
    """(import kind, anomaly code) -> how many rows or accounts the report should count."""
    since = t.accounts.set_index("account_id").signup_date
    subs = t.subscriptions
    rows = t.usage_rows

    repeated = rows[rows.duplicated(USAGE_KEY, keep=False)]
    differing = int((repeated.groupby(USAGE_KEY).usage_count.nunique() > 1).sum())
    last = rows.drop_duplicates(USAGE_KEY, keep="last")
    combined = int(last.duplicated(["account_id", "usage_date", "feature_name"]).sum())
    before_signup = rows.usage_date < rows.account_id.map(since)
    outside = (rows.usage_date < rows.start_date) | (rows.usage_date > rows.end_date)

    open_ended = subs[subs.end_date.isna()]
    churned_flag = t.accounts[t.accounts.churn_flag]
    return {
        ("contracts", "overlapping_contracts"): overlapping_accounts(subs),
        ("contracts", "churned_with_live_contracts"): int(
            churned_flag.account_id.isin(open_ended.account_id).sum()),
        ("usage", "duplicate_key"): differing,
        ("usage", "usage_combined"): combined,
        ("usage", "before_customer_since"): int(before_signup.sum()),
        ("usage", "outside_subscription"): int(outside.sum()),
        ("usage", "no_active_users"): len(t.daily),
        ("cases", "before_customer_since"): int(
            (t.tickets.opened < t.tickets.account_id.map(since)).sum()),
        ("cases", "empty_satisfaction"): int(t.tickets.satisfaction_score.isna().sum()),
    }


def overlapping_accounts(subscriptions: pd.DataFrame) -> int:
    """Accounts with two subscriptions active on a common day."""
    far = pd.Timestamp("2262-01-01")
    spans = subscriptions.assign(stop=(subscriptions.end_date + pd.Timedelta(days=1)).fillna(far))
    pairs = spans.merge(spans, on="account_id")
    overlap = ((pairs.subscription_id_x != pairs.subscription_id_y)
               & (pairs.start_date_x < pairs.stop_y) & (pairs.start_date_y < pairs.stop_x))
    return int(pairs[overlap].account_id.nunique())


def churn_events_after_live_start(churn: pd.DataFrame, subscriptions: pd.DataFrame) -> int:
    """Accounts with a churn event (not a reactivation) on or after the start of an
    open-ended subscription: the account left, yet that subscription runs on."""
    first_open = subscriptions[subscriptions.end_date.isna()].groupby("account_id").start_date.min()
    events = churn[~churn.is_reactivation.astype(bool)]
    starts = events.account_id.map(first_open)
    return int(events[starts.notna() & (starts <= events.churn_date)].account_id.nunique())


# --- health ----------------------------------------------------------------------------------


def _interpolate(points: tuple[tuple[float, float], ...], x: pd.Series) -> pd.Series:
    xs, ys = zip(*points, strict=True)
    return pd.Series(np.interp(x.to_numpy(dtype=float), xs, ys), index=x.index)


def key_features(t: Tables, day: date) -> list[str]:
    """The 10 features used most across the portfolio in the 90 days to ``day`` (ties by
    name), csdesk's default key features."""
    end = pd.Timestamp(day)
    window = t.features[(t.features.day > end - pd.Timedelta(days=90)) & (t.features.day <= end)]
    totals = window.groupby("feature", as_index=False)["count"].sum()
    totals = totals[totals["count"] > 0].sort_values(["count", "feature"],
                                                     ascending=[False, True])
    return list(totals.feature[:KEY_FEATURE_COUNT])


def expected_health(t: Tables, day: date) -> pd.DataFrame:
    """Per RavenStack account id: the three measures' scores, the score and the band.

    A measure without data is NaN. Usage trend: r = average daily usage over the 30 days to
    ``day`` / over the 90 days before, minus 1; usage history but none in either window
    scores 0 and usage now after none in the baseline is growth (100). Feature adoption:
    a = key features used (count above 0) in the 30 days / 10. Support: 100, minus 25 per
    urgent and 10 per high ticket open on the day, 15 per escalated ticket opened in the 90
    days (or still open), 20 when the support CSAT of the answers dated in the 90 days is
    below 60%; floor 0.
    """
    end = pd.Timestamp(day)
    ids = pd.Index(t.accounts.account_id)

    recent_from = end - pd.Timedelta(days=29)
    base_from, base_to = end - pd.Timedelta(days=119), end - pd.Timedelta(days=30)
    daily = t.daily[t.daily.day <= end]
    first = daily.groupby("account_id").day.min().reindex(ids)
    # Every account's usage starts before the baseline window, so both windows count in
    # full: 30 and 90 days.
    assert (first.dropna() <= base_from).all()
    recent = daily[daily.day >= recent_from].groupby("account_id").events.sum().reindex(
        ids, fill_value=0)
    base = daily[(daily.day >= base_from) & (daily.day <= base_to)].groupby(
        "account_id").events.sum().reindex(ids, fill_value=0)
    r = (recent / 30) / (base / 90).where(base > 0) - 1
    trend = _interpolate(TREND_POINTS, r.fillna(0))
    trend = trend.where(base > 0, np.where(recent > 0, 100.0, 0.0))
    trend = trend.where(first.notna())

    keys = set(key_features(t, day))
    features = t.features[t.features.day <= end]
    used = features[(features.day >= recent_from) & (features["count"] > 0)
                    & features.feature.isin(keys)]
    adopted = used.groupby("account_id").feature.nunique().reindex(ids, fill_value=0)
    adoption = _interpolate(ADOPTION_POINTS, adopted / len(keys))
    adoption = adoption.where(ids.isin(features.account_id))

    support = support_scores(t.tickets, day).reindex(ids, fill_value=100.0)

    measures = pd.DataFrame({"usage_trend": trend, "feature_adoption": adoption,
                             "support": support}, index=ids)
    weights = pd.Series(WEIGHTS)
    with_data = measures.notna().mul(weights).sum(axis=1)
    score = measures.mul(weights).sum(axis=1) / with_data
    measures["score"] = score.where(with_data >= weights.sum() / 2)
    measures["band"] = measures.score.map(band_of)
    return measures


def support_scores(tickets: pd.DataFrame, day: date) -> pd.Series:
    end = pd.Timestamp(day)
    since = end - pd.Timedelta(days=89)
    known = tickets[tickets.opened <= end]
    open_on_day = known.closed.isna() | (known.closed > end)
    in_window = known[(known.opened >= since) | open_on_day]
    still_open = in_window[in_window.closed.isna() | (in_window.closed > end)]

    def count(frame: pd.DataFrame) -> pd.Series:
        return frame.groupby("account_id").size()

    answered = tickets.dropna(subset=["satisfaction_score"])
    answered_on = answered.closed.fillna(answered.opened)
    answers = answered[(answered_on >= since) & (answered_on <= end)]
    share = answers.groupby("account_id").satisfaction_score.apply(
        lambda s: 100 * (s >= 4).sum() / len(s))

    deductions = pd.concat([
        25 * count(still_open[still_open.priority == "urgent"]),
        10 * count(still_open[still_open.priority == "high"]),
        15 * count(in_window[in_window.escalation_flag.astype(bool)]),
        20 * (share < 60).astype(int),
    ], axis=1).fillna(0).sum(axis=1)
    return (100 - deductions).clip(lower=0)


def band_of(score: float) -> str | None:
    if pd.isna(score):
        return None
    return "green" if score >= 70 else "yellow" if score >= 40 else "red"


# --- ARR, tiers and renewals -----------------------------------------------------------------


def arr_on(subscriptions: pd.DataFrame, accounts: pd.DataFrame, day: date) -> pd.Series:
    """Each account's ARR in whole dollars on ``day``: 12 x mrr of its paid subscriptions
    active that day (start <= day <= end date, the last day of service)."""
    when = pd.Timestamp(day)
    active = subscriptions[(subscriptions.start_date <= when)
                           & (subscriptions.end_date.isna() | (subscriptions.end_date >= when))
                           & ~subscriptions.is_trial.astype(bool)]
    arr = (12 * active.mrr_amount).groupby(active.account_id).sum()
    return arr.reindex(accounts.account_id, fill_value=0).astype(int)


def tier_of(arr: int) -> int:
    return 1 if arr >= TIER_1_ARR else 2 if arr >= TIER_2_ARR else 3


@dataclass(frozen=True)
class Renewal:
    account_id: str
    subscription_id: str
    on: date
    arr: int


def renewals(subscriptions: pd.DataFrame, first: date, last: date,
             every: bool = False) -> list[Renewal]:
    """Renewals of paid subscriptions dated from ``first`` to ``last``.

    ``every`` gives each renewal date in the window (a timeline); otherwise only each
    subscription's next renewal on or after ``first`` counts (a renewals list).
    """
    found = []
    for s in subscriptions.itertuples():
        if s.is_trial or s.mrr_amount <= 0:
            continue
        if not pd.isna(s.end_date):
            dates = [s.end_date.date() + timedelta(days=1)]
        elif s.billing_frequency == "monthly":
            continue  # evergreen: no dated renewal
        else:
            dates = anniversaries(s.start_date.date(), first, last)
        dates = [d for d in dates if first <= d <= last]
        for on in dates if every else dates[:1]:
            found.append(Renewal(s.account_id, s.subscription_id, on, 12 * int(s.mrr_amount)))
    return found


def anniversaries(start: date, first: date, last: date) -> list[date]:
    """Yearly anniversaries of ``start`` (counted from it, never chained) up to ``last``,
    from the first one on or after ``first``."""
    found, number = [], 1
    while (day := start + relativedelta(years=number)) <= last:
        if day >= first:
            found.append(day)
        number += 1
    return found


def evergreen(subscriptions: pd.DataFrame) -> tuple[int, int]:
    """Open-ended monthly paid subscriptions: how many, and their ARR."""
    monthly = subscriptions[subscriptions.end_date.isna()
                            & (subscriptions.billing_frequency == "monthly")
                            & ~subscriptions.is_trial.astype(bool)
                            & (subscriptions.mrr_amount > 0)]
    return len(monthly), int(12 * monthly.mrr_amount.sum())


# --- journey stages --------------------------------------------------------------------------

ONBOARDING_DAYS = 90
RENEWAL_HORIZON_DAYS = {1: 180, 2: 90, 3: 60}  # the tier's first renewal milestone


def expected_stages(t: Tables, churn: pd.DataFrame, day: date) -> pd.Series:
    """Each account's journey stage on ``day`` by DOMAIN.md's stages and the default rules.

    Churned: the latest churn (not a reactivation) with no paid subscription started since,
    or no paid subscription active. Onboard: under 90 days since the first paid subscription
    (the data has no active-user counts, so first value is never seen). Renew: the next
    renewal's first milestone (T-180, T-90 or T-60 by tier) has passed. Adopt: the rest.
    """
    when = pd.Timestamp(day)
    subs = t.subscriptions
    paid = subs[~subs.is_trial.astype(bool) & (subs.mrr_amount > 0) & (subs.start_date <= when)]
    active = paid[paid.end_date.isna() | (paid.end_date >= when)]
    purchase = paid.groupby("account_id").start_date.min()
    latest_start = active.groupby("account_id").start_date.max()
    left = churn[~churn.is_reactivation.astype(bool) & (churn.churn_date <= when)]
    churned_on = left.groupby("account_id").churn_date.max()
    arr = arr_on(subs, t.accounts, day)
    next_renewal: dict[str, date] = {}
    for renewal in renewals(subs, day, day + timedelta(days=400)):
        held = next_renewal.get(renewal.account_id)
        next_renewal[renewal.account_id] = min(held or renewal.on, renewal.on)

    stages: dict[str, str | None] = {}
    for account in t.accounts.account_id:
        if account not in purchase.index:
            stages[account] = None
            continue
        live = account in latest_start.index
        left_on = churned_on.get(account)
        if not live or (left_on is not None and latest_start[account] <= left_on):
            stages[account] = "churned"
        elif (when - purchase[account]).days < ONBOARDING_DAYS:
            stages[account] = "onboard"
        elif account in next_renewal and next_renewal[account] - timedelta(
                days=RENEWAL_HORIZON_DAYS[tier_of(int(arr[account]))]) <= day:
            stages[account] = "renew"
        else:
            stages[account] = "adopt"
    return pd.Series(stages)
