"""All the metrics for one period, for the whole book or per group of accounts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from csdesk.errors import ValidationError
from csdesk.metrics.book import Converter, account_arr, book_converter, contract_currencies
from csdesk.metrics.distribution import health_distribution, latest_readings, stage_counts
from csdesk.metrics.inputs import AccountFacts, MetricInputs
from csdesk.metrics.periods import Period, effective_period
from csdesk.metrics.renewals import renewal_metrics, renewals_due
from csdesk.metrics.results import Metric, MetricGroup, MetricsReport, OnboardingRow
from csdesk.metrics.retention import arr_metric, logo_metrics, revenue_retention
from csdesk.metrics.value import (
    TTV_TARGET_DAYS,
    at_risk_metric,
    journeys,
    still_onboarding,
    ttv_metric,
)
from csdesk.metrics.voice import closure_rate, csat_metrics, nps_metric
from csdesk.money import RateTable
from csdesk.vocabulary import TIER_LABELS

WHOLE_BOOK = "Whole book"


@dataclass(frozen=True)
class Grouping:
    """How accounts are grouped: the attribute read and how its values are labelled."""

    name: str
    key: Callable[[AccountFacts], str | None]
    label: Callable[[str], str]
    missing: str


GROUPINGS = {
    "tier": Grouping(
        "tier",
        lambda a: str(a.tier) if a.tier else None,
        lambda k: f"Tier {k} ({TIER_LABELS.get(int(k), '')})" if k.isdigit() else k,
        "(no tier)",
    ),
    "owner": Grouping("owner", lambda a: a.owner, str, "(no owner)"),
    "segment": Grouping("segment", lambda a: a.segment, str, "(no segment)"),
    "country": Grouping("country", lambda a: a.country, str, "(no country)"),
}
GROUPINGS["csm"] = GROUPINGS["owner"]

# Key of the group of accounts that have no value for the grouping attribute.
NO_VALUE = "(none)"


def compute_metrics(
    inputs: MetricInputs,
    period: Period,
    as_of: date,
    rates: RateTable,
    group_by: str | None = None,
    ttv_from_kickoff: bool = False,
    ttv_target_days: int = TTV_TARGET_DAYS,
) -> MetricsReport:
    """Every metric for ``period`` as known on ``as_of``, whole book first, then per group.

    Args:
        inputs: the portfolio's facts, loaded by the service.
        period: the reporting period; one still running is cut short at ``as_of``.
        as_of: the day the figures are computed as of.
        rates: the user's rates table, used when the book has several currencies.
        group_by: None, or one of ``GROUPINGS`` (tier, csm/owner, segment, country).
        ttv_from_kickoff: count time to value from the onboarding kickoff when recorded.
        ttv_target_days: the time-to-value target for the at-risk list.

    Raises:
        ValidationError: unknown grouping, a period starting after ``as_of``, or a
            currency in the book without a rate.
    """
    grouping = _grouping(group_by)
    effective, notes = effective_period(period, as_of)
    accounts = known_accounts(inputs, effective.end)
    currencies: set[str] = set()
    for account in accounts:
        currencies |= contract_currencies(account.contracts, effective)
    convert = book_converter(currencies, rates)

    run = _Run(inputs, effective, convert, ttv_from_kickoff, ttv_target_days)
    whole, onboarding = _group(run, None, WHOLE_BOOK, accounts, whole_book=True)
    groups = [whole]
    if grouping is not None:
        for key, label, members in _split(accounts, grouping):
            groups.append(_group(run, key, label, members)[0])
        by_id = {a.id: a for a in accounts}
        onboarding = [
            replace(row, group=grouping.key(by_id[row.account_id]) or NO_VALUE)
            for row in onboarding
        ]

    converted = sorted(currencies - {convert.currency})
    if convert.rates is not None and converted:
        notes.append(
            f"Money totals include {', '.join(converted)} converted to {convert.currency} at "
            "your rates table (`csdesk rates`)."
        )
    return MetricsReport(
        period=effective,
        as_of=as_of,
        currency=convert.currency,
        group_by=grouping.name if grouping else None,
        groups=tuple(groups),
        notes=tuple(notes),
        ttv_at_risk=tuple(onboarding),
    )


def known_accounts(inputs: MetricInputs, until: date) -> list[AccountFacts]:
    """The accounts in the book by ``until``: with a contract started, an answer, a churn
    event or a follow-up dated by then (an account added later cannot change a figure)."""
    dated = {s.account_id for s in inputs.surveys if s.answered_on <= until}
    dated |= {c.account_id for c in inputs.churn_events if c.churned_on <= until}
    dated |= {f.account_id for f in inputs.follow_ups if f.raised_on <= until and f.account_id}
    return [
        a for a in inputs.accounts
        if a.id in dated or any(c.start <= until for c in a.contracts)
    ]


def _grouping(group_by: str | None) -> Grouping | None:
    if group_by is None:
        return None
    grouping = GROUPINGS.get(group_by.strip().lower())
    if grouping is None:
        choices = ", ".join(sorted(GROUPINGS))
        raise ValidationError(f"cannot group metrics by '{group_by}'; choose one of {choices}")
    return grouping


def _split(
    accounts: Sequence[AccountFacts], grouping: Grouping
) -> list[tuple[str, str, list[AccountFacts]]]:
    members: dict[str, list[AccountFacts]] = {}
    for account in accounts:
        members.setdefault(grouping.key(account) or NO_VALUE, []).append(account)
    ordered = sorted(members, key=lambda k: (k == NO_VALUE, k.lower()))
    return [
        (key, grouping.missing if key == NO_VALUE else grouping.label(key), members[key])
        for key in ordered
    ]


@dataclass(frozen=True)
class _Run:
    """What every group's computation shares."""

    inputs: MetricInputs
    period: Period
    convert: Converter
    ttv_from_kickoff: bool
    ttv_target_days: int


def _group(
    run: _Run,
    key: str | None,
    label: str,
    accounts: Sequence[AccountFacts],
    whole_book: bool = False,
) -> tuple[MetricGroup, list[OnboardingRow]]:
    """One group's metrics, and its customers still onboarding."""
    inputs, period = run.inputs, run.period
    ids = {a.id for a in accounts}
    convert = run.convert.fork()
    arrs = [account_arr(a.id, a.contracts, period, convert) for a in accounts]
    customers_at_end = {a.account_id for a in arrs if a.customer_at_end}
    surveys = [s for s in inputs.surveys if s.account_id in ids]
    follow_ups = [f for f in inputs.follow_ups if whole_book or f.account_id in ids]
    found = journeys(accounts, period.end, inputs.first_value_marks, inputs.usage,
                     run.ttv_from_kickoff)
    onboarding = still_onboarding(found, customers_at_end, period, run.ttv_target_days)

    metrics: list[Metric] = [
        arr_metric(arrs, convert),
        *logo_metrics(arrs),
        *revenue_retention(arrs, convert),
        *renewal_metrics(renewals_due(accounts, period, convert), convert),
        nps_metric(surveys, period, inputs.nps_scales),
        *csat_metrics(surveys, period),
        ttv_metric(found, period),
        at_risk_metric(onboarding, found, customers_at_end, run.ttv_target_days),
        health_distribution(
            sorted(customers_at_end),
            latest_readings(inputs.health, period.end),
            any(r.as_of <= period.end for r in inputs.health),
            period.end,
        ),
        stage_counts(accounts, period.end),
        closure_rate(follow_ups, period),
    ]
    return MetricGroup(key, label, len(accounts), tuple(metrics)), onboarding
