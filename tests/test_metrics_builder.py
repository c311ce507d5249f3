"""A small-portfolio builder for the metrics tests: real rows in the test's SQLite file.

Every helper writes through a unit of work, as an import would, and returns the new id.
The module's own tests check the builder writes what the metrics tests rely on.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from csdesk.metrics import ChurnReport, MetricsReport
from csdesk.models import (
    Account,
    ChurnEvent,
    Contact,
    Contract,
    HealthSnapshot,
    Milestone,
    SuccessPlan,
    SupportCase,
    SurveyResponse,
    Task,
    UsageDaily,
)
from csdesk.money import Money
from csdesk.services.context import AppContext
from csdesk.services.metrics import churn_report, portfolio_metrics


class Book:
    """Builds a portfolio one row at a time."""

    def __init__(self, context: AppContext) -> None:
        self.context = context

    def _add(self, row: Any) -> int:
        with self.context.write(origin="import") as session:
            session.add(row)
            session.flush()
            return int(getattr(row, "id", 0) or 0)

    def account(self, name: str, **fields: Any) -> int:
        return self._add(Account(name=name, **fields))

    def contract(
        self,
        account_id: int,
        start: date,
        end: date | None,
        amount: str,
        currency: str = "USD",
        period: str = "year",
        **fields: Any,
    ) -> int:
        money = Money.of(amount, currency)
        return self._add(
            Contract(
                account_id=account_id, start_date=start, end_date=end,
                amount_minor=money.to_minor(), currency=currency, amount_period=period,
                **fields,
            )
        )

    def contact(self, account_id: int, name: str) -> int:
        return self._add(Contact(account_id=account_id, first_name=name))

    def answer(
        self,
        account_id: int,
        kind: str,
        score: int,
        on: date,
        scale: tuple[int, int] = (0, 10),
        **fields: Any,
    ) -> int:
        return self._add(
            SurveyResponse(
                account_id=account_id, kind=kind, score=score, scale_min=scale[0],
                scale_max=scale[1], answered_on=on, **fields,
            )
        )

    def case(self, account_id: int, opened: date) -> int:
        return self._add(
            SupportCase(
                account_id=account_id, opened_at=datetime(opened.year, opened.month,
                                                          opened.day, 9, tzinfo=UTC),
            )
        )

    def churn(
        self,
        account_id: int,
        on: date,
        reason: str,
        lost: str | None = None,
        currency: str = "USD",
        feedback: str | None = None,
    ) -> int:
        lost_minor = Money.of(lost, currency).to_minor() if lost is not None else None
        return self._add(
            ChurnEvent(
                account_id=account_id, churned_on=on, reason=reason, lost_arr_minor=lost_minor,
                currency=currency if lost is not None else None, feedback=feedback,
            )
        )

    def follow_up(
        self,
        account_id: int,
        raised: date,
        closed: date | None = None,
        key: str = "alert:nps_detractor",
        source: str = "alert",
    ) -> int:
        closed_at = None
        if closed is not None:
            closed_at = datetime(closed.year, closed.month, closed.day, 15, tzinfo=UTC)
        return self._add(
            Task(
                account_id=account_id, title="Follow up with a detractor", source=source,
                source_key=key, raised_on=raised, due_on=raised,
                status="done" if closed else "open", closed_at=closed_at,
            )
        )

    def usage(self, account_id: int, figures: dict[date, int]) -> None:
        with self.context.write(origin="import") as session:
            for day, active in figures.items():
                session.add(UsageDaily(account_id=account_id, day=day, active_users=active))

    def first_value(self, account_id: int, done_on: date | None, marked: bool = True) -> int:
        with self.context.write(origin="import") as session:
            plan = SuccessPlan(account_id=account_id)
            session.add(plan)
            session.flush()
            milestone = Milestone(
                plan_id=plan.id, title="First report live", done_on=done_on,
                is_first_value=marked,
            )
            session.add(milestone)
            session.flush()
            return milestone.id

    def health(self, account_id: int, on: date, band: str | None, score: float | None) -> None:
        status = "scored" if band else "insufficient_data"
        self._add(
            HealthSnapshot(
                account_id=account_id, as_of=on, status=status, score=score, band=band,
                scorecard="default", measures="{}",
            )
        )

    def metrics(
        self, period: str, as_of: date, by: str | None = None, kickoff: bool = False
    ) -> MetricsReport:
        with self.context.read() as session:
            return portfolio_metrics(session, as_of, period, group_by=by,
                                     ttv_from_kickoff=kickoff)

    def churn_report(self, period: str, as_of: date) -> ChurnReport:
        with self.context.read() as session:
            return churn_report(session, as_of, period)


def test_builder_writes_contracts_in_minor_units(context: AppContext) -> None:
    book = Book(context)
    account = book.account("Acme")
    book.contract(account, date(2024, 1, 1), None, "1234.56", "EUR")
    book.contract(account, date(2024, 1, 1), None, "1000", "JPY")

    with context.read() as session:
        amounts = sorted(str(c.amount) for c in session.query(Contract))
    assert amounts == ["1000 JPY", "1234.56 EUR"]
