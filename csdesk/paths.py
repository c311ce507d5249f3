"""Where csdesk keeps its files.

Everything lives under one home folder: ``--home DIR`` wins, then ``CSDESK_HOME``, then the
platform's user data folder. Logs go to the platform's log folder unless a home was given
explicitly, in which case they stay inside it so that a test or a portable install never
writes elsewhere.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "csdesk"
PORTFOLIO_FILE = "portfolio.db"


@dataclass(frozen=True)
class Paths:
    """The folders and files of one csdesk home."""

    home: Path
    log_dir: Path

    @property
    def portfolio(self) -> Path:
        return self.home / PORTFOLIO_FILE

    @property
    def backups(self) -> Path:
        return self.home / "backups"

    @property
    def log_file(self) -> Path:
        return self.log_dir / "csdesk.log"


def resolve_paths(home: str | os.PathLike[str] | None = None) -> Paths:
    """Work out the home folder from the option, the environment or the platform."""
    chosen = home or os.environ.get("CSDESK_HOME")
    if chosen:
        base = Path(chosen).expanduser().resolve()
        return Paths(home=base, log_dir=base / "logs")

    return Paths(
        home=Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
        log_dir=Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
    )
