"""The one way to write to the portfolio: a transaction that also fills the change log."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import DatabaseError, IntegrityError

from csdesk.errors import StorageError
from csdesk.models.database import Portfolio, PortfolioSession, describe_storage_failure

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
    except IntegrityError:
        session.rollback()
        raise
    except DatabaseError as exc:
        # The file, not the data, is the problem (full disk, busy, read-only, damaged).
        session.rollback()
        raise StorageError(describe_storage_failure(portfolio.path, exc, saving=True)) from exc
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
    except IntegrityError:
        raise
    except DatabaseError as exc:
        raise StorageError(describe_storage_failure(portfolio.path, exc)) from exc
    finally:
        # close() ends the transaction without expiring loaded objects, so callers may
        # keep using what they read.
        session.close()

