"""Reading accounts: the list, one account in detail, and finding one by id or name."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from csdesk.errors import AmbiguousError, NotFoundError, ValidationError
from csdesk.models import (
    Account,
    Contact,
    Contract,
    ExternalRef,
    Opportunity,
    SupportCase,
    SurveyResponse,
    UsageDaily,
)
from csdesk.models.database import LARGEST_ID
from csdesk.money import Money, RateTable
from csdesk.revenue import ContractTerms, arr_on, contract_arr


@dataclass(frozen=True)
class AccountSummary:
    id: int
    name: str
    owner: str | None
    tier: int | None
    segment: str | None
    journey_stage: str | None
    industry: str | None
    country: str | None
    licensed_seats: int | None
    arr: Money
    external_ids: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "name": self.name,
            "owner": self.owner,
            "tier": self.tier,
            "segment": self.segment,
            "journey_stage": self.journey_stage,
            "industry": self.industry,
            "country": self.country,
            "licensed_seats": self.licensed_seats,
            "arr": self.arr.to_json(),
            "external_ids": self.external_ids,
        }


def contract_terms(contract: Contract) -> ContractTerms:
    return ContractTerms(
        start=contract.start_date,
        end=contract.end_date,
        amount=contract.amount,
        amount_period=contract.amount_period,
        term_months=contract.term_months,
        recurring=contract.recurring,
        is_trial=contract.is_trial,
        contract_id=contract.id,
        account_id=contract.account_id,
    )


def load_contract_terms(session: Session) -> dict[int, list[ContractTerms]]:
    """Every contract's terms, grouped by account id."""
    grouped: dict[int, list[ContractTerms]] = defaultdict(list)
    for contract in session.scalars(select(Contract)):
        grouped[contract.account_id].append(contract_terms(contract))
    return grouped


def _external_ids(session: Session, entity: str) -> dict[int, dict[str, str]]:
    grouped: dict[int, dict[str, str]] = defaultdict(dict)
    stmt = select(ExternalRef.entity_id, ExternalRef.source, ExternalRef.external_id).where(
        ExternalRef.entity == entity
    )
    for entity_id, source, external_id in session.execute(stmt):
        grouped[entity_id][source] = external_id
    return grouped


def list_accounts(
    session: Session,
    as_of: date,
    rates: RateTable,
    tier: int | None = None,
    owner: str | None = None,
    search: str | None = None,
) -> list[AccountSummary]:
    stmt = select(Account).order_by(Account.name, Account.id)
    if tier is not None:
        stmt = stmt.where(func.coalesce(Account.tier_override, Account.tier) == tier)
    if owner:
        stmt = stmt.where(func.lower(Account.owner) == owner.lower())
    if search:
        pattern = f"%{search.lower()}%"
        stmt = stmt.where(or_(func.lower(Account.name).like(pattern), Account.name.like(pattern)))

    terms = load_contract_terms(session)
    external = _external_ids(session, "account")
    return [_summary(a, terms.get(a.id, []), external.get(a.id, {}), as_of, rates)
            for a in session.scalars(stmt)]


def _summary(
    account: Account,
    terms: list[ContractTerms],
    external: dict[str, str],
    as_of: date,
    rates: RateTable,
) -> AccountSummary:
    return AccountSummary(
        id=account.id,
        name=account.name,
        owner=account.owner,
        tier=account.tier_override or account.tier,
        segment=account.segment,
        journey_stage=account.stage_override or account.journey_stage,
        industry=account.industry,
        country=account.country,
        licensed_seats=account.licensed_seats,
        arr=arr_on(terms, as_of, rates),
        external_ids=external,
    )


def find_account(session: Session, key: str) -> Account:
    """Find an account by csdesk id, external id, exact name, or a unique part of its name."""
    key = key.strip()
    if not key:
        raise ValidationError("say which account: give its csdesk id, CRM id or name")
    if key.isascii() and key.isdigit() and int(key) <= LARGEST_ID:
        account = session.get(Account, int(key))
        if account is not None:
            return account

    is_account_ref = (ExternalRef.entity == "account") & (ExternalRef.entity_id == Account.id)
    by_ref = session.scalars(
        select(Account).join(ExternalRef, is_account_ref).where(ExternalRef.external_id == key)
    ).all()
    if len(by_ref) == 1:
        return by_ref[0]

    exact = session.scalars(select(Account).where(func.lower(Account.name) == key.lower())).all()
    if len(exact) == 1:
        return exact[0]
    candidates = exact or session.scalars(
        # autoescape: a % or _ in what the user typed is a character, not a wildcard.
        select(Account).where(func.lower(Account.name).contains(key.lower(), autoescape=True))
        .limit(6)
    ).all()
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise NotFoundError(f"no account matches '{key}' (give its id, CRM id or name)")
    names = "; ".join(f"{a.id} {a.name}" for a in candidates[:5])
    raise AmbiguousError(f"'{key}' matches several accounts ({names}); give the id instead")


@dataclass(frozen=True)
class AccountDetail:
    summary: AccountSummary
    contacts: list[dict[str, Any]]
    contracts: list[dict[str, Any]]
    opportunities: list[dict[str, Any]]
    open_cases: int
    usage_days: int
    survey_answers: int

    def to_json(self) -> dict[str, Any]:
        data = self.summary.to_json()
        data.update(
            contacts=self.contacts,
            contracts=self.contracts,
            opportunities=self.opportunities,
            open_cases=self.open_cases,
            usage_days=self.usage_days,
            survey_answers=self.survey_answers,
        )
        return data


def account_detail(session: Session, key: str, as_of: date, rates: RateTable) -> AccountDetail:
    account = find_account(session, key)
    contracts = session.scalars(
        select(Contract).where(Contract.account_id == account.id).order_by(Contract.start_date)
    ).all()
    terms = [contract_terms(c) for c in contracts]
    external = _external_ids(session, "account").get(account.id, {})
    summary = _summary(account, terms, external, as_of, rates)

    contacts = session.scalars(
        select(Contact).where(Contact.account_id == account.id).order_by(Contact.last_name)
    ).all()
    opportunities = session.scalars(
        select(Opportunity).where(Opportunity.account_id == account.id)
    ).all()

    def count(model: Any, *conditions: Any) -> int:
        return int(session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0)

    return AccountDetail(
        summary=summary,
        contacts=[_contact_json(c) for c in contacts],
        contracts=[_contract_json(c, t, as_of) for c, t in zip(contracts, terms, strict=True)],
        opportunities=[_opportunity_json(o) for o in opportunities],
        open_cases=count(
            SupportCase, SupportCase.account_id == account.id, SupportCase.closed_at.is_(None)
        ),
        usage_days=count(UsageDaily, UsageDaily.account_id == account.id),
        survey_answers=count(SurveyResponse, SurveyResponse.account_id == account.id),
    )


def _contact_json(contact: Contact) -> dict[str, Any]:
    return {
        "id": str(contact.id),
        "name": contact.full_name,
        "email": contact.email,
        "title": contact.title,
        "roles": sorted(contact.role_set),
        "left_company": contact.left_company,
    }


def _contract_json(contract: Contract, terms: ContractTerms, as_of: date) -> dict[str, Any]:
    return {
        "id": str(contract.id),
        "name": contract.name,
        "plan": contract.plan,
        "start_date": contract.start_date.isoformat(),
        "end_date": contract.end_date.isoformat() if contract.end_date else None,
        "amount": contract.amount.to_json(),
        "amount_period": contract.amount_period,
        "billing_frequency": contract.billing_frequency,
        "arr": contract_arr(terms).to_json(),
        "active": terms.is_active(as_of),
        "auto_renew": contract.auto_renew,
        "notice_days": contract.notice_days,
    }


def _opportunity_json(opportunity: Opportunity) -> dict[str, Any]:
    amount = opportunity.amount
    return {
        "id": str(opportunity.id),
        "name": opportunity.name,
        "kind": opportunity.kind,
        "stage": opportunity.stage,
        "close_date": opportunity.close_date.isoformat() if opportunity.close_date else None,
        "amount": amount.to_json() if amount else None,
        "forecast_category": opportunity.forecast_category,
    }
