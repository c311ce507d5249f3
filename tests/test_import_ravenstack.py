"""The five RavenStack tables imported with the example mappings in docs/examples, checked
against counts worked out here from the files themselves, then imported again to show that
nothing changes."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from csdesk.importers import ImportRequest, run_import
from csdesk.models import (
    Account,
    ChangeLogEntry,
    ChurnEvent,
    Contract,
    ExternalRef,
    FeatureUsage,
    SupportCase,
    SurveyResponse,
    UsageDaily,
)
from csdesk.services.context import AppContext
from csdesk.services.importing import table_counts

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"
TABLES = [  # kind, file stem, mapping stem
    ("accounts", "ravenstack_accounts"),
    ("contracts", "ravenstack_subscriptions"),
    ("usage", "ravenstack_feature_usage"),
    ("cases", "ravenstack_support_tickets"),
    ("churn", "ravenstack_churn_events"),
]
REASONS = {"features": "product_fit", "support": "support_experience", "unknown": "other",
           "budget": "budget", "competitor": "competitor", "pricing": "pricing"}

pytestmark = pytest.mark.realdata


def _rows(folder: Path, stem: str) -> list[dict[str, str]]:
    with (folder / f"{stem}.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _import_all(context: AppContext, folder: Path) -> dict[str, dict]:
    reports = {}
    for kind, stem in TABLES:
        request = ImportRequest(kind=kind, path=folder / f"{stem}.csv",
                                mapping=EXAMPLES / f"{stem}.toml")
        reports[kind] = run_import(context, request).to_json()
    return reports


def _count(session, model, *where) -> int:
    return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def test_ravenstack_imports_whole_and_reimports_unchanged(context, ravenstack_dir) -> None:
    accounts = _rows(ravenstack_dir, "ravenstack_accounts")
    subscriptions = _rows(ravenstack_dir, "ravenstack_subscriptions")
    usage = _rows(ravenstack_dir, "ravenstack_feature_usage")
    tickets = _rows(ravenstack_dir, "ravenstack_support_tickets")
    churn = _rows(ravenstack_dir, "ravenstack_churn_events")

    first = _import_all(context, ravenstack_dir)

    # Usage rows name subscriptions; the last row of a repeated (subscription, day, feature)
    # wins, and subscriptions of one account add up.
    account_of = {s["subscription_id"]: s["account_id"] for s in subscriptions}
    last = {(u["subscription_id"], u["usage_date"], u["feature_name"]): int(u["usage_count"])
            for u in usage}
    feature_keys = {(account_of[s], d, f) for s, d, f in last}
    day_keys = {(a, d) for a, d, _ in feature_keys}
    answered = [t for t in tickets if t["satisfaction_score"]]
    open_ended = [s for s in subscriptions if not s["end_date"]]
    live_accounts = {s["account_id"] for s in open_ended}
    churned_live = [a for a in accounts if a["churn_flag"] == "True"
                    and a["account_id"] in live_accounts]

    assert first["accounts"]["created"] == len(accounts) == 500
    assert first["contracts"]["created"] == len(subscriptions) == 5000
    assert first["usage"]["tables"]["feature_usage"]["created"] == len(feature_keys)
    assert first["usage"]["tables"]["usage_daily"]["created"] == len(day_keys)
    assert first["cases"]["tables"] == {
        "support_case": {"created": len(tickets), "updated": 0, "unchanged": 0},
        "survey_response": {"created": len(answered), "updated": 0, "unchanged": 0}}
    assert first["churn"]["created"] == len(churn) == 600
    anomalies = {a["code"]: a["count"] for a in first["contracts"]["anomalies"]}
    assert anomalies["churned_with_live_contracts"] == len(churned_live) == 110
    empty = {a["code"]: a["count"] for a in first["cases"]["anomalies"]}["empty_satisfaction"]
    assert empty == len(tickets) - len(answered)

    with context.read() as session:
        assert _count(session, Account) == 500
        assert _count(session, ExternalRef, ExternalRef.source == "ravenstack") == (
            len(accounts) + len(subscriptions) + len(tickets) + len(churn))
        stored = {a.name: a for a in session.scalars(select(Account))}
        for row in accounts:
            account = stored[row["account_name"]]
            assert account.customer_since == date.fromisoformat(row["signup_date"])
            assert account.licensed_seats == int(row["seats"])
            assert account.country == ("GB" if row["country"] == "UK" else row["country"])
            assert (account.journey_stage == "churned") == (row["churn_flag"] == "True")

        assert _count(session, Contract, Contract.end_date.is_(None)) == len(open_ended)
        assert session.scalar(select(func.sum(Contract.amount_minor))) == 100 * sum(
            int(s["mrr_amount"]) for s in subscriptions)
        assert _count(session, Contract, Contract.amount_period != "month") == 0
        billing = Counter(session.scalars(select(Contract.billing_frequency)))
        assert billing == Counter(s["billing_frequency"] for s in subscriptions)
        ends = Counter(session.scalars(select(Contract.end_date).where(
            Contract.end_date.isnot(None))))
        assert ends == Counter(date.fromisoformat(s["end_date"]) + timedelta(days=1)
                               for s in subscriptions if s["end_date"])

        total = sum(last.values())
        assert session.scalar(select(func.sum(FeatureUsage.count))) == total
        assert session.scalar(select(func.sum(UsageDaily.events))) == total
        assert _count(session, UsageDaily, UsageDaily.active_users.isnot(None)) == 0

        assert _count(session, SupportCase, SupportCase.closed_at.isnot(None)) == len(tickets)
        answers = session.execute(select(SurveyResponse.kind, SurveyResponse.topic,
                                         SurveyResponse.score)
                                  .where(SurveyResponse.case_id.isnot(None))).all()
        assert Counter(answers) == Counter(("csat", "support", int(float(t["satisfaction_score"])))
                                           for t in answered)
        reasons = Counter(session.scalars(select(ChurnEvent.reason)))
        assert reasons == Counter(REASONS[c["reason_code"]] for c in churn)

        counts = table_counts(session)
        last_seq = session.scalar(select(func.max(ChangeLogEntry.seq)))

    again = _import_all(context, ravenstack_dir)
    for kind, report in again.items():
        assert (report["created"], report["updated"]) == (0, 0), kind
        assert report["unchanged"] == first[kind]["created"], kind
    with context.read() as session:
        assert session.scalar(select(func.max(ChangeLogEntry.seq))) == last_seq
        after = table_counts(session)
    assert after.pop("import_run") == counts.pop("import_run") + len(TABLES)
    assert after == counts
