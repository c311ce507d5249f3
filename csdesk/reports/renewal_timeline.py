"""The renewal timeline for account managers: renewable ARR by month and forecast category
(chart and table), the renewals at risk, and every renewal in the window.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from pathlib import Path

from reportlab.platypus import Flowable

from csdesk.charts import CATEGORY_LABELS, RenewalBucket, renewal_timeline_figure
from csdesk.files import write_atomically
from csdesk.money import Money
from csdesk.renewals.categories import ROLLUP_CATEGORIES
from csdesk.reports import numbers as fmt
from csdesk.reports.kit import Column, Kit, Tile
from csdesk.reports.layout import DocumentInfo, render
from csdesk.reports.standalone import new_kit, title_block
from csdesk.services.renewals import RenewalRow
from csdesk.services.review_data import RenewalReportData
from csdesk.vocabulary import label

logger = logging.getLogger(__name__)

RENEWAL_COLUMNS = (Column("Renewal", 1.35), Column("Account", 3.2), Column("Owner", 1.8),
                   Column("Renewable ARR", 1.7, numeric=True), Column("Forecast", 1.3),
                   Column("Health", 1.0))


def _category_label(category: str) -> str:
    return CATEGORY_LABELS.get(category, label(category))


def _month_table(data: RenewalReportData, kit: Kit) -> Flowable:
    timeline = data.timeline
    shown = [c for c in ROLLUP_CATEGORIES
             if any(not m.by_category.get(c, Money.zero(timeline.currency)).is_zero()
                    for m in timeline.months)]
    columns = (Column("Month", 1.3), Column("Count", 0.9, numeric=True),
               *(Column(_category_label(c), 1.35, numeric=True) for c in shown),
               Column("Total", 1.5, numeric=True))
    rows: list[list[object]] = []
    for month in timeline.months:
        amounts = [month.by_category.get(c) for c in shown]
        rows.append([month.month.strftime("%b %Y"), str(month.count),
                     *(fmt.money(a) if a is not None and not a.is_zero() else "-"
                       for a in amounts),
                     fmt.money(month.renewable)])
    return kit.table(columns, rows)


def _renewal_rows(rows: tuple[RenewalRow, ...], kit: Kit) -> list[list[object]]:
    table: list[list[object]] = []
    for row in rows:
        line = row.line
        band = line.account.health_band
        table.append([
            fmt.day(line.renewal_date), line.account.name, line.account.owner or "-",
            fmt.money(line.renewable),
            kit.status("at_risk", _category_label(line.category)) if line.at_risk_by_category
            else _category_label(line.category),
            kit.status(band, band.capitalize()) if band else "-",
        ])
    return table


def build_story(data: RenewalReportData, kit: Kit) -> list[Flowable]:
    """Title, figures, chart, at-risk list, month table, then every renewal."""
    timeline = data.timeline
    first, last = timeline.months[0].month, timeline.months[-1].month
    story = title_block(
        kit, "Renewal timeline",
        f"{first.strftime('%B %Y')} to {last.strftime('%B %Y')}: renewable ARR by month "
        "and forecast category",
        [("Prepared by", data.branding.company_name), ("Prepared on", fmt.day(data.as_of)),
         ("Amounts in", timeline.currency)],
    )
    total = sum((m.renewable.amount for m in timeline.months), Decimal(0))
    at_risk = data.at_risk
    risk_total = sum((r.line.renewable for r in at_risk), Money.zero(timeline.currency)) \
        if all(r.line.renewable.currency == timeline.currency for r in at_risk) else None
    story.append(kit.tiles([
        Tile("Renewable ARR in the window", fmt.money(Money(total, timeline.currency))),
        Tile("Renewal dates in the window", str(sum(m.count for m in timeline.months)),
             "a contract renewing twice counts twice"),
        Tile("Renewals at risk", str(len(at_risk)),
             f"{fmt.money(risk_total)} renewable" if risk_total is not None else "",
             "red" if at_risk else None),
        Tile("Evergreen contracts", str(timeline.evergreen_count),
             f"{fmt.money(timeline.evergreen_arr)} ARR, no dated renewal"),
    ]))
    buckets = [RenewalBucket(m.month, {c: v.amount for c, v in m.by_category.items()})
               for m in timeline.months]
    story.append(kit.chart(renewal_timeline_figure(buckets, timeline.currency),
                           timeline.note or None))
    story.append(kit.subheading(f"At risk ({len(at_risk)})"))
    if at_risk:
        story.append(kit.table(RENEWAL_COLUMNS, _renewal_rows(at_risk, kit)))
        story.append(kit.note("At risk: forecast At risk or Churn, or the account's health is "
                              "red. Amounts in each contract's own currency."))
    else:
        story.append(kit.empty("No renewal in the window is forecast at risk or has red health."))

    story.append(kit.subheading("Renewable ARR by month"))
    story.append(_month_table(data, kit))

    story.append(kit.subheading(
        f"Next renewal of each contract in the window ({len(data.renewals.rows)})"))
    if data.renewals.rows:
        story.append(kit.table(RENEWAL_COLUMNS, _renewal_rows(data.renewals.rows, kit)))
    else:
        story.append(kit.empty("No renewals are due in the window."))
    return story


def render_renewal_timeline(data: RenewalReportData) -> bytes:
    """The renewal timeline as PDF bytes."""
    kit = new_kit(data.branding, "renewal timeline")
    info = DocumentInfo(
        title=f"Renewal timeline from {fmt.day(data.as_of)}",
        subject=f"Renewals over the next {data.months} months, by month and forecast category",
        author=data.branding.company_name,
        created_on=data.as_of,
        header=f"Renewal timeline · {data.months} months from {fmt.day(data.as_of)}",
        header_right=data.branding.company_name,
        footer="Internal: for the account team only, not for distribution",
        keywords=("renewals", "forecast"),
    )
    return render(build_story(data, kit), info, kit.theme, kit.markup)


def write_renewal_timeline(data: RenewalReportData, path: Path) -> Path:
    """Render the timeline and write it to ``path`` (through a temporary file)."""
    written = write_atomically(path, render_renewal_timeline(data))
    logger.info("renewal timeline written: %s", written)
    return written
