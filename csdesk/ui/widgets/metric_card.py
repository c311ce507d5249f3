"""One key metric as a small card: its value, its name, and its definition as the tooltip."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from csdesk.metrics.results import Metric, display_value
from csdesk.ui.theme import current_theme


class MetricCard(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("metricCard")
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.value = QLabel("—")
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.value.setFont(font)
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.note = QLabel()
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(2)
        layout.addWidget(self.value)
        layout.addWidget(self.caption)
        layout.addWidget(self.note)
        layout.addStretch(1)
        self.restyle()

    def restyle(self) -> None:
        theme = current_theme()
        self.setStyleSheet(
            f"#metricCard {{ background: {theme.base}; border: 1px solid {theme.border};"
            " border-radius: 8px; }"
            f"#metricCard:focus {{ border: 1px solid {theme.link}; }}"
            f"#metricCard QLabel {{ color: {theme.text}; background: transparent; }}")
        self.note.setStyleSheet(f"color: {theme.muted_text};")

    def show_metric(self, metric: Metric) -> None:
        self.value.setText(display_value(metric.value, metric.unit))
        self.caption.setText(metric.label)
        self.note.setText(metric.note)
        tip = f"<b>{metric.label}</b><br>{metric.definition}"
        if metric.note:
            tip += f"<br><i>{metric.note}</i>"
        self.setToolTip(tip)
        self.setAccessibleName(f"{metric.label}: {self.value.text()}")
