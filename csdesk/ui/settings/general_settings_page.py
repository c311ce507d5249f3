"""Settings > General: who you are, the look of the window and where the data lives."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from csdesk.services.settings import ME, current_actor, get_setting, set_setting
from csdesk.ui import feedback
from csdesk.ui.data_location import choose_data_folder, chosen_data_folder
from csdesk.ui.settings.settings_page import SettingsPage
from csdesk.ui.theme import THEME_CHOICES
from csdesk.ui.workspace import Workspace

logger = logging.getLogger(__name__)

THEME_KEY = "appearance/theme"
THEME_LABELS = {"system": "Follow the system", "light": "Light", "dark": "Dark"}


class GeneralSettingsPage(SettingsPage):
    TITLE = "General"

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(workspace, parent)
        form = self.add_form()

        self.me_edit = QLineEdit()
        self.me_edit.setAccessibleName("Your name")
        self.me_edit.setPlaceholderText("The CSM name your accounts are owned by")
        self.me_edit.editingFinished.connect(self._on_me_edit_finished)
        form.addRow("Your name", self.me_edit)

        self.theme_box = QComboBox()
        self.theme_box.setAccessibleName("Appearance")
        for choice in THEME_CHOICES:
            self.theme_box.addItem(THEME_LABELS[choice], choice)
        self.theme_box.currentIndexChanged.connect(self._on_theme_box_changed)
        form.addRow("Appearance", self.theme_box)

        self.folder_label = QLabel(str(workspace.context.paths.home))
        self.folder_label.setWordWrap(True)
        self.folder_label.setAccessibleName("Data folder")
        self.folder_edit = QLineEdit()
        self.folder_edit.setAccessibleName("New data folder")
        self.folder_edit.setPlaceholderText("Another folder, used from the next start")
        self.folder_button = QPushButton("Use from next start")
        self.folder_button.clicked.connect(self._on_folder_button_clicked)
        row = QHBoxLayout()
        row.addWidget(self.folder_edit, 1)
        row.addWidget(self.folder_button)
        form.addRow("Data folder", self.folder_label)
        form.addRow("", row)
        self.folder_note = QLabel()
        self.folder_note.setWordWrap(True)
        form.addRow("", self.folder_note)
        self.outer.addStretch(1)

    def load(self) -> None:
        choice = str(QSettings().value(THEME_KEY, "system"))
        self.theme_box.blockSignals(True)
        self.theme_box.setCurrentIndex(max(0, self.theme_box.findData(choice)))
        self.theme_box.blockSignals(False)
        pending = chosen_data_folder()
        if pending and pending != str(self.workspace.context.paths.home):
            self.folder_note.setText(f"From the next start csdesk will use {pending}.")

        def read(session: Any) -> str:
            return str(get_setting(session, ME.key) or current_actor(session))

        def show(name: str) -> None:
            self.me_edit.setText(name)
            self.loaded.emit()

        self.workspace.load(read, show, self, "read your name")

    def _on_me_edit_finished(self) -> None:
        name = self.me_edit.text().strip()
        if not name:
            return

        def write(session: Any) -> None:
            set_setting(session, ME.key, name)

        self.workspace.save(write, self._saved, self, "save your name")

    def _on_theme_box_changed(self) -> None:
        choice = self.theme_box.currentData()
        QSettings().setValue(THEME_KEY, choice)
        logger.info("appearance set to %s", choice)
        window = self.window()
        from csdesk.ui.app import apply_chosen_theme

        apply_chosen_theme()
        on_theme_changed = getattr(window, "on_theme_changed", None)
        if callable(on_theme_changed):
            on_theme_changed()

    def _on_folder_button_clicked(self) -> None:
        text = self.folder_edit.text().strip()
        try:
            folder = choose_data_folder(text)
        except (ValueError, OSError) as exc:
            feedback.show_error(self, exc, "change the data folder")
            return
        self.folder_note.setText(
            f"From the next start csdesk will use {folder}. "
            "This session keeps working in the current folder.")
        feedback.show_info(self, f"Data folder set to {folder}; it takes effect on restart.")
