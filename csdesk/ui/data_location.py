"""The data folder the user picked in Settings, used from the next start.

The choice cannot live inside the portfolio or the window settings, because both are in the
data folder itself; it is a one-line INI file in the platform's configuration folder.
``--home`` and ``CSDESK_HOME`` still win over it.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import platformdirs
from PySide6.QtCore import QSettings

from csdesk.errors import ValidationError

logger = logging.getLogger(__name__)

FOLDER_KEY = "data/folder"


def pointer_file() -> Path:
    return Path(platformdirs.user_config_dir("csdesk", appauthor=False)) / "location.ini"


def _store() -> QSettings:
    return QSettings(str(pointer_file()), QSettings.Format.IniFormat)


def chosen_data_folder() -> str | None:
    value = _store().value(FOLDER_KEY)
    return str(value) if value else None


def choose_data_folder(text: str) -> Path:
    """Check and remember a folder for the next start; returns it as an absolute path."""
    if not text.strip():
        raise ValidationError("type the folder csdesk should keep its data in")
    folder = Path(text.strip()).expanduser()
    if not folder.is_absolute():
        raise ValidationError(f"'{text}' is not a full path; give the whole path of the folder")
    if folder.exists() and not folder.is_dir():
        raise ValidationError(f"{folder} is a file, not a folder")
    folder.mkdir(parents=True, exist_ok=True)
    if not os.access(folder, os.W_OK):
        raise ValidationError(f"csdesk cannot write in {folder}; choose a folder you own")
    store = _store()
    store.setValue(FOLDER_KEY, str(folder))
    store.sync()
    logger.info("data folder for the next start: %s", folder)
    return folder


def home_for_start(home_option: str | None) -> str | None:
    """The home to open: ``--home``, then CSDESK_HOME, then the folder chosen in Settings."""
    if home_option or os.environ.get("CSDESK_HOME"):
        return home_option
    return chosen_data_folder()
