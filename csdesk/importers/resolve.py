"""Finding the account each row belongs to: by its id in the source, or by its name."""

from __future__ import annotations

from typing import Any, cast

from csdesk.importers.convert import Parsed
from csdesk.importers.problems import ProblemList
from csdesk.services.importing import AccountIndex


def resolve_accounts(parsed: Parsed, index: AccountIndex, source: str,
                     problems: ProblemList) -> list[int | None]:
    """The account id of every row (None where it could not be found, with a problem).

    The id column wins over the name column when a row has both.
    """
    ids = parsed.column("account")
    names = parsed.column("account_name")
    # A file keyed one way with no gaps (the usual usage file): one dict lookup per row.
    for how, column, other in (("id", ids, "account_name"), ("name", names, "account")):
        if not parsed.has(other) and None not in column:
            found_once = {value: _find(index, (how, value), source) for value in set(column)}
            if all(isinstance(outcome, int) for outcome in found_once.values()):
                return list(map(cast(dict[Any, int], found_once).__getitem__, column))
    keys = [("id", external) if external is not None else
            ("name", name) if name is not None else None
            for external, name in zip(ids, names, strict=True)]
    # Each distinct key is looked up once; a large usage file names few accounts.
    found = {key: _find(index, key, source) for key in set(keys) if key is not None}
    result: list[int | str | None] = [found.get(key) if key is not None else None
                                      for key in keys]
    if all(isinstance(r, int) for r in result):
        return cast(list[int | None], result)

    id_where, name_where = parsed.where("account"), parsed.where("account_name")
    for position, (line, key, outcome) in enumerate(zip(parsed.lines, keys, result,
                                                        strict=True)):
        if key is None:
            where = id_where if parsed.has("account") else name_where
            problems.add(line, where, "is empty; every row needs its account")
        elif isinstance(outcome, str):
            problems.add(line, id_where if key[0] == "id" else name_where, outcome)
            result[position] = None
    return cast(list[int | None], result)


def _find(index: AccountIndex, key: tuple[str, str], source: str) -> int | str:
    how, value = key
    if how == "id":
        found = index.by_external.get(value)
        if found is None:
            return (f"unknown account '{value}': no account has this id from source "
                    f"'{source}'; import the accounts first (csdesk import accounts FILE "
                    "--source ...) or give the right --source")
        return found
    matches = index.by_name.get(value.strip().casefold(), [])
    if not matches:
        return (f"unknown account '{value}': no account has this name; import the accounts "
                "first or correct the name")
    if len(matches) > 1:
        return (f"{len(matches)} accounts are named '{value}'; give the account's id in a "
                "column instead")
    return matches[0]
