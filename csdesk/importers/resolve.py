"""Finding the account each row belongs to: by its id in the source, or by its name."""

from __future__ import annotations

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
    id_where, name_where = parsed.where("account"), parsed.where("account_name")
    cache: dict[tuple[str, str], int | str] = {}
    result: list[int | None] = []

    for line, external, name in zip(parsed.lines, ids, names, strict=True):
        if external is None and name is None:
            where = id_where if parsed.has("account") else name_where
            problems.add(line, where, "is empty; every row needs its account")
            result.append(None)
            continue
        key = ("id", external) if external is not None else ("name", name)
        found = cache.get(key)
        if found is None:
            found = _find(index, key, source)
            cache[key] = found
        if isinstance(found, str):
            problems.add(line, id_where if key[0] == "id" else name_where, found)
            result.append(None)
        else:
            result.append(found)
    return result


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
