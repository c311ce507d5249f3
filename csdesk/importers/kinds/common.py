"""What every kind's planner shares: the file, the portfolio facts and the common checks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from csdesk.importers.anomalies import Anomalies
from csdesk.importers.convert import Parsed
from csdesk.importers.fields import KindSpec
from csdesk.importers.mapping import Mapping
from csdesk.importers.problems import ProblemList
from csdesk.importers.records import EntityPlan, RowRecord, deduplicate, plan_entity
from csdesk.importers.resolve import resolve_accounts
from csdesk.importers.textfile import CsvTable
from csdesk.money import Money
from csdesk.services.importing import (
    AccountIndex,
    BulkUpsert,
    Pending,
    existing_records,
    external_ids,
    table_of,
)


@dataclass
class Counts:
    """Created, updated and unchanged records of one table."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def to_json(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


@dataclass
class KindOutcome:
    """A kind's planned writes, with counts per table."""

    plans: list[tuple[str, EntityPlan]] = field(default_factory=list)
    bulk: list[BulkUpsert] = field(default_factory=list)
    counts: dict[str, Counts] = field(default_factory=dict)

    def add_plan(self, entity: str, plan: EntityPlan) -> None:
        self.plans.append((entity, plan))
        counts = self.counts.setdefault(entity, Counts())
        counts.created += len(plan.creates)
        counts.updated += sum(1 for m in plan.matched if not m.created and m.changed)
        counts.unchanged += plan.unchanged


@dataclass
class KindContext:
    """Everything a kind's planner reads: the parsed file and what the portfolio holds."""

    file: str
    kind: KindSpec
    table: CsvTable
    parsed: Parsed
    mapping: Mapping
    source: str
    problems: ProblemList
    anomalies: Anomalies
    session: Session
    accounts: AccountIndex
    default_currency: str
    _account_ids: list[int | None] | None = None

    def __len__(self) -> int:
        return len(self.parsed)

    @property
    def key_mode(self) -> str:
        if self.mapping.key:
            return self.mapping.key
        return "external_id" if self.parsed.has("external_id") else "natural"

    @property
    def account_ids(self) -> list[int | None]:
        if self._account_ids is None:
            self._account_ids = resolve_accounts(self.parsed, self.accounts, self.source,
                                                 self.problems)
        return self._account_ids

    def bound(self, *names: str) -> list[tuple[str, list[Any]]]:
        """(field, values) for each of ``names`` that the file gives."""
        return [(n, self.parsed.values[n]) for n in names if n in self.parsed.values]

    def account_label(self, account_id: int | Pending | None) -> str:
        facts = self.accounts.facts.get(account_id) if isinstance(account_id, int) else None
        return f"'{facts.name}'" if facts else "a new account"

    def check_not_before_signup(self, account_id: int | None, day: date | None, line: int,
                                what: str) -> None:
        """Report rows dated before the account became a customer."""
        facts = self.accounts.facts.get(account_id) if account_id is not None else None
        if facts is None or facts.customer_since is None or day is None:
            return
        if day < facts.customer_since:
            self.anomalies.add("before_customer_since",
                               f"{what} dated before the account became a customer",
                               line, f"{day.isoformat()} for {facts.name!r}, a customer since "
                               f"{facts.customer_since.isoformat()}")

    def money(self, index: int, amount_field: str = "amount") -> Money | None:
        """The row's amount with its currency: the currency column, else the amount's own
        symbol or code, else the portfolio's reporting currency."""
        parsed = self.parsed.column(amount_field)[index]
        if parsed is None:
            return None
        amount, marked = parsed
        column = self.parsed.column("currency")[index]
        line = self.parsed.lines[index]
        if column and marked and column != marked:
            self.problems.add(line, self.parsed.where(amount_field),
                              f"the amount is in {marked} but {self.parsed.where('currency')} "
                              f"says {column}")
            return None
        fallback = self.mapping.defaults.get("currency", self.default_currency).upper()
        money = Money(amount, column or marked or fallback)
        if money.rounded().amount != amount:
            self.anomalies.add("amount_rounded", "amounts with more decimals than their "
                               "currency has (rounded half to even)", line,
                               f"{amount} {money.currency} stored as {money.rounded()}")
        return money.rounded()


def drop_null_required(entity: str, values: dict[str, Any]) -> dict[str, Any]:
    """Leave out empty cells for columns that cannot be NULL: the stored value (or the
    default of a new record) stays."""
    table = table_of(entity)
    return {k: v for k, v in values.items() if v is not None or table.c[k].nullable}


def plan_records(ctx: KindContext, entity: str, records: list[RowRecord],
                 natural_key: Sequence[str], create_defaults: dict[str, Any],
                 label: str) -> EntityPlan:
    """Match rows with stored records by id or natural key; plan creates and updates."""
    by_id = ctx.key_mode == "external_id"
    if by_id:
        where = ctx.parsed.where("external_id")
        for record in records:
            if record.external_id is None:
                ctx.problems.add(record.line, where, f"is empty; each {label} needs its id "
                                 "(rows are matched by it on the next import)")
        records = [r for r in records if r.external_id is not None]

    def key_of(record: RowRecord) -> Any:
        if by_id:
            return ("ext", record.external_id)
        return tuple(record.values.get(c) if not isinstance(record.values.get(c), str)
                     else record.values[c].strip().casefold() for c in natural_key)

    unique = deduplicate(records, key_of, ctx.anomalies, label)
    columns = sorted({c for r in unique for c in r.values} | set(natural_key))
    existing = existing_records(ctx.session, entity, columns)
    refs = external_ids(ctx.session, ctx.source, entity) if by_id else {}
    plan = plan_entity(entity, unique, existing, refs, None if by_id else natural_key,
                       create_defaults)
    for record, count in plan.ambiguous:
        ctx.problems.add(record.line, None, (
            f"{count} stored {label}s have the same {', '.join(natural_key)} as this row, so "
            f"it is not clear which to update; add an id column (external_id)"))
    return plan


def money_minor(money: Money | None) -> tuple[int | None, str | None]:
    """Integer minor units and currency of an amount (None, None when absent)."""
    if money is None:
        return None, None
    return money.to_minor(), money.currency


def is_negative(value: Decimal | int | None) -> bool:
    """True for a number below zero (None is not a number)."""
    return value is not None and value < 0
