"""``csdesk report``: the real command line writing real PDFs, read back."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pypdf
from test_reports_fixtures import AS_OF, add_account, build_acme

from csdesk.models import Contract, Opportunity
from csdesk.services.context import AppContext


def text_of(path: Path) -> str:
    reader = pypdf.PdfReader(io.BytesIO(path.read_bytes()))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def page_count(path: Path) -> int:
    return len(pypdf.PdfReader(io.BytesIO(path.read_bytes())).pages)


def test_one_review_to_a_file_and_to_a_folder(run_cli, context: AppContext, tmp_path: Path) -> None:
    key = str(build_acme(context))
    target = tmp_path / "acme.pdf"

    result = run_cli("report", "qbr", "Acme", "-o", str(target), "--as-of", AS_OF.isoformat(),
                     "--audience", "internal")
    again = run_cli("report", "qbr", key, "-o", str(tmp_path), "--as-of", AS_OF.isoformat(),
                    "--period", "2026Q2")

    assert result.code == 0, result.err
    assert f"wrote {target} (internal edition, 2026Q3)" in result.out
    assert "Commercial summary" in text_of(target)
    assert again.code == 0, again.err
    assert (tmp_path / f"{key}-acme-analytics-2026Q2.pdf").is_file()
    assert not list(tmp_path.glob(".*.part"))


def test_same_command_twice_writes_the_same_bytes(run_cli, context: AppContext,
                                                  tmp_path: Path) -> None:
    build_acme(context)
    args = ("report", "qbr", "Acme", "--as-of", AS_OF.isoformat(), "-o")

    assert run_cli(*args, str(tmp_path / "a.pdf")).code == 0
    assert run_cli(*args, str(tmp_path / "b.pdf")).code == 0

    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()


def test_bad_requests_are_refused_plainly(run_cli, context: AppContext, tmp_path: Path) -> None:
    add_account(context, "Acme")

    unknown = run_cli("report", "qbr", "Nobody", "-o", str(tmp_path / "x.pdf"))
    both = run_cli("report", "qbr", "Acme", "--all", "-o", str(tmp_path))
    neither = run_cli("report", "qbr", "-o", str(tmp_path))
    no_folder = run_cli("report", "qbr", "Acme", "-o", str(tmp_path / "missing" / "x.pdf"))
    bad_period = run_cli("report", "qbr", "Acme", "-o", str(tmp_path / "x.pdf"),
                         "--period", "spring")

    assert unknown.code == 1 and "no account matches 'Nobody'" in unknown.err
    assert both.code == 1 and "either one ACCOUNT or one of --all" in both.err
    assert neither.code == 1
    assert no_folder.code == 1 and "does not exist" in no_folder.err
    assert bad_period.code == 1 and "'spring' is not a period" in bad_period.err
    assert not list(tmp_path.rglob("*.pdf")) and not list(tmp_path.rglob("*.part"))


def test_a_book_of_reviews_reports_one_failure_and_writes_the_rest(
    run_cli, context: AppContext, tmp_path: Path
) -> None:
    good = [add_account(context, name) for name in ("Alpha Oy", "Beta 株式会社")]
    broken = add_account(context, "Gamma Ltd")
    with context.write() as session:
        # A second currency with no exchange rate: this account's ARR cannot be totalled.
        session.add(Contract(account_id=broken, start_date=date(2025, 1, 1),
                             amount_minor=500_000, currency="EUR", amount_period="year"))

    result = run_cli("report", "qbr", "--all", "-o", str(tmp_path / "out"), "--workers", "2",
                     "--as-of", AS_OF.isoformat())

    assert result.code == 1
    assert "wrote 2 of 3 business reviews (2026Q3, customer edition)" in result.out
    assert f"failed: {broken} Gamma Ltd: no exchange rate from EUR to USD" in result.err
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == [f"{good[0]}-alpha-oy-2026Q3.pdf", f"{good[1]}-beta-株式会社-2026Q3.pdf"]
    assert "Beta 株式会社" in text_of(tmp_path / "out" / written[1])


def test_reviews_for_one_owner_or_tier(run_cli, context: AppContext, tmp_path: Path) -> None:
    add_account(context, "Mine One", owner="Sam")
    add_account(context, "Theirs", owner="Kim")

    result = run_cli("report", "qbr", "--owner", "sam", "-o", str(tmp_path), "--workers", "1",
                     "--as-of", AS_OF.isoformat())
    none = run_cli("report", "qbr", "--tier", "3", "-o", str(tmp_path / "t3"))

    assert result.code == 0, result.err
    assert [p.name.split("-", 1)[1] for p in tmp_path.glob("*.pdf")] == ["mine-one-2026Q3.pdf"]
    assert none.code == 0 and "no accounts match" in none.out


def test_renewal_timeline_lists_the_at_risk_renewals(run_cli, context: AppContext,
                                                    tmp_path: Path) -> None:
    build_acme(context)
    risky = add_account(context, "Shaky Systems", owner="Kim")
    with context.write() as session:
        session.add(Opportunity(account_id=risky, kind="renewal", name="Shaky renewal",
                                close_date=date(2027, 1, 1), amount_minor=1_200_000,
                                currency="USD", forecast_category="at_risk"))
    target = tmp_path / "renewals.pdf"

    result = run_cli("report", "renewals", "-o", str(target), "--as-of", AS_OF.isoformat())

    assert result.code == 0, result.err
    text = text_of(target)
    assert "Renewal timeline" in text and "October 2026 to March 2028" in text
    at_risk = text[text.index("At risk ("):text.index("Renewable ARR by month")]
    assert "1 Jan 2027 Shaky Systems Kim $12,000 At risk" in at_risk
    # The month table: both renew in January 2027 (and again a year later, unforecast).
    assert "Jan 2027 2 $120,000 $12,000 - $132,000" in text
    assert "Jan 2028 2 - - $132,000 $132,000" in text
    assert "1 Jan 2027 Acme Analytics Dana Park $120,000 Commit" in text


def test_portfolio_summary_is_one_page_of_key_metrics(run_cli, context: AppContext,
                                                     tmp_path: Path) -> None:
    build_acme(context)
    add_account(context, "Quiet Ltd")
    target = tmp_path / "book.pdf"

    result = run_cli("report", "portfolio", "-o", str(target), "--as-of", AS_OF.isoformat(),
                     "--period", "2026Q3")

    assert result.code == 0, result.err
    assert page_count(target) == 1
    text = text_of(target)
    assert "Portfolio summary" in text and "2026Q3" in text
    # ARR on 30 Sep 2026: 120,000 + 12,000; NPS from Acme's 10, 9 and 3.
    assert "$132,000 ARR at period end" in text
    assert "2 Customers at end" in text
    assert "Net revenue retention (NRR)" in text and "How each figure is computed" in text


def test_reviews_for_accounts_renewing_soon(run_cli, context: AppContext, tmp_path: Path) -> None:
    soon = add_account(context, "Renews Soon")
    add_account(context, "Renews Later")  # its contract renews on 1 Jan 2027, 78 days out
    with context.write() as session:
        contract = session.query(Contract).filter_by(account_id=soon).one()
        contract.start_date = date(2025, 11, 1)  # renews on 1 Nov 2026, 17 days out

    result = run_cli("report", "qbr", "--renewing-within", "30", "-o", str(tmp_path),
                     "--workers", "1", "--as-of", AS_OF.isoformat())

    assert result.code == 0, result.err
    assert [p.name for p in tmp_path.glob("*.pdf")] == [f"{soon}-renews-soon-2026Q3.pdf"]


def test_a_failed_build_leaves_the_previous_file_untouched(run_cli, context: AppContext,
                                                           tmp_path: Path) -> None:
    from csdesk.services.settings import PRIMARY_COLOUR, set_setting

    add_account(context, "Acme")
    target = tmp_path / "acme.pdf"
    target.write_bytes(b"last quarter's review")
    with context.write() as session:
        set_setting(session, PRIMARY_COLOUR.key, "not a colour")

    result = run_cli("report", "qbr", "Acme", "-o", str(target))

    assert result.code == 1 and "branding.primary_colour" in result.err
    assert target.read_bytes() == b"last quarter's review"
    assert [p.name for p in tmp_path.glob("*acme.pdf*")] == ["acme.pdf"]
