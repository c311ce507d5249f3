"""The business review PDF, read back and checked against the hand-built portfolio."""

from __future__ import annotations

import io
import logging
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import replace

import pypdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_reports_fixtures import AS_OF, SUMMARY, add_account, build_acme

from csdesk.errors import CsdeskError, ValidationError
from csdesk.fonts import font_folder
from csdesk.metrics.periods import quarter
from csdesk.reports.business_review import render_business_review
from csdesk.services.context import AppContext, load_rates, open_context
from csdesk.services.health import account_health, backfill_history
from csdesk.services.review_data import (
    ReviewData,
    gather_review,
    last_full_quarter,
    review_period,
)
from csdesk.services.settings import COMPANY_NAME, LOGO_PATH, PRIMARY_COLOUR, set_setting

SECTIONS_IN_ORDER = (
    "Executive summary",
    "Why you chose us and how we measure success",
    "Outcomes against goals",
    "Adoption and usage",
    "Health",
    "Support",
    "Voice of the customer",
    "Action items since the last review",
    "Risks and blockers",
    "Roadmap alignment",
    "The next 90 days",
)


def gather(context: AppContext, key: str, **options: object) -> ReviewData:
    with context.read() as session:
        return gather_review(session, key, as_of=AS_OF, rates=load_rates(session),
                             **options)  # type: ignore[arg-type]


def build(context: AppContext, key: str, **options: object) -> bytes:
    return render_business_review(gather(context, key, **options))


class Book:
    """Acme and a quiet account in one portfolio, shared by the tests that only read it."""

    def __init__(self, context: AppContext) -> None:
        self.context = context
        self.acme = str(build_acme(context))
        self.quiet = str(add_account(context, "Quiet Ltd"))
        backfill_history(context, AS_OF)
        self._pdfs: dict[tuple[tuple[str, object], ...], bytes] = {}

    def pdf(self, key: str | None = None, **options: object) -> bytes:
        """The document, built once per key and options."""
        cache_key = (("key", key or self.acme), *sorted(options.items()))
        if cache_key not in self._pdfs:
            self._pdfs[cache_key] = build(self.context, key or self.acme, **options)
        return self._pdfs[cache_key]

    def text(self, key: str | None = None, **options: object) -> str:
        return flat(self.pdf(key, **options))


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Book]:
    context = open_context(str(tmp_path_factory.mktemp("book")))
    try:
        yield Book(context)
    finally:
        context.close()


def pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def flat(pdf: bytes) -> str:
    """All the text, with line breaks and runs of spaces as single spaces."""
    return re.sub(r"\s+", " ", " ".join(pages(pdf)))


def test_sections_come_in_the_domain_order_with_the_cover_first(book: Book) -> None:
    cover, *rest = pages(book.pdf())

    assert "Acme Analytics" in cover and "Business review 2026Q3".upper() in cover.upper()
    assert "1 Jul 2026 to 30 Sep 2026" in cover
    assert "Dana Park (CSM)" in cover and "Lee Chen (Acme)" in cover
    assert "Attendees of the QBR on 10 Jul 2026".upper() in cover.upper()
    body = re.sub(r"\s+", " ", " ".join(rest))
    positions = [body.index(f"{n:02d} {title}") for n, title in enumerate(SECTIONS_IN_ORDER, 1)]
    assert positions == sorted(positions)


def test_figures_match_the_portfolio(book: Book) -> None:
    text = book.text()

    assert SUMMARY in text
    assert "Reports took analysts two days a month." in text
    # Adoption: 30 users a day over 50 seats, 40% the quarter before.
    assert "30.0 Average daily active users" in text
    assert "60% Seats in daily use 40% the period before" in text
    assert "On average 30 of 50 licensed seats (60%) were active each day, up from 40%" in text
    assert "Dashboards 100" in text and "Reports 40" in text
    # Support: 3 opened, 2 closed, 1 open, 1 escalation, median 20 h.
    assert "3 Tickets opened 2 Tickets closed 1 Open at period end 1 Escalations" in text
    assert "20 h Median time to resolve" in text
    # Voice: 10, 9, 3 -> NPS +33; one satisfied CSAT answer.
    assert "+33 Net Promoter Score" in text
    assert "2 / 0 / 1" in text and "100% CSAT (satisfied)" in text
    assert "Exports are slow" in text and "Great onboarding" in text
    # Objectives table rows.
    assert "Cut report time" in text and "Hours per report (h) 10 2 4 On track" in text
    assert "Dana Park (us)" in text and "Lee Chen (you)" in text
    # Action items of the 10 Jul review, and the new one since.
    assert "Done (1) Action Owner Due Status Share export roadmap Dana Park 31 Jul 2026 Done" \
        in text
    assert "Train finance team Lee Chen 1 Aug 2026 Overdue" in text
    assert "New since the last review (1)" in text and "Plan the executive review" in text
    assert "Bulk export API" in text and "Finance wants nightly exports." in text
    assert "Go live with finance team" in text


def test_health_section_shows_the_health_service_score(book: Book) -> None:
    with book.context.read() as session:
        expected = account_health(session, book.acme, quarter(2026, 3).end).result

    text = book.text(audience="internal")

    assert expected.score is not None
    assert f"{expected.score:.0f} Health score on 30 Sep 2026" in text
    assert (expected.band or "").capitalize() in text
    assert "License utilisation" in text  # the measure table, internal edition only


def test_customer_edition_leaves_out_internal_material(book: Book) -> None:
    text = book.text()

    assert "Commercial summary" not in text and "$120,000" not in text
    assert "Usage dropped sharply" not in text  # an alert
    assert "T-30 Proposal and paperwork" not in text  # a renewal milestone
    assert "Budget freeze" not in text  # a risk note
    assert "License utilisation" not in text  # health measure detail
    assert "Prepared for Acme Analytics" in text


def test_internal_edition_has_commercials_forecast_and_risk_notes(book: Book) -> None:
    text = book.text(audience="internal")

    assert "Commercial summary" in text
    assert "$120,000 Annual recurring revenue" in text
    assert "1 Jan 2027 Next renewal in 78 days" in text
    assert "Renewal forecast: Commit." in text
    assert "Add 20 seats Expansion $24,000 15 Dec 2026 Best case" in text
    assert "Budget freeze in 2027" in text and "Usage dropped sharply" in text
    assert "T-30 Proposal and paperwork" in text
    assert "Internal: for the account team only" in text


def test_customer_edition_with_commercials_shows_them_without_the_forecast(book: Book) -> None:
    text = book.text(commercials=True)

    assert "Commercial summary" in text and "$120,000" in text
    assert "Add 20 seats Expansion $24,000 15 Dec 2026" in text
    assert "Best case" not in text and "Renewal forecast" not in text


def test_the_period_selects_the_data(book: Book) -> None:
    text = book.text(period=review_period("2026Q2", AS_OF))

    assert "20.0 Average daily active users" in text
    assert "No support tickets were opened or worked on in this period." in text
    assert "1 Apr 2026 to 30 Jun 2026" in text


def test_default_period_is_the_last_full_quarter() -> None:
    assert last_full_quarter(AS_OF).label == "2026Q3"
    assert last_full_quarter(AS_OF.replace(month=2)).label == "2025Q4"
    with pytest.raises(ValidationError, match="starts after the as-of date"):
        review_period("2027Q1", AS_OF)


def test_an_account_without_data_says_so_section_by_section(book: Book) -> None:
    text = book.text(book.quiet, audience="internal")

    for line in (
        "No executive summary has been written in the success plan.",
        "The success plan does not record the reasons for buying or the success criteria yet.",
        "No objectives are recorded in the success plan yet.",
        "No product usage was recorded in this period.",
        "No support tickets were opened or worked on in this period.",
        "No survey answers (NPS or CSAT) were received in this period.",
        "There are no action items.",
        "No risks or blockers are recorded.",
        "No product requests have been recorded.",
    ):
        assert line in text


def renamed(book: Book, name: str) -> bytes:
    """The quiet account's document under another name (the name is all that changes)."""
    data = gather(book.context, book.quiet)
    return render_business_review(replace(data, account=replace(data.account, name=name)))


@pytest.mark.parametrize("name", ["R&D <Labs> \"Quoted\" 'x'", "<b>Corp", "Smith & Sons; <0>"])
def test_names_with_markup_characters_come_out_exactly(book: Book, name: str) -> None:
    pdf = renamed(book, name)

    assert name in pages(pdf)[0]
    assert pypdf.PdfReader(io.BytesIO(pdf)).metadata.title == f"Business review 2026Q3: {name}"


NAMES = {
    "Cyrillic": "ООО «Ромашка»",
    "Greek": "Ελληνική Εταιρεία",
    "Hebrew": "חברת הייטק",
    "Arabic": "شركة التقنية",
    "Chinese": "北京星河数据科技",
    "Japanese": "株式会社みなと精工",
    "Korean": "푸른솔 클라우드",
}


@pytest.mark.parametrize("script", sorted(NAMES))
def test_names_in_every_script_are_in_the_text_layer(book: Book, script: str) -> None:
    name = NAMES[script]

    cover = unicodedata.normalize("NFKC", pages(renamed(book, name))[0])

    # Right-to-left names are stored in visual order and Arabic as joined presentation
    # forms; NFKC maps those back to letters, so each word is found as written.
    for word in name.split():
        assert word in cover or word[::-1] in cover, (word, cover[:300])


def test_a_long_plan_flows_over_pages_with_repeated_table_headers(context: AppContext) -> None:
    key = str(add_account(context, "Longplan GmbH"))
    summary = " ".join(f"word{i}" for i in range(5000))
    from csdesk.models import Objective, Outcome, SuccessPlan

    with context.write() as session:
        plan = SuccessPlan(account_id=int(key), executive_summary=summary)
        session.add(plan)
        session.flush()
        outcome = Outcome(plan_id=plan.id, title="Scale", position=0)
        session.add(outcome)
        session.flush()
        session.add_all(Objective(outcome_id=outcome.id, title=f"Objective number {i}",
                                  kpi="Widgets", baseline="0", target=str(i + 1), current="0",
                                  status="not_started") for i in range(80))

    pdf = build(context, key)

    texts = pages(pdf)
    joined = " ".join(texts)
    assert len(texts) >= 8
    assert "word4999" in joined and "Objective number 79" in joined
    header = "Objective KPI (unit) Baseline Target Current Status Owner Due"
    headed = [i for i, text in enumerate(texts) if header in re.sub(r"\s+", " ", text)]
    # The objectives table runs over several pages and each one starts with its header.
    assert len(headed) >= 2
    assert all("Objective number" in texts[i] for i in headed)


def test_the_same_input_gives_the_same_bytes(book: Book) -> None:
    first = book.pdf(audience="internal")
    second = build(book.context, book.acme, audience="internal")

    assert first == second
    info = pypdf.PdfReader(io.BytesIO(first)).metadata
    assert info["/CreationDate"].startswith("D:20261015")


def test_document_metadata_and_branding(context: AppContext) -> None:
    acme = str(add_account(context, "Acme Analytics"))
    logo = font_folder().parent / "icons" / "csdesk.svg"
    with context.write() as session:
        set_setting(session, COMPANY_NAME.key, "Northwind Success")
        set_setting(session, PRIMARY_COLOUR.key, "#7b2d8b")
        set_setting(session, LOGO_PATH.key, str(logo))

    pdf = build(context, acme)

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    info = reader.metadata
    assert info.title == "Business review 2026Q3: Acme Analytics"
    assert info.author == "Northwind Success"
    assert "prepared by Northwind Success for Acme Analytics" in (info.subject or "")
    assert all("Northwind Success" in page for page in pages(pdf))
    cover = reader.pages[0].get_contents().get_data()
    # The brand band in #7B2D8B, and the logo's amber (#F4B942) drawn as vector paths.
    assert re.search(rb"0?\.482353 0?\.176471 0?\.545098 rg", cover)
    assert re.search(rb"0?\.956863 0?\.72549 0?\.258824 rg", cover)


def test_bad_branding_is_refused_with_the_setting_named(context: AppContext) -> None:
    acme = str(add_account(context, "Acme Analytics"))
    with context.write() as session:
        set_setting(session, PRIMARY_COLOUR.key, "blue-ish")
    with pytest.raises(CsdeskError, match="branding.primary_colour"):
        build(context, acme)

    with context.write() as session:
        set_setting(session, PRIMARY_COLOUR.key, "#1F4E79")
        set_setting(session, LOGO_PATH.key, "/no/such/logo.png")
    with pytest.raises(CsdeskError, match="branding.logo_path"):
        build(context, acme)


def test_a_character_no_font_has_is_replaced_visibly_and_logged_once(
    book: Book, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="csdesk.reports.text"):
        pdf = renamed(book, "Tagged\U000e0041 Corp")

    warnings = [r for r in caplog.records if "U+E0041" in r.getMessage()]
    assert len(warnings) == 1  # once per document, though the name is on every page
    assert "Tagged\ufffd Corp" in pages(pdf)[0]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.text(min_size=1, max_size=60))
def test_any_unicode_name_builds_and_keeps_its_drawable_characters(book: Book, name: str) -> None:
    data = gather(book.context, book.quiet)
    data = replace(data, health=None, account=replace(data.account, name=name))

    pdf = render_business_review(data)

    assert pdf.startswith(b"%PDF")
    # Letters and digits from the Latin, Greek and Cyrillic blocks come back in the text layer.
    kept = [c for c in name if c.isalnum() and ord(c) < 0x0530]
    cover = pages(pdf)[0]
    assert all(c in cover for c in kept)
