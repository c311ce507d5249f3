"""Settings > Branding: the company name, logo and colour printed on business reviews."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QColorDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from csdesk.errors import ValidationError
from csdesk.services.settings import COMPANY_NAME, LOGO_PATH, PRIMARY_COLOUR, get_setting
from csdesk.services.settings import set_setting as store_setting
from csdesk.ui import feedback
from csdesk.ui.settings.settings_page import SettingsPage
from csdesk.ui.workspace import Workspace

HEX_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.svg)"


def check_branding(company: str, colour: str, logo: str) -> dict[str, Any]:
    """The values to store, or a ValidationError that says which field is wrong and why."""
    if not company.strip():
        raise ValidationError("the company name is empty; reports print it on every page")
    if not HEX_COLOUR.match(colour.strip()):
        raise ValidationError(f"'{colour}' is not a colour; write it as #RRGGBB, e.g. #1F4E79")
    logo_value = logo.strip() or None
    if logo_value is not None and not Path(logo_value).is_file():
        raise ValidationError(f"the logo file {logo_value} does not exist")
    return {
        COMPANY_NAME.key: company.strip(),
        PRIMARY_COLOUR.key: colour.strip().upper(),
        LOGO_PATH.key: logo_value,
    }


class BrandingSettingsPage(SettingsPage):
    TITLE = "Branding"

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(workspace, parent)
        self.add_intro("How exported business reviews present your company.")
        form = self.add_form()

        self.company_edit = QLineEdit()
        self.company_edit.setAccessibleName("Company name")
        form.addRow("Company name", self.company_edit)

        self.colour_edit = QLineEdit()
        self.colour_edit.setAccessibleName("Primary colour")
        self.colour_edit.setPlaceholderText("#RRGGBB")
        self.colour_edit.textChanged.connect(self._show_swatch)
        self.swatch = QLabel()
        self.swatch.setFixedSize(28, 22)
        self.colour_button = QPushButton("Pick…")
        self.colour_button.clicked.connect(self._on_colour_button_clicked)
        colour_row = QHBoxLayout()
        colour_row.addWidget(self.colour_edit, 1)
        colour_row.addWidget(self.swatch)
        colour_row.addWidget(self.colour_button)
        form.addRow("Primary colour", colour_row)

        self.logo_edit = QLineEdit()
        self.logo_edit.setAccessibleName("Logo file")
        self.logo_edit.setPlaceholderText("No logo")
        self.logo_button = QPushButton("Browse…")
        self.logo_button.clicked.connect(self._on_logo_button_clicked)
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo_edit, 1)
        logo_row.addWidget(self.logo_button)
        form.addRow("Logo", logo_row)

        self.save_button = QPushButton("Save branding")
        self.save_button.clicked.connect(self.save)
        form.addRow("", self.save_button)
        self.outer.addStretch(1)

    def load(self) -> None:
        def read(session: Any) -> tuple[str, str, str]:
            return (
                str(get_setting(session, COMPANY_NAME.key) or ""),
                str(get_setting(session, PRIMARY_COLOUR.key) or ""),
                str(get_setting(session, LOGO_PATH.key) or ""),
            )

        def show(values: tuple[str, str, str]) -> None:
            company, colour, logo = values
            self.company_edit.setText(company)
            self.colour_edit.setText(colour)
            self.logo_edit.setText(logo)
            self.loaded.emit()

        self.workspace.load(read, show, self, "read the branding")

    def save(self) -> None:
        try:
            values = check_branding(
                self.company_edit.text(), self.colour_edit.text(), self.logo_edit.text())
        except ValidationError as exc:
            feedback.show_error(self, exc, "save the branding")
            return

        def write(session: Any) -> None:
            for key, value in values.items():
                store_setting(session, key, value)

        def done(_: Any) -> None:
            feedback.show_info(self, "Branding saved; the next reports use it.")
            self._saved()

        self.workspace.save(write, done, self, "save the branding")

    def _show_swatch(self, text: str) -> None:
        colour = text.strip() if HEX_COLOUR.match(text.strip()) else None
        self.swatch.setStyleSheet(
            f"background: {colour}; border-radius: 3px;" if colour else "")

    def _on_colour_button_clicked(self) -> None:
        dialog = QColorDialog(QColor(self.colour_edit.text() or "#1F4E79"), self)
        dialog.colorSelected.connect(lambda c: self.colour_edit.setText(c.name().upper()))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def _on_logo_button_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Choose the logo", self.logo_edit.text(), IMAGE_FILTER)
        if path:
            self.logo_edit.setText(path)
