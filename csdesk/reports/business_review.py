"""The business review document (QBR/EBR) of one account, as PDF bytes or a file.

Two editions: ``customer`` (to put in front of the customer's executives) and ``internal``
(for the account team). The customer edition leaves out the account team's working
material: the health score's measure-by-measure detail and drivers, alerts and other
system-raised tasks, risk notes, the renewal forecast category, and the commercial summary
unless it is asked for. See :mod:`csdesk.services.review_data` for what each section shows.
"""

from __future__ import annotations

import logging
from pathlib import Path

from reportlab.platypus import Flowable, NextPageTemplate, PageBreak

from csdesk.files import write_atomically
from csdesk.reports.cover import cover_painter, cover_story, period_text
from csdesk.reports.kit import Kit
from csdesk.reports.layout import DocumentInfo, render
from csdesk.reports.numbers import day
from csdesk.reports.sections import SECTIONS
from csdesk.reports.text import Markup
from csdesk.reports.theme import make_theme
from csdesk.services.review_data import ReviewData
from csdesk.vocabulary import TIER_LABELS

logger = logging.getLogger(__name__)


def document_title(data: ReviewData) -> str:
    """The PDF title: period and customer."""
    return f"Business review {data.period.label}: {data.account.name}"


def _details(data: ReviewData) -> list[tuple[str, str]]:
    account = data.account
    rows = [
        ("Prepared by", data.branding.company_name),
        ("Prepared for", account.name),
        ("Prepared on", day(data.as_of)),
    ]
    if account.owner:
        rows.append(("Customer success manager", account.owner))
    if data.internal and account.tier:
        rows.append(("Tier", f"{account.tier} ({TIER_LABELS.get(account.tier, '')})"))
    if data.meeting is not None:
        rows.append(("Last review", f"{data.meeting.kind} on {day(data.meeting.held_on)}"))
    if data.internal:
        rows.append(("Edition", "Internal: for the account team only"))
    return rows


def build_story(data: ReviewData, kit: Kit) -> list[Flowable]:
    """Cover first, then each section that belongs in this edition, numbered in order."""
    body: list[Flowable] = []
    for section in SECTIONS:
        body += section(data, kit, len(kit.headings) + 1)

    meeting = data.meeting
    attendees_title = None
    if meeting is not None:
        attendees_title = f"Attendees of the {meeting.kind} on {day(meeting.held_on)}"
    story: list[Flowable] = [NextPageTemplate("body")]
    story += cover_story(
        kit,
        customer=data.account.name,
        kicker=f"Business review · {data.period.label}",
        period_text=period_text(data.period.start, data.period.end),
        details=_details(data),
        attendees_title=attendees_title,
        attendees=meeting.attendees if meeting else (),
        contents=list(kit.headings),
    )
    story.append(PageBreak())
    return story + body


def render_business_review(data: ReviewData) -> bytes:
    """The document as PDF bytes; the same data always gives the same bytes."""
    markup = Markup(f"business review of account {data.account.id}")
    theme = make_theme(data.branding.primary_colour)
    kit = Kit(theme, markup)
    edition = "internal" if data.internal else "customer"
    info = DocumentInfo(
        title=document_title(data),
        subject=f"{data.period.label} business review ({edition} edition) prepared by "
                f"{data.branding.company_name} for {data.account.name}",
        author=data.branding.company_name,
        created_on=data.as_of,
        header=f"{data.account.name} · Business review {data.period.label}",
        header_right=data.branding.company_name,
        footer=("Internal: for the account team only, not for distribution" if data.internal
                else f"Prepared for {data.account.name} by {data.branding.company_name}"),
        keywords=("business review", data.period.label, edition),
    )
    edition_label = "Internal edition" if data.internal else "Customer edition"
    story = build_story(data, kit)
    painter = cover_painter(data.branding, kit, f"Business review {data.period.label}",
                            edition_label)
    return render(story, info, theme, markup, cover=painter)


def write_business_review(data: ReviewData, path: Path) -> Path:
    """Render the document and write it to ``path`` (through a temporary file)."""
    written = write_atomically(path, render_business_review(data))
    logger.info("business review written: %s (account %s, %s)", written, data.account.id,
                data.period.label)
    return written
