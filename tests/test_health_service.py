"""Health from a real portfolio file: raw rows in, scores, history and as-of invariance out."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from csdesk.errors import ValidationError
from csdesk.health.editing import edit_scorecard
from csdesk.models import (
    Account,
    Activity,
    Contact,
    Contract,
    CsmPulse,
    FeatureUsage,
    HealthSnapshot,
    SupportCase,
    SurveyResponse,
    TierChange,
    UsageDaily,
)
from csdesk.services.context import AppContext, open_context
from csdesk.services.health import (
    account_health,
    backfill_history,
    compute_health,
    ensure_up_to_date,
    load_health_config,
    portfolio_health,
    save_health_config,
)

D = date(2026, 3, 31)


def day(n: int) -> date:
    """``n`` days before D."""
    return D - timedelta(days=n)


def instant(d: date, hour: int = 10) -> datetime:
    return datetime(d.year, d.month, d.day, hour, tzinfo=UTC)


def build_worked_example(context: AppContext) -> int:
    """DOMAIN.md's example from raw rows: u 0.5, r -0.1, a 0.3, one open high ticket,
    no surveys, last touch 20 days ago on tier 1, pulse 4."""
    with context.write() as session:
        acme = Account(name="Acme", tier=1, licensed_seats=20, owner="Dana")
        other = Account(name="Other", tier=3, licensed_seats=5)
        session.add_all([acme, other])
        session.flush()
        session.add(Contract(account_id=acme.id, start_date=date(2025, 1, 1), amount_minor=1,
                             currency="EUR"))

        # Baseline (days 30-119): 1000 user-days, 11.11 a day; last 30 days: 10 a day.
        for n in range(120):
            users = 10 if n < 30 else (12 if n < 40 else 11)
            session.add(UsageDaily(account_id=acme.id, day=day(n), active_users=users))

        # Other uses f1..f10 a lot (the key features) and f11 a little; Acme f1..f3.
        for i in range(1, 12):
            session.add(FeatureUsage(account_id=other.id, day=day(50), feature=f"f{i}",
                                     count=100 if i <= 10 else 1))
        for i in range(1, 4):
            session.add(FeatureUsage(account_id=acme.id, day=day(3), feature=f"f{i}", count=2))
        session.add(FeatureUsage(account_id=acme.id, day=day(40), feature="f4", count=2))

        session.add(SupportCase(account_id=acme.id, priority="high", opened_at=instant(day(4))))
        session.add(SupportCase(account_id=acme.id, priority="urgent", opened_at=instant(day(20)),
                                closed_at=instant(day(18))))
        sponsor = Contact(account_id=acme.id, first_name="Eva", last_name="Lind",
                          roles="executive_sponsor")
        session.add(sponsor)
        session.flush()
        session.add(Activity(account_id=acme.id, contact_id=sponsor.id, kind="meeting",
                             occurred_on=day(20), summary="review"))
        session.add(Activity(account_id=acme.id, kind="call", occurred_on=day(60),
                             summary="call"))
        session.add(CsmPulse(account_id=acme.id, score=4, recorded_on=day(2)))
        session.add(CsmPulse(account_id=acme.id, score=1, recorded_on=day(50)))
        return acme.id


def test_worked_example_from_raw_rows(context: AppContext) -> None:
    acme = build_worked_example(context)
    with context.read() as session:
        result = compute_health(session, D)[acme]
    scores = {m.key: m.score for m in result.measures}
    assert scores["license_utilisation"] == pytest.approx(50)
    assert scores["usage_trend"] == pytest.approx(76)
    assert scores["feature_adoption"] == pytest.approx(50)
    assert scores["support"] == 90
    assert result.measure("sentiment").status == "no_data"
    assert scores["engagement"] == pytest.approx(100 * 22 / 28)
    assert scores["csm_pulse"] == 75
    assert round(result.score, 2) == 69.63 and result.band == "yellow"

    feature = result.measure("feature_adoption").raw
    assert feature["key_features"] == ["f1", "f2", "f3", "f4", "f10", "f5", "f6",
                                       "f7", "f8", "f9"]
    assert feature["key_features_used"] == ["f1", "f2", "f3"]


def test_configured_key_features_replace_the_most_used(context: AppContext) -> None:
    acme = build_worked_example(context)
    document = {"inputs": {"key_features": ["f1", "f4"]}}
    with context.write() as session:
        from csdesk.services.settings import set_setting

        set_setting(session, "health.scorecard", document)
    with context.read() as session:
        result = compute_health(session, D)[acme]
    raw = result.measure("feature_adoption").raw
    assert raw["key_features"] == ["f1", "f4"]
    assert raw["a"] == 0.5  # f4 was used 40 days ago: outside the 30 days
    assert raw["key_features_source"] == "configured"


def test_account_view_has_trend_drivers_and_attribution(context: AppContext) -> None:
    acme = build_worked_example(context)
    with context.read() as session:
        view = account_health(session, "Acme", D)
        before = compute_health(session, day(30))[acme]
    data = view.to_json()
    assert data["health_score"]["name"] == "health_score"
    assert data["health_score"]["value"] == 69.63
    assert data["band"]["value"] == "yellow"
    assert data["trend"]["previous_score"] == round(before.score, 2)
    assert data["trend"]["value"] == ("flat" if abs(view.result.score - before.score) < 5 else
                                      "up" if view.result.score > before.score else "down")
    parts = data["change_attribution"]["parts"]
    assert round(sum(p["value"] for p in parts), 2) == data["change_attribution"]["value"]
    assert data["change_attribution"]["value"] == round(
        round(view.result.score, 2) - round(before.score, 2), 2)
    assert [d["measure"] for d in data["drivers"]][0] == "license_utilisation"
    assert all(m["definition"] for m in data["measures"])


def test_scores_are_the_same_from_history_and_from_the_day(context: AppContext) -> None:
    build_worked_example(context)
    with context.write() as session:
        # Events only, starting 100 days ago; and a feature that ranked first long ago.
        events = Account(name="Events", tier=2, licensed_seats=4)
        session.add(events)
        session.flush()
        for n in range(100):
            session.add(UsageDaily(account_id=events.id, day=day(n), events=0 if n < 10 else n))
        session.add(FeatureUsage(account_id=events.id, day=day(100), feature="f99",
                                 count=100_000))
        session.add(FeatureUsage(account_id=events.id, day=day(2), feature="f99", count=1))
    report = backfill_history(context, D)
    assert report.snapshots > 0
    days = [D, day(1), day(29), day(45), day(89)]
    with context.read() as session:
        stored = {(s.account_id, s.as_of): s for s in session.scalars(
            select(HealthSnapshot).where(HealthSnapshot.as_of.in_(days)))}
        compared = 0
        for d in days:
            for account_id, result in compute_health(session, d).items():
                snapshot = stored.get((account_id, d))
                if snapshot is None:  # Other's history starts 50 days back, with its data
                    assert account_id == 2 and d < day(50)
                    continue
                compared += 1
                assert snapshot.status == result.status
                assert snapshot.score == pytest.approx(result.score)
                measures = json.loads(snapshot.measures)
                for m in result.measures:
                    assert measures[m.key]["status"] == m.status
                    assert measures[m.key]["score"] == pytest.approx(m.score)
        assert compared == 3 * len(days) - 1
    with context.read() as session:
        now = compute_health(session, D)
        then = compute_health(session, day(45))
    events_now = next(r for r in now.values() if r.measure("usage_trend").raw.get(
        "metric") == "events")
    assert events_now.measure("license_utilisation").status == "no_data"
    # Key features rank the last 90 days: f99's 100,000 uses 100 days ago put it first 45
    # days ago, and nowhere today.
    assert "f99" not in events_now.measure("feature_adoption").raw["key_features"]
    assert then[events_now.account_id].measure("feature_adoption").raw["key_features"][0] == "f99"


def test_history_is_daily_for_90_days_then_weekly_on_mondays(context: AppContext) -> None:
    acme = build_worked_example(context)
    backfill_history(context, D)
    with context.read() as session:
        rows = session.execute(select(HealthSnapshot.as_of, HealthSnapshot.granularity).where(
            HealthSnapshot.account_id == acme).order_by(HealthSnapshot.as_of)).all()
    daily = [d for d, g in rows if g == "daily"]
    weekly = [d for d, g in rows if g == "weekly"]
    assert daily[0] == day(89) and daily[-1] == D and len(daily) == 90
    assert weekly[0] == date(2025, 1, 6)  # first Monday on or after the contract start
    assert all(d.weekday() == 0 for d in weekly) and weekly[-1] < day(89)

    # Ten days later: ten new daily snapshots, and the days leaving the window are thinned.
    later = D + timedelta(days=10)
    assert ensure_up_to_date(context, later) == 20  # two accounts
    assert ensure_up_to_date(context, later) == 0
    with context.read() as session:
        rows = session.execute(select(HealthSnapshot.as_of, HealthSnapshot.granularity).where(
            HealthSnapshot.account_id == acme).order_by(HealthSnapshot.as_of)).all()
    daily = [d for d, g in rows if g == "daily"]
    assert daily[0] == later - timedelta(days=89) and len(daily) == 90
    assert all(d.weekday() == 0 for d, g in rows if g == "weekly")


def test_opening_the_portfolio_brings_history_to_the_face_date(home) -> None:
    first = open_context(str(home))
    try:
        with first.write() as session:
            session.add(Account(name="Solo", licensed_seats=3))
    finally:
        first.close()
    again = open_context(str(home), D)
    try:
        with again.read() as session:
            days = session.scalars(select(HealthSnapshot.as_of)).all()
    finally:
        again.close()
    assert days == [D]


def test_a_new_scorecard_restates_history(context: AppContext) -> None:
    acme = build_worked_example(context)
    backfill_history(context, D)
    document = edit_scorecard(None, "tier:1", "license_utilisation", weight=0)
    save_health_config(context, document, D)
    with context.read() as session:
        snapshot = session.get(HealthSnapshot, (acme, D))
        assert snapshot.scorecard == "tier:1"
        assert load_health_config(session).scorecards["tier:1"].measure(
            "license_utilisation").weight == 0
    # Without license utilisation: (15x76 + 10x50 + 15x90 + 15x78.57 + 10x75) / 65.
    assert snapshot.score == pytest.approx(
        (15 * 76 + 10 * 50 + 15 * 90 + 15 * 100 * 22 / 28 + 10 * 75) / 65)


def test_a_segment_scorecard_wins_over_the_tier_one(context: AppContext) -> None:
    acme = build_worked_example(context)
    with context.write() as session:
        session.get(Account, acme).segment = "Enterprise"
    document = edit_scorecard(None, "tier:1", "csm_pulse", enabled=False)
    document = edit_scorecard(document, "segment:enterprise", bands={"green": 60})
    save_health_config(context, document, D)
    with context.read() as session:
        result = compute_health(session, D)[acme]
    assert result.scorecard == "segment:enterprise"
    assert result.measure("csm_pulse").status == "scored"  # the tier override is not blended
    assert result.band == "green"


def test_an_invalid_scorecard_is_refused_and_nothing_is_stored(context: AppContext) -> None:
    with pytest.raises(ValidationError, match="yellow threshold"):
        edit_scorecard(None, bands={"green": 30})
    with pytest.raises(ValidationError, match="unknown scorecard"):
        edit_scorecard(None, "tier:4", "support", weight=3)
    with pytest.raises(ValidationError, match="inputs must increase"):
        edit_scorecard(None, measure="license_utilisation", points=[(0.8, 100), (0.2, 0)])
    with pytest.raises(ValidationError, match="at least one measure"):
        doc = None
        for key in ("license_utilisation", "usage_trend", "feature_adoption", "support",
                    "sentiment", "engagement", "csm_pulse"):
            doc = edit_scorecard(doc, measure=key, weight=0) if key != "csm_pulse" else \
                edit_scorecard(doc, measure=key, enabled=False)
    with pytest.raises(ValidationError):
        save_health_config(context, {"scorecards": {"default": {"bands": {"green": 10,
                                                                          "yellow": 50}}}}, D)
    with context.read() as session:
        assert load_health_config(session).scorecards["default"].bands.green == 70


def test_tier_history_decides_the_cadence_of_a_past_day(context: AppContext) -> None:
    acme = build_worked_example(context)
    with context.write() as session:
        # Acme was tier 3 until 10 days ago: its 20-day-old touch was on time then.
        session.add(TierChange(account_id=acme, changed_on=day(10), old_tier=3, new_tier=1,
                               source="rule"))
    with context.read() as session:
        assert compute_health(session, day(11))[acme].measure("engagement").raw["tier"] == 3
        assert compute_health(session, D)[acme].measure("engagement").raw["tier"] == 1


def test_portfolio_rows_name_the_top_driver(context: AppContext) -> None:
    build_worked_example(context)
    with context.read() as session:
        rows = portfolio_health(session, D)
    assert [r.account_name for r in rows] == ["Acme", "Other"]
    acme = rows[0].to_json()
    assert acme["top_driver"]["measure"] == "license_utilisation"
    assert acme["top_driver"]["name"] == "shortfall"
    other = rows[1].to_json()
    assert other["status"] == "insufficient_data" and other["top_driver"] is None


# ---- as of D, nothing after D counts --------------------------------------------------------

def figures(context: AppContext) -> str:
    with context.read() as session:
        one = account_health(session, "Acme", D).to_json()
        every = [row.to_json() for row in portfolio_health(session, D)]
    return json.dumps([one, every], sort_keys=True, default=str)


later_day = st.integers(min_value=1, max_value=400).map(lambda n: D + timedelta(days=n))


@st.composite
def later_data(draw: st.DrawFn) -> list[tuple[str, date, int]]:
    kinds = st.sampled_from(["usage", "feature", "case", "close", "nps", "csat", "touch",
                             "pulse", "left", "contract", "tier"])
    return draw(st.lists(st.tuples(kinds, later_day, st.integers(0, 10)), min_size=1,
                         max_size=8))


def add_later(context: AppContext, acme: int, items: list[tuple[str, date, int]]) -> None:
    with context.write() as session:
        sponsor = session.scalars(select(Contact).where(Contact.account_id == acme)).first()
        for kind, when, n in items:
            if kind == "usage":
                if session.get(UsageDaily, (acme, when)) is None:
                    session.add(UsageDaily(account_id=acme, day=when, active_users=n * 5))
            elif kind == "feature":
                if session.get(FeatureUsage, (acme, when, f"f{n + 20}")) is None:
                    session.add(FeatureUsage(account_id=acme, day=when, feature=f"f{n + 20}",
                                             count=1000))
            elif kind == "case":
                session.add(SupportCase(account_id=acme, priority="urgent",
                                        opened_at=instant(when), escalated=True))
            elif kind == "close":
                for case in session.scalars(select(SupportCase).where(
                        SupportCase.account_id == acme, SupportCase.closed_at.is_(None))):
                    if case.opened_at.date() <= when:
                        case.closed_at = instant(when)
            elif kind in ("nps", "csat"):
                session.add(SurveyResponse(account_id=acme, contact_id=sponsor.id, kind=kind,
                                           score=n if kind == "nps" else 1 + n % 5,
                                           scale_min=0 if kind == "nps" else 1,
                                           scale_max=10 if kind == "nps" else 5,
                                           answered_on=when))
            elif kind == "touch":
                session.add(Activity(account_id=acme, contact_id=sponsor.id, kind="call",
                                     occurred_on=when, summary="later"))
            elif kind == "pulse":
                session.add(CsmPulse(account_id=acme, score=max(1, n % 6), recorded_on=when))
            elif kind == "left":
                session.add(Contact(account_id=acme, first_name=f"Left {n}",
                                    roles="champion", left_company=True, left_on=when))
            elif kind == "contract":
                session.add(Contract(account_id=acme, start_date=when, seats=n + 1,
                                     amount_minor=5, currency="EUR"))
            else:
                session.add(TierChange(account_id=acme, changed_on=when, old_tier=1,
                                       new_tier=2 if n % 2 else 3, source="rule"))


def test_data_added_after_d_leaves_every_figure_as_of_d_unchanged(context: AppContext) -> None:
    acme = build_worked_example(context)
    before = figures(context)

    @settings(max_examples=25, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(later_data())
    def check(items: list[tuple[str, date, int]]) -> None:
        add_later(context, acme, items)
        assert figures(context) == before

    check()


def test_survey_scale_mapping_is_shared_with_the_sentiment_measure(context: AppContext) -> None:
    from csdesk.services.health import load_health_config, nps_thresholds
    from csdesk.services.metrics import set_nps_scale_mapping

    with context.read() as session:
        assert "1-10" not in load_health_config(session).options.nps_scales

    pairs = ["1=0", "2=1", "3=2", "4=3", "5=4", "6=5", "7=6", "8=8", "9=9", "10=10"]
    with context.write() as session:
        set_nps_scale_mapping(session, "1-10", pairs)
    with context.read() as session:
        scale = load_health_config(session).options.nps_scales["1-10"]
    # 9 and 10 map to promoters (>= 9); 1..7 map to detractors (<= 6); 8 is passive.
    assert (scale.promoter_min, scale.detractor_max) == (9, 7)
    assert nps_thresholds({1: 10, 2: 0}) is None  # not monotone: refused, never guessed
