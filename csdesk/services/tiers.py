"""Tiers: evaluate the rules, keep the manual overrides, and record every change of tier.

An account's stored ``tier`` is what the rules gave when they were last applied; its
``tier_override`` (with a reason) wins over it. A :class:`~csdesk.models.TierChange` row is
written whenever the tier an account effectively has changes, by rule or by override.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from csdesk.errors import ValidationError
from csdesk.models import Account, TierChange
from csdesk.money import Money, RateTable
from csdesk.revenue import ContractTerms, arr_in_reporting
from csdesk.services.accounts import find_account, load_contract_terms
from csdesk.services.settings import declare, get_setting, set_setting
from csdesk.tiers.assign import TierDecision, TierFacts, TierSpan, decide_tier, tier_timeline
from csdesk.tiers.rules import DEFAULT_TIER_RULES, TierRules, parse_tier_rules
from csdesk.vocabulary import TIER_LABELS, TIERS

logger = logging.getLogger(__name__)

TIER_RULES = declare(
    "tiers.rules",
    DEFAULT_TIER_RULES,
    "Tier rules: conditions on ARR (reporting currency), strategic flag and segment; "
    "the first rule that holds gives the tier",
)


def load_tier_rules(session: Session) -> TierRules:
    """The tier rules in force: the stored document, else the defaults."""
    return parse_tier_rules(get_setting(session, TIER_RULES.key))


def save_tier_rules(session: Session, document: Any) -> TierRules:
    """Check and store new tier rules (inside a unit of work); nothing is stored if invalid."""
    rules = parse_tier_rules(document)
    set_setting(session, TIER_RULES.key, document)
    logger.info("tier rules replaced: %d rules, otherwise tier %d", len(rules.rules),
                rules.otherwise)
    return rules


def _facts(account: Account, terms: list[ContractTerms], as_of: date,
           rates: RateTable) -> TierFacts:
    try:
        arr = arr_in_reporting(terms, as_of, rates)
    except ValidationError as exc:
        raise ValidationError(f"account {account.id} {account.name}: {exc}") from None
    return TierFacts(
        account_id=account.id,
        arr=arr,
        strategic=bool(account.strategic),
        segment=account.segment,
        override=account.tier_override,
        override_reason=account.tier_override_reason,
    )


@dataclass(frozen=True)
class TierRow:
    """One account in the tier list: the tier it has, the rules' tier, and why."""

    account_id: int
    name: str
    owner: str | None
    arr: Money
    strategic: bool
    stored_tier: int | None
    decision: TierDecision
    since: date | None

    @property
    def tier(self) -> int:
        return self.decision.tier

    @property
    def pending(self) -> bool:
        """The rules now give another tier than the one stored when they last ran."""
        return self.stored_tier != self.decision.rule.tier

    def to_json(self) -> dict[str, Any]:
        return {
            "account": {"id": str(self.account_id), "name": self.name},
            "owner": self.owner,
            "tier": self.tier,
            "label": TIER_LABELS[self.tier],
            "source": self.decision.source,
            "reason": self.decision.reason,
            "rule_tier": self.decision.rule.tier,
            "rule_reason": self.decision.rule.reason,
            "stored_tier": self.stored_tier,
            "override": None if self.decision.source != "override" else {
                "tier": self.tier,
                "reason": self.decision.reason.removeprefix("set by hand: "),
            },
            "arr": self.arr.to_json(),
            "strategic": self.strategic,
            "since": self.since.isoformat() if self.since else None,
            "pending": self.pending,
        }


def _accounts(session: Session, owner: str | None = None) -> list[Account]:
    stmt = select(Account).order_by(Account.name, Account.id)
    if owner:
        stmt = stmt.where(func.lower(Account.owner) == owner.lower())
    return list(session.scalars(stmt))


def _last_changes(session: Session) -> dict[int, date]:
    stmt = select(TierChange.account_id, func.max(TierChange.changed_on)).group_by(
        TierChange.account_id
    )
    return {account_id: day for account_id, day in session.execute(stmt)}


def tier_overview(
    session: Session, as_of: date, rates: RateTable, owner: str | None = None
) -> list[TierRow]:
    """Every account (or one owner's) with its tier, the rules' verdict and any override."""
    rules = load_tier_rules(session)
    terms = load_contract_terms(session)
    since = _last_changes(session)
    rows = []
    for account in _accounts(session, owner):
        facts = _facts(account, terms.get(account.id, []), as_of, rates)
        rows.append(TierRow(account.id, account.name, account.owner, facts.arr,
                            facts.strategic, account.tier, decide_tier(facts, rules),
                            since.get(account.id)))
    return rows


@dataclass(frozen=True)
class TierMove:
    """One change of an account's effective tier."""

    account_id: int
    name: str
    old_tier: int | None
    new_tier: int
    source: str
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {
            "account": {"id": str(self.account_id), "name": self.name},
            "old_tier": self.old_tier,
            "new_tier": self.new_tier,
            "source": self.source,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class TierApplyResult:
    as_of: date
    moves: tuple[TierMove, ...]
    unchanged: int

    def to_json(self) -> dict[str, Any]:
        return {"as_of": self.as_of.isoformat(), "unchanged": self.unchanged,
                "changes": [m.to_json() for m in self.moves]}


def _record(session: Session, account: Account, old: int | None, new: int, source: str,
            reason: str, as_of: date) -> TierMove:
    session.add(TierChange(account_id=account.id, changed_on=as_of, old_tier=old, new_tier=new,
                           source=source, reason=reason))
    return TierMove(account.id, account.name, old, new, source, reason)


def apply_tiers(session: Session, as_of: date, rates: RateTable) -> TierApplyResult:
    """Re-evaluate the rules for every account and store the result (in a unit of work).

    Overrides stay; an account whose effective tier changes gets a tier-change row.
    """
    rules = load_tier_rules(session)
    terms = load_contract_terms(session)
    moves = []
    unchanged = 0
    for account in _accounts(session):
        decision = decide_tier(_facts(account, terms.get(account.id, []), as_of, rates), rules)
        before = account.tier_override or account.tier
        if account.tier != decision.rule.tier:
            account.tier = decision.rule.tier
        if decision.tier != before:
            moves.append(_record(session, account, before, decision.tier, "rule",
                                 decision.rule.reason, as_of))
        else:
            unchanged += 1
    logger.info("tiers applied as of %s: %d changed, %d unchanged", as_of, len(moves), unchanged)
    return TierApplyResult(as_of, tuple(moves), unchanged)


def set_tier_override(
    session: Session, key: str, tier: int, reason: str, as_of: date
) -> TierMove | None:
    """Give an account a tier by hand, with a reason; it wins over the rules until cleared.

    Returns the change of effective tier, or None when the account already had that tier.
    """
    if tier not in TIERS:
        raise ValidationError(f"tier {tier} does not exist; use 1, 2 or 3")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("say why the tier is set by hand (--reason \"...\")")
    account = find_account(session, key)
    before = account.tier_override or account.tier
    account.tier_override = tier
    account.tier_override_reason = reason
    logger.info("tier of account %s set by hand to %d", account.id, tier)
    if before == tier:
        return None
    return _record(session, account, before, tier, "override", reason, as_of)


def clear_tier_override(
    session: Session, key: str, as_of: date, rates: RateTable
) -> tuple[Account, TierMove | None]:
    """Drop an account's manual tier; the rules (evaluated as of ``as_of``) decide again."""
    account = find_account(session, key)
    if account.tier_override is None:
        raise ValidationError(f"{account.name} has no tier set by hand; its tier comes from "
                              "the rules")
    terms = load_contract_terms(session).get(account.id, [])
    before = account.tier_override
    account.tier_override = None
    account.tier_override_reason = None
    decision = decide_tier(_facts(account, terms, as_of, rates), load_tier_rules(session))
    account.tier = decision.tier
    logger.info("tier override of account %s cleared", account.id)
    if decision.tier == before:
        return account, None
    reason = f"override cleared; {decision.reason}"
    return account, _record(session, account, before, decision.tier, "rule", reason, as_of)


@dataclass(frozen=True)
class TierHistoryEntry:
    changed_on: date
    old_tier: int | None
    new_tier: int
    source: str
    reason: str | None

    def to_json(self) -> dict[str, Any]:
        return {"changed_on": self.changed_on.isoformat(), "old_tier": self.old_tier,
                "new_tier": self.new_tier, "source": self.source, "reason": self.reason}


def tier_history(session: Session, key: str) -> tuple[Account, list[TierHistoryEntry]]:
    """An account's tier changes, oldest first."""
    account = find_account(session, key)
    stmt = (select(TierChange).where(TierChange.account_id == account.id)
            .order_by(TierChange.changed_on, TierChange.id))
    entries = [TierHistoryEntry(c.changed_on, c.old_tier, c.new_tier, c.source, c.reason)
               for c in session.scalars(stmt)]
    return account, entries


def effective_tiers(
    session: Session, as_of: date, rates: RateTable, account_ids: Iterable[int] | None = None
) -> dict[int, int]:
    """Each account's tier: the override, else the stored rule tier, else the rules now.

    The rules are evaluated only for accounts never tiered (for example just imported).
    """
    stmt = select(Account.id, Account.tier_override, Account.tier)
    wanted = None if account_ids is None else set(account_ids)
    tiers: dict[int, int] = {}
    untiered: list[int] = []
    for account_id, override, stored in session.execute(stmt):
        if wanted is not None and account_id not in wanted:
            continue
        if override is not None:
            tiers[account_id] = override
        elif stored is not None:
            tiers[account_id] = stored
        else:
            untiered.append(account_id)
    if untiered:
        tiers.update(_rule_tiers(session, untiered, as_of, rates))
    return tiers


def _rule_tiers(
    session: Session, account_ids: list[int], as_of: date, rates: RateTable
) -> dict[int, int]:
    rules = load_tier_rules(session)
    terms = load_contract_terms(session)
    wanted = set(account_ids)
    return {
        account.id: decide_tier(_facts(account, terms.get(account.id, []), as_of, rates),
                                rules).tier
        for account in session.scalars(select(Account)) if account.id in wanted
    }


def tier_timelines(session: Session, current: dict[int, int]) -> dict[int, list[TierSpan]]:
    """Each account's tiers over time, from its tier changes and its tier now."""
    changes: dict[int, list[tuple[date, int | None, int]]] = defaultdict(list)
    stmt = select(TierChange.account_id, TierChange.changed_on, TierChange.old_tier,
                  TierChange.new_tier).order_by(TierChange.changed_on, TierChange.id)
    for account_id, changed_on, old, new in session.execute(stmt):
        if account_id in current:
            changes[account_id].append((changed_on, old, new))
    return {account_id: tier_timeline(changes.get(account_id, []), tier)
            for account_id, tier in current.items()}
