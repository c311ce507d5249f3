"""The shipped fonts: each script a customer writes in is drawn by a font that has it."""

from __future__ import annotations

import logging
from importlib.resources import files

import pytest
from fontTools.ttLib import TTFont

from csdesk import fonts

SAMPLES = {
    "Cyrillic": ("ООО Ромашка и партнёры", fonts.SANS),
    "Greek": ("Ελληνική Εταιρεία Λογισμικού", fonts.SANS),
    "Hebrew": ("חברת הייטק בעמ", fonts.SANS),
    "Arabic": ("شركة التقنية المتقدمة", fonts.SANS),
    "Chinese": ("北京科技有限公司", fonts.CJK),
    "Japanese kana and kanji": ("株式会社アクメ ひらがな カタカナ 東京", fonts.CJK),
    "Hangul": ("한국 주식회사 서울", fonts.HANGUL),
}


def _cmap(file_name: str) -> set[int]:
    with TTFont(str(fonts.font_file(file_name)), lazy=True) as font:
        return set(font.getBestCmap())


@pytest.mark.parametrize("script", sorted(SAMPLES))
def test_each_script_is_drawn_whole_by_the_font_the_splitter_picks(script: str) -> None:
    text, expected_face = SAMPLES[script]

    runs = fonts.split_runs(text)

    assert [face for face, _ in runs] == [expected_face]
    # Read the font file itself, not the module's cache: every character has a glyph.
    glyphs = _cmap(expected_face.regular_file)
    assert all(ord(ch) in glyphs for ch in text if not ch.isspace())
    if expected_face.bold_file:
        bold_glyphs = _cmap(expected_face.bold_file)
        assert all(ord(ch) in bold_glyphs for ch in text if not ch.isspace())


def test_mixed_name_is_cut_into_runs_that_give_back_the_text() -> None:
    text = "株式会社アクメ (Acme KK) 한국지사"

    runs = fonts.split_runs(text)

    assert "".join(run for _, run in runs) == text
    assert [(face.key if face else None, run) for face, run in runs] == [
        ("cjk", "株式会社アクメ "),
        ("sans", "(Acme KK) "),
        ("hangul", "한국지사"),
    ]


def test_characters_no_font_has_are_reported_not_dropped() -> None:
    text = "Acme\x07 Corp \U000e0001"

    runs = fonts.split_runs(text)

    assert "".join(run for _, run in runs) == text
    assert fonts.missing_characters(text) == ["\x07", "\U000e0001"]
    assert ord(fonts.REPLACEMENT_CHARACTER) in fonts.coverage(fonts.SANS)


def test_every_font_file_and_licence_ships_in_the_resources_folder() -> None:
    folder = fonts.font_folder()
    for face in fonts.FACES:
        for name in face.files():
            with TTFont(str(folder / name), lazy=True) as font:
                # reportlab needs TrueType outlines (a glyf table), not CFF.
                assert "glyf" in font and "CFF " not in font
    licences = {p.name for p in folder.iterdir() if p.name.startswith("LICENSE")}
    assert licences == {"LICENSE-DejaVu.txt", "LICENSE-DroidSansFallback.txt", "LICENSE-Nanum.txt"}


def test_resources_are_an_installed_package() -> None:
    folder = files("csdesk.resources") / "fonts"
    assert (folder / fonts.SANS.regular_file).is_file()


def test_reportlab_registration_maps_bold_and_is_repeatable() -> None:
    from reportlab.lib.fonts import tt2ps
    from reportlab.pdfbase import pdfmetrics

    fonts.register_reportlab_fonts()
    fonts.register_reportlab_fonts()

    registered = set(pdfmetrics.getRegisteredFontNames())
    assert {"CsdeskSans", "CsdeskSans-Bold", "CsdeskCJK", "CsdeskHangul"} <= registered
    assert tt2ps("CsdeskHangul", 1, 0) == "CsdeskHangul-Bold"
    assert tt2ps("CsdeskCJK", 1, 0) == "CsdeskCJK"


def test_matplotlib_draws_cjk_and_hangul_labels_without_missing_glyphs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    import io
    import warnings

    from matplotlib.figure import Figure

    families = fonts.matplotlib_families()
    figure = Figure(figsize=(3, 1))
    figure.text(0.1, 0.5, "株式会社アクメ 한국 Ромашка", fontfamily=families)

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with caplog.at_level(logging.WARNING):
            figure.savefig(io.BytesIO(), format="svg")

    assert families == ["DejaVu Sans", "Droid Sans Fallback", "NanumGothic"]
    assert not [r for r in caplog.records if "missing" in r.getMessage().lower()]


def test_qt_gets_every_shipped_family(qapp: object) -> None:
    families = fonts.register_qt_fonts()

    assert families == ["DejaVu Sans", "Droid Sans Fallback", "NanumGothic"]
