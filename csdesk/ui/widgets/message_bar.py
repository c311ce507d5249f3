"""A non-modal bar across the top of the window for routine messages and errors."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

from csdesk.ui.theme import current_theme

INFO_TIMEOUT_MS = 8000


class MessageBar(QFrame):
    """Shows one message at a time; errors stay until closed, information fades.

    Signals:
        shown: (level, text) each time a message appears.
    """

    shown = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageBar")
        self.level = "info"
        self._label = QLabel(self)
        self._label.setWordWrap(True)
        self._label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._close = QToolButton(self)
        self._close.setText("✕")
        self._close.setToolTip("Dismiss this message")
        self._close.setAccessibleName("Dismiss message")
        self._close.setAutoRaise(True)
        self._close.clicked.connect(self.hide)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.hide)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 6, 6)
        layout.addWidget(self._label, 1)
        layout.addWidget(self._close, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def text(self) -> str:
        return self._label.text()

    def show_message(self, level: str, text: str) -> None:
        self.level = level
        self._label.setText(text)
        self._restyle()
        self.show()
        if level == "info":
            self._timer.start(INFO_TIMEOUT_MS)
        else:
            self._timer.stop()
        self.shown.emit(level, text)

    def _restyle(self) -> None:
        fill, text = current_theme().messages.get(self.level, current_theme().messages["info"])
        self.setStyleSheet(
            f"#messageBar {{ background: {fill}; border-radius: 4px; }}"
            f"#messageBar QLabel, #messageBar QToolButton {{ color: {text}; }}"
        )
