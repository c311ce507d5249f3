"""Shared fixtures: every test gets its own csdesk home, headless Qt and no real keyring."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("MPLBACKEND", "Agg")

import json  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402

from csdesk.cli import main as cli_main  # noqa: E402
from csdesk.services.context import AppContext, open_context  # noqa: E402

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh csdesk home for each test; nothing is written outside it."""
    folder = tmp_path / "home"
    monkeypatch.setenv("CSDESK_HOME", str(folder))
    monkeypatch.setenv("MPLCONFIGDIR", str(tmp_path / "mpl"))
    return folder


@pytest.fixture
def context(home: Path) -> Iterator[AppContext]:
    """The test's portfolio, opened (and created) in its home."""
    ctx = open_context(str(home))
    try:
        yield ctx
    finally:
        ctx.close()


@dataclass
class CliResult:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> Any:
    """Run the real command line in-process: ``run_cli("accounts", "--json")``."""

    def run(*argv: str) -> CliResult:
        try:
            code = cli_main(list(argv))
        except SystemExit as exc:  # argparse exits for --help, --version and usage errors
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


def shared_folder(name: str) -> Path:
    """A folder of ../shared/data, or skip the test (fail under CI, where it must exist)."""
    folder = SHARED_DATA / name
    if not folder.is_dir():
        message = f"sample data folder {folder} is absent"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{message}; CI must run beside ../shared/data")
        pytest.skip(f"{message}; it comes with the project's shared folder")
    return folder


@pytest.fixture
def ravenstack_dir() -> Path:
    return shared_folder("ravenstack")
