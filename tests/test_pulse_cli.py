"""Recording the CSM pulse from the command line, and its part in the health score."""

from __future__ import annotations

from sqlalchemy import select

from csdesk.models import Account, ChangeLogEntry, CsmPulse
from csdesk.services.context import AppContext


def test_pulse_is_recorded_logged_and_scored(run_cli, context: AppContext) -> None:
    with context.write() as session:
        session.add(Account(name="Pulse Co", licensed_seats=10))

    result = run_cli("pulse", "Pulse Co", "4", "--comment", "steady", "--as-of", "2026-03-31")
    assert result.code == 0, result.err
    assert "pulse 4/5 recorded on 2026-03-31" in result.out

    with context.read() as session:
        pulse = session.scalars(select(CsmPulse)).one()
        logged = session.scalars(select(ChangeLogEntry).where(
            ChangeLogEntry.entity == "csm_pulse")).one()
    assert (pulse.score, pulse.comment) == (4, "steady")
    assert (logged.op, logged.origin) == ("create", "user")

    health = run_cli("health", "Pulse Co", "--json", "--as-of", "2026-04-10").json()
    measure = next(m for m in health["measures"] if m["name"] == "csm_pulse")
    assert measure["value"] == 75  # DOMAIN.md: 4 -> 75

    shown = run_cli("pulse", "Pulse Co", "--json", "--as-of", "2026-05-15").json()
    assert shown[0]["score"] == 4 and shown[0]["stale"] is True  # 45 days old


def test_pulse_refuses_scores_outside_1_to_5_and_future_days(run_cli, context: AppContext
                                                             ) -> None:
    with context.write() as session:
        session.add(Account(name="Pulse Co"))
    bad = run_cli("pulse", "Pulse Co", "7")
    assert bad.code == 1 and "from 1 to 5, not 7" in bad.err
    future = run_cli("pulse", "Pulse Co", "3", "--date", "2026-05-01", "--as-of", "2026-04-01")
    assert future.code == 1 and "cannot be dated after 2026-04-01" in future.err
    with context.read() as session:
        assert session.scalars(select(CsmPulse)).all() == []
