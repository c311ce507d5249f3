"""Both themes keep every text readable: WCAG contrast of at least 4.5:1."""

from __future__ import annotations

import pytest

from csdesk.ui.theme import DARK, LIGHT, contrast_ratio, text_pairs


def test_contrast_formula_matches_known_values() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("theme", [LIGHT, DARK], ids=["light", "dark"])
def test_every_text_on_every_fill_is_readable(theme) -> None:
    poor = {name: round(contrast_ratio(text, fill), 2)
            for name, (text, fill) in text_pairs(theme).items()
            if contrast_ratio(text, fill) < 4.5}
    assert poor == {}


def test_palette_carries_the_theme_colours() -> None:
    from PySide6.QtGui import QPalette

    palette = DARK.palette()
    assert palette.color(QPalette.ColorRole.Base).name() == DARK.base
    assert palette.color(QPalette.ColorRole.Text).name() == DARK.text
    assert DARK.is_dark and not LIGHT.is_dark
