"""Fixtures for the window's tests: a demo book copied per test, the window, no real dialogs."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from csdesk.cli import main as cli_main
from csdesk.services.context import AppContext, open_context

AS_OF = date(2026, 6, 30)
DEMO_ACCOUNTS = 20


@pytest.fixture(autouse=True)
def window_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qapp: Any) -> Path:
    """QSettings and the data-folder pointer live in the test's temporary folder."""
    from csdesk.ui import data_location
    from csdesk.ui.app import use_settings_in
    from csdesk.ui.theme import LIGHT, apply_theme

    folder = tmp_path / "window"
    use_settings_in(folder)
    monkeypatch.setattr(data_location, "pointer_file", lambda: tmp_path / "location.ini")
    apply_theme(LIGHT)
    return folder


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 20-account demo book with its health history, built once per test session."""
    from csdesk.services.health import backfill_history

    folder = tmp_path_factory.mktemp("demo-template")
    code = cli_main(["--home", str(folder), "demo", "--accounts", str(DEMO_ACCOUNTS),
                     "--as-of", AS_OF.isoformat()])
    assert code == 0
    context = open_context(str(folder))
    try:
        backfill_history(context, AS_OF)
    finally:
        context.close()
    return folder


@pytest.fixture
def demo_context(demo_template: Path, home: Path) -> Iterator[AppContext]:
    """The test's own copy of the demo book, opened."""
    home.mkdir(parents=True, exist_ok=True)
    for name in ("portfolio.db", "portfolio.db-wal", "portfolio.db-shm"):
        source = demo_template / name
        if source.exists():
            shutil.copy2(source, home / name)
    context = open_context(str(home))
    try:
        yield context
    finally:
        context.close()


def wait_loaded(qtbot: Any, page: Any, timeout: int = 20_000) -> None:
    """Wait until a view or tab has shown freshly loaded data."""
    from csdesk.ui.background import pending_jobs

    qtbot.waitUntil(lambda: not getattr(page, "loading", False) and pending_jobs() == 0,
                    timeout=timeout)


@pytest.fixture
def make_window(qtbot: Any) -> Any:
    """Build the main window on a context, as of the demo date; waits for nothing."""
    from csdesk.ui.app import create_main_window

    def make(context: AppContext, as_of: date = AS_OF) -> Any:
        window = create_main_window(context, as_of)
        qtbot.addWidget(window)
        window.resize(1280, 800)
        return window

    yield make
    from csdesk.ui.background import wait_for_pools

    wait_for_pools()
