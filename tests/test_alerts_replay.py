"""Alerts replayed day by day over 60 days: no duplicate task, snoozes respected, closed tasks
come back only for a new occurrence; and the detractor follow-up rate."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from csdesk.models import Account, Contact, Contract, SupportCase, SurveyResponse, Task, UsageDaily
from csdesk.services.alerts import detractor_follow_up_rate, run_alerts
from csdesk.services.context import AppContext
from csdesk.services.tasks import close_task, list_tasks, snooze_task

S = date(2026, 3, 1)


def day(n: int) -> date:
    return S + timedelta(days=n)


def build(context: AppContext) -> dict[str, int]:
    with context.write() as session:
        ids = {}
        for name in ("Idle", "Voice", "Ticket"):
            account = Account(name=name, tier=3, licensed_seats=10, owner="Dana")
            session.add(account)
            session.flush()
            ids[name] = account.id
            session.add(Contract(account_id=account.id, start_date=date(2025, 6, 1),
                                 end_date=date(2027, 6, 1), amount_minor=100, currency="EUR"))
            # Idle stops using the product after day 9; the others use it throughout.
            last = 9 if name == "Idle" else 59
            for n in range(-150, last + 1):
                session.add(UsageDaily(account_id=account.id, day=day(n), active_users=6))
        eva = Contact(account_id=ids["Voice"], first_name="Eva", last_name="Lind",
                      roles="champion")
        session.add(eva)
        session.flush()
        for when, score in ((4, 3), (34, 2)):
            session.add(SurveyResponse(account_id=ids["Voice"], contact_id=eva.id, kind="nps",
                                       score=score, scale_min=0, scale_max=10,
                                       answered_on=day(when)))
        session.add(SupportCase(
            account_id=ids["Ticket"], priority="urgent", subject="outage",
            opened_at=datetime(2026, 3, 1, 9, tzinfo=UTC),
            closed_at=datetime(2026, 3, 26, 9, tzinfo=UTC)))
        return ids


def tasks_for(context: AppContext, account_id: int, key: str) -> list[Task]:
    with context.read() as session:
        return list(session.scalars(select(Task).where(
            Task.account_id == account_id, Task.source_key == key).order_by(Task.id)))


def test_sixty_days_of_alerts(context: AppContext) -> None:
    ids = build(context)
    raised: Counter[tuple[int, str]] = Counter()
    quiet_days: dict[tuple[int, str], list[int]] = {}

    def task_id(account: str, key: str) -> int:
        open_tasks = [t for t in tasks_for(context, ids[account], key) if t.status == "open"]
        assert len(open_tasks) == 1
        return open_tasks[0].id

    for n in range(60):
        run = run_alerts(context, day(n))
        for change in run.changes:
            key = (change.account_id, f"alert:{change.rule}")
            if change.action == "raised":
                raised[key] += 1
            if change.action == "kept closed":
                quiet_days.setdefault(key, []).append(n)

        # What the CSM does that day.
        with context.write() as session:
            if n == 7:
                close_task(session, task_id("Voice", "alert:nps_detractor"), "Dana")
            if n == 9:
                snooze_task(session, task_id("Ticket", "alert:urgent_ticket"), day(30), day(n))
            if n == 20:
                close_task(session, task_id("Idle", "alert:no_usage"), "Dana")

        # Never two open tasks for one account and reason.
        with context.read() as session:
            open_keys = [(t.account_id, t.source_key) for t in session.scalars(
                select(Task).where(Task.status == "open"))]
        assert len(open_keys) == len(set(open_keys))

    # Each task was raised once: as many tasks as "raised" events, for every reason.
    with context.read() as session:
        stored = Counter((t.account_id, t.source_key) for t in session.scalars(select(Task)))
    assert stored == raised

    # Idle: watch from day 16; closed on day 20 and quiet; reach-out is a new occurrence.
    idle = tasks_for(context, ids["Idle"], "alert:no_usage")
    assert [(t.raised_on, t.severity, t.status) for t in idle] == [
        (day(16), "watch", "done"), (day(39), "reach_out", "open")]
    assert idle[1].title == "Reach out: no product usage for 50 days"
    assert quiet_days[(ids["Idle"], "alert:no_usage")] == list(range(21, 39))

    # Voice: the detractor task closed on day 7 stays closed until a new answer on day 34.
    voice = tasks_for(context, ids["Voice"], "alert:nps_detractor")
    assert [(t.raised_on, t.status) for t in voice] == [(day(4), "done"), (day(34), "open")]
    assert quiet_days[(ids["Voice"], "alert:nps_detractor")] == list(range(8, 34))
    assert "Eva Lind, 2 of 10" in voice[1].title

    # Ticket: one task, refreshed while snoozed, still snoozed; it stopped firing on day 25.
    ticket = tasks_for(context, ids["Ticket"], "alert:urgent_ticket")
    assert len(ticket) == 1
    assert ticket[0].raised_on == day(8) and ticket[0].last_seen_on == day(24)
    assert ticket[0].snoozed_until == day(30) and ticket[0].status == "open"
    assert ticket[0].title == "Escalate: urgent ticket open 24 days"
    with context.read() as session:
        visible = {t.id for t, _ in list_tasks(session, day(29), open_only=True)}
        assert ticket[0].id not in visible
        assert ticket[0].id in {t.id for t, _ in list_tasks(session, day(30), open_only=True)}


def test_detractor_follow_up_rate(context: AppContext) -> None:
    build(context)
    run_alerts(context, day(4))
    with context.write() as session:
        first = session.scalars(select(Task).where(Task.source_key == "alert:nps_detractor")).one()
        close_task(session, first.id, "Dana")
    run_alerts(context, day(34))  # a new detractor answer: a second follow-up
    run_alerts(context, day(40))
    with context.read() as session:
        whole = detractor_follow_up_rate(session, day(0), day(59))
        march = detractor_follow_up_rate(session, day(0), day(30))
        before = detractor_follow_up_rate(session, day(-30), day(-1))
    assert (whole.raised, whole.closed) == (2, 1)
    assert whole.rate == 0.5
    assert whole.to_json()["name"] == "detractor_follow_up_rate"
    assert (march.raised, march.closed, march.rate) == (1, 1, 1)
    assert before.rate is None and before.raised == 0
