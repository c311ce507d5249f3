"""User text into paragraph markup: escaped, one font per script run, nothing dropped."""

from __future__ import annotations

import logging

import pytest
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from csdesk.fonts import REPLACEMENT_CHARACTER, register_reportlab_fonts
from csdesk.reports.text import Markup, needs_shaping


def test_markup_characters_are_escaped() -> None:
    markup = Markup()

    assert markup.inline("R&D <Labs> \"Q\" 'x'") == "R&amp;D &lt;Labs&gt; \"Q\" 'x'"
    assert markup.inline("<b>Corp") == "&lt;b&gt;Corp"


def test_each_script_run_gets_its_font_and_bold_where_the_font_has_one() -> None:
    markup = Markup()

    assert markup.inline("Acme 株式会社 한국") == (
        'Acme <font name="CsdeskCJK">株式会社 </font><font name="CsdeskHangul">한국</font>'
    )
    assert markup.inline("한국", bold=True) == '<font name="CsdeskHangul-Bold">한국</font>'
    assert markup.inline("東京", bold=True) == '<font name="CsdeskCJK">東京</font>'


def test_whitespace_is_collapsed_inline_and_kept_as_breaks_in_paragraphs() -> None:
    markup = Markup()

    assert markup.inline("  two\n lines\tand tabs ") == "two lines and tabs"
    assert markup.paragraphs("First line\nsecond line\n\n\nNext & last") == [
        "First line<br/>second line", "Next &amp; last",
    ]
    assert markup.paragraphs(None) == [] and markup.inline(None) == ""


def test_an_undrawable_character_is_replaced_and_logged_once_per_document(
    caplog: pytest.LogCaptureFixture,
) -> None:
    markup = Markup("test document")

    with caplog.at_level(logging.WARNING, logger="csdesk.reports.text"):
        first = markup.inline("A\x07B")
        second = markup.inline("C\x07D")
        Markup("another document").inline("\x07")

    assert first == f"A{REPLACEMENT_CHARACTER}B" and second == f"C{REPLACEMENT_CHARACTER}D"
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 2  # once for each document, not for each occurrence
    assert "test document: no shipped font draws U+0007" in messages[0]
    assert markup.replaced == frozenset({"\x07"})


def test_escaped_markup_always_parses() -> None:
    register_reportlab_fonts()
    style = ParagraphStyle("t", fontName="CsdeskSans")
    for text in ("<para>", "a </b> b", "&amp;&", "]]>", "<font name='x'>", "<br/>"):
        Paragraph(Markup().inline(text), style)


def test_only_right_to_left_text_needs_shaping() -> None:
    assert needs_shaping("شركة") and needs_shaping("Acme חברת")
    assert not needs_shaping("Acme 株式会社 Ромашка Ελληνική")
