"""What every view shares: the open portfolio, the as-of date and the background helper.

Views never hold a database session. They hand a function to :meth:`Workspace.load` (reads,
general pool) or :meth:`Workspace.save` (writes, the single write thread); the function opens
its own session through the services and returns plain data. After a successful save the
workspace announces ``portfolio_changed`` so the views and the status bar can refresh.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from csdesk.services.context import AppContext
from csdesk.ui import feedback
from csdesk.ui.background import run_in_background

if TYPE_CHECKING:
    from csdesk.models.database import PortfolioSession

logger = logging.getLogger(__name__)

T = TypeVar("T")


class Workspace(QObject):
    """The open portfolio as the window sees it.

    Signals:
        portfolio_changed: a write finished; views showing portfolio data should reload.
        account_requested: (account_id) some view asked to open this account.
        export_requested: (account_ids) some view asked to export business reviews.
    """

    portfolio_changed = Signal()
    account_requested = Signal(int)
    export_requested = Signal(list)

    def __init__(self, context: AppContext, as_of: date, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.as_of = as_of

    @property
    def home(self) -> str:
        return str(self.context.paths.home)

    def load(
        self,
        read: Callable[[PortfolioSession], T],
        on_done: Callable[[T], None],
        owner: QWidget,
        doing: str,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Run ``read(session)`` in the background and pass its result to ``on_done``."""
        context = self.context

        def work() -> T:
            with context.read() as session:
                return read(session)

        work.__qualname__ = f"load: {doing}"
        run_in_background(
            work, on_done, on_error or feedback.error_handler(owner, doing), owner=owner
        )

    def save(
        self,
        write: Callable[[PortfolioSession], T],
        on_done: Callable[[T], None] | None,
        owner: QWidget,
        doing: str,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Run ``write(session)`` in one transaction (change log included) on the write thread."""
        context = self.context

        def work() -> T:
            with context.write("user", context=doing) as session:
                return write(session)

        def done(result: T) -> None:
            logger.info("%s: saved", doing)
            if on_done is not None:
                on_done(result)
            self.portfolio_changed.emit()

        work.__qualname__ = f"save: {doing}"
        run_in_background(
            work,
            done,
            on_error or feedback.error_handler(owner, doing),
            owner=owner,
            writes=True,
        )
