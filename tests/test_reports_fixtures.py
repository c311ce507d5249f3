"""Hand-built portfolios for the report tests, with every figure worked out by hand.

(No tests here: the other ``test_reports_*`` modules import these builders.)

Acme Analytics on 15 Oct 2026, reviewed for 2026Q3 (1 Jul to 30 Sep 2026):
- 50 licensed seats; 30 active users every day of Q3 (average 30.0, 60% of seats, peak 30)
  and 20 every day of Q2 (40%).
- Features in Q3: Dashboards 100 uses, Reports 40.
- Support, opened in Q3: urgent escalated case closed after 10 h, normal case closed after
  30 h, high case still open: 3 opened, 2 closed, 1 open at the end, 1 escalation, median
  time to resolve 20 h.
- NPS in Q3 from three contacts: 10, 9 and 3: 2 promoters, 1 detractor, NPS +33. One CSAT
  answer, 5 on 1-5: 100% satisfied, mean 5.0.
- One contract: USD 120,000 a year from 1 Jan 2025, open-ended: ARR $120,000, renews on
  1 Jan 2027; a renewal opportunity forecast "commit" and an expansion "best case".
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from csdesk.models import (
    Account,
    BusinessReview,
    Contact,
    Contract,
    FeatureUsage,
    Milestone,
    Note,
    Objective,
    Opportunity,
    Outcome,
    SuccessPlan,
    SupportCase,
    SurveyResponse,
    Task,
    UsageDaily,
)
from csdesk.services.context import AppContext

AS_OF = date(2026, 10, 15)
Q2 = (date(2026, 4, 1), date(2026, 6, 30))
Q3 = (date(2026, 7, 1), date(2026, 9, 30))
SUMMARY = "Acme cut its monthly reporting time in half this quarter."


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def add_account(context: AppContext, name: str, **fields: object) -> int:
    """A bare account with one USD 12,000 a year contract and nothing else."""
    with context.write() as session:
        account = Account(name=name, owner=fields.pop("owner", "Dana Park"), tier=2,
                          licensed_seats=fields.pop("licensed_seats", 10), **fields)
        session.add(account)
        session.flush()
        session.add(Contract(account_id=account.id, start_date=date(2025, 1, 1),
                             amount_minor=1_200_000, currency="USD", amount_period="year",
                             term_months=12))
        return account.id


def build_acme(context: AppContext, name: str = "Acme Analytics") -> int:
    """The rich account described in the module docstring; returns its id."""
    with context.write() as session:
        account = Account(name=name, owner="Dana Park", tier=1, licensed_seats=50,
                          customer_since=date(2025, 1, 1))
        session.add(account)
        session.flush()
        aid = account.id
        contract = Contract(account_id=aid, name="Platform", start_date=date(2025, 1, 1),
                            amount_minor=12_000_000, currency="USD", amount_period="year",
                            term_months=12)
        session.add(contract)
        session.flush()
        session.add_all([
            Opportunity(account_id=aid, contract_id=contract.id, name="2027 renewal",
                        kind="renewal", close_date=date(2027, 1, 1), amount_minor=13_000_000,
                        currency="USD", forecast_category="commit"),
            Opportunity(account_id=aid, name="Add 20 seats", kind="expansion",
                        close_date=date(2026, 12, 15), amount_minor=2_400_000, currency="USD",
                        forecast_category="best_case"),
        ])

        session.add_all(UsageDaily(account_id=aid, day=d, active_users=20) for d in _days(*Q2))
        session.add_all(UsageDaily(account_id=aid, day=d, active_users=30) for d in _days(*Q3))
        session.add_all([
            FeatureUsage(account_id=aid, day=date(2026, 8, 3), feature="Dashboards", count=100),
            FeatureUsage(account_id=aid, day=date(2026, 8, 4), feature="Reports", count=40),
        ])

        opened = date(2026, 8, 10)
        session.add_all([
            SupportCase(account_id=aid, subject="Login outage", priority="urgent",
                        opened_at=_at(opened), closed_at=_at(opened, 19), escalated=True),
            SupportCase(account_id=aid, subject="Export question", priority="normal",
                        opened_at=_at(opened), closed_at=_at(opened) + timedelta(hours=30)),
            SupportCase(account_id=aid, subject="Slow dashboards", priority="high",
                        opened_at=_at(date(2026, 9, 20))),
        ])

        contacts = [Contact(account_id=aid, first_name=first, last_name="Chen")
                    for first in ("Lee", "Mo", "Ana")]
        session.add_all(contacts)
        session.flush()
        for contact, score, comment in zip(contacts, (10, 9, 3),
                                           (None, "Great onboarding", "Exports are slow"),
                                           strict=True):
            session.add(SurveyResponse(account_id=aid, contact_id=contact.id, kind="nps",
                                       score=score, scale_min=0, scale_max=10,
                                       answered_on=date(2026, 9, 1), comment=comment))
        session.add(SurveyResponse(account_id=aid, contact_id=contacts[0].id, kind="csat",
                                   topic="relationship", score=5, scale_min=1, scale_max=5,
                                   answered_on=date(2026, 9, 2)))

        plan = SuccessPlan(account_id=aid, executive_summary=SUMMARY,
                           why_they_bought="Reports took analysts two days a month.",
                           success_criteria="Monthly reporting in under half a day.",
                           risks="The finance team has not started yet.")
        session.add(plan)
        session.flush()
        outcome = Outcome(plan_id=plan.id, title="Faster reporting", position=0)
        session.add(outcome)
        session.flush()
        session.add_all([
            Objective(outcome_id=outcome.id, title="Cut report time", kpi="Hours per report",
                      unit="h", baseline="10", target="2", current="4", status="on_track",
                      owner="Dana Park", owner_side="ours", due_on=date(2026, 12, 1)),
            Objective(outcome_id=outcome.id, title="Self-service adoption",
                      kpi="Teams building reports", baseline="0", target="5", current="1",
                      status="at_risk", owner="Lee Chen", owner_side="theirs",
                      due_on=date(2026, 11, 15)),
        ])
        session.add(Milestone(plan_id=plan.id, title="Go live with finance team",
                              due_on=date(2026, 11, 30), owner="Lee Chen", owner_side="theirs"))

        review = BusinessReview(account_id=aid, kind="QBR", held_on=date(2026, 7, 10),
                                attendees="Dana Park (CSM)\nLee Chen (Acme)")
        session.add(review)
        session.flush()
        session.add_all([
            Task(account_id=aid, title="Share export roadmap", source="review",
                 review_id=review.id, status="done", owner="Dana Park",
                 due_on=date(2026, 7, 31), raised_on=date(2026, 7, 10)),
            Task(account_id=aid, title="Train finance team", source="review",
                 review_id=review.id, owner="Lee Chen", due_on=date(2026, 8, 1),
                 raised_on=date(2026, 7, 10)),
            Task(account_id=aid, title="Plan the executive review", source="manual",
                 owner="Dana Park", due_on=date(2026, 11, 1), raised_on=date(2026, 9, 1)),
            Task(account_id=aid, title="Usage dropped sharply", source="alert",
                 source_key="alert:usage_drop", due_on=date(2026, 10, 1),
                 raised_on=date(2026, 9, 25)),
            Task(account_id=aid, title="T-30 Proposal and paperwork", source="milestone",
                 source_key="milestone:1:2026-11-30:T-30", due_on=date(2026, 10, 31),
                 raised_on=date(2026, 9, 26)),
        ])
        session.add_all([
            Note(account_id=aid, title="Bulk export API", body="Finance wants nightly exports.",
                 category="request", written_on=date(2026, 8, 20)),
            Note(account_id=aid, title="Budget freeze in 2027", body="Procurement hinted at "
                 "a freeze.", category="risk", written_on=date(2026, 9, 5)),
        ])
        return aid
