"""A matplotlib Figure from csdesk.charts shown in the window, in the theme's colours."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from matplotlib import rc_context
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.colors import to_hex, to_rgba
from matplotlib.figure import Figure
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QStackedLayout, QWidget

from csdesk.charts import style
from csdesk.fonts import matplotlib_families
from csdesk.ui.theme import Theme, current_theme

logger = logging.getLogger(__name__)


def themed_rc() -> dict[str, Any]:
    rc = current_theme().mpl_rc()
    rc["font.family"] = matplotlib_families()
    rc["font.size"] = 9
    return rc


# The chart package draws for paper (dark ink on white); on screen its colours are swapped
# for the theme's, so a dark window gets light text and muted fills instead of glare.
def _screen_colours(theme: Theme) -> dict[str, str]:
    swap = {
        style.INK: theme.text, style.MUTED: theme.muted_text, style.GRID: theme.grid,
        "#ffffff": theme.base, "#000000": theme.text,
    }
    if theme.is_dark:
        swap.update({
            style.ACCENT: theme.series[0],
            style.BAND_FILLS["green"]: "#1e3a27", style.BAND_FILLS["yellow"]: "#3b3419",
            style.BAND_FILLS["red"]: "#432422",
            style.BAND_COLOURS["green"]: theme.bands["green"][0],
            style.BAND_COLOURS["yellow"]: theme.bands["yellow"][0],
            style.BAND_COLOURS["red"]: theme.bands["red"][0],
        })
        # Renewals with no forecast are drawn in a light grey on paper; dim it on screen.
        unforecast = style.CATEGORY_COLOURS.get("none") or style.CATEGORY_COLOURS.get(
            "unforecast")
        if unforecast:
            swap[unforecast] = "#5b636b"
    return {k.lower(): v for k, v in swap.items()}


def _swapped(colour: Any, swap: dict[str, str]) -> Any:
    try:
        rgba = to_rgba(colour)
    except (ValueError, TypeError):
        return None
    replacement = swap.get(to_hex(rgba, keep_alpha=False).lower())
    return None if replacement is None else to_rgba(replacement, rgba[3])


def recolour(figure: Figure, theme: Theme) -> None:
    """Swap the chart package's paper colours for the theme's on every artist."""
    swap = _screen_colours(theme)
    figure.set_facecolor(theme.base)
    for axes in figure.axes:
        axes.set_facecolor(theme.base)
        axes.tick_params(colors=theme.muted_text, labelcolor=theme.text)
    for artist in figure.findobj():
        for getter, setter in (("get_color", "set_color"), ("get_facecolor", "set_facecolor"),
                               ("get_edgecolor", "set_edgecolor"),
                               ("get_markerfacecolor", "set_markerfacecolor"),
                               ("get_markeredgecolor", "set_markeredgecolor")):
            get, put = getattr(artist, getter, None), getattr(artist, setter, None)
            if get is None or put is None or artist is figure or artist in figure.axes:
                continue
            try:
                value = get()
            except (TypeError, ValueError):
                continue
            if isinstance(value, str) or (hasattr(value, "__len__") and len(value) in (3, 4)
                                          and not hasattr(value[0], "__len__")):
                new = _swapped(value, swap)
                if new is not None:
                    put(new)
            elif hasattr(value, "__len__") and len(value) == 1:
                new = _swapped(value[0], swap)
                if new is not None:
                    put([new])


def build_themed(builder: Callable[..., Figure], *args: Any, **kwargs: Any) -> Figure:
    """Call a chart builder with the shipped fonts, then give it the theme's colours."""
    with rc_context(themed_rc()):  # type: ignore[arg-type]
        figure = builder(*args, **kwargs)
    recolour(figure, current_theme())
    return figure


class ChartCanvas(QWidget):
    """Holds one figure at a time, or a short sentence when there is nothing to draw."""

    def __init__(self, empty_text: str = "No data to chart yet.", parent: QWidget | None = None):
        super().__init__(parent)
        self.figure: Figure | None = None
        self.canvas: FigureCanvasQTAgg | None = None
        self._empty = QLabel(empty_text)
        self._empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._empty.setWordWrap(True)
        self._empty.setForegroundRole(self._empty.foregroundRole())
        self._layout = QStackedLayout(self)
        self._layout.addWidget(self._empty)
        self.setMinimumHeight(180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_figure(self, figure: Figure | None, empty_text: str | None = None) -> None:
        if empty_text is not None:
            self._empty.setText(empty_text)
        if self.canvas is not None:
            self._layout.removeWidget(self.canvas)
            self.canvas.setParent(None)
            self.canvas.deleteLater()
            self.canvas = None
        self.figure = figure
        if figure is None:
            self._layout.setCurrentWidget(self._empty)
            return
        self.canvas = FigureCanvasQTAgg(figure)
        self.canvas.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._layout.addWidget(self.canvas)
        self._layout.setCurrentWidget(self.canvas)

    def show_chart(self, builder: Callable[..., Figure], *args: Any, **kwargs: Any) -> None:
        self.set_figure(build_themed(builder, *args, **kwargs))
