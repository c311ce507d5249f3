"""The one-page portfolio summary: the book's key metrics, renewals ahead and ARR at risk,
each figure with the definition it was computed by.
"""

from __future__ import annotations

import logging
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepInFrame, Table, TableStyle

from csdesk.charts import Bar, metric_bar_figure
from csdesk.files import write_atomically
from csdesk.metrics.results import Metric
from csdesk.money import Money
from csdesk.reports import numbers as fmt
from csdesk.reports.kit import Kit, Tile
from csdesk.reports.layout import (
    CONTENT_WIDTH,
    FOOTER_HEIGHT,
    HEADER_HEIGHT,
    MARGIN,
    PAGE_HEIGHT,
    DocumentInfo,
    render,
)
from csdesk.reports.standalone import new_kit, title_block
from csdesk.services.review_data import PortfolioSummaryData

logger = logging.getLogger(__name__)

KEY_METRICS = ("arr", "customers_end", "nrr", "grr", "logo_retention", "logo_churn",
               "net_renewal_rate", "nps", "csat", "ttv")
BAND_BARS = (("green", "Green", "green"), ("yellow", "Yellow", "yellow"), ("red", "Red", "red"),
             ("insufficient_data", "Insufficient data", "#AAB7B8"),
             ("no_snapshot", "Not scored yet", "#D5DBDB"))


def _value(metric: Metric) -> str:
    if isinstance(metric.value, Money):
        return fmt.money(metric.value)
    return metric.display()


def _tiles(data: PortfolioSummaryData) -> list[Tile]:
    book = data.book
    tiles = [Tile(book.get(name).label, _value(book.get(name))) for name in KEY_METRICS]
    risk = data.forecast.at_risk
    tiles.append(Tile(f"ARR at risk, next {risk.horizon_days} days", fmt.money(risk.total),
                      f"{fmt.money(risk.by_category)} by forecast, {fmt.money(risk.by_health)} "
                      "red health", "red" if not risk.total.is_zero() else None))
    rows = data.renewals_90_days.rows
    tiles.append(Tile("Renewals due in 90 days", str(len(rows)),
                      f"by {fmt.day(data.renewals_90_days.until)}"))
    return tiles


def _health_chart(data: PortfolioSummaryData, kit: Kit) -> list[Flowable]:
    metric = data.book.get("health_distribution")
    if not metric.has_data:
        return [kit.empty(f"Health distribution: {metric.note}.")]
    bars = [Bar(text, float(count), colour)
            for key, text, colour in BAND_BARS
            if isinstance(count := metric.part(key), int) and (count or key in ("green", "red"))]
    figure = metric_bar_figure(bars, width=6.8, height=0.35 + 0.26 * len(bars))
    return kit.chart_parts(figure, "Customers at period end per health band.")


def _definitions(data: PortfolioSummaryData, kit: Kit) -> Flowable:
    names = [*KEY_METRICS, "health_distribution"]
    cells = [kit.rich(f"<b>{kit.escape(data.book.get(n).label, bold=True)}</b>: "
                      f"{kit.escape(data.book.get(n).definition)}", "small") for n in names]
    half = -(-len(cells) // 2)
    grid = [[cells[i], cells[i + half] if i + half < len(cells) else ""] for i in range(half)]
    table = Table(grid, colWidths=[CONTENT_WIDTH / 2] * 2, hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                               ("TOPPADDING", (0, 0), (-1, -1), 0),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    return table


def _notes(data: PortfolioSummaryData) -> list[str]:
    """The metrics' notes, each said once with the figures it applies to."""
    by_note: dict[str, list[str]] = {}
    for metric in data.book.metrics:
        if metric.name in KEY_METRICS and metric.note:
            by_note.setdefault(metric.note, []).append(metric.label)
    if data.forecast.note:
        by_note.setdefault(data.forecast.note, []).append("ARR at risk")
    notes = [f"{', '.join(labels)}: {note}." for note, labels in by_note.items()]
    return [*data.metrics.notes, *notes]


def build_story(data: PortfolioSummaryData, kit: Kit) -> list[Flowable]:
    """The page's flowables, shrunk slightly if needed to stay on one page."""
    report = data.metrics
    content: list[Flowable] = title_block(
        kit, "Portfolio summary", f"The key metrics of the book for {report.period.label}",
        [("Prepared by", data.branding.company_name), ("As of", fmt.day(data.as_of)),
         ("Period", f"{fmt.day(report.period.start)} to {fmt.day(report.period.end)}"),
         ("Amounts in", report.currency)],
    )
    content.append(kit.tiles(_tiles(data), per_row=4))
    content.append(kit.subheading("Health of the book"))
    content += _health_chart(data, kit)
    content += [kit.note(n) for n in _notes(data)]
    content.append(kit.subheading("How each figure is computed"))
    content.append(_definitions(data, kit))
    # One page, always: a very full book shrinks slightly rather than spill onto page two.
    height = PAGE_HEIGHT - 2 * MARGIN - HEADER_HEIGHT - FOOTER_HEIGHT - 2 * mm
    return [KeepInFrame(CONTENT_WIDTH, height, content, mode="shrink")]


def render_portfolio_summary(data: PortfolioSummaryData) -> bytes:
    """The portfolio summary as a one-page PDF."""
    kit = new_kit(data.branding, "portfolio summary")
    info = DocumentInfo(
        title=f"Portfolio summary {data.metrics.period.label}",
        subject="The key customer success metrics of the book",
        author=data.branding.company_name,
        created_on=data.as_of,
        header=f"Portfolio summary · {data.metrics.period.label}",
        header_right=data.branding.company_name,
        footer="Internal: for the account team only, not for distribution",
        keywords=("portfolio", "metrics", data.metrics.period.label),
    )
    return render(build_story(data, kit), info, kit.theme, kit.markup)


def write_portfolio_summary(data: PortfolioSummaryData, path: Path) -> Path:
    """Render the summary and write it to ``path`` (through a temporary file)."""
    written = write_atomically(path, render_portfolio_summary(data))
    logger.info("portfolio summary written: %s", written)
    return written
