"""Settings > Health scorecard: each measure's weight and the band thresholds."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QCheckBox, QDoubleSpinBox, QHBoxLayout, QPushButton, QWidget

from csdesk.health.config import MEASURE_LABELS, MEASURES, merged_document
from csdesk.health.editing import edit_scorecard
from csdesk.services.health import save_health_config, stored_health_document
from csdesk.ui import feedback
from csdesk.ui.background import run_in_background
from csdesk.ui.settings.settings_page import SettingsPage
from csdesk.ui.workspace import Workspace


def scorecard_values(document: dict[str, Any]) -> tuple[dict[str, tuple[float, bool]], dict]:
    """Weights and on/off per measure, and the bands, of the default scorecard."""
    card = document["scorecards"]["default"]
    measures = {key: (float(spec.get("weight", 0)), bool(spec.get("enabled", True)))
                for key, spec in card["measures"].items()}
    return measures, dict(card["bands"])


def edited_document(stored: dict[str, Any] | None, weights: dict[str, tuple[float, bool]],
                    green: float, yellow: float) -> dict[str, Any]:
    document = stored
    for key, (weight, enabled) in weights.items():
        document = edit_scorecard(document, "default", key, weight=weight, enabled=enabled)
    return edit_scorecard(document, "default", bands={"green": green, "yellow": yellow})


class ScorecardSettingsPage(SettingsPage):
    TITLE = "Health scorecard"

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(workspace, parent)
        self.add_intro(
            "The default scorecard: the overall score is the weighted mean of the measures "
            "that have data. Saving restates the health history under the new scorecard, so "
            "trends compare like with like.")
        form = self.add_form()
        self.stored: dict[str, Any] | None = None
        self.weights: dict[str, QDoubleSpinBox] = {}
        self.enabled: dict[str, QCheckBox] = {}
        for key in MEASURES:
            spin = QDoubleSpinBox()
            spin.setRange(0, 100)
            spin.setDecimals(1)
            spin.setAccessibleName(f"{MEASURE_LABELS[key]} weight")
            check = QCheckBox("counted")
            check.setAccessibleName(f"{MEASURE_LABELS[key]} counted")
            row = QHBoxLayout()
            row.addWidget(spin)
            row.addWidget(check)
            row.addStretch(1)
            form.addRow(MEASURE_LABELS[key], row)
            self.weights[key], self.enabled[key] = spin, check
        self.green = QDoubleSpinBox()
        self.green.setRange(0, 100)
        self.green.setAccessibleName("Green from")
        self.yellow = QDoubleSpinBox()
        self.yellow.setRange(0, 100)
        self.yellow.setAccessibleName("Yellow from")
        form.addRow("Green from score", self.green)
        form.addRow("Yellow from score", self.yellow)
        self.save_button = QPushButton("Save scorecard")
        self.save_button.clicked.connect(self.save)
        form.addRow("", self.save_button)
        self.outer.addStretch(1)

    def load(self) -> None:
        self.workspace.load(stored_health_document, self._show, self, "read the scorecard")

    def _show(self, stored: dict[str, Any] | None) -> None:
        self.stored = stored
        measures, bands = scorecard_values(merged_document(stored))
        for key, (weight, enabled) in measures.items():
            if key in self.weights:
                self.weights[key].setValue(weight)
                self.enabled[key].setChecked(enabled)
        self.green.setValue(float(bands["green"]))
        self.yellow.setValue(float(bands["yellow"]))
        self.loaded.emit()

    def save(self) -> None:
        weights = {k: (self.weights[k].value(), self.enabled[k].isChecked()) for k in MEASURES}
        try:
            document = edited_document(self.stored, weights, self.green.value(),
                                       self.yellow.value())
        except Exception as exc:  # a ValidationError that names the rule broken
            feedback.show_error(self, exc, "save the scorecard")
            return
        context, as_of = self.workspace.context, self.workspace.as_of

        def work() -> Any:
            return save_health_config(context, document, as_of)

        def done(report: Any) -> None:
            feedback.show_info(self, f"Scorecard saved; health history restated "
                                     f"({report.snapshots} snapshots).")
            self.stored = document
            self.save_button.setEnabled(True)
            self._saved()
            self.workspace.portfolio_changed.emit()

        def failed(error: BaseException) -> None:
            self.save_button.setEnabled(True)
            feedback.show_error(self, error, "save the scorecard")

        self.save_button.setEnabled(False)
        run_in_background(work, done, failed, owner=self, writes=True)
