"""Settings: one tab per page (general, branding, currency, scorecard, tiers)."""

from __future__ import annotations

from PySide6.QtWidgets import QScrollArea, QTabWidget, QVBoxLayout, QWidget

from csdesk.ui.settings.branding_settings_page import BrandingSettingsPage
from csdesk.ui.settings.currency_settings_page import CurrencySettingsPage
from csdesk.ui.settings.general_settings_page import GeneralSettingsPage
from csdesk.ui.settings.settings_page import SettingsPage
from csdesk.ui.views.view_page import ViewPage
from csdesk.ui.workspace import Workspace


def _page_classes() -> list[type[SettingsPage]]:
    pages: list[type[SettingsPage]] = [GeneralSettingsPage]
    try:
        from csdesk.ui.settings.scorecard_settings_page import ScorecardSettingsPage
        from csdesk.ui.settings.tier_settings_page import TierSettingsPage
    except ImportError:
        pass
    else:
        pages += [ScorecardSettingsPage, TierSettingsPage]
    return pages + [BrandingSettingsPage, CurrencySettingsPage]


class SettingsView(ViewPage):
    TITLE = "Settings"

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(workspace, parent)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.pages: list[SettingsPage] = []
        for page_class in _page_classes():
            page = page_class(workspace)
            page.loaded.connect(self._on_page_loaded)
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QScrollArea.Shape.NoFrame)
            scroll.setWidget(page)
            self.tabs.addTab(scroll, page.TITLE)
            self.pages.append(page)
        self._waiting = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 6)
        layout.addWidget(self.tabs)

    def page(self, page_class: type[SettingsPage]) -> SettingsPage:
        return next(p for p in self.pages if isinstance(p, page_class))

    def reload(self) -> None:
        self._waiting = len(self.pages)
        for page in self.pages:
            page.load()

    def _on_page_loaded(self) -> None:
        self._waiting -= 1
        if self._waiting == 0:
            self.finish_loading()
