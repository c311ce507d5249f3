"""ARR, revenue retention (NRR, GRR, revenue churn) and logo retention and churn."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from csdesk.metrics.book import AccountArr, Converter
from csdesk.metrics.results import Metric

_NO_BASE = "no customers (accounts with ARR) on the period's first day"


def arr_metric(arrs: Sequence[AccountArr], convert: Converter) -> Metric:
    """Total ARR on the period's last day."""
    total = sum((a.end for a in arrs), Decimal(0))
    if not arrs:
        return Metric.no_data("arr", "no accounts in this group")
    customers = sum(1 for a in arrs if a.customer_at_end)
    return Metric.of(
        "arr", convert.money(total), note=convert.note(), parts=(("customers", customers),)
    )


def revenue_retention(arrs: Sequence[AccountArr], convert: Converter) -> list[Metric]:
    """NRR, GRR and revenue churn over the accounts that had ARR on the first day."""
    base = [a for a in arrs if a.customer_at_start]
    if not base:
        return [Metric.no_data(name, _NO_BASE) for name in ("nrr", "grr", "revenue_churn")]

    at_start = sum((a.start for a in base), Decimal(0))
    at_end = sum((a.end for a in base), Decimal(0))
    kept = sum((min(a.end, a.start) for a in base), Decimal(0))
    note = convert.note()
    accounts = (("accounts", len(base)),)
    grr = kept / at_start
    return [
        Metric.of(
            "nrr", at_end / at_start, note=note, numerator=convert.money(at_end),
            denominator=convert.money(at_start), parts=accounts,
        ),
        Metric.of(
            "grr", grr, note=note, numerator=convert.money(kept),
            denominator=convert.money(at_start), parts=accounts,
        ),
        Metric.of(
            "revenue_churn", 1 - grr, note=note,
            numerator=convert.money(at_start - kept), denominator=convert.money(at_start),
            parts=accounts,
        ),
    ]


def logo_metrics(arrs: Sequence[AccountArr]) -> list[Metric]:
    """Customer counts, logo retention and logo churn.

    Every account's customer status at the end is its status at the start plus its rises
    minus its falls, so logo retention and logo churn always add up to 100%.
    """
    at_start = sum(1 for a in arrs if a.customer_at_start)
    at_end = sum(1 for a in arrs if a.customer_at_end)
    new = sum(a.gained for a in arrs)
    lost = sum(a.lost for a in arrs)
    counts = [
        Metric.of("customers_start", at_start),
        Metric.of("customers_end", at_end),
        Metric.of("new_customers", new),
        Metric.of("customers_lost", lost),
    ]
    if at_start == 0:
        return counts + [
            Metric.no_data("logo_retention", _NO_BASE, numerator=at_end - new),
            Metric.no_data("logo_churn", _NO_BASE, numerator=lost),
        ]
    return counts + [
        Metric.of(
            "logo_retention", Decimal(at_end - new) / at_start, numerator=at_end - new,
            denominator=at_start,
            parts=(("customers_end", at_end), ("new_customers", new)),
        ),
        Metric.of("logo_churn", Decimal(lost) / at_start, numerator=lost, denominator=at_start),
    ]
