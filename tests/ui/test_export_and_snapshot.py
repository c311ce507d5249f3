"""The business review export writes real PDFs; the snapshot command writes a PNG."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from PySide6.QtGui import QDesktopServices, QImage

from csdesk.services.accounts import find_account
from csdesk.ui.dialogs.business_review_export_dialog import BusinessReviewExportDialog
from csdesk.ui.workspace import Workspace
from tests.ui.conftest import AS_OF


def test_export_dialog_writes_the_selected_review(qtbot, demo_context, tmp_path,
                                                  monkeypatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl",
                        staticmethod(lambda url: opened.append(url.toLocalFile()) or True))
    with demo_context.read() as session:
        account = find_account(session, "1")
        name = account.name
    dialog = BusinessReviewExportDialog(Workspace(demo_context, AS_OF), [account.id])
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.selection_radio.isChecked()
    folder = tmp_path / "reviews"
    dialog.folder_edit.setText(str(folder))

    with qtbot.waitSignal(dialog.exported, timeout=120_000) as signal:
        dialog.start_export()
    outcomes = signal.args[0]
    assert [o.ok for o in outcomes] == [True]
    pdf = Path(outcomes[0].path)
    assert pdf.parent == folder and pdf.suffix == ".pdf"
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert name.split()[0] in text
    assert dialog.progress.value() == 1 and "1 reviews written" in dialog.status.text()

    assert dialog.open_file_button.isVisible()
    dialog.open_file()
    dialog.open_folder()
    assert opened == [str(pdf), str(folder)]


def test_export_dialog_refuses_an_empty_folder(qtbot, demo_context) -> None:
    dialog = BusinessReviewExportDialog(Workspace(demo_context, AS_OF), [])
    qtbot.addWidget(dialog)
    assert not dialog.selection_radio.isEnabled() and dialog.all_radio.isChecked()
    dialog.folder_edit.setText("  ")
    dialog.start_export()
    assert "choose a folder" in dialog.status.text()
    assert dialog.export_button.isEnabled()


def test_snapshot_command_writes_a_png_of_the_view(run_cli, demo_context, tmp_path) -> None:
    output = tmp_path / "shots" / "portfolio.png"
    result = run_cli("snapshot", "--view", "portfolio", "-o", str(output), "--size", "1024x700",
                     "--as-of", AS_OF.isoformat())
    assert result.code == 0, result.err
    image = QImage(str(output))
    assert (image.width(), image.height()) == (1024, 700)


def test_snapshot_refuses_a_bad_size(run_cli, tmp_path) -> None:
    result = run_cli("snapshot", "--view", "today", "-o", str(tmp_path / "x.png"),
                     "--size", "big")
    assert result.code == 1
    assert "WIDTHxHEIGHT" in result.err
