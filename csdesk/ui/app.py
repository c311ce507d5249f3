"""Starting the window: the Qt application, fonts, theme, crash handler, then the main window."""

from __future__ import annotations

import argparse
import logging
import sys
from datetime import date
from pathlib import Path

from PySide6.QtCore import QMessageLogContext, QSettings, Qt, QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QFont, QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication

from csdesk import __version__
from csdesk.fonts import register_qt_fonts
from csdesk.services.context import AppContext, open_context
from csdesk.ui.background import run_in_background, wait_for_pools
from csdesk.ui.crash_handler import install_crash_handler
from csdesk.ui.data_location import home_for_start
from csdesk.ui.main_window import MainWindow
from csdesk.ui.theme import THEME_CHOICES, apply_theme, resolve_theme
from csdesk.ui.workspace import Workspace

logger = logging.getLogger(__name__)

THEME_KEY = "appearance/theme"


def _log_qt_message(kind: QtMsgType, where: QMessageLogContext, message: str) -> None:
    # Qt's own chatter (e.g. the offscreen platform's "does not support propagateSizeHints")
    # goes to the log file, not over the user's terminal; its real failures stay visible.
    level = logging.ERROR if kind in (QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg) else (
        logging.INFO if kind == QtMsgType.QtWarningMsg else logging.DEBUG)
    logger.log(level, "Qt: %s", message)


def application() -> QApplication:
    """The process's QApplication, created and set up on first use."""
    qInstallMessageHandler(_log_qt_message)
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("csdesk")
    app.setOrganizationName("csdesk")
    app.setApplicationVersion(__version__)
    app.setStyle("Fusion")
    _use_shipped_fonts(app)
    icon = _app_icon()
    if icon is not None:
        app.setWindowIcon(icon)
    return app


def _use_shipped_fonts(app: QApplication) -> None:
    # The shipped fonts come after the system's UI font, so every script has a fallback.
    families = register_qt_fonts()
    font = QFont(app.font())
    font.setFamilies([app.font().family(), *families])
    app.setFont(font)


def _app_icon() -> QIcon | None:
    from importlib.resources import files

    try:
        folder = Path(str(files("csdesk.resources") / "icons"))
    except (ModuleNotFoundError, TypeError):
        return None
    candidates = sorted(folder.glob("csdesk*.png")) + sorted(folder.glob("*.svg"))
    return QIcon(str(candidates[0])) if candidates else None


def use_settings_in(home: Path) -> None:
    """Keep window geometry and view preferences (QSettings) inside the csdesk home."""
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(home / "window"))


def theme_choice() -> str:
    choice = str(QSettings().value(THEME_KEY, "system"))
    return choice if choice in THEME_CHOICES else "system"


def apply_chosen_theme(forced: str | None = None) -> None:
    apply_theme(resolve_theme(forced or theme_choice()))


def create_main_window(context: AppContext, as_of: date) -> MainWindow:
    workspace = Workspace(context, as_of)
    window = MainWindow(workspace)
    workspace.setParent(window)
    return window


def run_open_hooks(window: MainWindow) -> None:
    """Bring derived data up to date (health history, alert tasks) without blocking the window."""
    from csdesk.services.upkeep import bring_up_to_date

    context = window.workspace.context
    as_of = window.workspace.as_of

    def work() -> object:
        return bring_up_to_date(context, as_of)

    def done(_report: object) -> None:
        logger.info("portfolio brought up to %s", as_of.isoformat())
        window.workspace.portfolio_changed.emit()

    def failed(error: BaseException) -> None:
        from csdesk.ui import feedback

        feedback.show_error(window, error, "bring the portfolio up to date")

    run_in_background(work, done, failed, owner=window, writes=True)


def run_app(args: argparse.Namespace) -> int:
    """Open the window on the portfolio in ``args.home``; returns the exit status."""
    from csdesk.cli.common import as_of

    app = application()
    context = open_context(home_for_start(getattr(args, "home", None)))
    use_settings_in(context.paths.home)
    forced = "dark" if getattr(args, "dark", False) else None
    apply_chosen_theme(forced)
    previous_hook = install_crash_handler(
        str(context.paths.log_file), show_dialog=not getattr(args, "no_crash_dialog", False)
    )
    window = create_main_window(context, as_of(args))

    def follow_system(_scheme: Qt.ColorScheme) -> None:
        if forced is None and theme_choice() == "system":
            apply_chosen_theme()
            window.on_theme_changed()

    QGuiApplication.styleHints().colorSchemeChanged.connect(follow_system)
    window.restore_layout()
    window.show()
    window.status.refresh()
    run_open_hooks(window)
    logger.info("window opened on %s", context.portfolio.path)

    try:
        return int(app.exec())
    finally:
        wait_for_pools()
        sys.excepthook = previous_hook
        context.close()
