"""The one way to write to the portfolio: a transaction that also fills the change log."""

from __future__ import annotations

import errno
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import OperationalError

from csdesk.errors import StorageError
from csdesk.models.database import Portfolio, PortfolioSession

logger = logging.getLogger(__name__)


@contextmanager
def unit_of_work(
    portfolio: Portfolio, origin: str, actor: str, context: str | None = None
) -> Iterator[PortfolioSession]:
    """Yield a session whose flushes are logged as ``origin``/``actor``; commit at the end.

    Anything raised inside the block rolls the whole transaction back, change log included.
    """
    session = portfolio.sessions()
    session.info.update(origin=origin, actor=actor, context=context)
    try:
        yield session
        session.commit()
    except OperationalError as exc:
        session.rollback()
        raise StorageError(_storage_message(portfolio, exc)) from exc
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def read_session(portfolio: Portfolio) -> Iterator[PortfolioSession]:
    """A session for reading; any accidental write fails because no origin is declared."""
    session = portfolio.sessions()
    try:
        yield session
    finally:
        # close() ends the transaction without expiring loaded objects, so callers may
        # keep using what they read.
        session.close()


def _storage_message(portfolio: Portfolio, exc: OperationalError) -> str:
    text = str(exc.orig) if exc.orig is not None else str(exc)
    if "full" in text.lower() or getattr(exc.orig, "errno", None) == errno.ENOSPC:
        return (
            f"the disk holding {portfolio.path} is full; nothing was saved. "
            "Free some space and try again."
        )
    if "locked" in text.lower():
        return f"{portfolio.path} is busy (another csdesk is writing); nothing was saved. Retry."
    if "readonly" in text.lower() or "read-only" in text.lower():
        return f"{portfolio.path} is read-only; nothing was saved."
    return f"could not write to {portfolio.path}: {text}; nothing was saved."
