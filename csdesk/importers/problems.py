"""Problems found in an import file, reported all at once as ``FILE:LINE: column NAME: ...``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from csdesk.errors import ValidationError


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file: where (file, physical line, column) and what."""

    file: str
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        column = f" column {self.column}:" if self.column else ""
        return f"{where}:{column} {self.message}"

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "message": self.message,
        }


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """File-level problems first, then by line, keeping the order found within a line."""
    indexed = list(enumerate(problems))
    indexed.sort(key=lambda pair: (pair[1].line or 0, pair[0]))
    return [problem for _, problem in indexed]


class ImportRejected(ValidationError):
    """The file cannot be imported; nothing was written. ``problems`` lists every reason."""

    def __init__(self, file: str, problems: Iterable[Problem]) -> None:
        self.file = file
        self.problems = sort_problems(problems)
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        first = f": {self.problems[0]}" if self.problems else ""
        super().__init__(f"{file}: {count} {noun}, nothing was imported{first}")


class ProblemList:
    """Collects problems for one file while it is read and checked."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.items: list[Problem] = []

    def add(self, line: int | None, column: str | None, message: str) -> None:
        self.items.append(Problem(self.file, line, column, message))

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise ImportRejected(self.file, self.items)
