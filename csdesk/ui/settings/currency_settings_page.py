"""Settings > Currency: the reporting currency and the rates used to total across currencies."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QWidget,
)

from csdesk.services.metrics import RatesView, rates_view, set_rate, set_reporting_currency
from csdesk.ui import feedback
from csdesk.ui.qtmodels.rates_table_model import RatesTableModel
from csdesk.ui.qtmodels.record_table_model import RecordFilterProxyModel
from csdesk.ui.settings.settings_page import SettingsPage
from csdesk.ui.workspace import Workspace


class CurrencySettingsPage(SettingsPage):
    TITLE = "Currency"

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(workspace, parent)
        self.add_intro(
            "Totals across currencies are converted with these rates, which you maintain; "
            "every converted total says so.")
        form = self.add_form()
        self.reporting_label = QLabel("…")
        self.reporting_edit = QLineEdit()
        self.reporting_edit.setAccessibleName("New reporting currency")
        self.reporting_edit.setPlaceholderText("e.g. EUR")
        self.reporting_edit.setMaxLength(3)
        self.reporting_button = QPushButton("Change")
        self.reporting_button.clicked.connect(self._on_reporting_button_clicked)
        row = QHBoxLayout()
        row.addWidget(self.reporting_label)
        row.addStretch(1)
        row.addWidget(self.reporting_edit)
        row.addWidget(self.reporting_button)
        form.addRow("Reporting currency", row)

        self.model = RatesTableModel(self)
        self.proxy = RecordFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setAccessibleName("Currency rates")
        self.table.setSortingEnabled(True)
        self.table.setTabKeyNavigation(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setMaximumHeight(220)
        self.outer.addWidget(self.table)

        self.currency_edit = QLineEdit()
        self.currency_edit.setAccessibleName("Currency")
        self.currency_edit.setPlaceholderText("Currency, e.g. GBP")
        self.currency_edit.setMaxLength(3)
        self.rate_edit = QLineEdit()
        self.rate_edit.setAccessibleName("Rate")
        self.rate_edit.setPlaceholderText("Units of the reporting currency per unit, e.g. 1.27")
        self.rate_button = QPushButton("Set rate")
        self.rate_button.clicked.connect(self._on_rate_button_clicked)
        self.rate_edit.returnPressed.connect(self._on_rate_button_clicked)
        add_row = QHBoxLayout()
        add_row.addWidget(self.currency_edit)
        add_row.addWidget(self.rate_edit, 1)
        add_row.addWidget(self.rate_button)
        self.outer.addLayout(add_row)
        self.outer.addStretch(1)

    def load(self) -> None:
        self.workspace.load(rates_view, self._show, self, "read the currency rates")

    def _show(self, view: RatesView) -> None:
        self.reporting_label.setText(view.reporting_currency)
        self.model.set_rows(view.rows)
        self.loaded.emit()

    def _on_rate_button_clicked(self) -> None:
        currency, rate = self.currency_edit.text(), self.rate_edit.text()
        as_of = self.workspace.as_of

        def write(session: Any) -> RatesView:
            set_rate(session, currency, rate, as_of)
            session.flush()
            return rates_view(session)

        def done(view: RatesView) -> None:
            self.currency_edit.clear()
            self.rate_edit.clear()
            self._show(view)
            self._saved()

        self.workspace.save(write, done, self, f"set the rate for {currency or 'a currency'}")

    def _on_reporting_button_clicked(self) -> None:
        code = self.reporting_edit.text()
        as_of = self.workspace.as_of

        def change() -> None:
            def write(session: Any) -> RatesView:
                return set_reporting_currency(session, code, as_of)

            def done(view: RatesView) -> None:
                self.reporting_edit.clear()
                self._show(view)
                self._saved()

            self.workspace.save(write, done, self, "change the reporting currency")

        feedback.ask(
            self, "Change the reporting currency",
            f"Totals and tier rules will be in {code.strip().upper()} and every rate is "
            "restated in it. Change the reporting currency?",
            change, yes_text="Change")
