"""Each kind of import, from Salesforce and HubSpot report exports (no mapping file needed)
and from mapped files: what is stored, what re-importing changes, what the report says."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import func, select

from csdesk.models import (
    Account,
    Activity,
    ChangeLogEntry,
    ChurnEvent,
    Contact,
    Contract,
    ExternalRef,
    ImportRun,
    Opportunity,
    SupportCase,
    SurveyResponse,
)
from csdesk.services.context import AppContext


def _csv(tmp_path: Path, text: str, name: str = "data.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _import(run_cli, kind: str, path: Path, *args: str) -> dict:
    result = run_cli("import", kind, str(path), "--json", *args)
    assert result.code == 0, result.err
    return result.json()


def _anomaly(report: dict, code: str) -> dict:
    found = [a for a in report["anomalies"] if a["code"] == code]
    assert found, f"no anomaly {code} in {report['anomalies']}"
    return found[0]


SF_ACCOUNTS = (
    '"Account Name","Account ID","Account Owner","Billing Country","Industry",'
    '"Annual Revenue"\n'
    '"Acme Corp","001A","Dana Scully","United States","Retail","$1,000,000"\n'
    '"Bolt GmbH","001B","Fox Mulder","Germany","Energy",""\n'
)


def _salesforce_accounts(run_cli, tmp_path: Path) -> dict:
    return _import(run_cli, "accounts", _csv(tmp_path, SF_ACCOUNTS, "accounts.csv"))


def test_salesforce_accounts_without_mapping(run_cli, context: AppContext, tmp_path) -> None:
    report = _salesforce_accounts(run_cli, tmp_path)
    assert report["source"] == "salesforce"
    assert (report["created"], report["updated"], report["unchanged"]) == (2, 0, 0)
    assert report["columns"] == {"external_id": "Account ID", "name": "Account Name",
                                 "owner": "Account Owner", "industry": "Industry",
                                 "country": "Billing Country"}
    assert report["ignored_columns"] == ["Annual Revenue"]
    with context.read() as session:
        rows = session.execute(select(Account.name, Account.owner, Account.country,
                                      Account.industry).order_by(Account.name)).all()
        refs = session.execute(select(ExternalRef.source, ExternalRef.external_id)
                               .order_by(ExternalRef.external_id)).all()
    assert rows == [("Acme Corp", "Dana Scully", "US", "Retail"),
                    ("Bolt GmbH", "Fox Mulder", "DE", "Energy")]
    assert refs == [("salesforce", "001A"), ("salesforce", "001B")]


def test_reimport_changes_nothing_and_an_edit_is_one_logged_update(run_cli, context,
                                                                    tmp_path) -> None:
    _salesforce_accounts(run_cli, tmp_path)
    with context.read() as session:
        seq = session.scalar(select(func.max(ChangeLogEntry.seq)))

    again = _salesforce_accounts(run_cli, tmp_path)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)
    with context.read() as session:
        assert session.scalar(select(func.max(ChangeLogEntry.seq))) == seq

    edited = _csv(tmp_path, SF_ACCOUNTS.replace("Fox Mulder", "Walter Skinner"), "edit.csv")
    report = _import(run_cli, "accounts", edited)
    assert (report["created"], report["updated"], report["unchanged"]) == (0, 1, 1)
    with context.read() as session:
        entries = session.scalars(select(ChangeLogEntry).where(ChangeLogEntry.seq > seq)).all()
        runs = session.scalar(select(func.count()).select_from(ImportRun))
    assert [(e.entity, e.op, e.field, e.old_value, e.new_value, e.origin, e.context)
            for e in entries] == [("account", "update", "owner", '"Fox Mulder"',
                                   '"Walter Skinner"', "import", "edit.csv")]
    assert runs == 3


def test_one_info_line_per_import(run_cli, tmp_path, caplog) -> None:
    with caplog.at_level(logging.INFO, logger="csdesk.importers"):
        _salesforce_accounts(run_cli, tmp_path)
    lines = [r.getMessage() for r in caplog.records if r.name.startswith("csdesk.importers")]
    assert len(lines) == 1
    assert lines[0].startswith("imported accounts from accounts.csv: 2 rows, 2 created, "
                               "0 updated, 0 unchanged, 0 anomalies")


def test_dry_run_reports_and_writes_nothing(run_cli, context, tmp_path) -> None:
    result = run_cli("import", "accounts", str(_csv(tmp_path, SF_ACCOUNTS)), "--dry-run")
    assert result.code == 0, result.err
    assert "account: 2 would be created, 0 updated, 0 unchanged" in result.out
    assert "dry run: nothing was written" in result.out
    with context.read() as session:
        assert session.scalar(select(func.count()).select_from(Account)) == 0
        assert session.scalar(select(func.count()).select_from(ImportRun)) == 0


def test_hubspot_companies_then_contacts_by_company_name(run_cli, context, tmp_path) -> None:
    companies = _csv(tmp_path, "Record ID,Company name,Company owner,Country/Region,Industry\n"
                               "9001,Nordwind AS,Kari,Norway,Shipping\n", "companies.csv")
    assert _import(run_cli, "companies", companies)["source"] == "hubspot"
    contacts = _csv(tmp_path, (
        "Record ID,First Name,Last Name,Email,Job Title,Associated Company\n"
        "51,Ola,Nordmann,ola@nordwind.test,CFO,Nordwind AS\n"
        "52,Kari,,kari@nordwind.test,,nordwind as\n"), "contacts.csv")
    report = _import(run_cli, "contacts", contacts)
    assert (report["source"], report["created"]) == ("hubspot", 2)
    with context.read() as session:
        rows = session.execute(select(Contact.first_name, Contact.last_name, Contact.email,
                                      Contact.title, Account.name)
                               .join(Account).order_by(Contact.email)).all()
    assert rows == [("Kari", None, "kari@nordwind.test", None, "Nordwind AS"),
                    ("Ola", "Nordmann", "ola@nordwind.test", "CFO", "Nordwind AS")]


def test_salesforce_contacts_split_the_full_name(run_cli, context, tmp_path) -> None:
    _salesforce_accounts(run_cli, tmp_path)
    path = _csv(tmp_path, '"Contact: Full Name","Contact ID","Email","Account ID","Roles"\n'
                          '"Jane Q. Public","003X","jane@acme.test","001A","Champion; Buyer"\n'
                          '"Doe, John","003Y","john@acme.test","001A",""\n')
    assert _import(run_cli, "contacts", path)["created"] == 2
    with context.read() as session:
        rows = session.execute(select(Contact.first_name, Contact.last_name, Contact.roles)
                               .order_by(Contact.email)).all()
    assert rows == [("Jane Q.", "Public", "champion,decision_maker"), ("John", "Doe", "")]


def test_contracts_keep_exact_amounts_and_their_period(run_cli, context, tmp_path) -> None:
    _salesforce_accounts(run_cli, tmp_path)
    path = _csv(tmp_path, (
        "Contract ID;Account ID;Start Date;End Date;Amount;Currency;Billing Frequency\n"
        "800A;001A;2026-01-01;2027-01-01;$12,000.50;;monthly\n"
        "800B;001B;2026-02-01;;1.234,56 €;EUR;annual\n"
        "800C;001B;2026-03-01;;(100.00);;\n"))
    mapping = tmp_path / "m.toml"
    mapping.write_text('[constants]\namount_period = "year"\n[defaults]\ncurrency = "CHF"\n')
    result = run_cli("import", "contracts", str(path), "--mapping", str(mapping))
    assert result.code == 1
    assert f"{path}:4: column Amount: is negative" in result.err

    path.write_text(path.read_text().replace("(100.00)", "100"))
    report = _import(run_cli, "contracts", path, "--mapping", str(mapping))
    assert report["created"] == 3
    with context.read() as session:
        rows = session.execute(select(Contract.amount_minor, Contract.currency,
                                      Contract.amount_period, Contract.billing_frequency)
                               .order_by(Contract.start_date)).all()
    assert rows == [(1200050, "USD", "year", "monthly"), (123456, "EUR", "year", "annual"),
                    (10000, "CHF", "year", "annual")]
    detail = run_cli("account", "001A", "--json", "--as-of", "2026-06-01").json()
    assert detail["arr"] == {"amount": "12000.50", "currency": "USD"}


def test_contract_anomalies(run_cli, context, tmp_path) -> None:
    accounts = _csv(tmp_path, "Account ID,Account Name,Customer Since,Churned\n"
                              "A,Alpha,2025-06-01,yes\nB,Beta,2024-01-01,no\n", "a.csv")
    _import(run_cli, "accounts", accounts)
    contracts = _csv(tmp_path, (
        "Contract ID,Account ID,Start Date,End Date,Amount\n"
        "1,A,2025-01-01,2026-01-01,10\n"      # before Alpha was a customer
        "2,A,2025-07-01,,10\n"                # overlaps 1, open-ended on a churned account
        "3,B,2024-01-01,2025-01-01,10\n"
        "4,B,2025-01-01,,10\n"), "c.csv")    # B's contracts touch but do not overlap
    report = _import(run_cli, "contracts", contracts)
    assert _anomaly(report, "before_customer_since")["examples"] == [
        "line 2: 2025-01-01 for 'Alpha', a customer since 2025-06-01"]
    overlap = _anomaly(report, "overlapping_contracts")
    assert overlap["count"] == 1
    assert overlap["examples"] == ["line 2: 'Alpha': 2 of 2 contracts overlap another"]
    assert _anomaly(report, "churned_with_live_contracts")["examples"] == ["line 2: Alpha"]


def test_subscriptions_is_an_alias_and_end_dates_can_be_inclusive(run_cli, context,
                                                                   tmp_path) -> None:
    _salesforce_accounts(run_cli, tmp_path)
    path = _csv(tmp_path, "id,account,start,end,mrr\nS1,001A,2026-01-01,2026-01-01,5\n")
    mapping = tmp_path / "m.json"
    mapping.write_text('{"columns": {"external_id": "id", "account": "account", '
                       '"start_date": "start", "end_date": "end", "amount": "mrr"}, '
                       '"source": "salesforce", "constants": {"amount_period": "month"}}')
    result = run_cli("import", "subscriptions", str(path), "--mapping", str(mapping))
    assert result.code == 1
    assert "the contract ends (2026-01-01) before it starts (2026-01-01)" in result.err

    mapping.write_text(mapping.read_text()[:-1] + ', "options": {"end_date_inclusive": true}}')
    assert _import(run_cli, "subscriptions", path, "--mapping", str(mapping))["created"] == 1
    with context.read() as session:
        assert session.execute(select(Contract.start_date, Contract.end_date)).one() == (
            date(2026, 1, 1), date(2026, 1, 2))


def test_salesforce_opportunities(run_cli, context, tmp_path) -> None:
    _salesforce_accounts(run_cli, tmp_path)
    path = _csv(tmp_path, (
        "Opportunity Name,Opportunity ID,Account ID,Type,Stage,Forecast Category,Close Date,"
        "Amount\n"
        "Acme renewal 2026,006A,001A,Renewal,Negotiation,Commit,3/31/2026,\"$50,000.00\"\n"
        "Bolt upsell,006B,001B,Existing Customer - Upgrade,Closed Won,Closed,2/15/2026,9000\n"))
    report = _import(run_cli, "deals", path)
    assert report["date_order"] == "mdy"
    with context.read() as session:
        rows = session.execute(select(
            Opportunity.name, Opportunity.kind, Opportunity.forecast_category,
            Opportunity.crm_forecast_value, Opportunity.close_date, Opportunity.amount_minor,
            Opportunity.is_closed, Opportunity.is_won).order_by(Opportunity.name)).all()
    assert rows == [
        ("Acme renewal 2026", "renewal", "commit", "Commit", date(2026, 3, 31), 5000000, False,
         False),
        ("Bolt upsell", "expansion", "closed_won", "Closed", date(2026, 2, 15), 900000, True, True),
    ]


def test_hubspot_tickets_with_satisfaction(run_cli, context, tmp_path) -> None:
    _import(run_cli, "accounts", _csv(tmp_path, "Record ID,Company name\n77,Kite Ltd\n", "a.csv"))
    path = _csv(tmp_path, (
        "Ticket ID,Ticket name,Priority,Create date,Close date,Associated Company IDs,CSAT\n"
        "T1,Login fails,HIGH,2026-01-05 09:30,2026-01-06 10:00,77,4\n"
        "T2,Export slow,Medium,2026-01-07 08:00,,77,\n"
        "T3,Invoice wrong,Critical,2026-01-08 08:00,2026-01-08 12:00,77,2.0\n"))
    report = _import(run_cli, "tickets", path)
    assert report["tables"] == {"support_case": {"created": 3, "updated": 0, "unchanged": 0},
                                "survey_response": {"created": 2, "updated": 0,
                                                    "unchanged": 0}}
    assert _anomaly(report, "empty_satisfaction")["count"] == 1
    with context.read() as session:
        cases = session.execute(select(SupportCase.subject, SupportCase.priority,
                                       SupportCase.opened_at, SupportCase.closed_at)
                                .order_by(SupportCase.opened_at)).all()
        answers = session.execute(select(SupportCase.subject, SurveyResponse.kind,
                                         SurveyResponse.topic, SurveyResponse.score,
                                         SurveyResponse.scale_min, SurveyResponse.scale_max,
                                         SurveyResponse.answered_on)
                                  .join(SupportCase, SurveyResponse.case_id == SupportCase.id)
                                  .order_by(SupportCase.subject)).all()
    assert cases == [
        ("Login fails", "high", datetime(2026, 1, 5, 9, 30, tzinfo=UTC),
         datetime(2026, 1, 6, 10, 0, tzinfo=UTC)),
        ("Export slow", "normal", datetime(2026, 1, 7, 8, 0, tzinfo=UTC), None),
        ("Invoice wrong", "urgent", datetime(2026, 1, 8, 8, 0, tzinfo=UTC),
         datetime(2026, 1, 8, 12, 0, tzinfo=UTC)),
    ]
    assert answers == [("Invoice wrong", "csat", "support", 2, 1, 5, date(2026, 1, 8)),
                       ("Login fails", "csat", "support", 4, 1, 5, date(2026, 1, 6))]

    again = _import(run_cli, "tickets", path)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 5)


def test_salesforce_cases_closed_without_a_time(run_cli, context, tmp_path) -> None:
    _salesforce_accounts(run_cli, tmp_path)
    path = _csv(tmp_path, ('"Case Number","Account ID","Subject","Priority",'
                           '"Date/Time Opened","Closed"\n'
                           '"00001026","001A","Broken","High","31/01/2026 14:05","1"\n'
                           '"00001027","001A","Question","Low","01/02/2026 09:00","0"\n'))
    report = _import(run_cli, "cases", path, "--date-order", "dmy")
    assert _anomaly(report, "closed_without_time")["count"] == 1
    with context.read() as session:
        rows = session.execute(select(SupportCase.subject, SupportCase.opened_at,
                                      SupportCase.closed_at).order_by(SupportCase.id)).all()
    opened = datetime(2026, 1, 31, 14, 5, tzinfo=UTC)
    assert rows == [("Broken", opened, opened),
                    ("Question", datetime(2026, 2, 1, 9, 0, tzinfo=UTC), None)]


def test_surveys_nps_and_csat(run_cli, context, tmp_path) -> None:
    _salesforce_accounts(run_cli, tmp_path)
    _import(run_cli, "contacts", _csv(tmp_path, "Account ID,Email,Last Name\n"
                                                "001A,eva@acme.test,Lind\n", "c.csv"))
    nps = _csv(tmp_path, ("Account ID,Email,Date,NPS,Comment\n"
                          "001A,eva@acme.test,2026-01-10,9,Great\n"
                          "001A,ghost@acme.test,2026-01-11,3,\n"
                          "001B,,2026-01-12,,\n"), "nps.csv")
    report = _import(run_cli, "surveys", nps)
    assert report["created"] == 2
    assert _anomaly(report, "empty_scores")["examples"] == ["line 4"]
    assert _anomaly(report, "unknown_contact")["examples"] == ["line 3: ghost@acme.test"]

    bad = _csv(tmp_path, "Account ID,Date,NPS\n001A,2026-01-10,11\n", "bad.csv")
    result = run_cli("import", "surveys", str(bad))
    assert result.code == 1
    assert (f"{bad}:2: column NPS: 11 is outside the NPS scale 0-10 (give the scale in Scale "
            "Min/Scale Max columns or [options] scale)") in result.err

    csat = _csv(tmp_path, "Account ID,Survey Type,Score,Submitted\n001B,CSAT,3,2026-02-01\n",
                "csat.csv")
    _import(run_cli, "surveys", csat)
    with context.read() as session:
        rows = session.execute(select(SurveyResponse.kind, SurveyResponse.topic,
                                      SurveyResponse.score, SurveyResponse.scale_max,
                                      Contact.email)
                               .outerjoin(Contact).order_by(SurveyResponse.answered_on)).all()
    assert rows == [("nps", None, 9, 10, "eva@acme.test"), ("nps", None, 3, 10, None),
                    ("csat", "relationship", 3, 5, None)]


def test_activities(run_cli, context, tmp_path) -> None:
    _salesforce_accounts(run_cli, tmp_path)
    path = _csv(tmp_path, ("Subject,Activity Type,Date,Account ID,Assigned,Comments\n"
                           "Kick-off,Meeting,Jan 5 2026,001A,Dana,Agenda agreed\n"
                           "Check-in,Call,\"Feb 3, 2026\",001A,Dana,\n"
                           "QBR,Business Review,2026-03-01,001B,Fox,\n"))
    assert _import(run_cli, "activities", path)["created"] == 3
    assert _import(run_cli, "activities", path)["unchanged"] == 3
    with context.read() as session:
        rows = session.execute(select(Activity.kind, Activity.occurred_on, Activity.summary,
                                      Activity.body).order_by(Activity.occurred_on)).all()
    assert rows == [("meeting", date(2026, 1, 5), "Kick-off", "Agenda agreed"),
                    ("call", date(2026, 2, 3), "Check-in", None),
                    ("business_review", date(2026, 3, 1), "QBR", None)]


def test_churn_reasons_follow_the_taxonomy(run_cli, context, tmp_path) -> None:
    _salesforce_accounts(run_cli, tmp_path)
    path = _csv(tmp_path, ("Account ID,Churn Date,Churn Reason,Lost ARR,Feedback\n"
                           "001A,2026-01-31,Budget,\"€12,000\",Cut costs\n"
                           "001B,2026-02-28,went dark,0,\n"))
    result = run_cli("import", "churn", str(path))
    assert result.code == 1
    assert (f"{path}:3: column Churn Reason: 'went dark' is not a known churn reason; allowed: "
            "acquired_or_merged, budget, business_closed, champion_left, competitor, other, "
            "poor_adoption, pricing, product_fit, support_experience (or map it under "
            "[values.reason] in a mapping file)") in result.err

    mapping = tmp_path / "churn.toml"
    mapping.write_text('[values.reason]\n"went dark" = "other"\n')
    report = _import(run_cli, "churn", path, "--mapping", str(mapping))
    assert report["created"] == 2
    with context.read() as session:
        rows = session.execute(select(ChurnEvent.reason, ChurnEvent.lost_arr_minor,
                                      ChurnEvent.currency, ChurnEvent.feedback)
                               .order_by(ChurnEvent.churned_on)).all()
    assert rows == [("budget", 1200000, "EUR", "Cut costs"), ("other", 0, "USD", None)]


def test_duplicate_keys_in_one_file(run_cli, context, tmp_path) -> None:
    path = _csv(tmp_path, ("Account ID,Account Name,Industry\n"
                           "1,Acme,Retail\n1,Acme,Retail\n2,Bolt,Energy\n2,Bolt,Mining\n"))
    report = _import(run_cli, "accounts", path, "--source", "crm")
    assert report["created"] == 2
    assert _anomaly(report, "repeated_rows")["examples"] == ["line 3: same as line 2"]
    assert _anomaly(report, "duplicate_key")["examples"] == [
        "line 5: id '2' also on line 4; differs in industry"]
    with context.read() as session:
        assert session.scalar(select(Account.industry).where(Account.name == "Bolt")) == "Mining"


def test_mapping_file_mistakes_are_all_reported(run_cli, tmp_path) -> None:
    path = _csv(tmp_path, "Name\nAcme\n")
    mapping = tmp_path / "m.toml"
    mapping.write_text('kind = "contacts"\nsorce = "x"\n[columns]\nname = "Name"\n'
                       'colour = "Colour"\n[options]\ndate_order = "ydm"\n')
    result = run_cli("import", "accounts", str(path), "--mapping", str(mapping))
    assert result.code == 1
    assert result.err.splitlines()[:4] == [
        f"{mapping}: unknown section 'sorce' (known: kind, source, key, columns, constants, "
        "defaults, values, booleans, options)",
        f"{mapping}: this mapping is for 'contacts' but the import is for 'accounts'",
        f"{mapping}: [columns] colour: accounts have no field 'colour' (fields: external_id, "
        "name, owner, segment, industry, country, licensed_seats, customer_since, website, "
        "strategic, churned)",
        f"{mapping}: [options] date_order must be one of dmy, mdy, ymd",
    ]

    mapping.write_text('[columns]\nname = "Company"\n')
    result = run_cli("import", "accounts", str(path), "--mapping", str(mapping))
    assert result.code == 1
    assert (f"{path}:1: column Company: the mapping file {mapping} names this column for name, "
            "but the file has no such column (its columns: Name)") in result.err

    mapping.write_text("[columns\n")
    result = run_cli("import", "accounts", str(path), "--mapping", str(mapping))
    assert result.code == 1 and f"{mapping}: not valid TOML" in result.err


def test_hubspot_deals(run_cli, context, tmp_path) -> None:
    _import(run_cli, "companies", _csv(tmp_path, "Record ID,Company name\n77,Kite Ltd\n", "a.csv"))
    path = _csv(tmp_path, ("Record ID,Deal Name,Deal Stage,Close Date,Amount,Associated Company,"
                           "Deal Type\n"
                           "901,Kite renewal,Contract sent,2026-06-30,\"24,000\",Kite Ltd,\n"
                           "902,Kite add-on,Closed won,2026-01-15,1200.5,Kite Ltd,"
                           "existingbusiness\n"
                           "903,Kite pilot,Closed lost,2025-11-01,,Kite Ltd,newbusiness\n"))
    report = _import(run_cli, "deals", path)
    assert (report["source"], report["created"]) == ("hubspot", 3)
    with context.read() as session:
        rows = session.execute(select(Opportunity.name, Opportunity.kind, Opportunity.stage,
                                      Opportunity.amount_minor, Opportunity.currency,
                                      Opportunity.is_closed, Opportunity.is_won)
                               .order_by(Opportunity.close_date)).all()
    assert rows == [("Kite pilot", "new", "Closed lost", None, None, True, False),
                    ("Kite add-on", "expansion", "Closed won", 120050, "USD", True, True),
                    ("Kite renewal", "renewal", "Contract sent", 2400000, "USD", False, False)]
