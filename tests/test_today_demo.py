"""On the demo book, `today` and `touchpoints --overdue` give answers the data bears out."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from csdesk.demo import DemoOptions, load_demo
from csdesk.engagement.plan import MOMENTS, RECURRING, REVIEW_ACTIVITY_KINDS, STEP
from csdesk.models import Account, Activity, BusinessReview, Contract, SurveyResponse, Task
from csdesk.services.alerts import run_alerts
from csdesk.services.context import AppContext, open_context
from csdesk.services.engagement import load_plans
from csdesk.services.settings import ME, get_setting

AS_OF = date(2026, 3, 2)


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    home = tmp_path_factory.mktemp("demo") / "home"
    context = open_context(str(home))
    try:
        load_demo(context, DemoOptions(as_of=AS_OF, accounts=80))
        run_alerts(context, AS_OF)
    finally:
        context.close()
    yield home


@pytest.fixture
def demo(demo_home: Path) -> Iterator[AppContext]:
    context = open_context(str(demo_home))
    try:
        yield context
    finally:
        context.close()


def matching_dates(demo: AppContext, account_id: int, kinds: frozenset[str]) -> list[date]:
    """Every event on or before AS_OF that a touchpoint with these kinds counts."""
    with demo.read() as s:
        days = list(s.scalars(select(Activity.occurred_on).where(
            Activity.account_id == account_id, Activity.kind.in_(kinds),
            Activity.occurred_on <= AS_OF)))
        review_kinds = [k for k, v in REVIEW_ACTIVITY_KINDS.items() if v in kinds]
        days += s.scalars(select(BusinessReview.held_on).where(
            BusinessReview.account_id == account_id, BusinessReview.kind.in_(review_kinds),
            BusinessReview.held_on <= AS_OF))
        if "survey_response" in kinds:
            days += s.scalars(select(SurveyResponse.answered_on).where(
                SurveyResponse.account_id == account_id, SurveyResponse.answered_on <= AS_OF))
    return sorted(days)


def purchase_of(demo: AppContext, account_id: int) -> date:
    with demo.read() as s:
        start = s.scalar(select(func.min(Contract.start_date)).where(
            Contract.account_id == account_id, Contract.recurring.is_(True),
            Contract.is_trial.is_(False), Contract.amount_minor > 0))
    assert start is not None
    return start


def check_overdue(demo: AppContext, row: dict[str, Any]) -> None:
    """The touchpoint really is overdue: nothing that satisfies it happened in time."""
    account_id = int(row["account"]["id"])
    due = date.fromisoformat(row["due_on"])
    with demo.read() as s:
        spec = load_plans(s).spec(row["tier"], row["touchpoint"])
        assert s.get(Account, account_id).owner == row["owner"]
    assert spec is not None
    assert due < AS_OF and row["status"] == "overdue"
    assert row["days_overdue"] == (AS_OF - due).days

    purchase = purchase_of(demo, account_id)
    dates = [day for day in matching_dates(demo, account_id, spec.kinds) if day >= purchase]
    if spec.pattern == RECURRING:
        assert spec.every is not None
        last = dates[-1] if dates else None
        assert spec.every.after(last or purchase) == due
        assert row["last_done"] == (last.isoformat() if last else None)
        # No matching activity within one cadence before the due date, nor since.
        assert not [day for day in dates if day > due - timedelta(days=spec.every.days)]
    elif spec.pattern == STEP:
        assert due == purchase + timedelta(days=spec.due_day)
    elif spec.pattern == MOMENTS:
        # A survey from the moment's date on would have answered it.
        assert not [day for day in dates if day >= due]
    else:
        raised = due - timedelta(days=spec.within_days)
        with demo.read() as s:
            assert s.scalars(select(Task).where(
                Task.account_id == account_id, Task.source == "alert",
                Task.raised_on == raised, Task.status == "open")).first() is not None
        assert not [day for day in dates if day >= raised]


def test_touchpoints_overdue_on_the_demo_book_are_real(demo_home, demo, run_cli) -> None:
    result = run_cli("touchpoints", "--home", str(demo_home), "--all", "--overdue", "--json",
                     "--as-of", AS_OF.isoformat())

    assert result.code == 0, result.err
    rows = result.json()["touchpoints"]
    assert len(rows) >= 3
    assert len({r["account"]["id"] for r in rows}) >= 2
    for row in rows:
        check_overdue(demo, row)


def test_today_on_the_demo_book_is_mine_and_believable(demo_home, demo, run_cli) -> None:
    with demo.read() as s:
        me = get_setting(s, ME.key)

    result = run_cli("today", "--home", str(demo_home), "--json", "--as-of", AS_OF.isoformat())
    text = run_cli("today", "--home", str(demo_home), "--as-of", AS_OF.isoformat())

    assert result.code == 0, result.err
    plan = result.json()
    assert plan["scope"] == {"owner": me, "basis": "me"}
    assert plan["overdue"] and plan["due_soon"] and plan["renewal_milestones"]
    assert plan["alerts"]
    for alert in plan["alerts"]:
        with demo.read() as s:
            task = s.get(Task, int(alert["task_id"]))
            assert (task.source, task.status, task.title) == ("alert", "open", alert["title"])
            assert s.get(Account, task.account_id).owner == me
    for row in plan["overdue"]:
        assert row["owner"] == me
        check_overdue(demo, row)
    for row in plan["due_soon"]:
        assert row["owner"] == me and 0 <= row["days_until"] <= 7
    for milestone in plan["renewal_milestones"]:
        reached = date.fromisoformat(milestone["reached_on"])
        assert reached <= AS_OF < date.fromisoformat(milestone["renewal_on"])
        with demo.read() as s:
            assert s.get(Account, int(milestone["account"]["id"])).owner == me
    assert text.out.startswith(f"Your day, Monday 2026-03-02: {me}'s accounts")
    assert "Overdue touchpoints" in text.out and "Renewal milestones reached" in text.out
