"""What the Settings pages share: a form that loads its values, then saves them on request."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QFrame, QLabel, QVBoxLayout, QWidget

from csdesk.ui.workspace import Workspace


class SettingsPage(QWidget):
    """A titled group of settings.

    Signals:
        loaded: the page shows the stored values.
        saved: the page's values were written.
    """

    TITLE = ""
    loaded = Signal()
    saved = Signal()

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.outer = QVBoxLayout(self)
        self.outer.setContentsMargins(16, 16, 16, 16)
        self.outer.setSpacing(10)

    def add_intro(self, text: str) -> QLabel:
        intro = QLabel(text)
        intro.setWordWrap(True)
        intro.setForegroundRole(intro.foregroundRole())
        self.outer.addWidget(intro)
        return intro

    def add_form(self) -> QFormLayout:
        frame = QFrame()
        form = QFormLayout(frame)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setContentsMargins(0, 4, 0, 4)
        self.outer.addWidget(frame)
        return form

    def load(self) -> None:
        """Read the stored values in the background; the base page has none."""
        self.loaded.emit()

    def _saved(self, _result: Any = None) -> None:
        self.saved.emit()
