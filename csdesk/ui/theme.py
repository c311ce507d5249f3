"""Light and dark themes: every colour the window uses comes from here.

A theme is one explicit set of colours (a full QPalette plus the few status colours a palette
has no role for: health bands, message levels, chart series). The window follows the
system's colour scheme unless the user or ``--dark`` chose one. Text on every fill meets the
WCAG contrast ratio of 4.5:1; ``tests/ui/test_theme.py`` checks each pair.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette

logger = logging.getLogger(__name__)

THEME_CHOICES = ("system", "light", "dark")


@dataclass(frozen=True)
class Theme:
    name: str
    window: str
    window_text: str
    base: str
    alternate_base: str
    text: str
    muted_text: str
    button: str
    button_text: str
    highlight: str
    highlighted_text: str
    link: str
    border: str
    tooltip_base: str
    tooltip_text: str
    nav: str
    nav_text: str
    # (fill, text) pairs
    bands: dict[str, tuple[str, str]] = field(default_factory=dict)
    messages: dict[str, tuple[str, str]] = field(default_factory=dict)
    series: tuple[str, ...] = ()
    grid: str = "#d0d4da"

    @property
    def is_dark(self) -> bool:
        return QColor(self.window).lightnessF() < 0.5

    def band_colours(self, band: str | None) -> tuple[str, str]:
        """Fill and text colour of a health band badge ('none' for unscored)."""
        return self.bands.get(band or "none", self.bands["none"])

    def palette(self) -> QPalette:
        palette = QPalette()
        roles = {
            QPalette.ColorRole.Window: self.window,
            QPalette.ColorRole.WindowText: self.window_text,
            QPalette.ColorRole.Base: self.base,
            QPalette.ColorRole.AlternateBase: self.alternate_base,
            QPalette.ColorRole.Text: self.text,
            QPalette.ColorRole.PlaceholderText: self.muted_text,
            QPalette.ColorRole.Button: self.button,
            QPalette.ColorRole.ButtonText: self.button_text,
            QPalette.ColorRole.BrightText: self.highlighted_text,
            QPalette.ColorRole.Highlight: self.highlight,
            QPalette.ColorRole.HighlightedText: self.highlighted_text,
            QPalette.ColorRole.Link: self.link,
            QPalette.ColorRole.LinkVisited: self.link,
            QPalette.ColorRole.ToolTipBase: self.tooltip_base,
            QPalette.ColorRole.ToolTipText: self.tooltip_text,
            QPalette.ColorRole.Mid: self.border,
            QPalette.ColorRole.Dark: self.border,
            QPalette.ColorRole.Light: self.base,
            QPalette.ColorRole.Midlight: self.alternate_base,
            QPalette.ColorRole.Shadow: self.border,
        }
        for role, colour in roles.items():
            palette.setColor(role, QColor(colour))
        disabled = QColor(self.muted_text)
        for role in (
            QPalette.ColorRole.WindowText,
            QPalette.ColorRole.Text,
            QPalette.ColorRole.ButtonText,
        ):
            palette.setColor(QPalette.ColorGroup.Disabled, role, disabled)
        return palette

    def mpl_rc(self) -> dict[str, Any]:
        """matplotlib settings so charts follow the theme (used with ``rc_context``)."""
        return {
            "figure.facecolor": self.base,
            "axes.facecolor": self.base,
            "savefig.facecolor": self.base,
            "axes.edgecolor": self.border,
            "axes.labelcolor": self.text,
            "axes.titlecolor": self.text,
            "text.color": self.text,
            "xtick.color": self.muted_text,
            "ytick.color": self.muted_text,
            "xtick.labelcolor": self.text,
            "ytick.labelcolor": self.text,
            "grid.color": self.grid,
            "legend.facecolor": self.base,
            "legend.edgecolor": self.border,
            "legend.labelcolor": self.text,
            "axes.prop_cycle": _cycler(self.series),
        }


def _cycler(colours: tuple[str, ...]) -> Any:
    from cycler import cycler

    return cycler(color=list(colours))


LIGHT = Theme(
    name="light",
    window="#f4f5f7",
    window_text="#1d2026",
    base="#ffffff",
    alternate_base="#f3f5f8",
    text="#1d2026",
    muted_text="#5b6270",
    button="#e9ecf1",
    button_text="#1d2026",
    highlight="#1f5fbf",
    highlighted_text="#ffffff",
    link="#1a56b0",
    border="#c9ced6",
    tooltip_base="#1d2026",
    tooltip_text="#ffffff",
    nav="#e8ebf0",
    nav_text="#1d2026",
    bands={
        "green": ("#1a7f37", "#ffffff"),
        "yellow": ("#f2c94c", "#1d2026"),
        "red": ("#c0392b", "#ffffff"),
        "none": ("#e1e4ea", "#3d4350"),
    },
    messages={
        "info": ("#e3eefc", "#0f3d7a"),
        "warning": ("#fdf1d3", "#5c4200"),
        "error": ("#fbe3e1", "#8a1c12"),
    },
    series=("#1f5fbf", "#e07b24", "#2e9a4c", "#c0392b", "#7b52ab", "#16a3a6", "#8c6d46"),
    grid="#e1e4ea",
)

DARK = Theme(
    name="dark",
    window="#1c1e22",
    window_text="#e4e6eb",
    base="#24272c",
    alternate_base="#2a2d33",
    text="#e4e6eb",
    muted_text="#a4abb8",
    button="#30343a",
    button_text="#e4e6eb",
    highlight="#3a6fd0",
    highlighted_text="#ffffff",
    link="#8ab4f8",
    border="#474c55",
    tooltip_base="#e4e6eb",
    tooltip_text="#1c1e22",
    nav="#17191c",
    nav_text="#e4e6eb",
    bands={
        "green": ("#3fb950", "#0d1117"),
        "yellow": ("#e3b341", "#0d1117"),
        "red": ("#f47067", "#0d1117"),
        "none": ("#3a3f47", "#d5d9e0"),
    },
    messages={
        "info": ("#1c3556", "#cfe2ff"),
        "warning": ("#4a3a12", "#ffe4a3"),
        "error": ("#5a1f1c", "#ffd6d2"),
    },
    series=("#6ea8fe", "#f0a35e", "#5cc976", "#f47067", "#b392f0", "#39c5cf", "#c9a97a"),
    grid="#363a41",
)

THEMES = {"light": LIGHT, "dark": DARK}

_current: Theme = LIGHT


def system_prefers_dark() -> bool:
    app = QGuiApplication.instance()
    if app is None:
        return False
    return bool(QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark)


def resolve_theme(choice: str) -> Theme:
    """The theme for a choice of 'system', 'light' or 'dark'."""
    if choice == "system":
        return DARK if system_prefers_dark() else LIGHT
    return THEMES.get(choice, LIGHT)


def apply_theme(theme: Theme) -> None:
    """Make ``theme`` the application's palette (Fusion draws every role it sets)."""
    global _current
    _current = theme
    app = QGuiApplication.instance()
    if app is not None:
        app.setPalette(theme.palette())  # type: ignore[attr-defined]
    logger.debug("theme %s applied", theme.name)


def current_theme() -> Theme:
    return _current


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio between two colours (1.0 to 21.0)."""
    lighter, darker = sorted(
        (_luminance(QColor(foreground)), _luminance(QColor(background))), reverse=True
    )
    return (lighter + 0.05) / (darker + 0.05)


def _luminance(colour: QColor) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(colour.redF())
        + 0.7152 * channel(colour.greenF())
        + 0.0722 * channel(colour.blueF())
    )


def text_pairs(theme: Theme) -> dict[str, tuple[str, str]]:
    """Every (text, fill) pair the window draws, for the contrast check."""
    pairs = {
        "text on base": (theme.text, theme.base),
        "text on alternate rows": (theme.text, theme.alternate_base),
        "text on window": (theme.window_text, theme.window),
        "muted text on base": (theme.muted_text, theme.base),
        "muted text on window": (theme.muted_text, theme.window),
        "button text": (theme.button_text, theme.button),
        "selected text": (theme.highlighted_text, theme.highlight),
        "link on base": (theme.link, theme.base),
        "tooltip": (theme.tooltip_text, theme.tooltip_base),
        "navigation": (theme.nav_text, theme.nav),
    }
    for band, (fill, text) in theme.bands.items():
        pairs[f"{band} badge"] = (text, fill)
    for level, (fill, text) in theme.messages.items():
        pairs[f"{level} message"] = (text, fill)
    return pairs
