"""An open csdesk home: its paths, its portfolio and who is working in it."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from csdesk.models import CurrencyRate
from csdesk.models.database import Portfolio, PortfolioSession, open_portfolio
from csdesk.money import RateTable
from csdesk.paths import Paths, resolve_paths
from csdesk.services.settings import REPORTING_CURRENCY, current_actor, get_setting
from csdesk.services.unit_of_work import read_session, unit_of_work

logger = logging.getLogger(__name__)


@dataclass
class AppContext:
    paths: Paths
    portfolio: Portfolio
    _actor: str | None = field(default=None, repr=False)

    @property
    def actor(self) -> str:
        if self._actor is None:
            with self.read() as session:
                self._actor = current_actor(session)
        return self._actor

    def write(
        self, origin: str = "user", context: str | None = None
    ) -> AbstractContextManager[PortfolioSession]:
        return unit_of_work(self.portfolio, origin, self.actor, context)

    def read(self) -> AbstractContextManager[PortfolioSession]:
        return read_session(self.portfolio)

    def rates(self) -> RateTable:
        with self.read() as session:
            return load_rates(session)

    def close(self) -> None:
        self.portfolio.close()


def load_rates(session: PortfolioSession) -> RateTable:
    reporting = str(get_setting(session, REPORTING_CURRENCY.key))
    rows = session.execute(select(CurrencyRate.currency, CurrencyRate.rate)).all()
    return RateTable(reporting, {code: Decimal(rate) for code, rate in rows})


def open_context(home: str | None = None, as_of: date | None = None) -> AppContext:
    """Open the portfolio of ``home``; with ``as_of``, bring health history up to that date."""
    paths = resolve_paths(home)
    portfolio = open_portfolio(paths.portfolio, paths.backups)
    context = AppContext(paths=paths, portfolio=portfolio)
    if as_of is not None:
        from csdesk.services.upkeep import bring_up_to_date

        bring_up_to_date(context, as_of, raise_tasks=False)
    return context


@contextmanager
def opened(home: str | None = None, as_of: date | None = None) -> Iterator[AppContext]:
    context = open_context(home, as_of)
    try:
        yield context
    finally:
        context.close()
