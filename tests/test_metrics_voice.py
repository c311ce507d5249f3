"""NPS, CSAT and the detractor follow-up closure rate on hand-built answers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from test_metrics_builder import Book

from csdesk.errors import ValidationError
from csdesk.services.context import AppContext
from csdesk.services.metrics import (
    nps_scale_mappings,
    remove_nps_scale_mapping,
    set_nps_scale_mapping,
)

AS_OF = date(2025, 1, 31)
# An explicit mapping of a 1-10 scale onto 0-10 (the user's choice: 9 counts as a passive).
ONE_TO_TEN = ["1=0", "2=1", "3=2", "4=3", "5=4", "6=5", "7=6", "8=7", "9=8", "10=10"]


@pytest.fixture
def nps_book(context: AppContext) -> Book:
    """Four contacts of one account, plus an anonymous answer.

    c1: 10 on 2023-12-31, then 3 on 2024-03-01        latest in 2024: 3 (detractor)
    c2: 5 on 2024-02-01, then 9 on 2024-11-01          latest: 9 (promoter)
    c3: 7 on 2024-06-01 (and 0 on 2025-01-05, later)   latest by 2024-12-31: 7 (passive)
    c4: 9 on a 1-10 scale on 2024-05-01                mapped: 8 (passive); unmapped: left out
    anonymous: 10 on 2024-08-01                        its own respondent: promoter
    """
    book = Book(context)
    account = book.account("Acme", tier=1)
    c1, c2, c3, c4 = (book.contact(account, n) for n in ("c1", "c2", "c3", "c4"))
    book.contract(account, date(2023, 1, 1), None, "12000")
    book.answer(account, "nps", 10, date(2023, 12, 31), contact_id=c1)
    book.answer(account, "nps", 3, date(2024, 3, 1), contact_id=c1)
    book.answer(account, "nps", 5, date(2024, 2, 1), contact_id=c2)
    book.answer(account, "nps", 9, date(2024, 11, 1), contact_id=c2)
    book.answer(account, "nps", 7, date(2024, 6, 1), contact_id=c3)
    book.answer(account, "nps", 0, date(2025, 1, 5), contact_id=c3)
    book.answer(account, "nps", 9, date(2024, 5, 1), scale=(1, 10), contact_id=c4)
    book.answer(account, "nps", 10, date(2024, 8, 1))
    return book


def test_nps_without_a_mapping_leaves_other_scales_out_and_says_so(nps_book: Book) -> None:
    nps = nps_book.metrics("2024", AS_OF).group().get("nps")

    # c1 detractor, c2 promoter, c3 passive, anonymous promoter: (2 - 1) / 4 = +25.
    assert nps.value == Decimal(25)
    assert (nps.numerator, nps.denominator) == (1, 4)
    assert "1 on a 1-10 scale" in nps.note and "survey-scales set 1-10" in nps.note


def test_nps_with_an_explicit_mapping_of_a_one_to_ten_scale(
    nps_book: Book, context: AppContext
) -> None:
    with context.write() as session:
        set_nps_scale_mapping(session, "1-10", ONE_TO_TEN)

    nps = nps_book.metrics("2024", AS_OF).group().get("nps")

    # c4's 9 now maps to 8, a passive: promoters 2, passives 2, detractors 1 of 5: +20.
    assert nps.value == Decimal(20)
    assert dict(nps.parts) == {"promoters": 2, "passives": 2, "detractors": 1}
    assert nps.note == ""


def test_nps_uses_the_twelve_months_to_the_end_of_a_quarter(
    nps_book: Book, context: AppContext
) -> None:
    with context.write() as session:
        set_nps_scale_mapping(session, "1-10", ONE_TO_TEN)

    # 2024Q2 ends 2024-06-30; the window is 2023-07-01 to 2024-06-30. c1's latest is 3
    # (2024-03-01), c2's is 5 (2024-02-01), c3 7, c4 8; the anonymous 10 came later.
    nps = nps_book.metrics("2024Q2", AS_OF).group().get("nps")

    assert nps.value == Decimal(-50)
    assert dict(nps.parts) == {"promoters": 0, "passives": 2, "detractors": 2}


def test_a_mapping_must_cover_every_answer_of_its_scale(context: AppContext) -> None:
    with context.write() as session, pytest.raises(ValidationError, match="missing 10"):
        set_nps_scale_mapping(session, "1-10", ONE_TO_TEN[:-1])
    with context.write() as session, pytest.raises(ValidationError, match="0 to 10"):
        set_nps_scale_mapping(session, "1-5", ["1=0", "2=3", "3=6", "4=8", "5=11"])
    with context.write() as session, pytest.raises(ValidationError, match="lowest-highest"):
        set_nps_scale_mapping(session, "ten", ["1=0"])

    with context.write() as session:
        set_nps_scale_mapping(session, "1-5", ["1=0", "2=3", "3=6", "4=8", "5=10"])
    with context.read() as session:
        assert nps_scale_mappings(session) == {(1, 5): {1: 0, 2: 3, 3: 6, 4: 8, 5: 10}}
    with context.write() as session:
        remove_nps_scale_mapping(session, "1-5")
    with context.read() as session:
        assert nps_scale_mappings(session) == {}


@pytest.fixture
def csat_book(context: AppContext) -> Book:
    """CSAT answers of 2024, by kind.

    support, 1-5:        5, 4 (topic "support") and 2 (no topic, on a ticket)
    relationship, 1-10:  9, 6
    relationship, 1-2:   2 (thumbs up), 1 (thumbs down)
    relationship, 1-3:   3
    relationship, 0-10:  8 (not a CSAT scale: left out)
    2023-12-31:          5 on 1-5 (outside the period)
    """
    book = Book(context)
    account = book.account("Acme")
    book.contract(account, date(2023, 1, 1), None, "12000")
    ticket = book.case(account, date(2024, 4, 1))
    book.answer(account, "csat", 5, date(2024, 2, 1), scale=(1, 5), topic="support")
    book.answer(account, "csat", 4, date(2024, 3, 1), scale=(1, 5), topic="support")
    book.answer(account, "csat", 2, date(2024, 4, 2), scale=(1, 5), case_id=ticket)
    book.answer(account, "csat", 9, date(2024, 5, 1), scale=(1, 10), topic="relationship")
    book.answer(account, "csat", 6, date(2024, 6, 1), scale=(1, 10), topic="relationship")
    book.answer(account, "csat", 2, date(2024, 7, 1), scale=(1, 2), topic="relationship")
    book.answer(account, "csat", 1, date(2024, 7, 2), scale=(1, 2), topic="relationship")
    book.answer(account, "csat", 3, date(2024, 8, 1), scale=(1, 3))
    book.answer(account, "csat", 8, date(2024, 9, 1), scale=(0, 10))
    book.answer(account, "csat", 5, date(2023, 12, 31), scale=(1, 5), topic="support")
    return book


def test_csat_overall_and_by_kind(csat_book: Book) -> None:
    group = csat_book.metrics("2024", AS_OF).group()

    # Satisfied: 5, 4 (of 5, 4, 2); 9 (of 9, 6); thumbs up (of 2); 3 (of 3): 5 of 8.
    overall = group.get("csat")
    assert (overall.value, overall.numerator, overall.denominator) == (Decimal("0.625"), 5, 8)
    assert "1 on 0-10" in overall.note
    # Support: 2 of 3, mean (5 + 4 + 2) / 3 on a 1-5 scale.
    assert group.get("csat_support").value == Decimal(2) / Decimal(3)
    support_mean = group.get("csat_support_mean")
    assert support_mean.value == Decimal(11) / Decimal(3)
    assert "1-5" in support_mean.note
    # Relationship: 9, thumbs up, 3 satisfied of 9, 6, up, down, 3: 3 of 5.
    assert group.get("csat_relationship").value == Decimal("0.6")


def test_csat_mean_across_scales_is_the_mean_position_on_the_scale(csat_book: Book) -> None:
    group = csat_book.metrics("2024", AS_OF).group()

    # Positions (score - lowest) / (highest - lowest): 9 -> 8/9, 6 -> 5/9, up -> 1,
    # down -> 0, 3 of 1-3 -> 1: (31/9) / 5 = 31/45.
    relationship = group.get("csat_relationship_mean")
    assert round(relationship.value, 20) == round(Decimal(31) / Decimal(45), 20)
    assert "several scales" in relationship.note
    # Support adds 1, 3/4, 1/4: (2 + 31/9) / 8 = 49/72.
    assert round(group.get("csat_mean").value, 20) == round(Decimal(49) / Decimal(72), 20)


def test_no_survey_data_at_all_says_no_data(context: AppContext) -> None:
    book = Book(context)
    account = book.account("Quiet")
    book.contract(account, date(2023, 1, 1), None, "12000")

    group = book.metrics("2024", AS_OF).group()

    for name in ("nps", "csat", "csat_mean", "csat_support", "csat_relationship_mean"):
        metric = group.get(name)
        assert metric.value is None, name
        assert metric.note.startswith("no data: no "), name
        assert metric.display() == "no data"
        assert metric.to_json()["value"] is None


def test_detractor_follow_up_closure_rate(context: AppContext) -> None:
    """Follow-ups raised in 2024: one closed in March, one closed only in January 2025 (after
    the period), one still open: 1 closed of 3. A follow-up raised in 2023 and a task for
    another alert do not count."""
    book = Book(context)
    account = book.account("Acme")
    book.contract(account, date(2023, 1, 1), None, "12000")
    book.follow_up(account, date(2024, 3, 1), closed=date(2024, 3, 5))
    book.follow_up(account, date(2024, 6, 1), closed=date(2025, 1, 10))
    book.follow_up(account, date(2024, 9, 1))
    book.follow_up(account, date(2023, 12, 1), closed=date(2024, 1, 5))
    book.follow_up(account, date(2024, 5, 1), closed=date(2024, 5, 2), key="alert:usage_drop")

    rate = book.metrics("2024", AS_OF).group().get("voc_closure_rate")

    assert (rate.numerator, rate.denominator) == (1, 3)
    assert rate.value == Decimal(1) / Decimal(3)
