"""Export business reviews as PDFs: pick the accounts, the period and the audience.

The PDFs are rendered in worker processes by :func:`csdesk.reports.batch.write_reviews`; a
background thread waits on that pool and reports each finished review back to the window
through a queued signal, so the window keeps repainting while the batch runs.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from csdesk.errors import ValidationError
from csdesk.reports.batch import ReviewOptions, ReviewOutcome, write_reviews
from csdesk.services.review_data import (
    AUDIENCES,
    ReviewTarget,
    last_full_quarter,
    review_period,
    review_targets,
)
from csdesk.services.today import account_owners
from csdesk.ui import feedback
from csdesk.ui import formatting as fmt
from csdesk.ui.background import run_in_background
from csdesk.ui.workspace import Workspace
from csdesk.vocabulary import TIER_LABELS

logger = logging.getLogger(__name__)


class _Progress(QObject):
    """Carries progress from the thread that waits on the process pool.

    Signals:
        advanced: (done, total, account name) after each review.
    """

    advanced = Signal(int, int, str)


def period_choices(as_of: date) -> list[tuple[str, str]]:
    last = last_full_quarter(as_of)
    year = as_of.year
    choices = [(last.label, f"{last.label} (last full quarter)"), ("ttm", "Trailing 12 months"),
               (str(year - 1), str(year - 1))]
    quarters = [f"{y}Q{q}" for y in (year, year - 1) for q in (4, 3, 2, 1)]
    choices += [(q, q) for q in quarters if q != last.label]
    return choices


class BusinessReviewExportDialog(QDialog):
    """Signals:
        exported: (outcomes) the batch finished.
    """

    exported = Signal(list)

    def __init__(self, workspace: Workspace, selection: list[int],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.selection = selection
        self.outcomes: list[ReviewOutcome] = []
        self.running = False
        self.setWindowTitle("Export business reviews")
        self.setMinimumWidth(520)

        self.scope = QButtonGroup(self)
        self.all_radio = QRadioButton("All accounts")
        self.tier_radio = QRadioButton("Tier")
        self.owner_radio = QRadioButton("CSM")
        self.selection_radio = QRadioButton(f"Selected accounts ({len(selection)})")
        self.selection_radio.setEnabled(bool(selection))
        for number, radio in enumerate((self.all_radio, self.tier_radio, self.owner_radio,
                                        self.selection_radio)):
            self.scope.addButton(radio, number)
        (self.selection_radio if selection else self.all_radio).setChecked(True)
        self.tier_box = QComboBox()
        self.tier_box.setAccessibleName("Tier")
        for tier, text in TIER_LABELS.items():
            self.tier_box.addItem(f"{tier} · {text}", tier)
        self.owner_box = QComboBox()
        self.owner_box.setAccessibleName("CSM")
        self.period_box = QComboBox()
        self.period_box.setAccessibleName("Period")
        for value, text in period_choices(workspace.as_of):
            self.period_box.addItem(text, value)
        self.audience_box = QComboBox()
        self.audience_box.setAccessibleName("Audience")
        for audience in AUDIENCES:
            self.audience_box.addItem(
                "Customer (no internal notes)" if audience == "customer"
                else "Internal (commercials and risks)", audience)
        self.folder_edit = QLineEdit(str(Path(workspace.home) / "reviews"))
        self.folder_edit.setAccessibleName("Folder")
        self.browse_button = QPushButton("Browse…")
        self.browse_button.clicked.connect(self._on_browse_clicked)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.open_folder_button = QPushButton("Open folder")
        self.open_folder_button.clicked.connect(self.open_folder)
        self.open_file_button = QPushButton("Open file")
        self.open_file_button.clicked.connect(self.open_file)
        for button in (self.open_folder_button, self.open_file_button):
            button.setVisible(False)

        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton(
            "Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.export_button.clicked.connect(self.start_export)
        self.close_button.clicked.connect(self.reject)

        scope_form = QFormLayout()
        scope_form.addRow(self.all_radio)
        scope_form.addRow(self.tier_radio, self.tier_box)
        scope_form.addRow(self.owner_radio, self.owner_box)
        scope_form.addRow(self.selection_radio)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(self.browse_button)
        options = QFormLayout()
        options.addRow("Period", self.period_box)
        options.addRow("Audience", self.audience_box)
        options.addRow("Folder", folder_row)
        finished_row = QHBoxLayout()
        finished_row.addWidget(self.open_folder_button)
        finished_row.addWidget(self.open_file_button)
        finished_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<b>Which accounts</b>"))
        layout.addLayout(scope_form)
        layout.addLayout(options)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addLayout(finished_row)
        layout.addWidget(self.buttons)

        self._progress = _Progress(self)
        self._progress.advanced.connect(self._on_progress_advanced)
        workspace.load(account_owners, self._fill_owners, self, "list the CSMs")

    def _fill_owners(self, owners: list[tuple[str, int]]) -> None:
        for name, count in owners:
            self.owner_box.addItem(f"{name} ({count})", name)

    def _on_browse_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder for the reviews",
                                                  self.folder_edit.text())
        if folder:
            self.folder_edit.setText(folder)

    # -- running ----------------------------------------------------------------------------

    def options(self) -> ReviewOptions:
        """The batch's options, checked before anything starts (a clear error otherwise)."""
        as_of = self.workspace.as_of
        period = review_period(self.period_box.currentData(), as_of)
        return ReviewOptions(as_of=as_of, period=period, audience=self.audience_box.currentData())

    def start_export(self) -> None:
        try:
            options = self.options()
            folder = Path(self.folder_edit.text().strip()).expanduser()
            if not self.folder_edit.text().strip():
                raise ValidationError("choose a folder for the reviews")
        except ValidationError as exc:
            self.status.setText(feedback.describe_error(exc, "start the export"))
            return
        scope, as_of = self.scope.checkedId(), self.workspace.as_of
        tier = self.tier_box.currentData() if scope == 1 else None
        owner = self.owner_box.currentData() if scope == 2 else None
        selection = set(self.selection) if scope == 3 else None

        def read(session: Any) -> list[ReviewTarget]:
            targets = review_targets(session, as_of, tier=tier, owner=owner)
            return [t for t in targets if selection is None or t.id in selection]

        self._set_running(True)
        self.status.setText("Finding the accounts…")
        self.workspace.load(read, lambda targets: self._run(targets, options, folder), self,
                            "find the accounts to export", on_error=self._on_failed)

    def _run(self, targets: list[ReviewTarget], options: ReviewOptions, folder: Path) -> None:
        if not targets:
            self._set_running(False)
            self.status.setText("No account matches this choice; nothing was exported.")
            return
        self.progress.setRange(0, len(targets))
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.status.setText(f"Writing {len(targets)} reviews…")
        home, progress, total = Path(self.workspace.home), self._progress, len(targets)
        done_count = [0]

        def report(outcome: ReviewOutcome) -> None:
            done_count[0] += 1
            progress.advanced.emit(done_count[0], total, outcome.name)

        def work() -> list[ReviewOutcome]:
            return write_reviews(home, targets, options, folder, on_done=report)

        logger.info("exporting %d business reviews to %s", total, folder)
        run_in_background(work, self._on_finished, self._on_failed, owner=self)

    def _on_progress_advanced(self, done: int, total: int, name: str) -> None:
        self.progress.setValue(done)
        self.status.setText(f"{done} of {total} written (last: {name})")

    def _on_finished(self, outcomes: list[ReviewOutcome]) -> None:
        self.outcomes = outcomes
        self._set_running(False)
        written = [o for o in outcomes if o.ok]
        failed = [o for o in outcomes if not o.ok]
        text = f"{fmt.number(len(written))} reviews written to {self.folder_edit.text()}."
        if failed:
            names = "; ".join(f"{o.name}: {o.error}" for o in failed[:3])
            text += f" {len(failed)} failed ({names})."
        self.status.setText(text)
        self.open_folder_button.setVisible(bool(written))
        self.open_file_button.setVisible(len(written) == 1)
        self.exported.emit(outcomes)

    def _on_failed(self, error: BaseException) -> None:
        self._set_running(False)
        self.status.setText(feedback.show_error(self, error, "export the business reviews"))

    def _set_running(self, running: bool) -> None:
        self.running = running
        self.export_button.setEnabled(not running)
        self.close_button.setEnabled(not running)

    def reject(self) -> None:
        if not self.running:  # the batch cannot be abandoned half-way; Close waits for it
            super().reject()

    # -- results ----------------------------------------------------------------------------

    def open_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(self.folder_edit.text()))

    def open_file(self) -> None:
        written = [o.path for o in self.outcomes if o.ok and o.path is not None]
        if written:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(written[0])))
