"""The whole product on real data, the way docs/tutorial-ravenstack.md walks a new CSM through it.

The five RavenStack tables go in through the real command line (a separate process per
command, as a user runs it) with the mappings in docs/examples; an administrator sets up the
segments' scorecards; then every step looks at the book as of 2024-12-31, the data's last
day: health, tiers, journey stages, renewals, churn, the key metrics, the window's views,
business reviews of the ten largest accounts and the renewal report.

Every figure is compared with an independent computation in pandas straight from the CSV
files (tests/e2e/ravenstack_expected.py, and the helpers of tests/test_metrics_ravenstack.py
for revenue, churn and CSAT). The journey runs once per module; each test checks one stop.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from PIL import Image
from pypdf import PdfReader

from csdesk.cli import main as cli_main
from tests.e2e import ravenstack_expected as expect
from tests.test_metrics_ravenstack import (
    EXAMPLES,
    TABLES,
    Files,
    expected_churn,
    expected_csat,
    expected_retention,
    read_files,
)

pytestmark = [pytest.mark.realdata, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
AS_OF = date(2024, 12, 31)
SEGMENTS = ("Basic", "Pro", "Enterprise")
SCORED = {"usage_trend", "feature_adoption", "support"}
SWITCHED_OFF = ("license_utilisation", "sentiment", "engagement", "csm_pulse")
PERIODS = {"2024": (date(2024, 1, 1), AS_OF), "2024Q4": (date(2024, 10, 1), AS_OF)}
VIEWS = ("portfolio", "account", "renewals", "dashboard")
RENEWAL_DAYS = 180
RISK_DAYS = 90
TOP = 10


# --- running csdesk -------------------------------------------------------------------------


def csdesk(home: Path, *argv: str) -> str:
    """Run one csdesk command in its own process, as a user would; return what it printed."""
    env = {**os.environ, "CSDESK_HOME": str(home), "QT_QPA_PLATFORM": "offscreen",
           "MPLBACKEND": "Agg"}
    done = subprocess.run([sys.executable, "-m", "csdesk", *argv], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, f"csdesk {' '.join(argv)} exited {done.returncode}: {done.stderr}"
    return done.stdout


def csdesk_here(home: Path, *argv: str) -> str:
    """The same command in this process: for the quick settings commands, to save start-up."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = cli_main(["--home", str(home), *argv])
    assert code == 0, f"csdesk {' '.join(argv)} exited {code}"
    return out.getvalue()


def as_of(*argv: str) -> tuple[str, ...]:
    return (*argv, "--as-of", AS_OF.isoformat())


@dataclass
class Journey:
    home: Path
    out: Path
    data: Path
    imports: dict[str, dict] = field(default_factory=dict)
    json: dict[str, Any] = field(default_factory=dict)
    top: list[str] = field(default_factory=list)


def walk(data: Path, root: Path) -> Journey:
    """Every command of the tutorial, in its order."""
    journey = Journey(root / "home", root / "out", data)
    home = journey.home
    journey.out.mkdir()
    csdesk(home, "init")

    # The data supports three measures; the segments' scorecards use only those.
    for segment in SEGMENTS:
        for measure in SWITCHED_OFF:
            csdesk_here(home, "health", "config", "set", "--scorecard", f"segment:{segment}",
                        "--measure", measure, "--off")
    journey.json["config"] = json.loads(csdesk_here(home, "health", "config", "--json"))

    for kind, stem in TABLES:
        journey.imports[kind] = json.loads(csdesk(
            home, "import", kind, str(data / f"{stem}.csv"),
            "--mapping", str(EXAMPLES / f"{stem}.toml"), "--json"))

    journey.json["tiers_apply"] = json.loads(csdesk(home, *as_of("tiers", "apply", "--json")))
    journey.json["stage_apply"] = json.loads(csdesk(home, *as_of("stage", "apply", "--json")))
    for name, argv in (("tiers", ("tiers",)), ("stages", ("stages",)), ("health", ("health",)),
                       ("accounts", ("accounts",)),
                       ("renewals", ("renewals", "--within", str(RENEWAL_DAYS))),
                       ("forecast", ("forecast", "--horizon", str(RISK_DAYS))),
                       ("churn", ("churn", "--period", "2024")),
                       *((f"metrics {p}", ("metrics", "--period", p)) for p in PERIODS)):
        journey.json[name] = json.loads(csdesk_here(home, *as_of(*argv, "--json")))

    for view in VIEWS:
        csdesk(home, *as_of("snapshot", "--view", view, "-o", str(journey.out / f"{view}.png")))

    by_arr = sorted(journey.json["accounts"],
                    key=lambda a: (-Decimal(a["arr"]["amount"]), a["name"]))
    journey.top = [a["name"] for a in by_arr[:TOP]]
    for name in journey.top:
        csdesk_here(home, *as_of("report", "qbr", name, "--period", "2024Q4",
                                 "-o", str(journey.out / f"qbr-{name}.pdf")))
    csdesk(home, *as_of("report", "renewals", "-o", str(journey.out / "renewals.pdf")))
    return journey


# --- fixtures: the journey once, the files read once ----------------------------------------


@pytest.fixture(scope="module")
def _cache() -> dict[str, Any]:
    return {}


@pytest.fixture
def journey(ravenstack_dir: Path, _cache: dict[str, Any],
            tmp_path_factory: pytest.TempPathFactory) -> Journey:
    if "journey" not in _cache:
        _cache["journey"] = walk(ravenstack_dir, tmp_path_factory.mktemp("ravenstack-journey"))
    return _cache["journey"]


@pytest.fixture
def tables(ravenstack_dir: Path, _cache: dict[str, Any]) -> expect.Tables:
    if "tables" not in _cache:
        _cache["tables"] = expect.read_tables(ravenstack_dir)
    return _cache["tables"]


@pytest.fixture
def files(ravenstack_dir: Path, _cache: dict[str, Any]) -> Files:
    if "files" not in _cache:
        _cache["files"] = read_files(ravenstack_dir)
    return _cache["files"]


@pytest.fixture
def health(tables: expect.Tables, _cache: dict[str, Any]) -> pd.DataFrame:
    """The expected health of every account as of 2024-12-31, indexed by account name."""
    if "health" not in _cache:
        scores = expect.expected_health(tables, AS_OF)
        names = tables.accounts.set_index("account_id").account_name
        _cache["health"] = scores.set_index(scores.index.map(names))
    return _cache["health"]


def names_of(tables: expect.Tables) -> dict[str, str]:
    return dict(zip(tables.accounts.account_id, tables.accounts.account_name, strict=True))


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def dollars(amount: int) -> str:
    return f"${amount:,}"


# --- importing --------------------------------------------------------------------------------


def test_imports_report_every_contradiction_with_its_count(
    journey: Journey, tables: expect.Tables
) -> None:
    reports = journey.imports
    assert [reports[kind]["rows"] for kind, _ in TABLES] == [500, 5000, 25000, 2000, 600]
    assert all(report["source"] == "ravenstack" for report in reports.values())

    found = {(kind, a["code"]): a for kind, report in reports.items()
             for a in report["anomalies"]}
    for key, count in expect.expected_anomalies(tables).items():
        assert key in found, f"the {key[0]} import does not report {key[1]}"
        assert found[key]["count"] == count, key
        assert found[key]["examples"], key
    # The churn import names accounts that churned while an open-ended subscription runs.
    assert found["churn", "churned_with_live_contracts"]["count"] > 0

    # Only the columns the mappings leave out are unused, and the report says which.
    assert set(reports["contracts"]["ignored_columns"]) == {
        "arr_amount", "upgrade_flag", "downgrade_flag", "churn_flag"}
    assert reports["cases"]["tables"]["survey_response"]["created"] == int(
        tables.tickets.satisfaction_score.notna().sum())


# --- health -----------------------------------------------------------------------------------


def test_the_segment_scorecards_use_only_the_measures_the_data_supports(
    journey: Journey, tables: expect.Tables
) -> None:
    cards = journey.json["config"]["scorecards"]
    for segment in SEGMENTS:
        card = cards[f"segment:{segment}"]
        assert {m["name"] for m in card["measures"] if m["enabled"]} == SCORED
        assert card["total_weight"] == sum(expect.WEIGHTS.values())

    segments = dict(zip(tables.accounts.account_name, tables.accounts.plan_tier, strict=True))
    used = {row["account"]["name"]: row["health_score"]["scorecard"]
            for row in journey.json["health"]}
    assert used == {name: f"segment:{segment}" for name, segment in segments.items()}


def test_health_scores_and_bands_match(journey: Journey, health: pd.DataFrame) -> None:
    shown = {row["account"]["name"]: row for row in journey.json["health"]}
    assert set(shown) == set(health.index)
    for name, row in shown.items():
        assert row["status"] == "scored", name
        assert row["health_score"]["unrounded"] == pytest.approx(health.score[name],
                                                                 abs=0.01), name
        assert row["band"]["value"] == health.band[name], name

    bands = Counter(health.band)
    assert min(bands.values()) > 50, "the check needs accounts in every band"
    for period in PERIODS:
        distribution = journey.json[f"metrics {period}"]["groups"][0]["metrics"][
            "health_distribution"]
        parts = distribution["parts"]
        assert {b: parts[b] for b in ("green", "yellow", "red")} == dict(bands), period
        assert parts["insufficient_data"] == parts["no_snapshot"] == 0


def test_each_measure_of_a_sample_of_accounts_matches(
    journey: Journey, health: pd.DataFrame
) -> None:
    sample = [name for band in ("green", "yellow", "red")
              for name in sorted(health.index[health.band == band])[:2]]
    for name in sample:
        view = json.loads(csdesk_here(journey.home, *as_of("health", name, "--json")))
        measures = {m["name"]: m for m in view["measures"]}
        for key in SCORED:
            assert measures[key]["value"] == pytest.approx(health.at[name, key],
                                                           abs=0.01), (name, key)
        assert all(measures[key]["off"] for key in SWITCHED_OFF), name
        assert view["health_score"]["value"] == pytest.approx(health.score[name], abs=0.01)


# --- tiers, stages, ARR -------------------------------------------------------------------------


def test_every_account_shows_its_arr_and_the_tier_it_gives(
    journey: Journey, tables: expect.Tables
) -> None:
    arr = expect.arr_on(tables.subscriptions, tables.accounts, AS_OF)
    names = names_of(tables)
    expected_arr = {names[a]: int(v) for a, v in arr.items()}

    assert {a["name"]: Decimal(a["arr"]["amount"]) for a in journey.json["accounts"]} == (
        expected_arr)
    assert {t["account"]["name"]: t["tier"] for t in journey.json["tiers"]} == {
        name: expect.tier_of(v) for name, v in expected_arr.items()}
    assert len(journey.json["tiers_apply"]["changes"]) == len(expected_arr)

    largest = sorted(expected_arr, key=lambda n: (-expected_arr[n], n))
    assert expected_arr[largest[TOP - 1]] > expected_arr[largest[TOP]], "a tie at the cut"
    assert journey.top == largest[:TOP]


def test_journey_stages_follow_churn_contracts_and_renewals(
    journey: Journey, tables: expect.Tables, files: Files
) -> None:
    expected = expect.expected_stages(tables, files.churn, AS_OF)
    names = names_of(tables)
    assert {s["account"]["name"]: s["stage"] for s in journey.json["stages"]} == {
        names[a]: stage for a, stage in expected.items()}
    # Stages replace the churned flag the accounts import set from churn_flag.
    flagged = set(tables.accounts.account_name[tables.accounts.churn_flag])
    churned = {names[a] for a, stage in expected.items() if stage == "churned"}
    assert flagged - churned and churned - flagged
    changed = {c["account"]["name"] for c in journey.json["stage_apply"]["changes"]}
    assert flagged - churned <= changed


# --- renewals -----------------------------------------------------------------------------------


def test_renewals_within_180_days_match(journey: Journey, tables: expect.Tables) -> None:
    until = AS_OF + timedelta(days=RENEWAL_DAYS)
    expected = expect.renewals(tables.subscriptions, AS_OF, until)
    names = names_of(tables)
    shown = journey.json["renewals"]

    assert Counter((r["account"]["name"], r["renewal_date"], Decimal(r["renewable_arr"]["amount"]))
                   for r in shown["renewals"]) == Counter(
        (names[r.account_id], r.on.isoformat(), Decimal(r.arr)) for r in expected)
    total = sum(Decimal(r["renewable_arr"]["amount"]) for r in shown["renewals"])
    assert total == sum(r.arr for r in expected) > 0

    count, arr = expect.evergreen(tables.subscriptions)
    assert len(shown["evergreen"]) == count
    assert sum(Decimal(e["arr"]["amount"]) for e in shown["evergreen"]) == arr


def test_arr_at_risk_in_90_days_matches(
    journey: Journey, tables: expect.Tables, health: pd.DataFrame
) -> None:
    """No renewal carries a forecast, so ARR at risk is the red accounts' renewals due in 90
    days plus their evergreen (month-to-month) subscriptions, which have no renewal date."""
    names = names_of(tables)
    subs = tables.subscriptions
    red = subs.account_id.map(names).map(health.band) == "red"
    due = expect.renewals(subs[red], AS_OF, AS_OF + timedelta(days=RISK_DAYS))
    _, evergreen_arr = expect.evergreen(subs[red])

    risk = journey.json["forecast"]["arr_at_risk"]
    assert Decimal(risk["by_category"]["amount"]) == 0
    assert Decimal(risk["by_health"]["amount"]) == sum(r.arr for r in due) + evergreen_arr
    assert Decimal(risk["total"]["amount"]) == Decimal(risk["by_health"]["amount"])
    assert sum(r.arr for r in due) > 0 and evergreen_arr > 0


def test_the_renewal_report_adds_up(
    journey: Journey, tables: expect.Tables, health: pd.DataFrame
) -> None:
    last = date(2026, 5, 31)  # 18 calendar months from December 2024
    dated = expect.renewals(tables.subscriptions, AS_OF, last, every=True)
    # The at-risk list holds each subscription's next renewal, as `csdesk renewals` does;
    # with no forecast recorded, a renewal is at risk when its account's health is red.
    names = names_of(tables)
    at_risk = [r for r in expect.renewals(tables.subscriptions, AS_OF, last)
               if health.band[names[r.account_id]] == "red"]
    count, arr = expect.evergreen(tables.subscriptions)

    text = " ".join(pdf_text(journey.out / "renewals.pdf").split())
    assert "December 2024 to May 2026" in text
    assert (f"{dollars(sum(r.arr for r in dated))} Renewable ARR in the window {len(dated)} "
            "Renewal dates in the window") in text
    assert f"{len(at_risk)} Renewals at risk {dollars(sum(r.arr for r in at_risk))}" in text
    assert f"{count} Evergreen contracts {dollars(arr)} ARR" in text
    assert f"At risk ({len(at_risk)})" in text


# --- churn and the key metrics ------------------------------------------------------------------


def test_churn_by_reason_matches(journey: Journey, files: Files) -> None:
    report = journey.json["churn"]
    events = expected_churn(files, *PERIODS["2024"])
    assert report["totals"]["churn_events"]["value"] == len(events)
    assert Decimal(report["totals"]["churn_lost_arr"]["value"]["amount"]) == int(
        events.lost.sum())
    assert {line["reason"]: (line["churn_events"], Decimal(line["churn_lost_arr"]["amount"]))
            for line in report["by_reason"] if line["churn_events"]} == {
        reason: (len(group), Decimal(int(group.lost.sum())))
        for reason, group in events.groupby("reason")}


@pytest.mark.parametrize("period", sorted(PERIODS))
def test_key_metrics_match(period: str, journey: Journey, files: Files) -> None:
    first, last = PERIODS[period]
    metrics = journey.json[f"metrics {period}"]["groups"][0]["metrics"]
    expected = expected_retention(files, first, last)

    assert Decimal(metrics["arr"]["value"]["amount"]) == int(
        files.daily_arr.loc[pd.Timestamp(last)].sum())
    for name in ("customers_start", "customers_end", "new_customers", "customers_lost"):
        assert metrics[name]["value"] == expected[name], name
    for name in ("nrr", "grr", "logo_retention", "logo_churn"):
        assert Decimal(metrics[name]["value"]) == expected[name], name

    satisfied, answers, _ = expected_csat(files, first, last)
    assert (metrics["csat"]["numerator"], metrics["csat"]["denominator"]) == (satisfied,
                                                                              answers)
    assert metrics["nps"]["value"] is None


# --- what the user sees: the window and the documents -------------------------------------------


@pytest.mark.parametrize("view", VIEWS)
def test_each_window_view_is_drawn_as_of_the_last_day(view: str, journey: Journey) -> None:
    image = Image.open(journey.out / f"{view}.png")
    assert image.size == (1440, 900)
    colours = image.convert("RGB").getcolors(maxcolors=1 << 20) or []
    assert len(colours) > 200, f"the {view} view looks empty"


def test_business_reviews_of_the_ten_largest_accounts(
    journey: Journey, tables: expect.Tables, health: pd.DataFrame
) -> None:
    quarter = tables.tickets[(tables.tickets.opened >= pd.Timestamp("2024-10-01"))
                             & (tables.tickets.opened <= pd.Timestamp(AS_OF))]
    opened = Counter(quarter.account_id.map(names_of(tables)))
    for name in journey.top:
        path = journey.out / f"qbr-{name}.pdf"
        text = " ".join(pdf_text(path).split())
        score, band = health.score[name], health.band[name]
        assert len(PdfReader(path).pages) >= 3, name
        assert f"BUSINESS REVIEW · 2024Q4 {name} 1 Oct 2024 to 31 Dec 2024" in text, name
        assert f"Executive summary {score:.0f} Health score {band.title()}" in text, name
        assert f"{opened[name]} Support tickets opened" in text, name


# --- the tutorial quotes what this module computes -------------------------------------------


def percent(value: Decimal | int) -> str:
    return f"{value * 100:.1f}%"


def test_the_tutorial_quotes_the_figures_computed_here(
    tables: expect.Tables, files: Files, health: pd.DataFrame
) -> None:
    text = " ".join((REPO / "docs" / "tutorial-ravenstack.md").read_text("utf-8").split())
    anomalies = expect.expected_anomalies(tables)
    bands = Counter(health.band)
    arr = expect.arr_on(tables.subscriptions, tables.accounts, AS_OF)
    tiers = Counter(arr.map(expect.tier_of))
    stages = Counter(expect.expected_stages(tables, files.churn, AS_OF))
    soon = expect.renewals(tables.subscriptions, AS_OF, AS_OF + timedelta(days=RENEWAL_DAYS))
    evergreen_count, evergreen_arr = expect.evergreen(tables.subscriptions)
    names = names_of(tables)
    top = sorted(arr.index, key=lambda a: (-arr[a], names[a]))[:TOP]
    largest = names[top[0]]
    year = expected_retention(files, *PERIODS["2024"])
    satisfied, answers, _ = expected_csat(files, *PERIODS["2024"])
    churn = expected_churn(files, *PERIODS["2024"])

    quoted = [
        f"| usage rows dated before the account's signup | "
        f"{anomalies['usage', 'before_customer_since']:,} | usage |",
        f"| tickets without a satisfaction score | "
        f"{anomalies['cases', 'empty_satisfaction']:,} | tickets |",
        f"{tiers[1]} in tier 1, {tiers[2]} in tier 2, {tiers[3]} in tier 3",
        "onboard {onboard}, adopt {adopt}, renew {renew}, churned {churned}".format(**stages),
        f"500 accounts: {bands['green']} green, {bands['yellow']} yellow, {bands['red']} red, "
        "0 not scored",
        f"health {health.score[largest]:.2f} {health.band[largest]} (scorecard segment:",
        f"{len(soon)} renewals by 2025-06-29, renewable ARR {dollars(sum(r.arr for r in soon))}.00",
        f"{evergreen_count} evergreen (month-to-month) contracts, ARR {dollars(evergreen_arr)}.00",
        f"Churn events: {len(churn)} · Lost ARR: {dollars(int(churn.lost.sum()))}.00",
        f"| ARR at period end | {dollars(int(arr.sum()))} |",
        f"| logo retention | {percent(year['logo_retention'])} "
        f"({year['customers_end'] - year['new_customers']} / {year['customers_start']}) |",
        f"| net revenue retention (NRR) | {percent(year['nrr'])} |",
        f"| gross revenue retention (GRR) | {percent(year['grr'])} |",
        f"| CSAT (support) | {percent(Decimal(satisfied) / answers)} ({satisfied} / {answers}) |",
        ", ".join(names[a] for a in top[:-1]) + f" and {names[top[-1]]}",
    ]
    for figure in quoted:
        assert figure in text, figure
