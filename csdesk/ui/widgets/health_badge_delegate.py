"""Draws the health score as a coloured badge (the colours come from the theme)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from csdesk.ui.theme import current_theme


class HealthBadgeDelegate(QStyledItemDelegate):
    """Paints the cell's text in a rounded badge coloured by the band in ``band_role``."""

    def __init__(self, band_role: int, parent: Any = None) -> None:
        super().__init__(parent)
        self.band_role = band_role

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        # Draw the selection/background as usual, then the badge on top without text.
        plain = QStyleOptionViewItem(option)
        self.initStyleOption(plain, index)
        plain.text = ""
        style = plain.widget.style() if plain.widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, plain, painter, plain.widget)

        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        fill, ink = current_theme().band_colours(index.data(self.band_role))
        rect = QRectF(option.rect).adjusted(6, 4, -6, -4)
        width = min(rect.width(), max(36.0, option.fontMetrics.horizontalAdvance(text) + 16))
        badge = QRectF(rect.center().x() - width / 2, rect.top(), width, rect.height())

        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(fill))
        painter.drawRoundedRect(badge, badge.height() / 2, badge.height() / 2)
        painter.setPen(QColor(ink))
        font = option.font
        font.setBold(True)
        painter.setFont(font)
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()
