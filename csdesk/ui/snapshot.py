"""Render one view of the window to a PNG, without a display (screenshots and docs)."""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from csdesk.errors import NotFoundError, StorageError, ValidationError
from csdesk.files import check_file_target, os_reason, replacing

logger = logging.getLogger(__name__)

SNAPSHOT_VIEWS = ("today", "portfolio", "account", "renewals", "plans", "dashboard", "settings")
SETTLE_MS = 150
TIMEOUT_S = 120.0


def parse_size(text: str) -> tuple[int, int]:
    """'1440x900' -> (1440, 900), with a clear message for anything else."""
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise ValidationError(
            f"'{text}' is not a size; write WIDTHxHEIGHT, e.g. 1440x900") from None
    if not (640 <= width <= 7680 and 400 <= height <= 4320):
        raise ValidationError(f"{text} is out of range (640x400 up to 7680x4320)")
    return width, height


def _png_target(output: Path) -> Path:
    """Check the PNG's name and folder (creating the folder) before anything is drawn."""
    if not str(output).strip():
        raise ValidationError("give the PNG file to write (-o FILE.png)")
    target = Path(output).expanduser()
    if target.suffix.lower() != ".png":
        raise ValidationError(f"{target}: a snapshot is a PNG; give a file name ending in .png")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(f"cannot create the folder {target.parent}: {os_reason(exc)}") from exc
    return check_file_target(target)


def _unwritable_reason(folder: Path) -> str:
    try:
        free = shutil.disk_usage(folder).free
    except OSError as exc:
        return os_reason(exc)
    if free < 1_000_000:
        return "the disk is full"
    if not os.access(folder, os.W_OK):
        return "the folder cannot be written"
    return "the image could not be encoded"


def _ensure_platform() -> None:
    if os.environ.get("QT_QPA_PLATFORM"):
        return
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"


def wait_until_settled(app: Any, window: Any, timeout_s: float = TIMEOUT_S,
                       errors: list[BaseException] | None = None) -> None:
    """Process events until no background job is pending and no view is loading."""
    from csdesk.ui.background import pending_jobs

    deadline = time.monotonic() + timeout_s
    quiet_since: float | None = None
    while time.monotonic() < deadline:
        app.processEvents()
        if errors:
            raise errors[0]
        busy = pending_jobs() > 0 or any(p.loading for p in window.pages.values())
        now = time.monotonic()
        if busy:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = now
        elif (now - quiet_since) * 1000 >= SETTLE_MS:
            return
        time.sleep(0.01)
    raise ValidationError(f"the view was still loading after {timeout_s:.0f} s; nothing saved")


def _busiest_account(context: Any, as_of: date) -> int:
    from csdesk.services.context import load_rates
    from csdesk.services.portfolio_rows import load_portfolio_rows

    with context.read() as session:
        rows = load_portfolio_rows(session, as_of, load_rates(session))
    if not rows:
        raise NotFoundError("the portfolio has no accounts to show (run `csdesk demo` first)")
    return max(rows, key=lambda r: (r.arr_reporting or 0, -r.id)).id


def _account_id(context: Any, key: str) -> int:
    from csdesk.services.accounts import find_account

    with context.read() as session:
        return find_account(session, key).id


def render_snapshot(
    home: str | None,
    view: str,
    output: Path,
    as_of: date,
    account: str | None = None,
    dark: bool = False,
    size: tuple[int, int] = (1440, 900),
) -> Path:
    """Open the window off screen on ``view``, wait for its data, save a PNG; return its path."""
    if view not in SNAPSHOT_VIEWS:
        raise ValidationError(f"'{view}' is not a view; use one of {', '.join(SNAPSHOT_VIEWS)}")
    target = _png_target(output)
    _ensure_platform()
    from csdesk.services.context import open_context
    from csdesk.ui.app import application, create_main_window, use_settings_in
    from csdesk.ui.theme import DARK, LIGHT, apply_theme

    app = application()
    context = open_context(home, as_of)
    errors: list[BaseException] = []
    previous_hook = sys.excepthook
    # A view that breaks while drawing must fail the snapshot now, not after the timeout.
    sys.excepthook = lambda kind, error, tb: errors.append(error)
    window = None
    try:
        # Default window layout, not the user's saved one, so screenshots are reproducible.
        use_settings_in(Path(tempfile.mkdtemp(prefix="csdesk-snapshot-")))
        apply_theme(DARK if dark else LIGHT)
        window = create_main_window(context, as_of)
        window.resize(*size)
        window.show()
        if view == "account":
            chosen = _account_id(context, account) if account else _busiest_account(context, as_of)
            window.open_account(chosen)
        else:
            window.show_view(view)
        window.status.refresh()
        wait_until_settled(app, window, errors=errors)
        with replacing(target) as temporary:
            if not window.grab().save(str(temporary), "PNG"):
                # Qt says no more than that; the disk or the folder is the usual cause.
                reason = _unwritable_reason(target.parent)
                raise StorageError(f"could not write {target}: {reason}")
        logger.info("snapshot of %s written to %s", view, target)
        return target
    finally:
        from csdesk.ui.background import wait_for_pools

        sys.excepthook = previous_hook
        wait_for_pools()
        if window is not None:
            window.close()
            window.deleteLater()
            app.processEvents()
        context.close()
