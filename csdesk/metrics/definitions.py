"""Every metric csdesk reports: its name, its label and the one sentence that defines it.

The sentences follow DOMAIN.md; the window shows them as tooltips, reports as footnotes and
the command line beside each figure, so a reader always knows what was computed.
"""

from __future__ import annotations

from dataclasses import dataclass

RATIO = "ratio"
MONEY = "money"
COUNT = "count"
DAYS = "days"
POINTS = "points"
MEAN = "mean"


@dataclass(frozen=True)
class Definition:
    """What a metric is called and how it is computed."""

    name: str
    label: str
    unit: str
    sentence: str


_DEFINITIONS = (
    Definition(
        "arr", "ARR at period end", MONEY,
        "Annualised recurring revenue of the contracts active on the period's last day.",
    ),
    Definition(
        "customers_start", "Customers at start", COUNT,
        "Accounts with ARR above zero on the period's first day.",
    ),
    Definition(
        "customers_end", "Customers at end", COUNT,
        "Accounts with ARR above zero on the period's last day.",
    ),
    Definition(
        "new_customers", "New customers", COUNT,
        "Times an account's ARR rose from zero during the period (a returning account "
        "counts as new).",
    ),
    Definition(
        "customers_lost", "Customers lost", COUNT,
        "Times an account's ARR fell to zero during the period.",
    ),
    Definition(
        "nrr", "Net revenue retention (NRR)", RATIO,
        "ARR on the last day of the accounts that had ARR on the first day, divided by their "
        "ARR on the first day (new accounts excluded, churned count 0, expansion counts).",
    ),
    Definition(
        "grr", "Gross revenue retention (GRR)", RATIO,
        "Sum over the accounts with ARR on the first day of min(ARR on the last day, ARR on "
        "the first day), divided by their ARR on the first day; never above 100%.",
    ),
    Definition(
        "revenue_churn", "Revenue churn", RATIO,
        "1 minus gross revenue retention.",
    ),
    Definition(
        "logo_retention", "Logo retention", RATIO,
        "(Customers at end minus new customers in the period) divided by customers at start.",
    ),
    Definition(
        "logo_churn", "Logo churn", RATIO,
        "Customers lost in the period divided by customers at start.",
    ),
    Definition(
        "gross_renewal_rate", "Gross renewal rate (renewals due)", RATIO,
        "Over the renewals due in the period: sum of min(renewed ARR, renewable ARR) divided "
        "by sum of renewable ARR.",
    ),
    Definition(
        "net_renewal_rate", "Net renewal rate (renewals due)", RATIO,
        "Over the renewals due in the period: sum of renewed ARR divided by sum of renewable "
        "ARR.",
    ),
    Definition(
        "nps", "NPS", POINTS,
        "Percent promoters (9-10) minus percent detractors (0-6) over each contact's latest "
        "answer in the 12 months to the period's last day; -100 to +100.",
    ),
    Definition(
        "csat", "CSAT", RATIO,
        "Share of satisfied CSAT answers in the period (4-5 on 1-5, 3 on 1-3, 9-10 on 1-10, "
        "thumbs up on 1-2).",
    ),
    Definition(
        "csat_mean", "CSAT mean", MEAN,
        "Mean CSAT answer in the period, on the answers' scale (as a share of the scale when "
        "scales are mixed).",
    ),
    Definition(
        "csat_support", "CSAT, support", RATIO,
        "Share of satisfied support-ticket CSAT answers in the period.",
    ),
    Definition(
        "csat_support_mean", "CSAT mean, support", MEAN,
        "Mean support-ticket CSAT answer in the period.",
    ),
    Definition(
        "csat_relationship", "CSAT, relationship", RATIO,
        "Share of satisfied relationship (survey) CSAT answers in the period.",
    ),
    Definition(
        "csat_relationship_mean", "CSAT mean, relationship", MEAN,
        "Mean relationship (survey) CSAT answer in the period.",
    ),
    Definition(
        "ttv", "Time to first value (median)", DAYS,
        "Median days from the start of the first paid contract to first value, over accounts "
        "that reached first value in the period.",
    ),
    Definition(
        "ttv_at_risk", "Time to first value at risk", COUNT,
        "Customers at period end still onboarding (no first value yet), listed with days "
        "elapsed against the target.",
    ),
    Definition(
        "health_distribution", "Health distribution", COUNT,
        "Customers at period end per health band, from each one's latest health snapshot on "
        "or before the period's last day.",
    ),
    Definition(
        "journey_stages", "Journey stages", COUNT,
        "Accounts with a contract started by the period's last day, per journey stage (the "
        "manual override when set).",
    ),
    Definition(
        "voc_closure_rate", "Detractor follow-up closure rate", RATIO,
        "NPS-detractor follow-up tasks raised in the period and closed by its last day, "
        "divided by those raised.",
    ),
    Definition(
        "churn_events", "Churn events", COUNT,
        "Recorded churn events dated in the period.",
    ),
    Definition(
        "churn_lost_arr", "Lost ARR", MONEY,
        "ARR lost with the churn events dated in the period.",
    ),
)

DEFINITIONS: dict[str, Definition] = {d.name: d for d in _DEFINITIONS}


def definition(name: str) -> Definition:
    """The definition of a metric by its name."""
    return DEFINITIONS[name]
